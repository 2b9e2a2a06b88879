"""The intent classifier's class weights: out_of_scope can weigh more than balanced classes give it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import TunedLogisticRegressionClassifier, geometric_blend, weighted_classes

CONTEXT = ExecutionContext(GraphSchema({}), "test")
VOCABULARY = ["doctor", "register", "dog", "weather", "school", "place"]
TRAINING = [
    ("register with a doctor", "gp.register"), ("doctor register", "gp.register"), ("register doctor", "gp.register"),
    ("school place", "school.apply"), ("place school", "school.apply"),
    ("dog", "out_of_scope"), ("weather", "out_of_scope"), ("doctor dog", "out_of_scope"), ("weather dog", "out_of_scope"),
    ("dog weather", "out_of_scope"), ("weather weather", "out_of_scope"),
]


def _message(text: str, intent: str | None = None) -> Message:
    counts = np.array([[text.split().count(word) for word in VOCABULARY]], dtype=float)
    message = Message(data={"text": text, **({"intent": intent} if intent else {})})
    message.add_features(Features(sp.coo_matrix(counts), "sentence", "text", "words"))
    return message


def _trained(storage: Path, factors: dict[str, float]) -> TunedLogisticRegressionClassifier:
    storage.mkdir()
    config = {**TunedLogisticRegressionClassifier.get_default_config(), "C": 10, "class_weight_factors": factors}
    classifier = TunedLogisticRegressionClassifier.create(
        config, LocalModelStorage(storage), Resource("intent_classifier"), CONTEXT)
    classifier.train(TrainingData([_message(text, intent) for text, intent in TRAINING]))
    return classifier


def _out_of_scope_confidence(classifier: TunedLogisticRegressionClassifier, text: str) -> float:
    parsed = classifier.process([_message(text)])[0]
    return next(r["confidence"] for r in parsed.get("intent_ranking") if r["name"] == "out_of_scope")


def test_weighing_out_of_scope_more_makes_a_near_miss_likelier_out_of_scope(tmp_path: Path) -> None:
    balanced, heavier = _trained(tmp_path / "balanced", {}), _trained(tmp_path / "heavier", {"out_of_scope": 6})
    for near_miss in ("doctor dog", "doctor weather"):
        assert _out_of_scope_confidence(heavier, near_miss) > _out_of_scope_confidence(balanced, near_miss)
    assert heavier.process([_message("register doctor")])[0].get("intent")["name"] == "gp.register"


def test_class_weights_are_balanced_times_the_factor() -> None:
    labels = ["a", "a", "a", "b", "oos", "oos", "oos", "oos", "oos", "oos"]
    weights = weighted_classes(labels, {"oos": 6})
    assert weights["a"] == pytest.approx(10 / (3 * 3)) and weights["b"] == pytest.approx(10 / 3)
    assert weights["oos"] == pytest.approx(6 * 10 / (3 * 6))
    with pytest.raises(ValueError, match="out_of_scop"):
        weighted_classes(labels, {"out_of_scop": 6})



def _with_embedding(message: Message, embedding: list[float]) -> Message:
    message.add_features(Features(np.array([embedding]), "sentence", "text", "embeddings"))
    return message


# Two made-up embedding directions: "medical" and "other". The word "surgery" is never in the
# counts' vocabulary, so only the embedding can tell that it means a doctor.
MEDICAL, OTHER = [1.0, 0.0], [0.0, 1.0]


def _blended(storage: Path, weight: float) -> TunedLogisticRegressionClassifier:
    storage.mkdir()
    config = {**TunedLogisticRegressionClassifier.get_default_config(), "C": 10, "embedding_weight": weight}
    classifier = TunedLogisticRegressionClassifier.create(
        config, LocalModelStorage(storage), Resource("intent_classifier"), CONTEXT)
    examples = [_with_embedding(_message(text, intent), MEDICAL if intent == "gp.register" else OTHER)
                for text, intent in TRAINING]
    classifier.train(TrainingData(examples))
    return classifier


def _confidence(classifier: TunedLogisticRegressionClassifier, text: str, embedding: list[float], intent: str) -> float:
    parsed = classifier.process([_with_embedding(_message(text), embedding)])[0]
    return next(r["confidence"] for r in parsed.get("intent_ranking") if r["name"] == intent)


def test_the_embedding_model_pulls_a_message_with_unknown_words_towards_its_meaning(tmp_path: Path) -> None:
    counts_only, blended = _blended(tmp_path / "counts", 0.0), _blended(tmp_path / "blend", 0.5)
    assert counts_only.embedding_clf is None and blended.embedding_clf is not None
    assert (_confidence(blended, "surgery please", MEDICAL, "gp.register")
            > _confidence(counts_only, "surgery please", MEDICAL, "gp.register") + 0.1)
    assert blended.process([_with_embedding(_message("register doctor"), MEDICAL)])[0].get("intent")["name"] == "gp.register"


def test_the_embedding_model_is_stored_with_the_classifier(tmp_path: Path) -> None:
    blended = _blended(tmp_path / "blend", 0.5)
    loaded = TunedLogisticRegressionClassifier.load(
        blended.config, LocalModelStorage(tmp_path / "blend"), Resource("intent_classifier"), CONTEXT)
    assert loaded.embedding_clf is not None
    assert _confidence(loaded, "surgery please", MEDICAL, "gp.register") == pytest.approx(
        _confidence(blended, "surgery please", MEDICAL, "gp.register"))


def test_an_embedding_weight_of_one_or_more_is_refused() -> None:
    with pytest.raises(ValueError, match="embedding_weight"):
        TunedLogisticRegressionClassifier.validate_config({"embedding_weight": 1.0})


def test_the_geometric_blend_keeps_an_answer_both_models_give_confident() -> None:
    counts = np.array([[0.80, 0.15, 0.05], [0.34, 0.33, 0.33]])
    embedding = np.array([[0.50, 0.10, 0.40], [0.34, 0.33, 0.33]])
    blended = geometric_blend(counts, embedding, 0.5)
    assert np.allclose(blended.sum(axis=1), 1.0)
    assert blended[0, 0] > (counts[0, 0] + embedding[0, 0]) / 2  # the average would flatten it to 0.65
    assert np.allclose(blended[1], counts[1], atol=1e-6)  # two uncertain models stay uncertain
    assert np.allclose(geometric_blend(counts, embedding, 0.0), counts)
