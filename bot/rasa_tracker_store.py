"""Rasa's tracker store: each conversation's last few turns, in Drom's own database.

Why a window: Rasa reads, replays and writes the whole tracker on every message, and sends all of
it to the action server, so without a limit every message costs more than the one before (on this
machine Rasa's CPU per message went from 25 ms in a six-message conversation to 56 ms at sixty).
Drom's dialogue needs no more than the current turn and the slots (every rule is one intent and one
action), and the champion's transcript takes the last ten lines. So on every save the tracker is
cut to the last `keep_user_messages` messages, after a session start that restores the slots,
exactly as Rasa itself starts a new session that carries slots over. Less stays in Rasa, too:
older messages live only where the person's data is managed (and erased) by Drom.

Why Drom's database: every Rasa instance reads and writes the same trackers (several instances
share conversations, with Rasa's Redis lock store keeping each conversation's messages in order),
a restarted Rasa still knows the person's language, and the table is created by Drom's Alembic
migrations (`rasa_trackers`), on SQLite by default and on PostgreSQL when DATABASE_URL says so.
A window this short makes one row per conversation the simplest store: one read and one write per
message, as Rasa's own Redis tracker store does.

Configured in endpoints.yml (`tracker_store: type: bot.rasa_tracker_store.WindowedSqlTrackerStore`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from rasa.core.tracker_store import SerializedTrackerAsText, TrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import delete, select

from bot.db.models import RasaTracker, utcnow
from bot.db.session import session_scope

KEEP_USER_MESSAGES = 6  # each with its replies: at least the ten lines a champion's transcript shows


def windowed_events(tracker: DialogueStateTracker, keep_user_messages: int) -> list[Event] | None:
    """The tracker's events cut to its last `keep_user_messages` user messages, the slots kept;
    None when it is short enough already."""
    events = list(tracker.events)
    starts = [i for i, event in enumerate(events) if isinstance(event, UserUttered)]
    if len(starts) <= keep_user_messages:
        return None
    slots = [SlotSet(name, slot.value) for name, slot in tracker.slots.items()
             if slot.value != slot.initial_value]
    return [
        ActionExecuted(ACTION_SESSION_START_NAME),
        SessionStarted(),
        *slots,
        ActionExecuted(ACTION_LISTEN_NAME),
        *events[starts[-keep_user_messages]:],
    ]


def _write(sender_id: str, dialogue: str | None) -> None:
    """Store a conversation's serialised tracker; None deletes it (Rasa erased its events)."""
    with session_scope() as session:
        row = session.get(RasaTracker, sender_id)
        if dialogue is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(RasaTracker(sender_id=sender_id, dialogue=dialogue, updated_at=utcnow()))
        else:
            row.dialogue, row.updated_at = dialogue, utcnow()


def _read(sender_id: str) -> str | None:
    with session_scope() as session:
        return session.scalar(select(RasaTracker.dialogue).where(RasaTracker.sender_id == sender_id))


def _keys() -> list[str]:
    with session_scope() as session:
        return list(session.scalars(select(RasaTracker.sender_id)))


def delete_trackers(*, sender_ids: Iterable[str]) -> None:
    """Remove these conversations' trackers (for erasure when Rasa itself is not asked)."""
    ids = list(sender_ids)
    if ids:
        with session_scope() as session:
            session.execute(delete(RasaTracker).where(RasaTracker.sender_id.in_(ids)))


class WindowedSqlTrackerStore(TrackerStore, SerializedTrackerAsText):
    """Rasa's trackers in Drom's database (`rasa_trackers`), each cut to its last few turns when saved."""

    def __init__(self, domain: Domain | None, keep_user_messages: int = KEEP_USER_MESSAGES,
                 event_broker: Any = None, **kwargs: Any) -> None:
        kwargs.pop("host", None)
        super().__init__(domain, event_broker, **kwargs)
        self.keep_user_messages = int(keep_user_messages)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        if not tracker.events:  # Rasa's API replaced the events with none: the person asked to be forgotten
            await asyncio.to_thread(_write, tracker.sender_id, None)
            return
        events = windowed_events(tracker, self.keep_user_messages)
        if events is not None:
            tracker = DialogueStateTracker.from_events(
                tracker.sender_id, events, slots=self.domain.slots, sender_source=tracker.sender_source
            )
        await asyncio.to_thread(_write, tracker.sender_id, self.serialise_tracker(tracker))

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        dialogue = await asyncio.to_thread(_read, sender_id)
        return self.deserialise_tracker(sender_id, dialogue) if dialogue is not None else None

    async def keys(self) -> Iterable[str]:
        return await asyncio.to_thread(_keys)
