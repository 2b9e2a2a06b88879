"""Handoffs to champions, as the gateway's API and the command line use them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot import replies
from bot.db.conversation_repository import (
    add_handoff_message,
    close_handoff,
    list_open_handoffs,
    queue_outbound,
)
from bot.db.models import Handoff, utcnow
from bot.db.session import session_scope


@dataclass(frozen=True)
class HandoffSummary:
    id: int
    channel: str
    language: str
    reason: str
    urgent: bool
    created_at: dt.datetime
    messages: list[tuple[str, str]]

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "channel": self.channel,
            "language": self.language,
            "reason": self.reason,
            "urgent": self.urgent,
            "created_at": self.created_at.isoformat() + "Z",
            "messages": [{"role": role, "text": text} for role, text in self.messages],
        }


def _summary(handoff: Handoff) -> HandoffSummary:
    return HandoffSummary(
        id=handoff.id,
        channel=handoff.channel,
        language=handoff.language,
        reason=handoff.reason,
        urgent=handoff.urgent,
        created_at=handoff.created_at,
        messages=[(m.role, m.text) for m in handoff.messages],
    )


def open_handoffs() -> list[HandoffSummary]:
    """Open handoffs, urgent first, then the longest waiting."""
    with session_scope() as session:
        return [_summary(h) for h in list_open_handoffs(session=session)]


OUTCOMES = ("answered", "referred", "no_reply")


def close(handoff_id: int, outcome: str | None = None) -> bool:
    """Close a handoff and tell the person, in their language, that the bot is back; False if not open."""
    with session_scope() as session:
        handoff = close_handoff(session=session, handoff_id=handoff_id)
        if handoff is None:
            return False
        handoff.outcome = outcome if outcome in OUTCOMES else None
        for reply in (replies.handoff_closed(handoff.language), replies.feedback_question(handoff.language)):
            queue_outbound(session=session, conversation_id=handoff.conversation_id, message=reply.as_dict())
        return True


def reply(handoff_id: int, text: str, *, in_group: bool = False) -> bool:
    """Send a champion's reply to the person of an open handoff; False if not open.

    A reply written in the champions' Telegram group (`in_group`) is already there; any other
    (console, API) is relayed to the group too, so both places show the same conversation.
    """
    with session_scope() as session:
        handoff = session.get(Handoff, handoff_id)
        if handoff is None or handoff.status != "open":
            return False
        line = add_handoff_message(session=session, handoff=handoff, role="champion", text=text)
        if in_group:
            line.relayed_at = utcnow()
        queue_outbound(
            session=session, conversation_id=handoff.conversation_id, message={"text": text, "buttons": []}
        )
        return True
