"""Both channels' fakes at once: a gateway app with Telegram (webhook mode) and WhatsApp pointed at
fake APIs on 127.0.0.1, for tests that hit both webhooks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.testclient import TestClient

from bot.settings import Settings, TelegramSettings, WhatsAppSettings
from bot.web.app import create_app
from tests.conftest import free_port
from tests.fakes.telegram_bot_api import FakeTelegramServer
from tests.fakes.whatsapp_graph_api import FakeGraphServer
from tests.test_telegram_webhook import SECRET as TELEGRAM_SECRET
from tests.test_whatsapp import SECRET as WHATSAPP_SECRET  # what `tests.test_whatsapp.signed` signs with


@contextmanager
def gateway_with_both_channels(base: Settings, bot_token: str, **changes: Any) -> Iterator[TestClient]:
    """A running gateway (TestClient, server errors returned as 500s) with both channels configured."""
    with FakeTelegramServer(free_port()) as telegram, FakeGraphServer(free_port()) as graph:
        settings = Settings(**{
            **base.__dict__, **changes,
            "telegram": TelegramSettings(bot_token=bot_token, api_base_url=telegram.base_url,
                                         webhook_url="https://drom.example.org/webhooks/telegram",
                                         webhook_secret=TELEGRAM_SECRET),
            "whatsapp": WhatsAppSettings(token="wa-token", phone_number_id="555", app_secret=WHATSAPP_SECRET,
                                         verify_token="v", api_base_url=graph.base_url, reopen_template="drom_reopen"),
        })
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield client
