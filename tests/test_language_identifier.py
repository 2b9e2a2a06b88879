"""The language identifier's `class_weight` (config.yml) tilts unclear messages towards a language."""

from __future__ import annotations

from bot.nlu.language_identifier import LanguageIdentifier
from tests.test_nlu_fast_paths import TRAINING


def _romani_probability(config: dict, text: str) -> float:
    identifier = LanguageIdentifier({"C": 50.0, **config}, model_storage=None, resource=None)  # type: ignore[arg-type]
    labels = [language for _, language in TRAINING]
    pipeline = identifier._pipeline_for(labels).fit([text for text, _ in TRAINING], labels)
    return float(pipeline.predict_proba([text])[0][list(pipeline.classes_).index("rom")])


def test_weighting_romani_raises_its_probability_on_a_mixed_message() -> None:
    mixed = "doktor andre skola"
    assert _romani_probability({"class_weight": {"rom": 3}}, mixed) > _romani_probability({}, mixed)


def test_languages_left_out_of_class_weight_count_once() -> None:
    identifier = LanguageIdentifier({"C": 50.0, "class_weight": {"rom": 3}}, model_storage=None, resource=None)  # type: ignore[arg-type]
    classifier = identifier._pipeline_for(["en", "sk", "rom"])[-1]
    assert classifier.class_weight == {"en": 1.0, "sk": 1.0, "rom": 3.0}
