"""Messages that signal danger open an urgent handoff at once, whatever the bot was doing.

The trigger phrases live in content/safeguarding.yml, per language, reviewed like other content.
Matching ignores case and diacritics ("nedycha" == "nedýchá") and needs whole words, and every
language's list is checked against every message, since people mix languages.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.languages import fold
from bot.settings import LANGUAGES, PROJECT_ROOT

TRIGGERS_FILE = PROJECT_ROOT / "content" / "safeguarding.yml"


class SafeguardingError(ValueError):
    """The trigger file is malformed; the message says what to fix."""


@lru_cache(maxsize=None)
def _pattern(path: Path = TRIGGERS_FILE) -> re.Pattern[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    triggers = data.get("triggers") or {}
    missing = [code for code in LANGUAGES if not triggers.get(code)]
    if missing:
        raise SafeguardingError(f"{path}: add trigger phrases for {', '.join(missing)}.")
    phrases = sorted({fold(p).replace("'", "") for code in LANGUAGES for p in triggers[code]}, key=len, reverse=True)
    words = [r"\s+".join(re.escape(w) for w in phrase.split()) for phrase in phrases]
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")


def signals_danger(text: str) -> bool:
    """True when the message contains one of the trigger phrases."""
    return bool(_pattern().search(fold(text).replace("'", "").replace("’", "")))
