"""Killing the gateway (SIGKILL, as in a crash) mid-conversation, on Telegram and WhatsApp at once,
loses no message and handles none twice: every update is stored before it is acknowledged, and its
answers are queued in the transaction that marks it handled (bot/db/inbound_repository.py).

One repeat is possible and is allowed here: a send that reached Telegram or WhatsApp in the instant
before the kill, before the outbox row was marked delivered, is sent again after the restart
(neither API takes an idempotency key, so the gateway cannot know). The person then sees the same
answer twice in a row; nothing else is ever repeated (seen once in about five fresh-clone runs)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from sqlalchemy import select

from bot.db.conversation_repository import find_conversation
from bot.db.models import OutboxMessage
from bot.db.session import session_scope
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


def queued_keys(stack: Stack, channel: str, external_id: str) -> list[str]:
    """The FAQ keys of the answers queued for one person, in order: each handling of a message
    queues its answer once, so a message handled twice would show here twice."""
    with session_scope(stack.settings.database_url) as session:
        conversation = find_conversation(session=session, channel=channel, external_id=external_id)
        assert conversation is not None
        bodies = session.scalars(select(OutboxMessage.body).where(OutboxMessage.conversation_id == conversation.id)
                                 .order_by(OutboxMessage.id))
        return answered_keys([json.loads(body)["text"] for body in bodies])


def resent_in_place(received: list[str], asked: list[str]) -> int | None:
    """How many messages the person received again right after receiving them (a send that reached
    the channel just before the kill, then sent again after the restart: see the module docstring);
    None when `received` is not `asked` with such repeats."""
    position, repeats = 0, 0
    for index, key in enumerate(received):
        if position < len(asked) and key == asked[position]:
            position += 1
        elif index > 0 and key == received[index - 1]:
            repeats += 1
        else:
            return None
    return repeats if position == len(asked) else None


def test_killing_the_gateway_mid_conversation_loses_no_message_and_duplicates_none(
    crash_stack: tuple[Stack, FakeTelegram, FakeGraph],
) -> None:
    stack, telegram, graph = crash_stack
    asked: list[str] = []
    kills = [0.0, 0.1, 0.3, 0.8]  # killed at different moments of the handling
    for round_number, pause in enumerate(kills):
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
    # Every message handled exactly once, in order: one answer queued for each.
    assert queued_keys(stack, "telegram", str(TELEGRAM_USER)) == asked
    assert queued_keys(stack, "whatsapp", WHATSAPP_USER) == asked
    # Every answer received, in order; at most one resent per kill, from the send in flight.
    for received in (answered_keys(texts_to(telegram, TELEGRAM_USER)), answered_keys(graph.texts_to(WHATSAPP_USER))):
        repeats = resent_in_place(received, asked)
        assert repeats is not None and repeats <= len(kills), (received, asked)


def test_the_resend_check_tells_a_resend_from_a_loss_or_a_second_handling() -> None:
    asked = ["gp.cost", "gp.documents", "gp.documents"]
    assert resent_in_place(asked, asked) == 0
    assert resent_in_place(["gp.cost", "gp.cost", "gp.documents", "gp.documents"], asked) == 1
    assert resent_in_place(["gp.cost", "gp.documents"], asked) is None  # one lost
    assert resent_in_place(["gp.cost", "gp.documents", "gp.cost", "gp.documents"], asked) is None  # out of order
