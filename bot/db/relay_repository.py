"""What the champions' Telegram group still has to be shown: new handoffs, new lines, reminders."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Handoff, HandoffMessage, utcnow


def handoffs_without_card(*, session: Session) -> list[Handoff]:
    return list(
        session.scalars(
            select(Handoff)
            .where(Handoff.status == "open", Handoff.card_posted_at.is_(None))
            .order_by(Handoff.urgent.desc(), Handoff.created_at)
        )
    )


def handoffs_to_remind(*, session: Session, older_than: dt.timedelta) -> list[Handoff]:
    """Open, unclaimed handoffs whose card was posted longer ago than `older_than`."""
    cutoff = utcnow() - older_than
    return list(
        session.scalars(
            select(Handoff).where(
                Handoff.status == "open",
                Handoff.champion_id.is_(None),
                Handoff.card_posted_at.is_not(None),
                Handoff.card_posted_at < cutoff,
            )
        )
    )


def lines_to_relay(*, session: Session) -> list[HandoffMessage]:
    """What people wrote, system notes and replies from outside the group (the console) in open
    handoffs after the card, not yet shown in the champions' group."""
    return list(
        session.scalars(
            select(HandoffMessage)
            .join(Handoff)
            .where(
                Handoff.status == "open",
                Handoff.card_message_id.is_not(None),
                HandoffMessage.role.in_(("person", "system", "champion")),
                HandoffMessage.relayed_at.is_(None),
            )
            .order_by(HandoffMessage.id)
        )
    )


def handoff_for_group_message(
    *, session: Session, chat_id: int, reply_to_message_id: int | None, thread_id: int | None
) -> Handoff | None:
    """The open handoff a champion's message in the group is about: a reply to its card, or its topic."""
    conditions = []
    if reply_to_message_id is not None:
        conditions.append(Handoff.card_message_id == reply_to_message_id)
    if thread_id is not None:
        conditions.append(Handoff.thread_id == thread_id)
    for condition in conditions:
        handoff = session.scalars(
            select(Handoff).where(Handoff.status == "open", Handoff.card_chat_id == chat_id, condition)
        ).first()
        if handoff is not None:
            return handoff
    return None
