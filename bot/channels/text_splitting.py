"""Splitting long answers into messages that fit a channel's length limit.

Splits prefer paragraph breaks, then sentence ends, then spaces; a single word longer than the
limit is cut hard. No part is empty and the parts, joined, keep every word in order.
"""

from __future__ import annotations

import re

_BREAKS = (re.compile(r"\n\s*\n"), re.compile(r"(?<=[.!?…])\s+"), re.compile(r"\s+"))

TELEGRAM_TEXT_LIMIT = 4096
WHATSAPP_TEXT_LIMIT = 4096


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into parts of at most `limit` characters at the most natural boundaries."""
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    for pattern in _BREAKS:
        cut = _last_break_before(text, pattern, limit)
        if cut is not None:
            head, tail = text[: cut[0]].rstrip(), text[cut[1] :]
            if head:
                return [head, *split_text(tail, limit)]
    return [text[:limit], *split_text(text[limit:], limit)]


def _last_break_before(text: str, pattern: re.Pattern[str], limit: int) -> tuple[int, int] | None:
    best = None
    for match in pattern.finditer(text):
        if match.start() > limit:
            break
        if match.start() > 0:
            best = (match.start(), match.end())
    return best
