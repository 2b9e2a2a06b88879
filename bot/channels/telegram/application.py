"""The Telegram channel's python-telegram-bot `Application`, run inside the gateway process.

Long polling by default; webhook mode when TELEGRAM_WEBHOOK_URL is set (the gateway serves
`/webhooks/telegram` and refuses requests without the secret token). Every update is recorded
by id first, so a redelivered update is not answered twice; edited messages are ignored.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram import champions, person
from bot.channels.telegram.relay import Relay
from bot.channels.telegram.sender import Sender
from bot.db.models import ProcessedUpdate
from bot.db.session import session_scope
from bot.gateway.core import Gateway
from bot.settings import Settings

logger = logging.getLogger(__name__)

PERSON_COMMANDS = ["start", "language", "help", "human"]
MEDIA = (
    filters.PHOTO | filters.Sticker.ALL | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
    | filters.Document.ALL | filters.LOCATION | filters.CONTACT
)


def _first_time(update_key: str) -> bool:
    try:
        with session_scope() as session:
            session.add(ProcessedUpdate(channel="telegram", update_key=update_key))
        return True
    except IntegrityError:
        return False


async def skip_duplicates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    # update_id is unique per bot; the bot's id is the part of the token before the colon.
    if not await run_in_threadpool(_first_time, f"{context.bot_data['bot_id']}:{update.update_id}"):
        logger.info("Skipped a redelivered Telegram update")
        raise ApplicationHandlerStop


def build_application(settings: Settings, gateway: Gateway) -> Application:
    telegram = settings.telegram
    builder = Application.builder().token(telegram.bot_token).base_url(telegram.api_base_url)
    if telegram.webhook_url:
        builder = builder.updater(None)
    application = builder.build()

    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, skip_duplicates), group=-1)
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
        application.bot, telegram.champions_chat_id, dt.timedelta(minutes=settings.handoff_remind_minutes)
    )
    sender = Sender(application.bot, relay)
    application.bot_data.update(
        gateway=gateway, relay=relay, sender=sender, wake=sender.wake, bot_id=telegram.bot_token.split(":")[0]
    )
    return application


class TelegramChannel:
    """Starts and stops the application, its updater (polling) and the sender loop."""

    def __init__(self, settings: Settings, gateway: Gateway) -> None:
        self._settings = settings
        self.application = build_application(settings, gateway)
        self._sender_task: asyncio.Task | None = None

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        await app.start()
        webhook = self._settings.telegram
        if webhook.webhook_url:
            await app.bot.set_webhook(
                webhook.webhook_url, secret_token=webhook.webhook_secret, allowed_updates=Update.ALL_TYPES
            )
        else:
            await app.bot.delete_webhook()
            await app.updater.start_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES)
        self._sender_task = asyncio.create_task(app.bot_data["sender"].run())
        logger.info("Telegram channel started (%s)", "webhook" if webhook.webhook_url else "long polling")

    async def stop(self) -> None:
        if self._sender_task is not None:
            self._sender_task.cancel()
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        await app.stop()
        await app.shutdown()

    async def process_webhook(self, data: dict) -> None:
        await self.application.process_update(Update.de_json(data, self.application.bot))
