"""Handlers for people writing to Drom in a private chat.

Each handler turns the update into one `Inbound` for the gateway (the same path as every channel),
queues the answer in the outbox, and wakes the sender. Commands are Rasa intents in disguise:
/start greets, /language offers the language picker, /help shows the menu, /human asks for a
champion; /forget erases everything after a confirm button.
"""

from __future__ import annotations

import asyncio

from starlette.concurrency import run_in_threadpool
from telegram import Update
from telegram.ext import ContextTypes

from bot import replies
from bot.channels.telegram.relay import media_placeholder
from bot.db.inbound_repository import update_being_handled
from bot.db.outbox_repository import queue_messages
from bot.db.session import session_scope
from bot.gateway.core import Gateway, Inbound
from bot.gateway.rasa_client import RasaUnavailable

CHANNEL = "telegram"
FORGET_CONFIRM = "drom:forget"
COMMAND_PAYLOADS = {"start": "/greet", "language": "/change_language", "help": "/menu", "human": "/human_handoff"}


def _inbound(update: Update, *, text: str | None = None, payload: str | None = None) -> Inbound:
    user = update.effective_user
    return Inbound(
        channel=CHANNEL,
        external_id=str(update.effective_chat.id),
        text=text,
        payload=payload,
        language_hint=user.language_code if user else None,
    )


def _queue_in_session(external_id: str, messages: list[dict], handled_update: int | None) -> None:
    with session_scope() as session:
        queue_messages(session=session, channel=CHANNEL, external_id=external_id, messages=messages,
                       handled_update=handled_update)


async def _queue(external_id: str, messages: list[dict]) -> None:
    """Queue the answers; the update being handled is marked handled in the same transaction."""
    await run_in_threadpool(_queue_in_session, external_id, messages, update_being_handled())


async def _answer(context: ContextTypes.DEFAULT_TYPE, inbound: Inbound) -> None:
    gateway: Gateway = context.bot_data["gateway"]
    messages = await gateway.handle(inbound)
    if messages:
        await _queue(inbound.external_id, messages)
        wake: asyncio.Event = context.bot_data["wake"]
        wake.set()


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _answer(context, _inbound(update, text=update.effective_message.text))


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    command = (update.effective_message.text or "").split()[0].lstrip("/").split("@")[0].lower()
    await _answer(context, _inbound(update, payload=COMMAND_PAYLOADS.get(command, "/menu")))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    if query.data == FORGET_CONFIRM:
        await _forget(update, context)
        return
    await _answer(context, _inbound(update, payload=query.data))


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask before erasing: one tap on the confirm button does it."""
    inbound = _inbound(update)
    gateway: Gateway = context.bot_data["gateway"]
    language = await gateway.language_of(inbound)
    confirm = replies.forget_confirm(language).as_dict()
    confirm["buttons"][0]["payload"] = FORGET_CONFIRM
    await _queue(inbound.external_id, [confirm])
    context.bot_data["wake"].set()


async def _forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    inbound = _inbound(update)
    gateway: Gateway = context.bot_data["gateway"]
    try:
        confirmation = await gateway.forget(
            channel=CHANNEL, external_id=inbound.external_id, language_hint=inbound.language_hint
        )
    except RasaUnavailable:
        language = await gateway.language_of(inbound)
        confirmation = replies.unavailable(language).as_dict()
    # The conversation (and its outbox) is gone: this one reply is sent directly.
    await context.bot.send_message(chat_id=update.effective_chat.id, text=confirmation["text"])


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, stickers, voice notes, documents, locations: Drom reads text. During a handoff the
    champion gets them as they are (the relay copies the original message to the group)."""
    message = update.effective_message
    gateway: Gateway = context.bot_data["gateway"]
    inbound = _inbound(update, text=media_placeholder(message))
    if await gateway.in_handoff(inbound):
        await _answer(context, inbound)
        await context.application.bot_data["relay"].copy_media(update)
        return
    language = await gateway.language_of(inbound)
    await _queue(inbound.external_id, [replies.unsupported_input(language).as_dict()])
    context.bot_data["wake"].set()
