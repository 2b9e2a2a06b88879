"""Inbound updates stored before they are acknowledged: nothing lost in a crash, nothing handled twice.

The body (which holds what the person wrote) is kept only until the update is handled; after
that only the channel and update key remain, for deduplication.

An update's lasting effect is written in the transaction that marks it handled: its answers queued
in the outbox (`queue_messages(..., handled_update=...)`), or the message held until Rasa is back,
or its line added to an open handoff (bot/gateway/core.py). If the gateway dies before that commit,
the update is handled again after the restart and nothing of it was kept; after it, the update is
not handled again. So a crash neither loses a message nor answers it twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db.models import ProcessedUpdate, utcnow
from bot.db.session import session_scope


_handling: ContextVar[int | None] = ContextVar("handling_update", default=None)


@contextmanager
def handling_update(row_id: int) -> Iterator[None]:
    """Mark the stored update that the code in this block (and the tasks it awaits) is handling."""
    token = _handling.set(row_id)
    try:
        yield
    finally:
        _handling.reset(token)


def update_being_handled() -> int | None:
    """The stored update being handled here, if any (read it in async code, before a thread hop)."""
    return _handling.get()


def store_update(*, channel: str, update_key: str, body: dict) -> bool:
    """Store a new update; False (and nothing stored) when it was seen before."""
    try:
        with session_scope() as session:
            session.add(ProcessedUpdate(channel=channel, update_key=update_key, body=json.dumps(body)))
        return True
    except IntegrityError:
        return False


def unhandled_updates(*, session: Session, channel: str) -> list[tuple[int, dict]]:
    rows = session.scalars(
        select(ProcessedUpdate)
        .where(ProcessedUpdate.channel == channel, ProcessedUpdate.processed_at.is_(None))
        .order_by(ProcessedUpdate.id)
    )
    return [(row.id, json.loads(row.body)) for row in rows if row.body]


def mark_handled(*, session: Session, row_id: int) -> None:
    row = session.get(ProcessedUpdate, row_id)
    if row is not None:
        row.processed_at = utcnow()
        row.body = None


def pending_updates(channel: str) -> list[tuple[int, dict]]:
    """`unhandled_updates` in its own session, for the channels' async code (run it in a thread)."""
    with session_scope() as session:
        return unhandled_updates(session=session, channel=channel)


def update_handled(row_id: int) -> None:
    """`mark_handled` in its own session, for the channels' async code (run it in a thread)."""
    with session_scope() as session:
        mark_handled(session=session, row_id=row_id)
