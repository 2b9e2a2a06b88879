"""Migrations and seeding on a real SQLite database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, select

from bot.commands.db import alembic_config, upgrade
from bot.db.faq_repository import SEED_AUTHOR, get_published_answer
from bot.db.models import FaqAnswer, FaqAnswerRevision, FaqQuestion
from bot.db.session import get_engine, session_scope


def test_migrations_create_every_table_and_downgrade_cleanly(tmp_path: Path) -> None:
    from alembic import command

    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    tables = set(inspect(get_engine(url)).get_table_names())
    assert {"faq_questions", "faq_answers", "faq_answer_revisions", "conversations", "handoffs"} <= tables
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(get_engine(url)).get_table_names()) <= {"alembic_version"}


def test_seeding_twice_changes_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert upgrade(url) == 23 * 5
    assert upgrade(url) == 0


def test_staff_edits_survive_a_new_seed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    upgrade(url)
    with session_scope(url) as session:
        answer = session.scalars(
            select(FaqAnswer).join(FaqQuestion).where(FaqQuestion.key == "gp.cost", FaqAnswer.language == "sk")
        ).one()
        answer.text = "Edited by staff."
        answer.revisions.append(FaqAnswerRevision(text=answer.text, status="published", author="staff:anna"))
    upgrade(url)
    with session_scope(url) as session:
        live = get_published_answer(session=session, key="gp.cost", language="sk")
        assert live is not None and live.text == "Edited by staff."
        authors = [r.author for r in session.scalars(select(FaqAnswerRevision).order_by(FaqAnswerRevision.id))]
        assert authors.count(SEED_AUTHOR) == 23 * 5
