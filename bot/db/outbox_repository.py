"""The persisted outbox for channels that push messages (Telegram): nothing is lost, nothing sent twice.

A message is queued before any attempt to send it; a sender takes the next due message of a
conversation, and marks it delivered or schedules a retry. Messages of one conversation go out
in order: a later one waits while an earlier one is still pending.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.conversation_repository import find_conversation
from bot.db.inbound_repository import mark_handled
from bot.db.models import Conversation, OutboxMessage, utcnow

MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class Pending:
    id: int
    external_id: str
    message: dict
    attempts: int


def queue_messages(*, session: Session, channel: str, external_id: str, messages: list[dict],
                   handled_update: int | None = None) -> None:
    """Queue messages for one person; `handled_update` (a stored inbound update's row) is marked
    handled in the same transaction (bot/db/inbound_repository.py says why)."""
    if handled_update is not None:
        mark_handled(session=session, row_id=handled_update)
    conversation = find_conversation(session=session, channel=channel, external_id=external_id)
    if conversation is None:
        raise LookupError(f"No {channel} conversation to queue messages for; it is created by the inbound message.")
    for message in messages:
        session.add(OutboxMessage(conversation_id=conversation.id, body=json.dumps(message, ensure_ascii=False)))


def due_messages(*, session: Session, channel: str, now: dt.datetime | None = None) -> list[Pending]:
    """The oldest undelivered message of each conversation on `channel`, if it is due."""
    now = now or utcnow()
    rows = session.execute(
        select(OutboxMessage, Conversation.external_id)
        .join(Conversation)
        .where(
            Conversation.channel == channel,
            OutboxMessage.delivered_at.is_(None),
            OutboxMessage.attempts < MAX_ATTEMPTS,
        )
        .order_by(OutboxMessage.id)
    ).all()
    first_per_conversation: dict[int, tuple[OutboxMessage, str]] = {}
    for message, external_id in rows:
        first_per_conversation.setdefault(message.conversation_id, (message, external_id))
    return [
        Pending(m.id, external_id, json.loads(m.body), m.attempts)
        for m, external_id in first_per_conversation.values()
        if m.next_attempt_at is None or m.next_attempt_at <= now
    ]


def mark_delivered(*, session: Session, message_id: int) -> None:
    message = session.get(OutboxMessage, message_id)
    if message is not None:
        message.delivered_at = utcnow()


def schedule_retry(*, session: Session, message_id: int, delay_seconds: float, give_up: bool = False) -> None:
    message = session.get(OutboxMessage, message_id)
    if message is None:
        return
    message.attempts = MAX_ATTEMPTS if give_up else message.attempts + 1
    message.next_attempt_at = utcnow() + dt.timedelta(seconds=delay_seconds)
