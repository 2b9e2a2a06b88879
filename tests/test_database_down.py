"""Database down: the web chat API and both webhooks answer 503 (Telegram and WhatsApp then
deliver the update again) and nothing is acknowledged."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.db import session as db_session
from bot.settings import Settings
from tests.conftest import free_port
from tests.fakes.channels import TELEGRAM_SECRET, gateway_with_both_channels
from tests.test_telegram_webhook import update
from tests.test_whatsapp import signed, text

pytestmark = pytest.mark.stack


def _forget_engines() -> None:
    db_session.get_engine.cache_clear()
    db_session._session_factory.cache_clear()


@pytest.fixture
def unreachable_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"postgresql+psycopg2://drom@127.0.0.1:{free_port()}/drom"  # nothing listens there
    monkeypatch.setenv("DATABASE_URL", url)
    _forget_engines()
    yield url
    monkeypatch.undo()
    _forget_engines()


def test_everything_answers_503_while_the_database_is_down(stack_settings: Settings, unreachable_database: str) -> None:
    with gateway_with_both_channels(stack_settings, "333333:DBDOWN", database_url=unreachable_database) as client:
        chat = client.post("/api/messages", json={"user": "db-down", "text": "je GP zadarmo?"})
        assert chat.status_code == 503 and chat.headers["Retry-After"] == "5"
        hook = client.post("/webhooks/telegram", json=update(77_001, 9200, "je GP zadarmo?"),
                           headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        assert hook.status_code == 503
        body = json.dumps(text("447000009200", "je GP zadarmo?")).encode()
        assert client.post("/webhooks/whatsapp", content=body, headers=signed(body)).status_code == 503
