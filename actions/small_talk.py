"""Greetings, thanks and goodbyes."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_turn import begin_turn, remember_language, send
from actions.threaded_action import ThreadedAction
from bot import replies


class ActionGreet(ThreadedAction):
    """Welcome a newcomer (welcome, privacy, languages), then show the topic menu."""

    def name(self) -> str:
        return "action_greet"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        remember_language(tracker, turn)
        if turn.first:
            send(dispatcher, replies.welcome(turn.language))
        send(dispatcher, replies.topic_menu(turn.language))
        return turn.events()


class ActionThank(ThreadedAction):
    """Answer thanks (and the "that helped" button)."""

    def name(self) -> str:
        return "action_thank"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        remember_language(tracker, turn)
        send(dispatcher, replies.thanks(turn.language))
        return turn.events()


class ActionGoodbye(ThreadedAction):
    """Say goodbye."""

    def name(self) -> str:
        return "action_goodbye"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        remember_language(tracker, turn)
        send(dispatcher, replies.goodbye(turn.language))
        return turn.events()
