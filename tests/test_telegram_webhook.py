"""Telegram in webhook mode: forged requests are refused, redelivered updates answered once."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from bot.settings import Settings, TelegramSettings
from bot.web.app import create_app
from tests.conftest import free_port
from tests.fakes.telegram_bot_api import FakeTelegramServer
from tests.test_conversations import answer_text
from tests.test_telegram import texts_to, wait_for

pytestmark = pytest.mark.stack

SECRET = "s3cret-Token_for-tests"


@pytest.fixture(scope="module")
def webhook(stack: str, stack_settings: Settings) -> Iterator[tuple[TestClient, object]]:
    with FakeTelegramServer(free_port()) as server:
        settings = Settings(**{
            **stack_settings.__dict__,
            "telegram": TelegramSettings(
                bot_token="111111:HOOK", api_base_url=server.base_url,
                webhook_url="https://drom.example.org/webhooks/telegram", webhook_secret=SECRET,
            ),
        })
        with TestClient(create_app(settings)) as client:
            yield client, server.fake


def update(update_id: int, user: int, text: str) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": user, "type": "private"},
        "from": {"id": user, "is_bot": False, "first_name": "T", "language_code": "en"},
    }}


def test_the_webhook_is_registered_with_its_secret(webhook) -> None:  # type: ignore[no-untyped-def]
    _, fake = webhook
    registered = fake.sent("setWebhook")
    assert registered and registered[0]["secret_token"] == SECRET


@pytest.mark.parametrize("header", [None, "wrong", SECRET + "x"])
def test_forged_requests_get_403_and_are_dropped(webhook, header) -> None:  # type: ignore[no-untyped-def]
    client, fake = webhook
    headers = {"X-Telegram-Bot-Api-Secret-Token": header} if header else {}
    response = client.post("/webhooks/telegram", json=update(50, 8100, "Is the GP free?"), headers=headers)
    assert response.status_code == 403
    time.sleep(1.5)
    assert texts_to(fake, 8100) == []


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"message": {}}'])
def test_malformed_updates_get_400(webhook, body: bytes) -> None:  # type: ignore[no-untyped-def]
    client, _ = webhook
    response = client.post("/webhooks/telegram", content=body, headers={
        "X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"})
    assert response.status_code == 400


def test_a_redelivered_update_is_answered_once(webhook) -> None:  # type: ignore[no-untyped-def]
    client, fake = webhook
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    for _ in range(2):
        assert client.post("/webhooks/telegram", json=update(51, 8200, "Is the GP free?"), headers=headers).status_code == 200
    expected = answer_text("gp.cost", "en")
    wait_for(lambda: any(expected in t for t in texts_to(fake, 8200)))
    time.sleep(1.5)
    assert sum(expected in t for t in texts_to(fake, 8200)) == 1
