"""The replies that answer one FAQ key in one language, read live from the database."""

from __future__ import annotations

from bot import replies
from bot.db.faq_editor_repository import audio_of
from bot.db.faq_repository import get_published_answer, list_keys
from bot.db.session import session_scope
from bot.settings import DEFAULT_LANGUAGE


def faq_replies(key: str, language: str) -> list[replies.Reply] | None:
    """The answer to `key` in `language` (English with a note when not published there); None if unknown."""
    with session_scope() as session:
        answer = get_published_answer(session=session, key=key, language=language)
        if answer is not None:
            return [replies.faq_answer(language, answer)]
        fallback = get_published_answer(session=session, key=key, language=DEFAULT_LANGUAGE)
    if fallback is None:
        return None
    return [replies.answer_not_translated(language), replies.faq_answer(language, fallback)]


def topic_questions(topic: str, language: str) -> replies.Reply:
    """The buttons of one topic's questions, in catalogue order."""
    with session_scope() as session:
        keys = list_keys(session=session, topic=topic)
    return replies.topic_questions(language, topic, keys)


def recorded_answer(key: str, language: str) -> tuple[str, str, bytes] | None:
    """(mime type, file name, bytes) of the recorded answer, or None when there is none."""
    with session_scope() as session:
        audio = audio_of(session=session, key=key, language=language)
        return (audio.mime_type, audio.filename, audio.data) if audio is not None else None
