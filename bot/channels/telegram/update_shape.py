"""What a webhook update must look like before Drom stores it.

python-telegram-bot reads updates leniently (a chat id of `"[]"` is accepted), so a forged or
broken body that passed the secret check could be stored and then fail on every delivery
attempt. The fields Drom relies on are checked here; anything else is refused with a 400.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

MESSAGE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post")


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _message_problem(message: Any) -> str | None:
    if not isinstance(message, dict):
        return "a message must be an object"
    chat, sender = message.get("chat"), message.get("from")
    if not isinstance(chat, dict) or not _int(chat.get("id")):
        return "a message needs `chat` with an integer `id`"
    if sender is not None and (not isinstance(sender, dict) or not _int(sender.get("id"))):
        return "`from` needs an integer `id`"
    if not _int(message.get("message_id")) or not _int(message.get("date")):
        return "a message needs integer `message_id` and `date`"
    if any(message.get(name) is not None and not isinstance(message.get(name), str) for name in ("text", "caption")):
        return "`text` and `caption` must be strings"
    return None


def update_problem(data: dict[str, Any]) -> str | None:
    """Why this update cannot be handled, or None when it is well formed."""
    if not _int(data.get("update_id")):
        return "A Telegram update needs an integer `update_id`."
    for kind in MESSAGE_KINDS:
        if kind in data and (problem := _message_problem(data[kind])):
            return f"`{kind}`: {problem}."
    if "callback_query" in data:
        query = data["callback_query"]
        if not isinstance(query, dict) or not isinstance(query.get("id"), str):
            return "`callback_query` needs a string `id`."
        sender = query.get("from")
        if not isinstance(sender, dict) or not _int(sender.get("id")):
            return "`callback_query` needs `from` with an integer `id`."
        if query.get("data") is not None and not isinstance(query["data"], str):
            return "`callback_query.data` must be a string."
        if query.get("message") is not None and (problem := _message_problem(query["message"])):
            return f"`callback_query.message`: {problem}."
    try:
        Update.de_json(data, None)
    except (TypeError, ValueError, KeyError, AttributeError):
        return "The update does not follow the Telegram Bot API."
    return None
