"""Rasa's tracker store: each conversation's last few turns, in PostgreSQL or (on SQLite) in memory.

Why a window: Rasa reads, replays and writes the whole tracker on every message, and sends all of
it to every action, so without a limit every message costs more than the one before (on this
machine Rasa's CPU per message went from 25 ms in a six-message conversation to 56 ms at sixty).
Drom's dialogue needs no more than the current turn and the slots (every rule is one intent and one
action), and the champion's transcript takes the last ten lines. So on every save the tracker is
cut to the last `keep_user_messages` messages, after a session start that restores the slots,
exactly as Rasa itself starts a new session that carries slots over. Less stays in Rasa, too:
older messages live only where the person's data is managed (and erased) by Drom.

Where: with PostgreSQL (DATABASE_URL), in Drom's database, table `rasa_trackers` (created by Drom's
Alembic migrations): every Rasa instance reads and writes the same trackers (several instances share
conversations, with Rasa's Redis lock store keeping each conversation's messages in order), and a
restarted Rasa carries on. A window this short makes one row per conversation the simplest store:
one read and one write per message, as Rasa's own Redis tracker store does. With the embedded
SQLite there is one Rasa, which keeps them in memory (`tracker_rows` says why).

Configured in endpoints.yml (`tracker_store: type: bot.rasa_tracker_store.WindowedTrackerStore`).
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
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.db.models import RasaTracker, utcnow
from bot.db.session import get_engine

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


_TRACKERS = RasaTracker.__table__


class SqlTrackerRows:
    """Serialised trackers as rows of `rasa_trackers`: shared by every Rasa instance, kept across restarts."""

    def __init__(self, database_url: str | None = None) -> None:
        self._url = database_url  # None: DATABASE_URL

    def write(self, sender_id: str, dialogue: str | None) -> None:
        """Store a conversation's serialised tracker in one statement (it runs for every message);
        None deletes it (Rasa erased its events)."""
        engine = get_engine(self._url)
        with engine.begin() as connection:
            if dialogue is None:
                connection.execute(delete(_TRACKERS).where(_TRACKERS.c.sender_id == sender_id))
                return
            insert = (postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert)(_TRACKERS)
            connection.execute(
                insert.values(sender_id=sender_id, dialogue=dialogue, updated_at=utcnow()).on_conflict_do_update(
                    index_elements=[_TRACKERS.c.sender_id],
                    set_={"dialogue": insert.excluded.dialogue, "updated_at": insert.excluded.updated_at},
                )
            )

    def read(self, sender_id: str) -> str | None:
        with get_engine(self._url).connect() as connection:
            return connection.execute(
                select(_TRACKERS.c.dialogue).where(_TRACKERS.c.sender_id == sender_id)
            ).scalar_one_or_none()

    def keys(self) -> list[str]:
        with get_engine(self._url).connect() as connection:
            return list(connection.execute(select(_TRACKERS.c.sender_id)).scalars())


class MemoryTrackerRows:
    """Serialised trackers in this process's memory: one Rasa instance, forgotten when it restarts."""

    def __init__(self) -> None:
        self._rows: dict[str, str] = {}

    def write(self, sender_id: str, dialogue: str | None) -> None:
        if dialogue is None:
            self._rows.pop(sender_id, None)
        else:
            self._rows[sender_id] = dialogue

    def read(self, sender_id: str) -> str | None:
        return self._rows.get(sender_id)

    def keys(self) -> list[str]:
        return list(self._rows)


def tracker_rows() -> SqlTrackerRows | MemoryTrackerRows:
    """Where the trackers are kept: PostgreSQL (DATABASE_URL) shares them between Rasa instances;
    with the embedded SQLite, one Rasa keeps them in memory, because every message's tracker write
    then competed with the gateway for SQLite's single writer (p95 at 50 people 149 -> 251 ms)."""
    return MemoryTrackerRows() if get_engine().dialect.name == "sqlite" else SqlTrackerRows()


class WindowedTrackerStore(TrackerStore, SerializedTrackerAsText):
    """Rasa's trackers, each cut to its last few turns when saved, kept by `tracker_rows()`."""

    def __init__(self, domain: Domain | None, keep_user_messages: int = KEEP_USER_MESSAGES,
                 event_broker: Any = None, **kwargs: Any) -> None:
        kwargs.pop("host", None)
        super().__init__(domain, event_broker, **kwargs)
        self.keep_user_messages = int(keep_user_messages)
        self.rows = tracker_rows()

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        if not tracker.events:  # Rasa's API replaced the events with none: the person asked to be forgotten
            await self._run(self.rows.write, tracker.sender_id, None)
            return
        events = windowed_events(tracker, self.keep_user_messages)
        if events is not None:
            tracker = DialogueStateTracker.from_events(
                tracker.sender_id, events, slots=self.domain.slots, sender_source=tracker.sender_source
            )
        await self._run(self.rows.write, tracker.sender_id, self.serialise_tracker(tracker))

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        dialogue = await self._run(self.rows.read, sender_id)
        return self.deserialise_tracker(sender_id, dialogue) if dialogue is not None else None

    async def keys(self) -> Iterable[str]:
        return await self._run(self.rows.keys)

    async def _run(self, call: Any, *args: Any) -> Any:
        """Database calls in a worker thread, so Rasa's event loop goes on meanwhile."""
        if isinstance(self.rows, MemoryTrackerRows):
            return call(*args)
        return await asyncio.to_thread(call, *args)
