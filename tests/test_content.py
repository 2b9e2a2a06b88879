"""The FAQ catalogue: every key answered in every language, published, linked and sane."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from bot.content import load_content
from bot.db.faq_repository import get_published_answer, list_keys
from bot.db.models import FaqAnswer, FaqQuestion
from bot.db.session import session_scope
from tests.conftest import LANGUAGES

KEYS = {
    "gp": ["gp.register", "gp.documents", "gp.cost", "gp.find", "gp.refused", "gp.interpreter", "gp.urgent"],
    "school": ["school.apply", "school.age", "school.documents", "school.meals", "school.uniform",
               "school.rights", "school.wait"],
    "euss": ["euss.what", "euss.apply", "euss.late", "euss.documents", "euss.prove", "euss.family",
             "euss.presettled", "euss.help", "euss.rejected"],
}
ALL_KEYS = [key for keys in KEYS.values() for key in keys]
OFFICIAL_HOSTS = ("nhs.uk", "gov.uk", "leeds.gov.uk", "bma.org.uk", "legislation.gov.uk")


def test_catalogue_has_exactly_the_fixed_keys() -> None:
    with session_scope() as session:
        for topic, keys in KEYS.items():
            assert list_keys(session=session, topic=topic) == keys


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_key_is_published_in_every_language(key: str, language: str) -> None:
    with session_scope() as session:
        answer = get_published_answer(session=session, key=key, language=language)
    assert answer is not None
    assert 80 <= len(answer.text) <= 1200, f"{key}/{language} should be short but real"


def test_links_point_to_official_pages() -> None:
    with session_scope() as session:
        for question in session.scalars(select(FaqQuestion)):
            url = urlparse(question.source_url)
            assert url.scheme == "https" and url.netloc, question.key
            assert url.netloc.endswith(OFFICIAL_HOSTS), f"{question.key}: {url.netloc} is not an official site"
            assert question.source_name


@pytest.mark.parametrize("language", LANGUAGES)
def test_emergency_answer_gives_999_and_111(language: str) -> None:
    with session_scope() as session:
        answer = get_published_answer(session=session, key="gp.urgent", language=language)
    assert answer is not None
    assert "999" in answer.text and "111" in answer.text


def test_romani_content_awaits_community_review() -> None:
    with session_scope() as session:
        flags = {
            (a.language, a.community_review_pending) for a in session.scalars(select(FaqAnswer))
        }
    assert ("rom", True) in flags and ("rom", False) not in flags
    assert ("sk", True) not in flags


def test_answers_do_not_contain_urls_or_markup(project_root: Path) -> None:
    """Links come from the catalogue, so every answer shows exactly one well-formed official link."""
    content = load_content(project_root / "content")
    for language, answers in content.languages.items():
        for key, text in answers.answers.items():
            assert "http" not in text and "<" not in text and "*" not in text, f"{key}/{language}"
