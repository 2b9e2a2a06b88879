"""Off-the-shelf language identifiers Drom's own is compared with, on the same messages.

lingua is restricted to the four of Drom's languages it knows (English, Slovak, Czech, Romanian);
langdetect knows those four among its 55. Neither knows Romani: for Romani messages they are
reported as unsupported rather than scored.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

UNSUPPORTED = {"lingua": {"rom"}, "langdetect": {"rom"}}


@lru_cache(maxsize=1)
def _lingua() -> Callable[[str], str | None]:
    from lingua import Language, LanguageDetectorBuilder

    codes = {Language.ENGLISH: "en", Language.SLOVAK: "sk", Language.CZECH: "cs", Language.ROMANIAN: "ro"}
    detector = LanguageDetectorBuilder.from_languages(*codes).build()

    def detect(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return codes.get(found) if found is not None else None

    return detect


@lru_cache(maxsize=1)
def _langdetect() -> Callable[[str], str | None]:
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0  # langdetect is random unless seeded

    def guess(text: str) -> str | None:
        try:
            return detect(text)
        except LangDetectException:
            return None

    return guess


BASELINES: dict[str, Callable[[], Callable[[str], str | None]]] = {"lingua": _lingua, "langdetect": _langdetect}


def guesses(language: str, texts: list[str]) -> dict[str, list[str | None] | None]:
    """Each baseline's guess per text, or None for a baseline that does not know `language`."""
    return {
        name: None if language in UNSUPPORTED[name] else [factory()(text) for text in texts]
        for name, factory in BASELINES.items()
    }
