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

from bot.nlu.intent_classifier import TunedLogisticRegressionClassifier, weighted_classes

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

