"""What the console's FAQ editor reads and writes: the catalogue with per-language status,
revisions (save, publish, restore), provenance checks, audio and example questions.

Status rules, the same for the console and PO imports: saving makes a new revision as a draft or
awaiting review; only publishing changes what the bot says (`published_text`), at once. A
translation is outdated when the English text changed after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import FaqAnswer, FaqAnswerRevision, FaqAudio, FaqQuestion, NluExample, utcnow
from bot.settings import DEFAULT_LANGUAGE, LANGUAGES

STALE_AFTER = dt.timedelta(days=183)  # "not checked for 6 months"
SAVE_STATUSES = ("draft", "awaiting_review")


class EditError(ValueError):
    """An edit that cannot be made; the message says why."""


@dataclass(frozen=True)
class Cell:
    """One key in one language, as the catalogue table shows it."""

    language: str
    status: str | None  # None: missing
    live: bool
    outdated: bool
    has_audio: bool
    community_review: bool


@dataclass(frozen=True)
class Row:
    key: str
    topic: str
    source_name: str
    source_url: str
    checked_on: dt.date
    stale: bool
    cells: list[Cell]


def question(*, session: Session, key: str) -> FaqQuestion:
    found = session.scalars(select(FaqQuestion).where(FaqQuestion.key == key)).first()
    if found is None:
        raise EditError(f"There is no FAQ key {key!r}.")
    return found


def _outdated(answer: FaqAnswer, english: FaqAnswer | None) -> bool:
    return answer.language != DEFAULT_LANGUAGE and english is not None and english.updated_at > answer.updated_at


def catalogue(*, session: Session, today: dt.date | None = None) -> list[Row]:
    """Every key in catalogue order with a cell per language."""
    today = today or utcnow().date()
    rows = []
    for q in session.scalars(select(FaqQuestion).order_by(FaqQuestion.topic, FaqQuestion.position)):
        answers = {a.language: a for a in q.answers}
        english = answers.get(DEFAULT_LANGUAGE)
        cells = []
        for language in LANGUAGES:
            a = answers.get(language)
            if a is None:
                cells.append(Cell(language, None, False, False, False, False))
                continue
            cells.append(Cell(
                language, a.status, a.published_text is not None, _outdated(a, english),
                a.audio is not None, a.community_review_pending,
            ))
        rows.append(Row(q.key, q.topic, q.source_name, q.source_url, q.checked_on,
                        today - q.checked_on > STALE_AFTER, cells))
    return rows


def answer(*, session: Session, key: str, language: str) -> FaqAnswer:
    """The answer to edit; a missing translation starts as an empty draft (not saved until edited)."""
    if language not in LANGUAGES:
        raise EditError(f"Unknown language {language!r}; choose from {', '.join(LANGUAGES)}.")
    q = question(session=session, key=key)
    found = next((a for a in q.answers if a.language == language), None)
    if found is None:
        found = FaqAnswer(question=q, language=language, text="", status="draft",
                          community_review_pending=language == "rom")
    return found


def english_text(*, session: Session, key: str) -> str:
    q = question(session=session, key=key)
    return next((a.text for a in q.answers if a.language == DEFAULT_LANGUAGE), "")


def is_outdated(*, session: Session, target: FaqAnswer) -> bool:
    english = next((a for a in target.question.answers if a.language == DEFAULT_LANGUAGE), None)
    return target.id is not None and _outdated(target, english)


def save(*, session: Session, key: str, language: str, text: str, status: str, author: str) -> FaqAnswer:
    """Save a new revision (draft or awaiting review). The bot keeps its live text until publish."""
    if status not in SAVE_STATUSES:
        raise EditError(f"Save as one of {', '.join(SAVE_STATUSES)}; publishing is its own step.")
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise EditError("An answer cannot be empty.")
    target = answer(session=session, key=key, language=language)
    if target.text != text:
        target.updated_at = utcnow()
    target.text, target.status = text, status
    target.revisions.append(FaqAnswerRevision(text=text, status=status, author=author))
    session.add(target)
    session.flush()
    return target


def publish(*, session: Session, key: str, language: str, author: str) -> FaqAnswer:
    """Make the latest saved text what the bot says, from the next message on."""
    target = answer(session=session, key=key, language=language)
    if target.id is None or not target.text:
        raise EditError("Save a text before publishing it.")
    target.published_text, target.status = target.text, "published"
    target.revisions.append(FaqAnswerRevision(text=target.text, status="published", author=author))
    return target


def restore(*, session: Session, key: str, language: str, revision_id: int, author: str) -> FaqAnswer:
    """Bring back an old revision's text as a new draft (history is never rewritten)."""
    target = answer(session=session, key=key, language=language)
    old = next((r for r in target.revisions if r.id == revision_id), None)
    if old is None:
        raise EditError("That revision does not belong to this answer.")
    return save(session=session, key=key, language=language, text=old.text, status="draft", author=author)


def mark_checked(*, session: Session, key: str, source_name: str, source_url: str, checked_on: dt.date) -> None:
    if not source_url.startswith("https://"):
        raise EditError("The official source must be an https:// address.")
    q = question(session=session, key=key)
    q.source_name, q.source_url, q.checked_on = source_name.strip()[:100], source_url.strip()[:500], checked_on


def set_audio(*, session: Session, key: str, language: str, mime_type: str, filename: str, data: bytes,
              author: str) -> None:
    target = answer(session=session, key=key, language=language)
    if target.id is None:
        raise EditError("Save a text for this language before adding its audio.")
    if target.audio is None:
        target.audio = FaqAudio(mime_type=mime_type, filename=filename, data=data, uploaded_by=author)
    else:
        target.audio.mime_type, target.audio.filename, target.audio.data = mime_type, filename, data
        target.audio.uploaded_by, target.audio.uploaded_at = author, utcnow()


def audio_of(*, session: Session, key: str, language: str) -> FaqAudio | None:
    return session.scalars(
        select(FaqAudio).join(FaqAnswer).join(FaqQuestion)
        .where(FaqQuestion.key == key, FaqAnswer.language == language)
    ).first()


def add_example(*, session: Session, intent: str, language: str, text: str, author: str) -> None:
    question(session=session, key=intent)
    text = " ".join(text.split())
    if not text or len(text) > 500:
        raise EditError("An example question has 1 to 500 characters.")
    if language not in LANGUAGES:
        raise EditError(f"Unknown language {language!r}.")
    session.add(NluExample(intent=intent, language=language, text=text, author=author))


def examples(*, session: Session, intent: str | None = None) -> list[NluExample]:
    query = select(NluExample).order_by(NluExample.id)
    if intent is not None:
        query = query.where(NluExample.intent == intent)
    return list(session.scalars(query))
