"""The console's audit log: logins, content changes, handoff actions and account changes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import AuditEntry


def record(*, session: Session, username: str | None, action: str, target: str = "") -> None:
    """Add one entry. `target` names what was acted on (a key, a handoff id), never a message text."""
    session.add(AuditEntry(username=username, action=action, target=target[:200]))


def recent_entries(*, session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
