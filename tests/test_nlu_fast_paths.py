"""The NLU's fast paths give the numbers of the scikit-learn and Rasa code they replace."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.fast_tfidf import FastTfidfUnion
from bot.nlu.intent_classifier import TunedLogisticRegressionClassifier
from bot.nlu.language_identifier import build_pipeline

TRAINING = [
    ("ako sa zaregistrujem u doktora", "sk"), ("jak se zaregistruju u doktora", "cs"),
    ("cum ma inregistrez la doctor", "ro"), ("how do I register with a GP", "en"),
    ("sar šaj man registrinav ko doktoris", "rom"), ("potrebujem miesto v škole", "sk"),
    ("potřebuju místo ve škole", "cs"), ("am nevoie de un loc la școală", "ro"),
    ("I need a school place", "en"), ("kampel mange than andre škola", "rom"),
]


def test_the_same_probabilities_as_the_pipeline() -> None:
    pipeline = build_pipeline(50.0).fit([t for t, _ in TRAINING], [lang for _, lang in TRAINING])
    fast = FastTfidfUnion(pipeline)
    messages = ["škola", "doktor pls", "", "🙂🙂", "zzzz qqqq", "Ako sa registrujem u GP?", "x" * 5000]
    assert list(fast.classes_) == list(pipeline.classes_)
    np.testing.assert_allclose(fast.predict_proba(messages), pipeline.predict_proba(messages), rtol=1e-9, atol=1e-12)
    for message in messages:  # one at a time, as Rasa parses
        np.testing.assert_allclose(fast.predict_proba([message]), pipeline.predict_proba([message]), rtol=1e-9, atol=1e-12)


def _message(seed: int) -> Message:
    rng = np.random.default_rng(seed)
    message = Message(data={"text": "x"})
    for origin, width in (("words", 7), ("chars", 11), ("concepts", 3)):
        sentence = sp.coo_matrix(rng.integers(0, 3, size=(1, width)).astype(float))
        message.add_features(Features(sp.coo_matrix(rng.random((2, width))), "sequence", "text", origin))
        message.add_features(Features(sentence, "sentence", "text", origin))
    return message


def test_the_intent_classifiers_feature_rows_are_rasas() -> None:
    classifier = TunedLogisticRegressionClassifier.__new__(TunedLogisticRegressionClassifier)
    for messages in ([_message(1)], [_message(2), _message(3), _message(4)]):
        fast = TunedLogisticRegressionClassifier._create_X(classifier, messages)
        rasa = LogisticRegressionClassifier._create_X(classifier, messages)
        assert fast.shape == rasa.shape
        np.testing.assert_array_equal(fast.toarray(), rasa.toarray())
