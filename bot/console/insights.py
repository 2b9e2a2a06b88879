"""Insights for staff, without personal data: tables and charts of the last 12 weeks."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from bot.console.charts import bar_chart
from bot.console.faq_editor import apply_change
from bot.console.web import Account, render, require
from bot.db import insights_repository as repo
from bot.db.faq_repository import list_keys
from bot.db.models import utcnow
from bot.db.session import session_scope
from bot.replies import TOPICS
from bot.settings import LANGUAGES

WEEKS = 12


def _data(account: Account) -> dict:
    since = repo.week_of(utcnow().date()) - dt.timedelta(weeks=WEEKS - 1)
    with session_scope() as session:
        by_week = repo.questions_by_week(session=session, since=since)
        shares = repo.answered_shares(session=session, since=since)
        times = repo.handoff_times(session=session, since=since)
        unanswered = [{"id": q.id, "at": q.created_at.strftime("%Y-%m-%d"), "language": q.language, "text": q.text}
                      for q in repo.unanswered(session=session)]
        faq_keys = list_keys(session=session)
    topics = [*TOPICS, None]
    totals_by_topic: Counter = Counter()
    totals_by_language: Counter = Counter()
    for counts in by_week.values():
        for (topic, language), n in counts.items():
            totals_by_topic[topic] += n
            totals_by_language[language] += n
    not_understood = account.tr("not understood")
    total = sum(shares.values()) or 1
    return {
        "weeks": by_week,
        "topics": topics,
        "languages": LANGUAGES,
        "shares": shares,
        "share_percent": {k: round(100 * v / total) for k, v in shares.items()},
        "times": times,
        "unanswered": unanswered,
        "keys": faq_keys,
        "topic_chart": bar_chart(account.tr("Questions per topic"),
                                 [(t or not_understood, totals_by_topic[t]) for t in topics]),
        "language_chart": bar_chart(account.tr("Questions per language"),
                                    [(lang, totals_by_language[lang]) for lang in LANGUAGES]),
        "share_chart": bar_chart(account.tr("Who answered"), [
            (account.tr("the bot"), shares["bot"]), (account.tr("champions"), shares["champions"]),
            (not_understood, shares["unanswered"])]),
        "wait_chart": bar_chart(account.tr("Median minutes to a champion's first reply"), [
            (week.isoformat(), row["median_wait_minutes"] or 0) for week, row in times.items()]),
    }


async def insights_page(request: Request) -> Response:
    account = await require(request, "staff")
    return render(account, "insights.html", **await run_in_threadpool(_data, account))


async def teach(request: Request) -> Response:
    """An unanswered question becomes an example question of the FAQ key staff pick."""
    account = await require(request, "staff")
    unanswered_id = int(request.path_params["id"])
    key = str((await request.form()).get("key", ""))

    def change(session) -> None:  # type: ignore[no-untyped-def]
        repo.teach(session=session, unanswered_id=unanswered_id, key=key, author=account.username)

    return await apply_change(account, "nlu_example", key, change, "/console/insights#unanswered")
