"""Translations of Drom's fixed strings (gettext catalogues under locales/, managed with Babel).

The language is always passed explicitly (`gettext_for(language)`), never installed process-wide:
the gateway and Rasa's actions serve many people in different languages at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.support import NullTranslations, Translations

from bot.settings import DEFAULT_LANGUAGE, LANGUAGES, load_settings

DOMAIN = "messages"
CONSOLE_DOMAIN = "console"  # the web console's own strings (English, Slovak, Czech, Romanian)

# CLDR (and so Babel) has no Romani locale: `Locale.parse("rom")` fails. Romani text has its own
# gettext catalogue, but dates and numbers are formatted with Slovak conventions, which the Slovak
# and Czech Roma Drom serves read every day. English uses British conventions.
FORMAT_LOCALES = {"rom": "sk", "sk": "sk", "cs": "cs", "ro": "ro", "en": "en_GB"}


class MissingCatalogueError(RuntimeError):
    """A language's catalogue is not compiled; the message says how to fix it."""


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (it is translated when shown)."""
    return message


@lru_cache(maxsize=None)
def _translations(language: str, locales_dir: Path, domain: str = DOMAIN) -> NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    mo_file = locales_dir / language / "LC_MESSAGES" / f"{domain}.mo"
    if not mo_file.exists():
        raise MissingCatalogueError(
            f"{mo_file} is missing: the {language} catalogue is not compiled. Run `make locales`."
        )
    with mo_file.open("rb") as handle:
        return Translations(handle, domain=domain)


def gettext_for(language: str) -> Callable[[str], str]:
    """The `gettext` function for one of Drom's languages (English for anything unknown)."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    return _translations(language, load_settings().locales_dir).gettext


def console_translations(locale: str) -> NullTranslations:
    """The console's strings in an account's chosen language (see bot.db.user_repository.CONSOLE_LOCALES)."""
    if locale not in LANGUAGES:
        locale = DEFAULT_LANGUAGE
    return _translations(locale, load_settings().locales_dir, CONSOLE_DOMAIN)


def format_locale(language: str) -> Locale:
    """The Babel locale used to format dates and numbers for `language` (see FORMAT_LOCALES)."""
    return Locale.parse(FORMAT_LOCALES.get(language, "en_GB"))


def format_month_year(day: dt.date, language: str) -> str:
    """E.g. 'November 2026' / 'november 2026', in the language's formatting conventions."""
    return format_date(day, "LLLL y", locale=format_locale(language))


def format_clock(moment: dt.time, language: str) -> str:
    """A time of day in the language's conventions (e.g. 17:00)."""
    return format_time(moment, "short", locale=format_locale(language))


def format_weekday_time(moment: dt.datetime, language: str) -> str:
    """E.g. 'Monday 09:00' / 'pondelok 9:00', in the language's conventions (Romani: Slovak's)."""
    day = format_date(moment.date(), "EEEE", locale=format_locale(language))
    return f"{day} {format_clock(moment.timetz(), language)}"
