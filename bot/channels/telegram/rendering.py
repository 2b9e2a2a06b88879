"""Drom's replies as Telegram messages: plain text (no parse mode, so nothing to escape) and
inline keyboards whose callback data is the Rasa button payload."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.channels.text_splitting import TELEGRAM_TEXT_LIMIT, split_text

logger = logging.getLogger(__name__)

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit for callback_data
BUTTONS_PER_ROW = 2


def keyboard(buttons: list[dict]) -> InlineKeyboardMarkup | None:
    """Inline keyboard for a reply's buttons; buttons whose payload is too long are left out (and logged)."""
    usable = []
    for button in buttons:
        if len(button["payload"].encode("utf-8")) > CALLBACK_DATA_LIMIT:
            logger.error("A button payload is over Telegram's 64 bytes and was left out")
            continue
        usable.append(InlineKeyboardButton(button["title"], callback_data=button["payload"]))
    if not usable:
        return None
    rows = [usable[i : i + BUTTONS_PER_ROW] for i in range(0, len(usable), BUTTONS_PER_ROW)]
    return InlineKeyboardMarkup(rows)


def parts(message: dict) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """One Drom reply as Telegram messages: split at the length limit, buttons under the last part."""
    texts = split_text(message.get("text") or "", TELEGRAM_TEXT_LIMIT) or ["…"]
    markup = keyboard(message.get("buttons") or [])
    return [(text, markup if index == len(texts) - 1 else None) for index, text in enumerate(texts)]
