"""Anonymous figures for staff: questions per topic, language and week, who answered them,
handoff waiting and resolution times, and the questions the bot could not answer."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.conversation_repository import find_by_public_id
from bot.db.faq_editor_repository import EditError, add_example
from bot.db.models import Handoff, HandoffMessage, QuestionEvent, UnansweredQuestion, utcnow

_EMAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"\d")


def week_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def masked(text: str) -> str:
    """Digits and e-mail addresses hidden, so phone numbers and case numbers do not reach staff."""
    return _DIGITS.sub("#", _EMAIL.sub("[email]", " ".join(text.split())))[:500]


def record_question(*, session: Session, language: str, key: str | None, topic: str | None) -> None:
    """Count one question: answered by the bot (`key` given) or not understood (`key` None)."""
    session.add(QuestionEvent(week=week_of(utcnow().date()), language=language, topic=topic, key=key,
                              outcome="bot" if key else "unanswered"))


def record_unanswered(*, session: Session, public_id: str, language: str, text: str) -> None:
    conversation = find_by_public_id(session=session, public_id=public_id)
    if conversation is not None and text.strip() and not text.startswith("/"):  # not button payloads
        session.add(UnansweredQuestion(conversation_id=conversation.id, language=language, text=masked(text)))


def questions_by_week(*, session: Session, since: dt.date) -> dict[dt.date, Counter]:
    """{week: Counter({(topic, language): n})}; questions the bot did not understand have topic None."""
    table: dict[dt.date, Counter] = defaultdict(Counter)
    for event in session.scalars(select(QuestionEvent).where(QuestionEvent.week >= since)):
        table[event.week][(event.topic, event.language)] += 1
    return dict(sorted(table.items()))


def answered_shares(*, session: Session, since: dt.date) -> dict[str, int]:
    """How many questions the bot answered, how many it did not understand, how many went to champions."""
    counts = Counter(session.scalars(select(QuestionEvent.outcome).where(QuestionEvent.week >= since)))
    handoffs = len(list(session.scalars(
        select(Handoff.id).where(Handoff.created_at >= dt.datetime.combine(since, dt.time()))
    )))
    return {"bot": counts["bot"], "unanswered": counts["unanswered"], "champions": handoffs}


def handoff_times(*, session: Session, since: dt.date) -> dict[dt.date, dict[str, float | int]]:
    """Per week: handoffs, median minutes to the first champion reply, median minutes to close."""
    waits: dict[dt.date, list[float]] = defaultdict(list)
    closes: dict[dt.date, list[float]] = defaultdict(list)
    counts: Counter = Counter()
    first_replies = dict(session.execute(
        select(HandoffMessage.handoff_id, HandoffMessage.created_at)
        .where(HandoffMessage.role == "champion").order_by(HandoffMessage.id.desc())
    ).all())
    for handoff in session.scalars(
        select(Handoff).where(Handoff.created_at >= dt.datetime.combine(since, dt.time()))
    ):
        week = week_of(handoff.created_at.date())
        counts[week] += 1
        if handoff.id in first_replies:
            waits[week].append((first_replies[handoff.id] - handoff.created_at).total_seconds() / 60)
        if handoff.closed_at is not None:
            closes[week].append((handoff.closed_at - handoff.created_at).total_seconds() / 60)
    return {
        week: {
            "handoffs": counts[week],
            "median_wait_minutes": round(statistics.median(waits[week]), 1) if waits[week] else None,
            "median_resolution_minutes": round(statistics.median(closes[week]), 1) if closes[week] else None,
        }
        for week in sorted(counts)
    }


def unanswered(*, session: Session, limit: int = 100) -> list[UnansweredQuestion]:
    return list(session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id.desc()).limit(limit)))


def teach(*, session: Session, unanswered_id: int, key: str, author: str) -> None:
    """Make an unanswered question an example question of FAQ `key` (used at the next retrain)
    and take it off the list."""
    question = session.get(UnansweredQuestion, unanswered_id)
    if question is None:
        raise EditError("That question is no longer on the list.")
    add_example(session=session, intent=key, language=question.language, text=question.text, author=author)
    session.delete(question)
