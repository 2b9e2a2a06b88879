"""The Telegram sender: one loop that delivers the outbox and keeps the champions' group current.

Errors are retried with backoff: 429 waits as long as Telegram's `retry_after` says, network
errors and 5xx back off exponentially, and a message Telegram refuses for good (blocked bot,
bad request) is given up after logging. A restart simply picks up what is still undelivered.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from starlette.concurrency import run_in_threadpool
from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels.background_tasks import wait_until_woken
from bot.channels.telegram.relay import Relay
from bot.channels.telegram.rendering import parts
from bot.db.outbox_repository import Pending, due_messages, mark_delivered, schedule_retry
from bot.db.session import session_scope
from bot.faq_answers import recorded_answer

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
IDLE_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 300.0


def _seconds(retry_after: float | dt.timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, dt.timedelta) else float(retry_after)


class Sender:
    def __init__(self, bot: Bot, relay: Relay) -> None:
        self._bot = bot
        self._relay = relay
        self.wake = asyncio.Event()

    async def run(self) -> None:
        """Until cancelled: deliver, relay, then sleep until woken or a second has passed."""
        while True:
            try:
                await self.step()
            except Exception:  # a bug must not stop delivery for everyone; it is logged and retried
                logger.exception("The Telegram sender failed a step; retrying")
            await wait_until_woken(self.wake, IDLE_SECONDS)
            self.wake.clear()

    async def step(self) -> None:
        await self._relay.step()
        for pending in await run_in_threadpool(self._due):
            await self._deliver(pending)

    def _due(self) -> list[Pending]:
        with session_scope() as session:
            return due_messages(session=session, channel=CHANNEL)

    async def _deliver(self, pending: Pending) -> None:
        try:
            await self._send_audio(pending)
            for text, markup in parts(pending.message):
                await self._bot.send_message(chat_id=int(pending.external_id), text=text, reply_markup=markup)
        except RetryAfter as error:
            await run_in_threadpool(self._retry, pending, _seconds(error.retry_after), False)
        except (BadRequest, Forbidden, ValueError) as error:  # ValueError: not a Telegram chat id
            logger.warning("Telegram refused an outbox message for good: %s", type(error).__name__)
            await run_in_threadpool(self._retry, pending, 0.0, True)
        except (NetworkError, TelegramError) as error:
            delay = min(MAX_BACKOFF_SECONDS, 0.5 * 2**pending.attempts)
            logger.info("Telegram send failed (%s); retrying in %.1f s", type(error).__name__, delay)
            await run_in_threadpool(self._retry, pending, delay, False)
        else:
            await run_in_threadpool(self._delivered, pending)

    async def _send_audio(self, pending: Pending) -> None:
        """A recorded answer: a voice message when it is OGG/Opus (Telegram's voice format), else audio."""
        audio = pending.message.get("audio")
        found = audio and await run_in_threadpool(recorded_answer, audio["key"], audio["language"])
        if not found:
            return
        mime, filename, data = found
        chat_id = int(pending.external_id)
        if mime == "audio/ogg":
            await self._bot.send_voice(chat_id=chat_id, voice=InputFile(data, filename=filename))
        else:
            await self._bot.send_audio(chat_id=chat_id, audio=InputFile(data, filename=filename))

    def _retry(self, pending: Pending, delay: float, give_up: bool) -> None:
        with session_scope() as session:
            schedule_retry(session=session, message_id=pending.id, delay_seconds=delay, give_up=give_up)

    def _delivered(self, pending: Pending) -> None:
        with session_scope() as session:
            mark_delivered(session=session, message_id=pending.id)
