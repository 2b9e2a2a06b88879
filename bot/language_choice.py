"""Which language Drom answers in.

The answer language is the language the person chose; else the language detected in their
message when the detector is confident; else the channel's hint (Telegram's `language_code`);
else, when the detector is torn between Slovak and Czech (which people often write as the same
string without diacritics, and whose readers understand each other), the likelier of the two;
else English. A confident message in another language switches it. After an explicit choice,
switching needs a more confident detection, so that a Romani speaker who mixes in Slovak words
is not switched to Slovak by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.languages import normalise_code
from bot.settings import DEFAULT_LANGUAGE, LANGUAGES

CHOSEN_SWITCH_CONFIDENCE = 0.85
CLOSE_LANGUAGES = frozenset({"sk", "cs"})


@dataclass(frozen=True)
class Detection:
    language: str | None
    confidence: float
    ranking: tuple[tuple[str, float], ...] = ()  # the likeliest languages, best first

    @classmethod
    def from_parse(cls, found: dict[str, Any] | None) -> Detection:
        """From the `language` the identifier adds to Rasa's parse data."""
        found = found or {}
        ranking = tuple((str(code), float(p)) for code, p in found.get("ranking") or ())
        return cls(found.get("code"), float(found.get("confidence") or 0.0), ranking)

    def close_pair(self, threshold: float) -> str | None:
        """The likelier of Slovak and Czech when those two lead and together reach `threshold`."""
        top = self.ranking[:2]
        if len(top) == 2 and {top[0][0], top[1][0]} == CLOSE_LANGUAGES and top[0][1] + top[1][1] >= threshold:
            return top[0][0]
        return None


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
    return normalise_code(hint) or detection.close_pair(threshold) or DEFAULT_LANGUAGE
