"""When is a person's message answered completely? The database says so, for every person at once.

A message is answered completely when its inbound update is stored and handled, and the person's
conversation has nothing left in the outbox and nothing held for Rasa: the handler queues its
answers before it marks the update handled, and the sender marks a message delivered only after
the channel's API took it, so by then every part of the answer has reached the fake. One watcher
asks the database four times a second for all the people who are waiting, instead of each person
polling it.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.db.models import Conversation, HeldMessage, OutboxMessage, ProcessedUpdate
from bot.db.outbox_repository import MAX_ATTEMPTS
from bot.db.session import session_scope

POLL_SECONDS = 0.25


def busy_chats(session, keys: list[str]) -> tuple[set[str], set[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """(the handled ones among `keys`, the (channel, chat) pairs with undelivered or held messages)."""
    handled = set(session.scalars(select(ProcessedUpdate.update_key).where(
        ProcessedUpdate.update_key.in_(keys), ProcessedUpdate.processed_at.is_not(None)))) if keys else set()
    undelivered = session.execute(
        select(Conversation.channel, Conversation.external_id)
        .join(OutboxMessage, OutboxMessage.conversation_id == Conversation.id)
        .where(OutboxMessage.delivered_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
    ).all()
    held = session.execute(
        select(Conversation.channel, Conversation.external_id)
        .join(HeldMessage, HeldMessage.conversation_id == Conversation.id)
    ).all()
    return handled, {(channel, chat) for channel, chat in [*undelivered, *held]}


class CompletionWatcher:
    """Resolves each waiting person's future once their message is answered completely."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._waiting: dict[str, tuple[str, str, asyncio.Future[bool]]] = {}
        self.polls = 0

    async def wait(self, key: str, channel: str, chat: str, timeout: float) -> bool:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting[key] = (channel, chat, future)
        try:
            return await asyncio.wait_for(future, timeout)
        except asyncio.TimeoutError:
            return False
        finally:
            self._waiting.pop(key, None)

    def _check(self, keys: list[str]) -> tuple[set[str], set[tuple[str, str]]]:
        with session_scope(self._url) as session:
            return busy_chats(session, keys)

    async def run(self) -> None:
        """Until cancelled."""
        while True:
            await asyncio.sleep(POLL_SECONDS)
            if not self._waiting:
                continue
            keys = list(self._waiting)
            handled, busy = await asyncio.to_thread(self._check, keys)
            self.polls += 1
            for key in keys:
                entry = self._waiting.get(key)
                if entry and key in handled and (entry[0], entry[1]) not in busy and not entry[2].done():
                    entry[2].set_result(True)

    async def settled(self, timeout: float) -> bool:
        """Wait until nothing at all is unhandled, undelivered or held (after the people stopped)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            if await asyncio.to_thread(self._nothing_pending):
                return True
            await asyncio.sleep(POLL_SECONDS)
        return False

    def _nothing_pending(self) -> bool:
        with session_scope(self._url) as session:
            unhandled = session.scalar(
                select(ProcessedUpdate.id).where(ProcessedUpdate.processed_at.is_(None)).limit(1))
            return unhandled is None and not busy_chats(session, [])[1]
