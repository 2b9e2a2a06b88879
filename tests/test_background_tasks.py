"""The channels' background loops stop when told to, even when woken in the same instant
(bot/channels/background_tasks.py): a gateway that hangs on shutdown never restarts."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from bot.channels.background_tasks import stop_tasks, wait_until_woken
from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.settings import WhatsAppSettings


async def _woken_loop(event: asyncio.Event, rounds: list[int]) -> None:
    while True:
        await wait_until_woken(event, 60)
        event.clear()
        rounds.append(1)


def test_a_loop_woken_as_it_is_cancelled_still_stops() -> None:
    """The case `asyncio.wait_for` gets wrong (CPython gh-86296): set and cancel in one turn."""
    async def run() -> list[int]:
        event, rounds = asyncio.Event(), []
        task = asyncio.create_task(_woken_loop(event, rounds))
        await asyncio.sleep(0.01)  # the loop is waiting
        event.set()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
        return rounds

    assert asyncio.run(run()) == []


def test_waiting_ends_when_woken_or_after_the_time() -> None:
    async def run() -> tuple[float, float]:
        event = asyncio.Event()
        started = time.monotonic()
        await wait_until_woken(event, 0.2)
        slept = time.monotonic() - started
        asyncio.get_running_loop().call_later(0.05, event.set)
        started = time.monotonic()
        await wait_until_woken(event, 60)
        return slept, time.monotonic() - started

    slept, woken = asyncio.run(run())
    assert 0.15 <= slept < 5  # asyncio may fire a timer up to its clock resolution early
    assert woken < 5


def test_a_task_that_ignores_cancellation_is_left_behind_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    async def stubborn() -> None:  # shrugs off the first cancellation, as a stuck handler would
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            await asyncio.sleep(60)

    async def run() -> float:
        tasks = [asyncio.create_task(stubborn()), asyncio.create_task(asyncio.sleep(60))]
        await asyncio.sleep(0)
        started = time.monotonic()
        await stop_tasks(tasks, "test loops", grace_seconds=0.2)
        took = time.monotonic() - started
        assert tasks[1].cancelled() and not tasks[0].done()
        tasks[0].cancel()  # the second time it ends, so that asyncio.run can finish
        return took

    with caplog.at_level(logging.WARNING, logger="bot.channels.background_tasks"):
        assert asyncio.run(run()) < 5
    assert "1 test loops did not stop" in caplog.text


def test_the_whatsapp_channel_stops_while_an_answer_wakes_its_sender() -> None:
    settings = WhatsAppSettings(token="t", phone_number_id="1", app_secret="s", api_base_url="http://127.0.0.1:9")

    async def run() -> None:
        channel = WhatsAppChannel(settings, gateway=None)  # type: ignore[arg-type]  # nothing arrives
        await channel.start()
        await asyncio.sleep(0.3)  # the sender looked at the (empty) outbox and sleeps
        channel._wake.set()  # as when an answer is queued
        await asyncio.wait_for(channel.stop(), 15)

    asyncio.run(run())
