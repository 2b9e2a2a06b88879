"""Every fixed string is translated in every catalogue, and formatting falls back for Romani."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel import Locale, UnknownLocaleError
from babel.messages.pofile import read_po

from bot.i18n import format_month_year, gettext_for
from bot.replies import QUESTION_TITLES, TOPIC_TITLES
from tests.conftest import LANGUAGES

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
CATALOGUE_LANGUAGES = [lang for lang in LANGUAGES if lang != "en"]


CONSOLE_LANGUAGES = ["sk", "cs", "ro"]  # the console's own strings (bot/console); Romani is not offered there
CATALOGUES = [("messages", lang) for lang in CATALOGUE_LANGUAGES] + [("console", lang) for lang in CONSOLE_LANGUAGES]


def catalogue(root: Path, language: str, domain: str = "messages"):  # type: ignore[no-untyped-def]
    with open(root / "locales" / language / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
        return read_po(handle, locale=None)


@pytest.mark.parametrize(("domain", "language"), CATALOGUES)
def test_catalogue_is_complete(project_root: Path, domain: str, language: str) -> None:
    messages = [m for m in catalogue(project_root, language, domain) if m.id]
    assert messages
    untranslated = [m.id for m in messages if not m.string]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, f"{language}: untranslated {untranslated}"
    assert not fuzzy, f"{language}: fuzzy {fuzzy}"
    for message in messages:
        assert set(PLACEHOLDER.findall(message.id)) == set(PLACEHOLDER.findall(message.string)), message.id


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_button_titles_fit_whatsapp(language: str) -> None:
    _ = gettext_for(language)
    for title in [*QUESTION_TITLES.values(), *TOPIC_TITLES.values(), "Talk to a champion", "Main menu"]:
        assert len(_(title)) <= 24, f"{language}: {_(title)!r} is too long for a button"


@pytest.mark.parametrize(("config", "keyword", "template"), [
    ("babel.cfg", "N_", "messages.pot"), ("babel-console.cfg", "tr", "console.pot"),
])
def test_template_matches_the_code(project_root: Path, tmp_path: Path, config: str, keyword: str, template: str) -> None:
    """`make i18n-extract` would not change the set of strings: nothing is left untranslatable."""
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", config, "-k", keyword,
         "--no-location", "-o", str(tmp_path / "fresh.pot"), "."],
        cwd=project_root, check=True, capture_output=True,
    )
    with open(tmp_path / "fresh.pot", "rb") as fresh, open(project_root / "locales" / template, "rb") as old:
        assert {m.id for m in read_po(fresh)} == {m.id for m in read_po(old)}


@pytest.mark.parametrize("language", CATALOGUE_LANGUAGES)
def test_compiled_catalogue_translates(language: str) -> None:
    assert gettext_for(language)("Main menu") != "Main menu"


def test_babel_has_no_romani_so_formatting_falls_back_explicitly() -> None:
    with pytest.raises((UnknownLocaleError, ValueError)):
        Locale.parse("rom")
    assert format_month_year(dt.date(2026, 11, 1), "rom") == format_month_year(dt.date(2026, 11, 1), "sk")
    assert format_month_year(dt.date(2026, 11, 1), "en") == "November 2026"
