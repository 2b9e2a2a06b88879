"""Messages held while Rasa could not answer them, per conversation and in arrival order.

Each is retried by one gateway process at a time: the one that held it, or any other once that
one's lease has run out (it stopped or crashed), so that no message is sent to Rasa twice.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from bot.db.models import Conversation, HeldMessage, utcnow

LEASE = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Held:
    id: int
    conversation_id: int
    public_id: str
    message: str
    metadata: dict[str, Any]
    created_at: dt.datetime


def hold(*, session: Session, conversation_id: int, message: str, metadata: dict[str, Any], owner: str) -> None:
    session.add(HeldMessage(conversation_id=conversation_id, message=message, metadata_json=json.dumps(metadata),
                            owner=owner, lease_until=utcnow() + LEASE))


def has_held(*, session: Session, conversation_id: int) -> bool:
    return bool(session.scalar(select(exists().where(HeldMessage.conversation_id == conversation_id))))


def claim_held(*, session: Session, owner: str) -> dict[int, list[Held]]:
    """The held messages this process may retry now (its own, and any whose lease ran out, which it
    takes over), grouped by conversation (longest waiting first), oldest first within; the lease
    of each is renewed."""
    now = utcnow()
    if not session.scalar(select(exists().where(HeldMessage.id.isnot(None)))):
        return {}  # the usual case: no write, so the database's writers are not kept waiting
    session.execute(
        update(HeldMessage)
        .where(or_(HeldMessage.owner == owner, HeldMessage.lease_until < now))
        .values(owner=owner, lease_until=now + LEASE)
    )
    rows = session.execute(
        select(HeldMessage, Conversation.public_id)
        .join(Conversation, Conversation.id == HeldMessage.conversation_id)
        .where(HeldMessage.owner == owner)
        .order_by(HeldMessage.id)
    )
    grouped: dict[int, list[Held]] = {}
    for held, public_id in rows:
        grouped.setdefault(held.conversation_id, []).append(Held(
            held.id, held.conversation_id, public_id, held.message, json.loads(held.metadata_json), held.created_at))
    return grouped


def release(*, session: Session, held_id: int) -> None:
    session.execute(delete(HeldMessage).where(HeldMessage.id == held_id))


def release_all(*, session: Session, conversation_id: int) -> None:
    session.execute(delete(HeldMessage).where(HeldMessage.conversation_id == conversation_id))
