"""A gateway restart in the middle of a handoff loses nothing, in either direction."""

from __future__ import annotations

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
