"""Telegram handoffs across a gateway restart (nothing lost) and in a forum group (a topic each)."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

from bot import handoff, replies
from bot.settings import Settings, TelegramSettings
from bot.web.app import create_app
from tests.conftest import free_port
from tests.fakes.telegram_bot_api import FakeTelegramServer
from tests.test_telegram import texts_to, wait_for

pytestmark = pytest.mark.stack

GROUP = -100888
CHAMPION_IN_FORUM = 9101


def champion_add(telegram_id: int, name: str, languages: str) -> None:
    from bot.db.champion_repository import add_champion
    from bot.db.session import session_scope

    with session_scope() as session:
        add_champion(session=session, telegram_user_id=telegram_id, name=name, languages=languages)


def test_restart_mid_handoff_loses_nothing(stack: str, stack_settings: Settings) -> None:
    user = 7900
    with FakeTelegramServer(free_port()) as server:
        fake = server.fake
        settings = Settings(**{
            **stack_settings.__dict__,
            "telegram": TelegramSettings(bot_token="654321:RESTART", api_base_url=server.base_url,
                                         champions_chat_id=GROUP),
        })
        with TestClient(create_app(settings)):
            fake.text_update(user, "Cum aplic pentru settled status?", language_code="ro")
            wait_for(lambda: texts_to(fake, user))
            fake.text_update(user, "/human", language_code="ro")
            wait_for(lambda: replies.handoff_started("ro").text in texts_to(fake, user))
            wait_for(lambda: any("settled" in t for t in texts_to(fake, GROUP)))
        handoff_id = next(
            h.id for h in handoff.open_handoffs() if any("Cum aplic" in text for _, text in h.messages)
        )

        # While the gateway is down: the champion answers from the console, the person writes again.
        assert handoff.reply(handoff_id, "Maria: Bună ziua, vă ajut eu.")
        fake.text_update(user, "multumesc, astept", language_code="ro")

        with TestClient(create_app(settings)):
            wait_for(lambda: "Maria: Bună ziua, vă ajut eu." in texts_to(fake, user))
            wait_for(lambda: any("multumesc, astept" in t for t in texts_to(fake, GROUP)))
        assert texts_to(fake, user).count("Maria: Bună ziua, vă ajut eu.") == 1


def test_in_a_forum_group_each_handoff_gets_its_own_topic(stack: str, stack_settings: Settings) -> None:
    user = 7950
    with FakeTelegramServer(free_port()) as server:
        fake = server.fake
        fake.forum = True
        settings = Settings(**{
            **stack_settings.__dict__,
            "telegram": TelegramSettings(bot_token="222222:FORUM", api_base_url=server.base_url,
                                         champions_chat_id=GROUP - 1),
        })
        champion_add(CHAMPION_IN_FORUM, "Radu", "ro")
        with TestClient(create_app(settings)):
            fake.text_update(user, "vreau sa vorbesc cu un om", language_code="ro")
            card = wait_for(lambda: [p for p in fake.sent(chat_id=GROUP - 1)
                                     if "message_thread_id" in p and "vreau sa vorbesc" in p["text"]])[0]
            assert all(topic["name"].startswith("#") for topic in fake.sent("createForumTopic"))
            thread = int(card["message_thread_id"])
            fake.group_update(CHAMPION_IN_FORUM, "Bună, sunt Radu.", chat_id=GROUP - 1, thread_id=thread)
            wait_for(lambda: "Radu: Bună, sunt Radu." in texts_to(fake, user))


def test_an_update_stored_before_a_crash_is_handled_after_the_restart(stack: str, stack_settings: Settings) -> None:
    from bot.db.inbound_repository import store_update
    from tests.test_conversations import answer_text

    user = 7990
    update = {"update_id": 777, "message": {
        "message_id": 1, "date": int(time.time()), "text": "Is the GP free?",
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "T", "language_code": "en"}}}
    assert store_update(channel="telegram", update_key="333333:777", body=update)
    assert not store_update(channel="telegram", update_key="333333:777", body=update)
    with FakeTelegramServer(free_port()) as server:
        settings = Settings(**{
            **stack_settings.__dict__,
            "telegram": TelegramSettings(bot_token="333333:CRASH", api_base_url=server.base_url),
        })
        with TestClient(create_app(settings)):
            wait_for(lambda: any(answer_text("gp.cost", "en") in t for t in texts_to(server.fake, user)))


def test_an_unclaimed_handoff_is_posted_again_until_claimed(stack: str, stack_settings: Settings) -> None:
    user = 7960
    with FakeTelegramServer(free_port()) as server:
        fake = server.fake
        group = GROUP - 2
        settings = Settings(**{
            **stack_settings.__dict__,
            "handoff_remind_minutes": 0,
            "telegram": TelegramSettings(bot_token="444444:REMIND", api_base_url=server.base_url,
                                         champions_chat_id=group),
        })
        champion_add(CHAMPION_IN_FORUM, "Radu", "ro")

        with TestClient(create_app(settings)):
            fake.text_update(user, "am nevoie de un om adevarat", language_code="ro")
            reminder = wait_for(lambda: [p for p in fake.sent(chat_id=group)
                                         if p["text"].startswith("Reminder") and "am nevoie de un om" in p["text"]])
            card_id = next(m for m, p in fake.calls_with_results() if p is reminder[-1])
            fake.group_update(CHAMPION_IN_FORUM, "/claim", chat_id=group, reply_to=card_id)
            wait_for(lambda: any("Radu is answering" in t for t in texts_to(fake, group)))
            time.sleep(2.5)
            count = len([t for t in texts_to(fake, group) if t.startswith("Reminder") and "am nevoie de un om" in t])
            time.sleep(2.5)
            assert count == len([t for t in texts_to(fake, group) if t.startswith("Reminder") and "am nevoie de un om" in t])
