"""Handling a channel's stored updates: each conversation's in arrival order, different
conversations at the same time.

Every update is stored before it is acknowledged (bot/db/inbound_repository.py). Handling one update
waits mostly on Rasa, so handling them one at a time capped a channel at about eight messages a
second however many people wrote (the load test, tests/load). Here each chat gets a queue and a
worker that takes its updates one by one, oldest first, so a person's messages are still answered
in order, while up to `concurrency` chats are handled at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool

from bot.channels.background_tasks import stop_tasks
from bot.db.inbound_repository import handling_update, pending_updates, update_handled

logger = logging.getLogger(__name__)

CONCURRENT_CHATS = 16  # enough to keep Rasa busy; more only lengthens its queue


class UpdateQueue:
    """Stored updates of one channel, handed to `handle` per chat (see the module docstring)."""

    def __init__(self, channel: str, handle: Callable[[dict], Awaitable[None]], chat_of: Callable[[dict], str],
                 concurrency: int = CONCURRENT_CHATS) -> None:
        self._channel = channel
        self._handle = handle
        self._chat_of = chat_of
        self._slots = asyncio.Semaphore(concurrency)
        self._fetching = asyncio.Lock()
        self._taken: set[int] = set()  # rows queued or being handled here
        self._queues: dict[str, deque[tuple[int, dict]]] = {}
        self._workers: dict[str, asyncio.Task] = {}

    async def take_stored(self) -> None:
        """Queue every stored, unhandled update not yet queued; returns without waiting for them."""
        async with self._fetching:
            pending = await run_in_threadpool(pending_updates, self._channel)
            for row_id, data in pending:
                if row_id in self._taken:
                    continue
                self._taken.add(row_id)
                chat = self._chat_of(data)
                self._queues.setdefault(chat, deque()).append((row_id, data))
                if chat not in self._workers:
                    self._workers[chat] = asyncio.create_task(self._work(chat))

    async def take_leftovers(self, retry_seconds: float = 2.0) -> None:
        """At start: queue the updates stored before a restart, retrying while the database is down
        (the gateway starts anyway and answers 503 meanwhile). Run it as a task."""
        while True:
            try:
                await self.take_stored()
                return
            except Exception:  # the database is not answering yet
                logger.warning("Could not read the stored %s updates yet; retrying", self._channel)
                await asyncio.sleep(retry_seconds)

    async def idle(self) -> None:
        """Wait until every queued update is handled (the tests use it to know when a batch is done)."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    async def stop(self) -> None:
        """Cancel the workers; what they had not finished stays unhandled for the restart. A stuck
        handler cannot keep the gateway from stopping (`stop_tasks` waits only so long)."""
        await stop_tasks(self._workers.values(), f"{self._channel} update handlers")

    async def _work(self, chat: str) -> None:
        queue = self._queues[chat]
        try:
            while queue:
                row_id, data = queue.popleft()
                try:
                    async with self._slots:
                        await self._handle_one(row_id, data)
                finally:
                    self._taken.discard(row_id)
        finally:  # also when the database failed: what is left is fetched again by the next take_stored
            del self._workers[chat]
            for row_id, _data in queue:
                self._taken.discard(row_id)
            del self._queues[chat]

    async def _handle_one(self, row_id: int, data: dict) -> None:
        try:
            with handling_update(row_id):
                await self._handle(data)
        except Exception:  # one bad update must not block the others; it is logged and not retried
            logger.exception("A %s update could not be handled", self._channel)
        # Not reached when cancelled (the gateway stopping): the update is handled after the restart.
        await run_in_threadpool(update_handled, row_id)
