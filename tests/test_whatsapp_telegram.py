"""A WhatsApp conversation handed to a champion who answers from the Telegram champions' group."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from bot import replies
from bot.settings import Settings, TelegramSettings, WhatsAppSettings
from bot.web.app import create_app
from tests.conftest import free_port
from tests.fakes.telegram_bot_api import FakeTelegramServer
from tests.fakes.whatsapp_graph_api import FakeGraphServer
from tests.test_telegram import texts_to, wait_for
from tests.test_telegram_restart import champion_add
from tests.test_whatsapp import SECRET, notification, signed, text

pytestmark = pytest.mark.stack

GROUP = -100999
CHAMPION = 9201


def test_a_champion_in_telegram_answers_a_person_on_whatsapp(stack: str, stack_settings: Settings) -> None:
    wa_id = "447000000900"
    champion_add(CHAMPION, "Jana", "cs")
    with FakeGraphServer(free_port()) as graph, FakeTelegramServer(free_port()) as telegram:
        settings = Settings(**{
            **stack_settings.__dict__,
            "whatsapp": WhatsAppSettings(token="t", phone_number_id="555", app_secret=SECRET,
                                         api_base_url=graph.base_url),
            "telegram": TelegramSettings(bot_token="555555:BOTH", api_base_url=telegram.base_url,
                                         champions_chat_id=GROUP),
        })
        with TestClient(create_app(settings)) as client:
            for message in ("Jak se zaregistruju u doktora? Bydlim v Harehills", "chci mluvit s clovekem"):
                body = json.dumps(text(wa_id, message)).encode()
                assert client.post("/webhooks/whatsapp", content=body, headers=signed(body)).status_code == 200
            wait_for(lambda: replies.handoff_started("cs").text in graph.fake.texts_to(wa_id))
            card = wait_for(lambda: [p for p in telegram.fake.sent(chat_id=GROUP)
                                     if "Harehills" in p["text"] and "whatsapp" in p["text"]])[0]
            assert "Jana" in card["text"]
            card_id = next(m for m, p in telegram.fake.calls_with_results() if p is card)

            for media in ({"type": "image", "image": {"id": "media-77", "mime_type": "image/jpeg"}},
                          {"type": "location", "location": {"latitude": 53.8, "longitude": -1.52}}):
                body = json.dumps(notification(wa_id, media)).encode()
                assert client.post("/webhooks/whatsapp", content=body, headers=signed(body)).status_code == 200
            wait_for(lambda: telegram.fake.sent("sendDocument", chat_id=GROUP))
            wait_for(lambda: any("openstreetmap.org/?mlat=53.8&mlon=-1.52" in t for t in texts_to(telegram.fake, GROUP)))
            telegram.fake.group_update(CHAMPION, "Dobrý den, pomůžu vám.", chat_id=GROUP, reply_to=card_id)
            wait_for(lambda: "Jana: Dobrý den, pomůžu vám." in graph.fake.texts_to(wa_id))
            telegram.fake.group_update(CHAMPION, "/close", chat_id=GROUP, reply_to=card_id)
            wait_for(lambda: replies.handoff_closed("cs").text in graph.fake.texts_to(wa_id))
            assert not texts_to(telegram.fake, int(wa_id[-6:]))
