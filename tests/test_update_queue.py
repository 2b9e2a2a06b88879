"""Stored updates are handled each chat's in order, different chats at the same time
(bot/channels/update_queue.py), on the real database."""

from __future__ import annotations

import asyncio
import uuid

from bot.channels.update_queue import UpdateQueue
from bot.db.inbound_repository import pending_updates, store_update


def store(channel: str, chat: str, n: int) -> None:
    assert store_update(channel=channel, update_key=f"{chat}:{n}", body={"chat": chat, "n": n})


def test_one_chat_in_order_and_chats_at_the_same_time() -> None:
    channel = f"test-{uuid.uuid4().hex[:8]}"
    for n in range(3):
        for chat in ("a", "b", "c"):
            store(channel, chat, n)
    handled: list[tuple[str, int]] = []
    running = {"now": 0, "most": 0}

    async def handle(data: dict) -> None:
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
        await asyncio.sleep(0.05)  # as if waiting for Rasa
        handled.append((data["chat"], data["n"]))
        running["now"] -= 1

    async def run() -> None:
        updates = UpdateQueue(channel, handle, lambda data: data["chat"], concurrency=2)
        await updates.take_stored()
        await updates.take_stored()  # taking again queues nothing twice
        await updates.idle()

    asyncio.run(run())
    assert sorted(handled) == [(chat, n) for chat in "abc" for n in range(3)]  # each once
    for chat in "abc":
        assert [n for c, n in handled if c == chat] == [0, 1, 2]
    assert running["most"] == 2  # two chats at once, never more than allowed
    assert pending_updates(channel) == []


def test_a_failing_update_is_logged_and_does_not_block_its_chat() -> None:
    channel = f"test-{uuid.uuid4().hex[:8]}"
    store(channel, "a", 0)
    store(channel, "a", 1)
    handled: list[int] = []

    async def handle(data: dict) -> None:
        if data["n"] == 0:
            raise ValueError("a malformed update")
        handled.append(data["n"])

    async def run() -> None:
        updates = UpdateQueue(channel, handle, lambda data: data["chat"])
        await updates.take_stored()
        await updates.idle()

    asyncio.run(run())
    assert handled == [1] and pending_updates(channel) == []


def test_an_update_cut_off_by_a_shutdown_is_handled_after_the_restart() -> None:
    channel = f"test-{uuid.uuid4().hex[:8]}"
    store(channel, "a", 0)

    async def never_finishes(data: dict) -> None:
        await asyncio.sleep(3600)

    async def run() -> None:
        updates = UpdateQueue(channel, never_finishes, lambda data: data["chat"])
        await updates.take_stored()
        await asyncio.sleep(0.05)
        await updates.stop()

    asyncio.run(run())
    assert [body for _row, body in pending_updates(channel)] == [{"chat": "a", "n": 0}]
