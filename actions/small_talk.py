"""Greetings, thanks and goodbyes."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_turn import begin_turn, remember_language, send
from bot import replies


class ActionGreet(Action):
    """Welcome a newcomer (welcome, privacy, languages), then show the topic menu."""

    def name(self) -> str:
        return "action_greet"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        remember_language(tracker, turn)
        if turn.first:
            send(dispatcher, replies.welcome(turn.language))
        send(dispatcher, replies.topic_menu(turn.language))
        return turn.events()


class ActionThank(Action):
    """Answer thanks (and the "that helped" button)."""

    def name(self) -> str:
        return "action_thank"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        remember_language(tracker, turn)
        send(dispatcher, replies.thanks(turn.language))
        return turn.events()


class ActionGoodbye(Action):
    """Say goodbye."""

    def name(self) -> str:
        return "action_goodbye"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        remember_language(tracker, turn)
        send(dispatcher, replies.goodbye(turn.language))
        return turn.events()
