"""Killing the gateway (SIGKILL, as in a crash) mid-conversation, on Telegram and WhatsApp at once,
loses no message and duplicates none: every update is stored before it is acknowledged, and its
answers are queued in the transaction that marks it handled (bot/db/inbound_repository.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from bot.settings import Settings, TelegramSettings, WhatsAppSettings
from bot.stack import Stack, free_port
from tests.fakes.telegram_bot_api import FakeTelegram, FakeTelegramServer
from tests.fakes.whatsapp_graph_api import FakeGraph, FakeGraphServer
from tests.own_stack import own_stack
from tests.test_conversations import answer_text
from tests.test_telegram import texts_to, wait_for
from tests.test_whatsapp import SECRET, signed, text

pytestmark = pytest.mark.stack

QUESTIONS = [("is the GP free?", "gp.cost"), ("do i need a passport to register with a GP?", "gp.documents"),
             ("how do I get a school place for my son", "school.apply"),
             ("How do I apply for settled status?", "euss.apply")]
TELEGRAM_USER = 8101
WHATSAPP_USER = "447700900101"


@pytest.fixture(scope="module")
def crash_stack(stack_settings: Settings,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, FakeTelegram, FakeGraph]]:
    folder = tmp_path_factory.mktemp("gateway-crash")
    with FakeTelegramServer(free_port()) as telegram, FakeGraphServer(free_port()) as graph:
        channels = {
            "telegram": TelegramSettings(bot_token="555101:CRASH", api_base_url=telegram.base_url),
            "whatsapp": WhatsAppSettings(token="wa-token", phone_number_id="555", app_secret=SECRET,
                                         verify_token="v", api_base_url=graph.base_url),
        }
        with own_stack(stack_settings, folder, f"sqlite:///{folder / 'crash.db'}", **channels) as stack:
            yield stack, telegram.fake, graph.fake


def deliver_to_whatsapp_webhook(stack: Stack, payload: dict) -> None:
    """Post a signed notification as Meta does: again and again until the gateway answers 200."""
    body = json.dumps(payload).encode()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.post(f"{stack.gateway_url}/webhooks/whatsapp", content=body, headers=signed(body),
                          timeout=10).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("the WhatsApp webhook never took the notification")


def answered_keys(texts: list[str], language: str = "en") -> list[str]:
    """The FAQ keys answered, in the order the person received them."""
    answers = {key: answer_text(key, language) for _, key in QUESTIONS}
    return [key for sent in texts for key, answer in answers.items() if answer[:60] in sent]


def test_killing_the_gateway_mid_conversation_loses_no_message_and_duplicates_none(
    crash_stack: tuple[Stack, FakeTelegram, FakeGraph],
) -> None:
    stack, telegram, graph = crash_stack
    asked: list[str] = []
    for round_number, pause in enumerate([0.0, 0.1, 0.3, 0.8]):  # killed at different moments of the handling
        for question, key in [QUESTIONS[round_number], QUESTIONS[(round_number + 1) % len(QUESTIONS)]]:
            telegram.text_update(TELEGRAM_USER, question)
            deliver_to_whatsapp_webhook(stack, text(WHATSAPP_USER, question))
            asked.append(key)
        time.sleep(pause)
        stack.kill("gateway")
        stack.restart("gateway")

    wait_for(lambda: len(answered_keys(texts_to(telegram, TELEGRAM_USER))) >= len(asked)
             and len(answered_keys(graph.texts_to(WHATSAPP_USER))) >= len(asked), timeout=120)
    time.sleep(2)  # a duplicate would arrive now
    assert answered_keys(texts_to(telegram, TELEGRAM_USER)) == asked
    assert answered_keys(graph.texts_to(WHATSAPP_USER)) == asked
