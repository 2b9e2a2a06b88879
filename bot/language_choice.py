"""Which language Drom answers in.

The answer language is the language the person chose; else the language detected in their
message when the detector is confident; else the channel's hint (Telegram's `language_code`);
else English. A confident message in another language switches it. After an explicit choice,
switching needs a more confident detection, so that a Romani speaker who mixes in Slovak words
is not switched to Slovak by accident.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.languages import normalise_code
from bot.settings import DEFAULT_LANGUAGE, LANGUAGES

CHOSEN_SWITCH_CONFIDENCE = 0.85


@dataclass(frozen=True)
class Detection:
    language: str | None
    confidence: float


def resolve_language(
    *,
    current: str | None,
    chosen: bool,
    detection: Detection,
    hint: str | None,
    threshold: float,
) -> str:
    """Return the language to answer in (see the module docstring for the order)."""
    needed = max(threshold, CHOSEN_SWITCH_CONFIDENCE) if chosen else threshold
    if detection.language in LANGUAGES and detection.confidence >= needed:
        return detection.language  # type: ignore[return-value]
    if current in LANGUAGES:
        return current  # type: ignore[return-value]
    return normalise_code(hint) or DEFAULT_LANGUAGE
