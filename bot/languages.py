"""Drom's five languages: their own names, and the words people use to ask for them."""

from __future__ import annotations

import re
import unicodedata

from bot.settings import LANGUAGES

# Each language's name in that language: the language picker shows these, never translated.
NATIVE_NAMES = {
    "rom": "Romanes",
    "sk": "Slovenčina",
    "cs": "Čeština",
    "ro": "Română",
    "en": "English",
}

# Words (folded: lower case, no diacritics) that name a language in any of the five languages.
# "romana/romaneste" is Romanian; "romanes/romani/romsky/romanes" is Romani.
_LANGUAGE_WORDS = {
    "rom": {"romanes", "romani", "romsky", "romsk", "romsku", "romstina", "romcina", "romaňi", "romanipen"},
    "sk": {"slovak", "slovensky", "slovencina", "slovenski", "slovacky", "slovacka", "slovaca", "slovacky"},
    "cs": {"czech", "cesky", "cestina", "cesko", "ceska", "ceha", "ceh", "cehia", "chech"},
    "ro": {"romanian", "romana", "romaneste", "rumunsky", "rumunstina", "rumuncina", "rumunski"},
    "en": {"english", "anglicky", "anglictina", "anglictine", "engleza", "englezeste", "angliko", "anglicki"},
}


def fold(text: str) -> str:
    """Lower-case `text` and strip its diacritics, so 'Čeština' and 'cestina' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_code(tag: str | None) -> str | None:
    """Map a language tag such as Telegram's `language_code` ('sk', 'en-GB', 'cs_CZ') to ours."""
    if not tag:
        return None
    base = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    if base in ("rom", "rmc", "rmy"):  # Romani and its Carpathian and Vlax varieties
        return "rom"
    return base if base in LANGUAGES else None


def language_named_in(text: str) -> str | None:
    """The language a message asks for by name ('po slovensky prosim' -> 'sk'), if exactly one."""
    words = set(re.findall(r"[a-z]+", fold(text)))
    found = {code for code, names in _LANGUAGE_WORDS.items() if words & {fold(n) for n in names}}
    return found.pop() if len(found) == 1 else None
