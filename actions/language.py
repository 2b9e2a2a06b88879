"""Let the person choose the language Drom writes in."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_turn import begin_turn, remember_language, send
from actions.threaded_action import ThreadedAction
from bot import replies
from bot.languages import language_named_in, normalise_code


class ActionChangeLanguage(ThreadedAction):
    """Switch to the language named by the button or the message; otherwise show the picker."""

    def name(self) -> str:
        return "action_change_language"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        requested = normalise_code(next(tracker.get_latest_entity_values("language"), None))
        requested = requested or language_named_in(tracker.latest_message.get("text") or "")
        if requested is None:
            remember_language(tracker, turn)
            send(dispatcher, replies.choose_language(turn.language))
            return turn.events()
        turn.language, turn.chosen = requested, True
        remember_language(tracker, turn)
        send(dispatcher, replies.language_changed(requested))
        return turn.events()
