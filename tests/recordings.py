"""A recorded FAQ answer for tests: a tiny OGG/Opus-named file stored as staff would upload it."""

from __future__ import annotations

from bot.db import faq_editor_repository
from bot.db.session import session_scope

OGG_BYTES = b"OggS\x00\x02 a tiny fake opus recording"


def record_answer(key: str, language: str) -> None:
    with session_scope() as session:
        faq_editor_repository.set_audio(session=session, key=key, language=language, mime_type="audio/ogg",
                                        filename=f"{key}-{language}.ogg", data=OGG_BYTES, author="tests")
