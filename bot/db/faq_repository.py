"""Reading and seeding FAQ answers (keyword-only `session` arguments, 2.0-style `select()`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from bot.content import Content
from bot.db.models import FaqAnswer, FaqAnswerRevision, FaqAudio, FaqQuestion, utcnow

SEED_AUTHOR = "content files"


@dataclass(frozen=True)
class PublishedAnswer:
    key: str
    language: str
    text: str
    source_name: str
    source_url: str
    checked_on: dt.date
    has_audio: bool = False


# Built once: every FAQ answer runs it. One statement, whether a recording exists included.
_PUBLISHED_ANSWER = (
    select(
        FaqQuestion.key, FaqAnswer.language, FaqAnswer.published_text.label("text"), FaqQuestion.source_name,
        FaqQuestion.source_url, FaqQuestion.checked_on,
        exists().where(FaqAudio.answer_id == FaqAnswer.id).label("has_audio"),
    )
    .join(FaqQuestion, FaqAnswer.question_id == FaqQuestion.id)
    .where(FaqQuestion.key == bindparam("key"), FaqAnswer.language == bindparam("language"),
           FaqAnswer.published_text.is_not(None))
)


def get_published_answer(*, session: Session, key: str, language: str) -> PublishedAnswer | None:
    """The live answer to `key` in `language`, or None when there is no published one."""
    row = session.execute(_PUBLISHED_ANSWER, {"key": key, "language": language}).first()
    if row is None:
        return None
    return PublishedAnswer(**{**row._mapping, "has_audio": bool(row.has_audio)})


def list_keys(*, session: Session, topic: str | None = None) -> list[str]:
    """FAQ keys in catalogue order, optionally of one topic."""
    query = select(FaqQuestion.key).order_by(FaqQuestion.topic, FaqQuestion.position)
    if topic is not None:
        query = query.where(FaqQuestion.topic == topic)
    return list(session.scalars(query))


def seed_content(*, session: Session, content: Content) -> int:
    """Load the content files into the database; returns how many answers were added or updated.

    Questions take their topic, source and check date from the catalogue. An answer is written
    when it is missing, or when the file changed and nobody has edited it in the console since
    (its latest revision is still the seeded one), so staff edits are never overwritten.
    """
    changed = 0
    now = utcnow()  # one time for all languages of a question, so no translation looks outdated
    questions = {q.key: q for q in session.scalars(select(FaqQuestion))}
    for entry in content.catalogue.values():
        question = questions.get(entry.key) or FaqQuestion(key=entry.key)
        question.topic, question.position = entry.topic, entry.position
        question.source_name, question.source_url = entry.source_name, entry.source_url
        question.checked_on = entry.checked_on
        session.add(question)
        session.flush()
        existing = {a.language: a for a in question.answers}
        for language, lang_answers in content.languages.items():
            text = lang_answers.answers[entry.key]
            answer = existing.get(language)
            if answer is None:
                answer = FaqAnswer(question=question, language=language)
            elif answer.text == text and answer.status == lang_answers.status:
                continue
            elif answer.revisions and answer.revisions[-1].author != SEED_AUTHOR:
                continue
            answer.text, answer.status = text, lang_answers.status
            answer.community_review_pending = lang_answers.community_review_pending
            answer.published_text = text if lang_answers.status == "published" else None
            answer.updated_at = now
            answer.revisions.append(
                FaqAnswerRevision(text=text, status=lang_answers.status, author=SEED_AUTHOR)
            )
            session.add(answer)
            changed += 1
    return changed
