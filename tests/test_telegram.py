"""Drom on Telegram, end to end: the real python-telegram-bot against a fake Bot API on 127.0.0.1,
with Rasa (running Drom's actions) and the gateway really running."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from bot import replies
from bot.commands.champions import main as champions_main
from bot.i18n import gettext_for
from bot.settings import Settings, TelegramSettings
from bot.web.app import create_app
from tests.conftest import LANGUAGES, free_port
from tests.fakes.telegram_bot_api import FakeTelegram, FakeTelegramServer
from tests.test_conversations import EXPECTED_KEYS, QUESTIONS, answer_text

pytestmark = pytest.mark.stack

CHAMPIONS_CHAT = -100777
CHAMPION = 9001
NOT_A_CHAMPION = 9002
GROUP_LANGUAGE = "sk"  # the champions' group works in Slovak here; English is the default


def wait_for(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {check}")


def texts_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [p.get("text", "") for p in fake.sent("sendMessage", chat_id=chat_id)]


@pytest.fixture(scope="module")
def telegram(stack: str, stack_settings: Settings) -> Iterator[FakeTelegram]:
    """A gateway with the Telegram channel on, long-polling the fake Bot API."""
    import argparse

    champions_main(argparse.Namespace(champions_command="add", telegram_id=CHAMPION, name="Anna", languages="sk,rom"))
    with FakeTelegramServer(free_port()) as server:
        settings = Settings(**{
            **stack_settings.__dict__,
            "telegram": TelegramSettings(
                bot_token="123456:TEST",
                api_base_url=server.base_url,
                champions_chat_id=CHAMPIONS_CHAT,
                champions_language=GROUP_LANGUAGE,
            ),
        })
        with TestClient(create_app(settings)):
            yield server.fake


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_question_is_answered_in_its_language(telegram: FakeTelegram, language: str) -> None:
    user = 7000 + LANGUAGES.index(language)
    telegram.text_update(user, QUESTIONS[language]["gp"], language_code="en")
    expected = answer_text(EXPECTED_KEYS["gp"], language)
    wait_for(lambda: any(expected in t for t in texts_to(telegram, user)))
    answer = next(p for p in telegram.sent(chat_id=user) if expected in p["text"])
    payloads = [b["callback_data"] for row in answer["reply_markup"]["inline_keyboard"] for b in row]
    assert payloads == ["/thank", "/human_handoff", "/menu"]


def test_start_greets_in_the_telegram_language_and_buttons_work(telegram: FakeTelegram) -> None:
    user = 7100
    telegram.text_update(user, "/start", language_code="cs")
    welcome = replies.welcome("cs").text
    wait_for(lambda: welcome in texts_to(telegram, user))
    telegram.callback_update(user, '/menu{"topic": "school"}', language_code="cs")
    wait_for(lambda: telegram.sent("answerCallbackQuery"))
    wait_for(lambda: len(texts_to(telegram, user)) >= 3)


def test_a_sticker_gets_a_localized_answer(telegram: FakeTelegram) -> None:
    user = 7200
    telegram.sticker_update(user, language_code="ro")
    wait_for(lambda: replies.unsupported_input("ro").text in texts_to(telegram, user))


def test_handoff_round_trip_through_the_champions_group(telegram: FakeTelegram) -> None:
    user = 7300
    telegram.text_update(user, "ako sa zaregistrujem k doktorovi, som novy v Leedse", language_code="sk")
    wait_for(lambda: texts_to(telegram, user))
    telegram.text_update(user, "/human", language_code="sk")
    wait_for(lambda: replies.handoff_started("sk").text in texts_to(telegram, user))

    card = wait_for(lambda: next((p for p in telegram.sent(chat_id=CHAMPIONS_CHAT)
                                  if "novy v Leedse" in p["text"] and "Anna" in p["text"]), None))
    group_ = gettext_for(GROUP_LANGUAGE)
    assert group_("Reply to this card to answer; /claim to take it, /close to end it.") in card["text"]
    assert "Reply to this card" not in card["text"]
    card_id = next(m for m, p in telegram.calls_with_results() if p is card)
    telegram.text_update(user, "potrebujem pomoc s formularom", language_code="sk")
    wait_for(lambda: any("potrebujem pomoc s formularom" in t for t in texts_to(telegram, CHAMPIONS_CHAT)))

    telegram.sticker_update(user, language_code="sk")
    wait_for(lambda: [p for p in telegram.sent("copyMessage") if int(p["from_chat_id"]) == user])

    telegram.group_update(NOT_A_CHAMPION, "I can help", chat_id=CHAMPIONS_CHAT, reply_to=card_id)
    refusal = group_("Only registered champions can answer handoffs. Ask an admin to add you with `champions add`.")
    wait_for(lambda: refusal in texts_to(telegram, CHAMPIONS_CHAT))
    assert not any("I can help" in t for t in texts_to(telegram, user))

    telegram.group_update(CHAMPION, "Dobrý deň, pomôžem vám.", chat_id=CHAMPIONS_CHAT, reply_to=card_id)
    wait_for(lambda: "Anna: Dobrý deň, pomôžem vám." in texts_to(telegram, user))

    telegram.group_update(CHAMPION, "/close", chat_id=CHAMPIONS_CHAT, reply_to=card_id)
    wait_for(lambda: replies.handoff_closed("sk").text in texts_to(telegram, user))
    wait_for(lambda: replies.feedback_question("sk").text in texts_to(telegram, user))
    telegram.callback_update(user, replies.feedback_question("sk").buttons[1].payload, language_code="sk")
    wait_for(lambda: replies.feedback_thanks("sk").text in texts_to(telegram, user))

    telegram.text_update(user, "je GP zadarmo?", language_code="sk")
    wait_for(lambda: any(answer_text("gp.cost", "sk") in t for t in texts_to(telegram, user)))


def test_429_and_500_delay_but_lose_nothing(telegram: FakeTelegram) -> None:
    user = 7400
    telegram.fail_next(429, retry_after=1)
    telegram.fail_next(500)
    telegram.text_update(user, "How do I apply for settled status?", language_code="en")
    expected = answer_text("euss.apply", "en")
    wait_for(lambda: any(expected in t for t in texts_to(telegram, user)))
    assert sum(expected in t for t in texts_to(telegram, user)) == 1


def test_forget_asks_first_then_erases(telegram: FakeTelegram) -> None:
    user = 7500
    telegram.text_update(user, "buna ziua", language_code="ro")
    wait_for(lambda: texts_to(telegram, user))
    telegram.text_update(user, "/forget", language_code="ro")
    wait_for(lambda: replies.forget_confirm("ro").text in texts_to(telegram, user))
    telegram.callback_update(user, "drom:forget", language_code="ro")
    wait_for(lambda: replies.forgotten("ro").text in texts_to(telegram, user))


def test_edited_messages_are_not_answered_again(telegram: FakeTelegram) -> None:
    user = 7600
    telegram.text_update(user, "Is the GP free?", language_code="en")
    wait_for(lambda: any(answer_text("gp.cost", "en") in t for t in texts_to(telegram, user)))
    before = len(texts_to(telegram, user))
    telegram.push_update({"edited_message": {
        "message_id": 1, "date": int(time.time()), "edit_date": int(time.time()), "text": "Is school free?",
        "chat": {"id": user, "type": "private"}, "from": {"id": user, "is_bot": False, "first_name": "T"}}})
    time.sleep(2)
    assert len(texts_to(telegram, user)) == before


def test_danger_gets_999_at_once_and_an_urgent_card(telegram: FakeTelegram) -> None:
    user = 7700
    telegram.text_update(user, "my husband beats me and the children", language_code="en")
    wait_for(lambda: replies.safeguarding("en").text in texts_to(telegram, user))
    urgent = gettext_for(GROUP_LANGUAGE)("URGENT")
    wait_for(lambda: any(t.startswith(urgent) and "beats me" in t for t in texts_to(telegram, CHAMPIONS_CHAT)))


def test_listen_sends_the_recorded_answer_as_a_voice_message(telegram: FakeTelegram) -> None:
    from tests.recordings import record_answer

    record_answer("school.meals", "sk")
    user = 7600
    telegram.text_update(user, "dobrý deň", language_code="sk")
    wait_for(lambda: texts_to(telegram, user))
    telegram.callback_update(user, replies.payload(replies.LISTEN_INTENT, key="school.meals"), language_code="sk")
    wait_for(lambda: telegram.sent("sendVoice", chat_id=user))
