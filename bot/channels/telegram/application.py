"""The Telegram channel's python-telegram-bot `Application`, run inside the gateway process.

Long polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set (the gateway serves
`/webhooks/telegram` and refuses requests without the secret token). Every update is stored in
the database before it is acknowledged (before the next getUpdates, or before the webhook's 200)
and handled from there, so a crash loses nothing and a redelivered update is handled once.
Edited messages are ignored.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from starlette.concurrency import run_in_threadpool
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.channels.background_tasks import stop_tasks
from bot.channels.telegram import champions, person
from bot.channels.telegram.relay import Relay
from bot.channels.telegram.sender import Sender
from bot.channels.update_queue import UpdateQueue
from bot.db.inbound_repository import store_update
from bot.gateway.core import Gateway
from bot.settings import Settings

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
POLL_TIMEOUT_SECONDS = 10
RETRY_SECONDS = 2.0

PERSON_COMMANDS = ["start", "language", "help", "human"]
MEDIA = (
    filters.PHOTO | filters.Sticker.ALL | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
    | filters.Document.ALL | filters.LOCATION | filters.CONTACT
)


def build_application(settings: Settings, gateway: Gateway) -> Application:
    telegram = settings.telegram
    # No python-telegram-bot Updater: TelegramChannel fetches updates itself, so that each one is
    # stored before it is acknowledged (see the module docstring).
    application = (
        Application.builder().token(telegram.bot_token).base_url(telegram.api_base_url).updater(None).build()
    )

    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler(PERSON_COMMANDS, person.on_command, filters=private))
    application.add_handler(CommandHandler("forget", person.on_forget, filters=private))
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, person.on_text))
    application.add_handler(MessageHandler(private & MEDIA, person.on_media))
    application.add_handler(CallbackQueryHandler(person.on_button))
    if telegram.champions_chat_id is not None:
        group = filters.Chat(telegram.champions_chat_id) & filters.UpdateType.MESSAGE
        application.add_handler(CommandHandler("claim", champions.on_claim, filters=group))
        application.add_handler(CommandHandler("close", champions.on_close, filters=group))
        application.add_handler(MessageHandler(group & filters.TEXT & ~filters.COMMAND, champions.on_group_message))

    relay = Relay(
        application.bot,
        telegram.champions_chat_id,
        dt.timedelta(minutes=settings.handoff_remind_minutes),
        telegram.champions_language,
    )
    sender = Sender(application.bot, relay)
    application.bot_data.update(
        gateway=gateway, relay=relay, sender=sender, wake=sender.wake, champions_language=telegram.champions_language
    )
    return application


def chat_of_update(data: dict) -> str:
    """The chat an update belongs to (its messages are handled in order): the message's chat, or
    for a button the chat of the message it was under, else the person who tapped it."""
    query = data.get("callback_query") or {}
    message = data.get("message") or data.get("edited_message") or query.get("message") or {}
    chat = (message.get("chat") or {}).get("id") or (query.get("from") or {}).get("id")
    return str(chat)


class TelegramChannel:
    """Runs the application: fetches or receives updates, stores them, then handles them (each
    chat's in order, bot/channels/update_queue.py); and runs the sender loop."""

    def __init__(self, settings: Settings, gateway: Gateway) -> None:
        self._settings = settings
        self.application = build_application(settings, gateway)
        # update_id is unique per bot; the bot's id is the part of the token before the colon.
        self._bot_id = (settings.telegram.bot_token or "").split(":")[0]
        self._tasks: list[asyncio.Task] = []
        self._updates = UpdateQueue(CHANNEL, self._process, chat_of_update)

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        await app.start()
        telegram = self._settings.telegram
        if telegram.webhook_url:
            await app.bot.set_webhook(
                telegram.webhook_url, secret_token=telegram.webhook_secret, allowed_updates=Update.ALL_TYPES
            )
        else:
            await app.bot.delete_webhook()
            self._tasks.append(asyncio.create_task(self._poll()))
        self._tasks.append(asyncio.create_task(app.bot_data["sender"].run()))
        self._tasks.append(asyncio.create_task(self._updates.take_leftovers()))
        logger.info("Telegram channel started (%s)", "webhook" if telegram.webhook_url else "long polling")

    async def stop(self) -> None:
        await stop_tasks(self._tasks, "Telegram channel loops")
        await self._updates.stop()
        await self.application.stop()
        await self.application.shutdown()

    def _store(self, data: dict) -> bool:
        return store_update(channel=CHANNEL, update_key=f"{self._bot_id}:{data['update_id']}", body=data)

    async def _poll(self) -> None:
        """Long polling: store each batch, then ask for the next one (which acknowledges this one)."""
        offset: int | None = None
        while True:
            try:
                updates = await self.application.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT_SECONDS, allowed_updates=Update.ALL_TYPES
                )
            except TelegramError as error:
                logger.warning("getUpdates failed (%s); retrying", type(error).__name__)
                await asyncio.sleep(RETRY_SECONDS)
                continue
            for update in updates:
                await run_in_threadpool(self._store, update.to_dict())
            if updates:
                offset = updates[-1].update_id + 1
                await self._updates.take_stored()

    async def process_webhook(self, data: dict) -> None:
        """Store the update (a redelivery is ignored) and handle it in the background."""
        if await run_in_threadpool(self._store, data):
            await self._updates.take_stored()
        else:
            logger.info("Skipped a redelivered Telegram update")

    async def _process(self, data: dict) -> None:
        await self.application.process_update(Update.de_json(data, self.application.bot))
