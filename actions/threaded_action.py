"""The base of Drom's actions: their work runs in a worker thread.

Rasa awaits `run` on its one event loop (the actions run inside Rasa, bot/rasa_actions.py). Drom's actions read and write the
database synchronously (SQLAlchemy), so a plain `run` would stop every other conversation's
action while one waits on the database; `asyncio.to_thread` keeps the loop serving.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher


class ThreadedAction(Action, ABC):
    """An action whose `answer` runs in a worker thread; subclasses implement `answer`.

    Abstract, so that rasa-sdk, which registers every subclass of `Action`, skips it."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return await asyncio.to_thread(self.answer, dispatcher, tracker, domain)

    @abstractmethod
    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """The action's work: send messages with `dispatcher`, return the events."""
