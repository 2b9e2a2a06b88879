"""Migrations and seeding on real SQLite and PostgreSQL databases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, select

from bot.commands.db import alembic_config, upgrade
from bot.db.conversation_repository import (
    LAST_SEEN_PRECISION,
    TranscriptLine,
    add_handoff_message,
    close_handoff,
    erase_conversation,
    get_or_create_conversation,
    list_open_handoffs,
    open_handoff,
    queue_outbound,
    seen_conversation_state,
    take_outbound,
)
from bot.db.faq_repository import SEED_AUTHOR, get_published_answer
from bot.db.held_message_repository import hold
from bot.db.models import FaqAnswer, FaqAnswerRevision, FaqQuestion, utcnow
from bot.db.session import get_engine, session_scope


def test_migrations_create_every_table_and_downgrade_cleanly(empty_database: str) -> None:
    from alembic import command

    url = empty_database
    upgrade(url)
    tables = set(inspect(get_engine(url)).get_table_names())
    assert {"faq_questions", "faq_answers", "faq_answer_revisions", "conversations", "handoffs"} <= tables
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(get_engine(url)).get_table_names()) <= {"alembic_version"}


def test_seeding_twice_changes_nothing(empty_database: str) -> None:
    url = empty_database
    assert upgrade(url) == 23 * 5
    assert upgrade(url) == 0


def test_staff_edits_survive_a_new_seed(empty_database: str) -> None:
    url = empty_database
    upgrade(url)
    with session_scope(url) as session:
        answer = session.scalars(
            select(FaqAnswer).join(FaqQuestion).where(FaqQuestion.key == "gp.cost", FaqAnswer.language == "sk")
        ).one()
        answer.text = answer.published_text = "Edited by staff."
        answer.revisions.append(FaqAnswerRevision(text=answer.text, status="published", author="staff:anna"))
    upgrade(url)
    with session_scope(url) as session:
        live = get_published_answer(session=session, key="gp.cost", language="sk")
        assert live is not None and live.text == "Edited by staff."
        authors = [r.author for r in session.scalars(select(FaqAnswerRevision).order_by(FaqAnswerRevision.id))]
        assert authors.count(SEED_AUTHOR) == 23 * 5


def test_handoff_records_on_each_database(empty_database: str) -> None:
    upgrade(empty_database)
    with session_scope(empty_database) as session:
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id="u-1")
        recent = [TranscriptLine(role="person", text="Ako sa registrujem?")]
        handoff, new = open_handoff(
            session=session, conversation=conversation, language="sk", reason="asked", recent=recent
        )
        again, new_again = open_handoff(
            session=session, conversation=conversation, language="sk", reason="asked", recent=recent
        )
        assert new and not new_again and again.id == handoff.id
        add_handoff_message(session=session, handoff=handoff, role="champion", text="Dobrý deň")
        queue_outbound(session=session, conversation_id=conversation.id, message={"text": "Dobrý deň"})
        handoff_id, conversation_id = handoff.id, conversation.id
    with session_scope(empty_database) as session:
        assert [h.id for h in list_open_handoffs(session=session)] == [handoff_id]
        assert take_outbound(session=session, conversation_id=conversation_id) == [{"text": "Dobrý deň"}]
        assert take_outbound(session=session, conversation_id=conversation_id) == []
        closed = close_handoff(session=session, handoff_id=handoff_id)
        assert closed is not None and closed.status == "closed"
        assert [m.role for m in closed.messages] == ["person", "champion"]
    with session_scope(empty_database) as session:
        assert list_open_handoffs(session=session) == []


def test_an_existing_database_is_upgraded_with_its_data(empty_database: str) -> None:
    """A database of the previous release (before Rasa's trackers moved in) keeps its rows."""
    from alembic import command

    url = empty_database
    command.upgrade(alembic_config(url), "0006")
    with session_scope(url) as session:
        conversation = get_or_create_conversation(session=session, channel="telegram", external_id="4711")
        public_id = conversation.public_id
    upgrade(url)
    assert "rasa_trackers" in inspect(get_engine(url)).get_table_names()
    with session_scope(url) as session:
        again = get_or_create_conversation(session=session, channel="telegram", external_id="4711")
        assert again.public_id == public_id


def test_the_migrated_schema_is_the_models_schema(empty_database: str) -> None:
    """Alembic's own comparison finds nothing the migrations and bot/db/models.py disagree on."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.db.models import Base

    upgrade(empty_database)
    with get_engine(empty_database).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_queueing_an_updates_answers_marks_it_handled_in_the_same_transaction(empty_database: str) -> None:
    """After a crash, an update whose answers were queued is not handled (and answered) again."""
    from bot.db.inbound_repository import unhandled_updates
    from bot.db.models import ProcessedUpdate
    from bot.db.outbox_repository import queue_messages

    url = empty_database
    upgrade(url)
    with session_scope(url) as session:
        get_or_create_conversation(session=session, channel="whatsapp", external_id="4477")
        session.add(ProcessedUpdate(channel="whatsapp", update_key="wamid.1", body='{"id": "wamid.1"}'))
    with session_scope(url) as session:
        (row_id, _body), = unhandled_updates(session=session, channel="whatsapp")
        queue_messages(session=session, channel="whatsapp", external_id="4477",
                       messages=[{"text": "answer", "buttons": []}], handled_update=row_id)
    with session_scope(url) as session:
        assert unhandled_updates(session=session, channel="whatsapp") == []
        assert session.get(ProcessedUpdate, row_id).body is None  # what the person wrote is gone from here


def test_last_seen_is_written_at_most_once_a_minute() -> None:
    with session_scope() as session:
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id="last-seen-test")
        conversation.last_seen_at = seen = utcnow() - dt.timedelta(seconds=20)
    with session_scope() as session:
        assert get_or_create_conversation(session=session, channel="webchat", external_id="last-seen-test").last_seen_at == seen
    with session_scope() as session:
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id="last-seen-test")
        conversation.last_seen_at = utcnow() - LAST_SEEN_PRECISION
    with session_scope() as session:
        assert utcnow() - get_or_create_conversation(
            session=session, channel="webchat", external_id="last-seen-test").last_seen_at < dt.timedelta(seconds=5)


def test_one_statement_tells_the_gateway_about_handoffs_and_held_messages() -> None:
    with session_scope() as session:
        assert seen_conversation_state(session=session, channel="webchat", external_id="state-test") is None
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id="state-test")
        conversation.language = "ro"
    with session_scope() as session:
        state = seen_conversation_state(session=session, channel="webchat", external_id="state-test")
        assert state is not None and (state.language, state.in_handoff, state.waiting_for_rasa) == ("ro", False, False)
        hold(session=session, conversation_id=state.id, message="buna", metadata={}, owner="test")
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id="state-test")
        open_handoff(session=session, conversation=conversation, language="ro", reason="asked", recent=[])
    with session_scope() as session:
        state = seen_conversation_state(session=session, channel="webchat", external_id="state-test")
        assert state is not None and state.in_handoff and state.waiting_for_rasa
        erase_conversation(session=session, channel="webchat", external_id="state-test")  # no held message left for other tests
