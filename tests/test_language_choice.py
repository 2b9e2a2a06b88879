from __future__ import annotations

import pytest

from bot.language_choice import CHOSEN_SWITCH_CONFIDENCE, Detection, resolve_language
from bot.languages import fold, language_named_in, normalise_code

THRESHOLD = 0.6


def resolve(current=None, chosen=False, detected=None, confidence=0.0, hint=None) -> str:  # type: ignore[no-untyped-def]
    return resolve_language(
        current=current,
        chosen=chosen,
        detection=Detection(detected, confidence),
        hint=hint,
        threshold=THRESHOLD,
    )


def test_english_when_nothing_is_known() -> None:
    assert resolve() == "en"


def test_channel_hint_when_detection_is_not_confident() -> None:
    assert resolve(detected="cs", confidence=0.3, hint="sk-SK") == "sk"


def test_a_slovak_czech_tie_answers_in_the_likelier_of_the_two_not_english() -> None:
    tie = Detection.from_parse({"code": "sk", "confidence": 0.46, "ranking": [["sk", 0.46], ["cs", 0.44], ["en", 0.1]]})
    assert resolve_language(current=None, chosen=False, detection=tie, hint=None, threshold=THRESHOLD) == "sk"
    assert resolve_language(current=None, chosen=False, detection=tie, hint="ro", threshold=THRESHOLD) == "ro"
    assert resolve_language(current="rom", chosen=False, detection=tie, hint=None, threshold=THRESHOLD) == "rom"
    unsure = Detection.from_parse({"code": "sk", "confidence": 0.3, "ranking": [["sk", 0.3], ["rom", 0.25], ["cs", 0.2]]})
    assert resolve_language(current=None, chosen=False, detection=unsure, hint=None, threshold=THRESHOLD) == "en"


def test_unknown_hint_falls_back_to_english() -> None:
    assert resolve(hint="de") == "en"


def test_confident_detection_beats_the_hint() -> None:
    assert resolve(detected="ro", confidence=0.9, hint="sk") == "ro"


def test_current_language_kept_when_detection_is_unsure() -> None:
    assert resolve(current="rom", detected="sk", confidence=0.5, hint="en") == "rom"


def test_confident_message_in_another_language_switches() -> None:
    assert resolve(current="sk", detected="cs", confidence=0.8) == "cs"


def test_chosen_language_needs_a_more_confident_detection_to_switch() -> None:
    assert resolve(current="rom", chosen=True, detected="sk", confidence=0.8) == "rom"
    assert resolve(current="rom", chosen=True, detected="sk", confidence=CHOSEN_SWITCH_CONFIDENCE) == "sk"


@pytest.mark.parametrize(
    ("tag", "code"),
    [("sk", "sk"), ("en-GB", "en"), ("cs_CZ", "cs"), ("rom", "rom"), ("rmc", "rom"), ("de", None), ("", None), (None, None)],
)
def test_channel_language_tags_are_normalised(tag: str | None, code: str | None) -> None:
    assert normalise_code(tag) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("po slovensky prosim", "sk"),
        ("Česky prosím", "cs"),
        ("in romana va rog", "ro"),
        ("vakeren romanes", "rom"),
        ("english please", "en"),
        ("nerozumiem", None),
        ("slovensky alebo cesky", None),
    ],
)
def test_language_named_in_a_message(text: str, code: str | None) -> None:
    assert language_named_in(text) == code


def test_fold_strips_diacritics_and_case() -> None:
    assert fold("Čeština ŠKOLA žiadosť Română") == "cestina skola ziadost romana"
