"""Drom's replies as WhatsApp Cloud API messages.

Up to 3 buttons become reply buttons (titles at most 20 characters); more become a list message
(up to 10 rows, titles at most 24 characters). Titles are shortened at a word boundary with "…",
and the full title stays in the row description when a list has room for it.
"""

from __future__ import annotations

from bot.channels.text_splitting import WHATSAPP_TEXT_LIMIT, split_text

BUTTON_TITLE_LIMIT = 20
ROW_TITLE_LIMIT = 24
ROW_DESCRIPTION_LIMIT = 72
INTERACTIVE_BODY_LIMIT = 1024
MAX_BUTTONS = 3
MAX_ROWS = 10


def shorten(title: str, limit: int) -> str:
    """Cut a title to `limit` characters at a word boundary, marking the cut with '…'."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.:;-") + "…"


def _interactive(to: str, body: str, buttons: list[dict], list_label: str) -> dict:
    if len(buttons) <= MAX_BUTTONS:
        action = {"buttons": [
            {"type": "reply", "reply": {"id": b["payload"], "title": shorten(b["title"], BUTTON_TITLE_LIMIT)}}
            for b in buttons
        ]}
        kind = "button"
    else:
        rows = []
        for b in buttons[:MAX_ROWS]:
            row = {"id": b["payload"], "title": shorten(b["title"], ROW_TITLE_LIMIT)}
            if row["title"] != b["title"]:
                row["description"] = shorten(b["title"], ROW_DESCRIPTION_LIMIT)
            rows.append(row)
        action = {"button": shorten(list_label, BUTTON_TITLE_LIMIT), "sections": [{"title": " ", "rows": rows}]}
        kind = "list"
    return {
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "interactive",
        "interactive": {"type": kind, "body": {"text": body}, "action": action},
    }


def messages(to: str, reply: dict, list_label: str) -> list[dict]:
    """One Drom reply as Graph API message bodies: text parts, the buttons on the last one."""
    buttons = reply.get("buttons") or []
    limit = INTERACTIVE_BODY_LIMIT if buttons else WHATSAPP_TEXT_LIMIT
    texts = split_text(reply.get("text") or "", WHATSAPP_TEXT_LIMIT) or ["…"]
    if buttons and len(texts[-1]) > limit:
        texts = [*texts[:-1], *split_text(texts[-1], limit)]
    bodies = [
        {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
         "text": {"body": text, "preview_url": False}}
        for text in texts
    ]
    if buttons:
        bodies[-1] = _interactive(to, texts[-1], buttons, list_label)
    return bodies


def template(to: str, name: str, language: str) -> dict:
    """The approved template that reopens a conversation after WhatsApp's 24-hour window."""
    return {"messaging_product": "whatsapp", "to": to, "type": "template",
            "template": {"name": name, "language": {"code": language}}}
