"""Handlers for champions in the champions' group: reply to a card (or write in the handoff's
topic) to answer the person; /claim takes the handoff; /close ends it and the bot resumes.

Only registered, active champions may do these; anyone else is told so.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from telegram import Update
from telegram.ext import ContextTypes

from bot import handoff
from bot.db.champion_repository import find_active
from bot.db.models import Handoff
from bot.db.relay_repository import handoff_for_group_message
from bot.db.session import session_scope
from bot.i18n import gettext_for


def _target(update: Update) -> tuple[int | None, str | None]:
    """(open handoff id, champion display name) for this group message; None where there is none."""
    message = update.effective_message
    reply_to = message.reply_to_message.message_id if message.reply_to_message else None
    thread = message.message_thread_id if message.is_topic_message else None
    with session_scope() as session:
        champion = find_active(session=session, telegram_user_id=update.effective_user.id)
        found = handoff_for_group_message(
            session=session, chat_id=update.effective_chat.id, reply_to_message_id=reply_to, thread_id=thread
        )
        return (found.id if found else None), (champion.display_name if champion else None)


def _claim(handoff_id: int, telegram_user_id: int) -> None:
    with session_scope() as session:
        champion = find_active(session=session, telegram_user_id=telegram_user_id)
        session.get(Handoff, handoff_id).champion_id = champion.id


def _gettext(context: ContextTypes.DEFAULT_TYPE) -> Callable[[str], str]:
    """Translations for the champions' group, in its language (TELEGRAM_CHAMPIONS_LANGUAGE)."""
    return gettext_for(context.bot_data.get("champions_language", "en"))


async def _checked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[int, str] | None:
    """The handoff and champion name, or None after telling the sender why not."""
    _ = _gettext(context)
    handoff_id, name = await run_in_threadpool(_target, update)
    if name is None:
        await update.effective_message.reply_text(
            _("Only registered champions can answer handoffs. Ask an admin to add you with `champions add`.")
        )
        return None
    if handoff_id is None:
        await update.effective_message.reply_text(
            _("Reply to a handoff's card (or write in its topic) so I know which conversation you mean.")
        )
        return None
    return handoff_id, name


async def on_group_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if not message.reply_to_message and not message.is_topic_message:
        return  # ordinary chat between champions
    checked = await _checked(update, context)
    if checked is None:
        return
    handoff_id, name = checked
    if await run_in_threadpool(handoff.reply, handoff_id, f"{name}: {message.text}", in_group=True):
        context.bot_data["wake"].set()


async def on_claim(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    checked = await _checked(update, context)
    if checked is None:
        return
    handoff_id, name = checked
    await run_in_threadpool(_claim, handoff_id, update.effective_user.id)
    _ = _gettext(context)
    await update.effective_message.reply_text(_("{name} is answering this handoff.").format(name=name))


async def on_close(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    checked = await _checked(update, context)
    if checked is None:
        return
    handoff_id, name = checked
    if await run_in_threadpool(handoff.close, handoff_id):
        context.bot_data["wake"].set()
        _ = _gettext(context)
        await update.effective_message.reply_text(
            _("Closed by {name}. The bot answers this person again.").format(name=name)
        )
