"""Personal data kept only as long as needed (retention) and given to the person on request
(export-user), on real SQLite and PostgreSQL, and end to end with Rasa's tracker."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import httpx
import pytest
from sqlalchemy import func, select

from bot.commands.db import upgrade
from bot.commands.personal_data import export_user
from bot.db.conversation_repository import (
    TranscriptLine,
    add_handoff_message,
    close_handoff,
    get_or_create_conversation,
    open_handoff,
    queue_outbound,
)
from bot.db.insights_repository import record_question, record_unanswered
from bot.db.models import (
    Conversation,
    HandoffMessage,
    HandoffNote,
    OutboxMessage,
    ProcessedUpdate,
    QuestionEvent,
    UnansweredQuestion,
    utcnow,
)
from bot.db.session import session_scope
from bot.retention import remove_expired
from bot.settings import Settings

LONG_AGO = utcnow() - dt.timedelta(days=120)


def person(session, external_id: str, *, quiet_since: dt.datetime, handoff: str | None = None) -> Conversation:  # type: ignore[no-untyped-def]
    conversation = get_or_create_conversation(session=session, channel="telegram", external_id=external_id)
    conversation.language = "sk"
    session.flush()
    record_question(session=session, language="sk", key="gp.cost", topic="gp")
    record_unanswered(session=session, public_id=conversation.public_id, language="sk", text="kde je najblizsi urad")
    queue_outbound(session=session, conversation_id=conversation.id, message={"text": "Dobrý deň"})
    if handoff:
        found, _ = open_handoff(session=session, conversation=conversation, language="sk", reason="asked",
                                recent=[TranscriptLine(role="person", text="potrebujem pomoc s lekarom")])
        add_handoff_message(session=session, handoff=found, role="champion", text="Dobrý deň, pomôžem vám.")
        found.notes.append(HandoffNote(author="champion", text="called the surgery"))
        session.flush()
        if handoff == "closed":
            close_handoff(session=session, handoff_id=found.id)
    conversation.last_seen_at = quiet_since
    return conversation


def test_retention_removes_quiet_conversations_everywhere_and_keeps_anonymous_counts(empty_database: str) -> None:
    url = empty_database
    upgrade(url)
    with session_scope(url) as session:
        person(session, "1001", quiet_since=LONG_AGO, handoff="closed")
        person(session, "1002", quiet_since=LONG_AGO, handoff="open")  # a champion is still on it
        person(session, "1003", quiet_since=utcnow())
        session.add(ProcessedUpdate(channel="telegram", update_key="old", body=None))
        session.flush()
        session.scalars(select(ProcessedUpdate)).one().received_at = LONG_AGO
        counts_before = session.scalar(select(func.count(QuestionEvent.id)))
    with session_scope(url) as session:
        removed = remove_expired(session=session, cutoff=utcnow() - dt.timedelta(days=90), dry_run=True)
    assert (removed.conversations, removed.handoffs, removed.handoff_messages) == (1, 1, 2)
    with session_scope(url) as session:
        assert session.scalar(select(func.count(Conversation.id))) == 3  # a dry run deletes nothing
        removed = remove_expired(session=session, cutoff=utcnow() - dt.timedelta(days=90))
    assert (removed.conversations, removed.unanswered_questions, removed.channel_updates) == (1, 1, 1)
    with session_scope(url) as session:
        assert sorted(session.scalars(select(Conversation.external_id))) == ["1002", "1003"]
        texts = list(session.scalars(select(HandoffMessage.text)))
        assert "potrebujem pomoc s lekarom" in texts and len(texts) == 2  # only the open handoff's
        assert session.scalar(select(func.count(UnansweredQuestion.id))) == 2
        assert session.scalar(select(func.count(OutboxMessage.id))) == 2
        assert session.scalar(select(func.count(HandoffNote.id))) == 1
        assert session.scalar(select(func.count(ProcessedUpdate.id))) == 0
        assert session.scalar(select(func.count(QuestionEvent.id))) == counts_before == 3


def test_export_user_gives_a_person_everything_stored_about_them() -> None:
    with session_scope() as session:
        person(session, "2001", quiet_since=utcnow(), handoff="closed")
    data = export_user(channel="telegram", external_id="2001")
    assert data is not None and data["language"] == "sk"
    handoff = data["handoffs"][0]
    assert [m["text"] for m in handoff["messages"]] == ["potrebujem pomoc s lekarom", "Dobrý deň, pomôžem vám."]
    assert handoff["champion_notes"][0]["text"] == "called the surgery"
    assert data["questions_drom_could_not_answer"][0]["text"] == "kde je najblizsi urad"
    assert data["messages_waiting_for_delivery"] == [{"text": "Dobrý deň"}]
    assert export_user(channel="telegram", external_id="no-such-person") is None


@pytest.mark.stack
def test_the_retention_command_erases_rasa_too_and_logs_only_counts(stack: str, stack_settings: Settings) -> None:
    user = "retention-e2e"
    reply = httpx.post(f"{stack}/api/messages", json={"user": user, "text": "je GP zadarmo pre moju dceru?"}, timeout=30)
    assert reply.status_code == 200
    with session_scope() as session:
        conversation = session.scalars(select(Conversation).where(Conversation.external_id == user)).one()
        conversation.last_seen_at = LONG_AGO
        public_id = conversation.public_id

    exported = subprocess.run([sys.executable, "-m", "bot", "export-user", "--channel", "webchat", "--id", user],
                              capture_output=True, text=True, timeout=120)
    assert exported.returncode == 0 and json.loads(exported.stdout)["id_on_channel"] == user

    env = {**os.environ, "RASA_URL": stack_settings.rasa_url}
    done = subprocess.run([sys.executable, "-m", "bot", "retention"], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["conversations"] >= 1 and figures["rasa_trackers"] >= 1
    assert "zadarmo" not in done.stdout + done.stderr and user not in done.stdout + done.stderr

    tracker = httpx.get(f"{stack_settings.rasa_url}/conversations/{public_id}/tracker", timeout=10).json()
    assert not [e for e in tracker["events"] if e["event"] in ("user", "bot")]
    with session_scope() as session:
        assert session.scalars(select(Conversation).where(Conversation.external_id == user)).first() is None


@pytest.mark.stack
def test_no_message_text_or_channel_id_reaches_the_logs(stack: str) -> None:
    """Everything a person writes (a name, a phone number, a question, a handoff) stays out of the
    logs of Rasa and the gateway."""
    from tests.conftest import _TMP

    user = "log-scan-7731"
    said = ["Volám sa Jana Horváthová, moje číslo je 07700 900123", "kedy je otvorené na úrade práce?",
            "xqzv mlkj wpoi", "xqzv mlkj wpoi znova", "chcem hovoriť s človekom"]
    for text in said:
        assert httpx.post(f"{stack}/api/messages", json={"user": user, "text": text}, timeout=30).status_code == 200
    logs = "".join(path.read_text(encoding="utf-8", errors="replace") for path in (_TMP / "logs").glob("*.log"))
    assert logs, "the stack writes its logs here"
    for secret in ("Horváthová", "07700 900123", "úrade práce", "xqzv", "hovoriť s človekom", user):
        assert secret not in logs, secret
