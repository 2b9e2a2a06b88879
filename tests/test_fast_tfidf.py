"""bot.nlu.fast_tfidf gives the language identifier's fitted pipeline's numbers, faster."""

from __future__ import annotations

import numpy as np

from bot.nlu.fast_tfidf import FastTfidfUnion
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
