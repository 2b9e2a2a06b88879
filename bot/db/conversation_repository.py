"""Conversations (a person on a channel) and their handoffs to champions."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select, update
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Handoff, HandoffMessage, HeldMessage, OutboxMessage, utcnow


@dataclass(frozen=True)
class TranscriptLine:
    role: str  # person, bot or champion
    text: str


def find_conversation(*, session: Session, channel: str, external_id: str) -> Conversation | None:
    """One person's conversation on one channel, without creating it."""
    return session.scalars(
        select(Conversation).where(Conversation.channel == channel, Conversation.external_id == external_id)
    ).first()


# How stale `last_seen_at` may be: it serves retention (days) and WhatsApp's 24-hour window (read
# conservatively), and not writing it on every message spares a database write per message.
LAST_SEEN_PRECISION = dt.timedelta(minutes=1)


def _stale(last_seen_at: dt.datetime) -> bool:
    return utcnow() - last_seen_at >= LAST_SEEN_PRECISION


def get_or_create_conversation(*, session: Session, channel: str, external_id: str) -> Conversation:
    """The conversation of `external_id` on `channel`, created on first contact."""
    conversation = find_conversation(session=session, channel=channel, external_id=external_id)
    if conversation is None:
        conversation = Conversation(channel=channel, external_id=external_id)
        session.add(conversation)
        session.flush()
    elif _stale(conversation.last_seen_at):
        conversation.last_seen_at = utcnow()
    return conversation


@dataclass(frozen=True)
class ConversationState:
    id: int
    public_id: str
    language: str | None
    in_handoff: bool
    waiting_for_rasa: bool  # messages are held for Rasa (bot/gateway/held_messages.py)


# Built once: the gateway runs it for every inbound message.
_SEEN_STATE = select(
    Conversation.id, Conversation.public_id, Conversation.language, Conversation.last_seen_at,
    exists().where(Handoff.conversation_id == Conversation.id, Handoff.status == "open"),
    exists().where(HeldMessage.conversation_id == Conversation.id),
).where(Conversation.channel == bindparam("channel"), Conversation.external_id == bindparam("external_id"))


def seen_conversation_state(*, session: Session, channel: str, external_id: str) -> ConversationState | None:
    """What every inbound message needs to know about an existing conversation, in one statement
    (the gateway asks it for each message), marking it seen; None for a first contact."""
    row = session.execute(_SEEN_STATE, {"channel": channel, "external_id": external_id}).first()
    if row is None:
        return None
    if _stale(row[3]):
        session.execute(update(Conversation).where(Conversation.id == row[0]).values(last_seen_at=utcnow()))
    return ConversationState(row[0], row[1], row[2], bool(row[4]), bool(row[5]))


def find_by_public_id(*, session: Session, public_id: str) -> Conversation | None:
    return session.scalars(select(Conversation).where(Conversation.public_id == public_id)).first()


def open_handoff_for(*, session: Session, conversation_id: int) -> Handoff | None:
    """The conversation's open handoff, if any (at most one is open at a time)."""
    return session.scalars(
        select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status == "open")
    ).first()


def open_handoff(
    *,
    session: Session,
    conversation: Conversation,
    language: str,
    reason: str,
    recent: list[TranscriptLine],
    urgent: bool = False,
) -> tuple[Handoff, bool]:
    """Open a handoff for the conversation, or return the one already open; True when new."""
    existing = open_handoff_for(session=session, conversation_id=conversation.id)
    if existing is not None:
        return existing, False
    handoff = Handoff(
        conversation=conversation,
        channel=conversation.channel,
        language=language,
        reason=reason,
        urgent=urgent,
        messages=[HandoffMessage(role=line.role, text=line.text) for line in recent],
    )
    session.add(handoff)
    session.flush()
    return handoff, True


def latest_closed_handoff(*, session: Session, conversation_id: int) -> Handoff | None:
    return session.scalars(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status == "closed")
        .order_by(Handoff.closed_at.desc(), Handoff.id.desc())
    ).first()


def add_handoff_message(*, session: Session, handoff: Handoff, role: str, text: str) -> HandoffMessage:
    line = HandoffMessage(handoff=handoff, role=role, text=text)
    session.add(line)
    return line


def close_handoff(*, session: Session, handoff_id: int) -> Handoff | None:
    """Close an open handoff; None when there is no open handoff with that id."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.status != "open":
        return None
    handoff.status = "closed"
    handoff.closed_at = utcnow()
    return handoff


def list_open_handoffs(*, session: Session) -> list[Handoff]:
    """Open handoffs, urgent first, then the longest waiting."""
    return list(
        session.scalars(
            select(Handoff)
            .where(Handoff.status == "open")
            .order_by(Handoff.urgent.desc(), Handoff.created_at)
        )
    )


def queue_outbound(*, session: Session, conversation_id: int, message: dict) -> None:
    """Queue a message for the person, to be delivered outside the current turn."""
    session.add(OutboxMessage(conversation_id=conversation_id, body=json.dumps(message, ensure_ascii=False)))


def take_outbound(*, session: Session, conversation_id: int) -> list[dict]:
    """Messages waiting for the person, oldest first; they are marked delivered."""
    pending = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.conversation_id == conversation_id, OutboxMessage.delivered_at.is_(None))
            .order_by(OutboxMessage.id)
        )
    )
    now = utcnow()
    for message in pending:
        message.delivered_at = now
    return [json.loads(message.body) for message in pending]


def erase_conversation(*, session: Session, channel: str, external_id: str) -> bool:
    """Delete everything stored about one person on one channel; False when there was nothing.

    Handoffs, their transcripts and queued messages go with the conversation (ON DELETE CASCADE).
    """
    conversation = find_conversation(session=session, channel=channel, external_id=external_id)
    if conversation is None:
        return False
    session.delete(conversation)
    return True
