"""Recorded answers for people who read little: a "Listen" button under answers that have one, and
the recording itself through the web chat (Telegram and WhatsApp: in their own test modules)."""

from __future__ import annotations

import httpx
import pytest

from bot.i18n import gettext_for
from bot.replies import LISTEN_INTENT
from tests.recordings import OGG_BYTES, record_answer
from tests.test_conversations import Chat

pytestmark = pytest.mark.stack


def test_an_answer_with_a_recording_offers_listen_and_plays_it(stack: str) -> None:
    record_answer("school.meals", "en")
    chat = Chat(stack)
    answer = chat.say("Can my child get free school meals?")[-1]
    listen = next(b for b in answer["buttons"] if b["payload"].startswith(f"/{LISTEN_INTENT}"))
    assert listen["title"] == gettext_for("en")("Listen")
    audio = chat.say(payload=listen["payload"])[0]["audio"]
    response = httpx.get(f"{stack}{audio['url']}", timeout=10)
    assert response.status_code == 200 and response.content == OGG_BYTES
    assert response.headers["content-type"] == "audio/ogg"


def test_listen_without_a_recording_gives_the_written_answer(stack: str) -> None:
    chat = Chat(stack)
    chat.say("hello")
    messages = chat.say(payload=f'/{LISTEN_INTENT}{{"key": "gp.cost"}}')
    assert "audio" not in messages[0] and messages[0]["text"]
    assert chat.say(payload=f"/{LISTEN_INTENT}{{not json")[0]["text"]
    assert httpx.get(f"{stack}/media/faq/gp.cost/en", timeout=10).status_code == 404
