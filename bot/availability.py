"""When a person can expect a champion: continuity with last time, and the next shift in their language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.champion_repository import speakers_of
from bot.db.models import Champion, Handoff, utcnow
from bot.rota import next_available, parse_rota
from bot.settings import load_settings

CONTINUITY_DAYS = 30


def next_champion_time(*, session: Session, language: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """Local time a champion who speaks `language` is next on duty (now if one is); None if none is registered."""
    settings = load_settings()
    now = now or dt.datetime.now(ZoneInfo(settings.timezone))
    times = [
        next_available(parse_rota(champion.rota or settings.champion_hours), now)
        for champion in speakers_of(session=session, language=language)
    ]
    found = [t for t in times if t is not None]
    return min(found) if found else None


def previous_champion(*, session: Session, conversation_id: int, language: str) -> Champion | None:
    """The champion who took this person's last handoff within 30 days, if still active in the language."""
    since = utcnow() - dt.timedelta(days=CONTINUITY_DAYS)
    handoff = session.scalars(
        select(Handoff)
        .where(
            Handoff.conversation_id == conversation_id,
            Handoff.status == "closed",
            Handoff.champion_id.is_not(None),
            Handoff.closed_at >= since,
        )
        .order_by(Handoff.closed_at.desc())
    ).first()
    champion = handoff.champion if handoff is not None else None
    if champion is None or not champion.active or language not in champion.language_codes:
        return None
    return champion
