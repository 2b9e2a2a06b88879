"""Rasa's tracker store, keeping only the last few turns of each conversation.

Rasa reads, replays and writes the whole tracker on every message, and sends all of it to the
action server, so without a limit every message costs more than the one before (on this machine
Rasa's CPU per message went from 25 ms in a six-message conversation to 56 ms at sixty). Drom's
dialogue needs no more than the current turn and the slots (every rule is one intent and one
action), and the champion's transcript takes the last ten lines. So on every save the tracker is
cut to the last `keep_user_messages` messages, after a session start that restores the slots,
exactly as Rasa itself starts a new session that carries slots over. Less stays in Rasa, too:
older messages live only where the person's data is managed (and erased) by Drom.

Configured in endpoints.yml (`tracker_store: type: bot.rasa_tracker_store.WindowedInMemoryTrackerStore`).
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

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


class WindowedInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory tracker store, with each tracker cut to its last few turns when saved."""

    def __init__(self, domain: Domain, keep_user_messages: int = KEEP_USER_MESSAGES, **kwargs: Any) -> None:
        kwargs.pop("host", None)
        super().__init__(domain, **kwargs)
        self.keep_user_messages = int(keep_user_messages)

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = windowed_events(tracker, self.keep_user_messages)
        if events is not None:
            tracker = DialogueStateTracker.from_events(
                tracker.sender_id, events, slots=self.domain.slots, sender_source=tracker.sender_source
            )
        await super().save(tracker)
