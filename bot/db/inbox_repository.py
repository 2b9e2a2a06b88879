"""The champions' inbox: open handoffs in a champion's languages, one handoff's transcript, claims, notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Handoff, HandoffAttachment, HandoffMessage, HandoffNote, utcnow


@dataclass(frozen=True)
class InboxRow:
    id: int
    language: str
    channel: str
    reason: str
    urgent: bool
    waiting_minutes: int
    claimed_by: str | None
    last_role: str | None

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Line:
    id: int
    role: str
    text: str
    at: dt.datetime
    attachments: tuple[tuple[int, str], ...]

    def as_dict(self) -> dict:
        return {
            "id": self.id, "role": self.role, "text": self.text, "at": self.at.strftime("%Y-%m-%d %H:%M"),
            "attachments": [{"id": a, "filename": f} for a, f in self.attachments],
        }


def claimed_by(handoff: Handoff) -> str | None:
    if handoff.claimed_by is not None:
        return handoff.claimed_by.username
    return handoff.champion.display_name if handoff.champion is not None else None


def inbox(*, session: Session, languages: tuple[str, ...]) -> list[InboxRow]:
    """Open handoffs in `languages`: urgent first, then the longest waiting."""
    now = utcnow()
    handoffs = session.scalars(
        select(Handoff)
        .where(Handoff.status == "open", Handoff.language.in_(languages))
        .order_by(Handoff.urgent.desc(), Handoff.created_at, Handoff.id)
    )
    return [
        InboxRow(
            id=h.id, language=h.language, channel=h.channel, reason=h.reason, urgent=h.urgent,
            waiting_minutes=int((now - h.created_at).total_seconds() // 60), claimed_by=claimed_by(h),
            last_role=h.messages[-1].role if h.messages else None,
        )
        for h in handoffs
    ]


def transcript(handoff: Handoff, after_id: int = 0) -> list[Line]:
    return [
        Line(m.id, m.role, m.text, m.created_at, tuple((a.id, a.filename) for a in m.attachments))
        for m in handoff.messages
        if m.id > after_id
    ]


def claim(*, session: Session, handoff: Handoff, user_id: int) -> None:
    handoff.claimed_by_user_id = user_id


def release(*, session: Session, handoff: Handoff) -> None:
    handoff.claimed_by_user_id = None
    handoff.champion_id = None


def add_note(*, session: Session, handoff: Handoff, author: str, text: str) -> None:
    handoff.notes.append(HandoffNote(author=author, text=text))


def attachment(*, session: Session, handoff_id: int, attachment_id: int) -> HandoffAttachment | None:
    """A file the person sent in this handoff (None if it belongs to another handoff)."""
    return session.scalars(
        select(HandoffAttachment)
        .join(HandoffMessage, HandoffAttachment.message_id == HandoffMessage.id)
        .where(HandoffAttachment.id == attachment_id, HandoffMessage.handoff_id == handoff_id)
    ).first()
