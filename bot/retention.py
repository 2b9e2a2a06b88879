"""Personal data kept only as long as needed: conversations quiet for `RETENTION_DAYS` (default 90)
are deleted with everything in them (handoffs, transcripts, attachments, champions' notes, queued
messages, unanswered questions) and erased from Rasa; only the anonymous weekly counts stay
(`question_events`: week, topic, language, outcome). Raw channel updates kept for de-duplication
go after the same time. Open handoffs are kept until a champion closes them.

The gateway runs this once at start and then daily; `python -m bot retention` runs it by hand (or
from cron) and `--dry-run` only counts. The log says how much was removed, never what.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import asdict, dataclass

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.db.models import Conversation, Handoff, HandoffMessage, ProcessedUpdate, UnansweredQuestion, utcnow
from bot.db.session import session_scope
from bot.gateway.rasa_client import RasaClient, RasaUnavailable

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 24 * 60 * 60


@dataclass
class Removed:
    conversations: int = 0
    handoffs: int = 0
    handoff_messages: int = 0
    unanswered_questions: int = 0
    channel_updates: int = 0
    rasa_trackers: int = 0


def _expired(cutoff: dt.datetime):  # type: ignore[no-untyped-def]
    still_open = exists().where(Handoff.conversation_id == Conversation.id, Handoff.status == "open")
    return select(Conversation.id).where(Conversation.last_seen_at < cutoff, ~still_open)


def expired_public_ids(*, session: Session, cutoff: dt.datetime) -> list[str]:
    ids = _expired(cutoff).subquery()
    return list(session.scalars(select(Conversation.public_id).where(Conversation.id.in_(select(ids)))))


def remove_expired(*, session: Session, cutoff: dt.datetime, dry_run: bool = False) -> Removed:
    """Delete (or with `dry_run` only count) what is older than `cutoff`; returns the counts."""
    ids = select(_expired(cutoff).subquery())
    handoffs = select(Handoff.id).where(Handoff.conversation_id.in_(ids))

    def count(query) -> int:  # type: ignore[no-untyped-def]
        return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)

    removed = Removed(
        conversations=count(select(Conversation.id).where(Conversation.id.in_(ids))),
        handoffs=count(handoffs),
        handoff_messages=count(select(HandoffMessage.id).where(HandoffMessage.handoff_id.in_(handoffs))),
        unanswered_questions=count(select(UnansweredQuestion.id).where(UnansweredQuestion.conversation_id.in_(ids))),
        channel_updates=count(select(ProcessedUpdate.id).where(ProcessedUpdate.received_at < cutoff)),
    )
    if not dry_run:
        for conversation in session.scalars(select(Conversation).where(Conversation.id.in_(ids))):
            session.delete(conversation)  # the ORM cascades reach handoffs, messages, notes, outbox
        session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.received_at < cutoff))
    return removed


def _expired_ids(cutoff: dt.datetime) -> list[str]:
    with session_scope() as session:
        return expired_public_ids(session=session, cutoff=cutoff)


def _remove(cutoff: dt.datetime, dry_run: bool) -> Removed:
    with session_scope() as session:
        return remove_expired(session=session, cutoff=cutoff, dry_run=dry_run)


async def apply_retention(rasa: RasaClient | None, days: int, *, dry_run: bool = False) -> Removed:
    """Erase expired conversations from Rasa (when reachable), then from the database."""
    cutoff = utcnow() - dt.timedelta(days=days)
    erased = 0
    if rasa is not None and not dry_run:
        for public_id in await run_in_threadpool(_expired_ids, cutoff):
            try:
                await rasa.erase(sender=public_id)
                erased += 1
            except RasaUnavailable:
                break  # Rasa keeps only a few recent turns in memory; they go when it restarts
    removed = await run_in_threadpool(_remove, cutoff, dry_run)
    removed.rasa_trackers = erased
    logger.info("Retention (%d days)%s: %s", days, " dry run" if dry_run else "",
                ", ".join(f"{name} {n}" for name, n in asdict(removed).items()))
    return removed


async def retention_loop(rasa: RasaClient, days: int, interval: float = INTERVAL_SECONDS) -> None:
    """Until cancelled: apply retention now and then every `interval` seconds."""
    while True:
        try:
            await apply_retention(rasa, days)
        except Exception:  # a failed run must not stop the gateway; the next one tries again
            logger.exception("The retention job failed; it runs again in %d s", interval)
        await asyncio.sleep(interval)
