"""What every action does first and last: settle the language, welcome a newcomer, update slots."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.db.conversation_repository import find_by_public_id
from bot.db.session import session_scope
from bot.language_choice import Detection, resolve_language
from bot.replies import Reply, welcome
from bot.settings import load_settings


@dataclass
class Turn:
    """One user message being answered."""

    language: str
    chosen: bool
    first: bool
    previous_language: str | None
    previous_chosen: bool = False
    previous_misses: float = 0

    def events(self, *, misses: float = 0) -> list[EventType]:
        """The slots that changed in this turn. Unchanged ones are not repeated: every event
        stays in the tracker, and Rasa reads the whole tracker on every message."""
        changes = {
            "language": (self.language, self.previous_language),
            "language_chosen": (self.chosen, self.previous_chosen),
            "welcomed": (True, not self.first),
            "misses": (misses, self.previous_misses),
        }
        return [SlotSet(name, new) for name, (new, old) in changes.items() if new != old]


def channel_metadata(tracker: Tracker) -> dict[str, Any]:
    return (tracker.latest_message or {}).get("metadata") or {}


def begin_turn(tracker: Tracker) -> Turn:
    """Decide the answer language for the latest message (see bot.language_choice)."""
    current = tracker.get_slot("language")
    chosen = bool(tracker.get_slot("language_chosen"))
    language = resolve_language(
        current=current,
        chosen=chosen,
        detection=Detection.from_parse((tracker.latest_message or {}).get("language")),
        hint=channel_metadata(tracker).get("language_hint"),
        threshold=load_settings().language_confidence,
    )
    return Turn(
        language=language,
        chosen=chosen and language == current,
        first=not tracker.get_slot("welcomed"),
        previous_language=current,
        previous_chosen=chosen,
        previous_misses=float(tracker.get_slot("misses") or 0),
    )


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    dispatcher.utter_message(text=reply.text, buttons=reply.as_dict()["buttons"])


def greet_if_first(dispatcher: CollectingDispatcher, turn: Turn) -> None:
    """A person's first message gets the welcome, privacy note and language picker first."""
    if turn.first:
        send(dispatcher, welcome(turn.language))


def remember_language(tracker: Tracker, turn: Turn) -> None:
    """Store the conversation's language where the gateway can read it (only when it changed)."""
    if turn.language == turn.previous_language:
        return
    with session_scope() as session:
        conversation = find_by_public_id(session=session, public_id=tracker.sender_id)
        if conversation is not None:
            conversation.language = turn.language
