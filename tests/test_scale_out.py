"""Two Rasa instances sharing conversations: trackers in PostgreSQL (Drom's database), Rasa's lock in
Redis, the gateway spreading messages over both. Real PostgreSQL, real Redis, real Rasa twice."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
from rasa.shared.core.events import UserUttered
from sqlalchemy import select

from bot.db.models import RasaTracker
from bot.db.session import session_scope
from bot.settings import Settings
from bot.stack import Stack
from tests.own_stack import own_stack, say
from tests.test_conversations import QUESTIONS, answer_text

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def two_rasas(stack_settings: Settings, postgres, redis_url: str,  # type: ignore[no-untyped-def]
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with own_stack(stack_settings, tmp_path_factory.mktemp("scale-out"), postgres.database(),
                   redis_url=redis_url, rasa_instances=2) as running:
        yield running


def stored_tracker(database_url: str, public_id: str) -> list[dict]:
    with session_scope(database_url) as session:
        dialogue = session.scalar(select(RasaTracker.dialogue).where(RasaTracker.sender_id == public_id))
    assert dialogue is not None
    return json.loads(dialogue)["events"]


def test_a_conversation_moves_between_instances_and_keeps_its_language(two_rasas: Stack) -> None:
    user = f"scale-{uuid.uuid4().hex[:8]}"
    questions = QUESTIONS["rom"]
    for key, text in [("gp.register", questions["gp"]), ("school.apply", questions["school"]),
                      ("euss.apply", questions["euss"]), ("gp.register", questions["gp"])]:
        assert any(answer_text(key, "rom") in answer for answer in say(two_rasas, user, text))
    trackers = [httpx.get(f"{url}/conversations/{_public_id(two_rasas, user)}/tracker", timeout=10).json()
                for url in two_rasas.rasa_urls]
    assert trackers[0]["events"] == trackers[1]["events"]  # one tracker, whichever instance is asked
    assert trackers[0]["slots"]["language"] == "rom"
    said = [e["text"] for e in stored_tracker(two_rasas.settings.database_url, _public_id(two_rasas, user))
            if e["event"] == UserUttered.type_name]
    assert said == [questions["gp"], questions["school"], questions["euss"], questions["gp"]]


def test_simultaneous_messages_to_both_instances_are_handled_one_at_a_time_in_order(two_rasas: Stack) -> None:
    sender = f"order-{uuid.uuid4().hex[:8]}"
    texts = [f"is the GP free? ({n})" for n in range(6)]

    async def send_all() -> None:
        async with httpx.AsyncClient(timeout=60) as client:
            async def send(n: int) -> None:
                await asyncio.sleep(0.15 * n)  # sent in this order, each while the ones before may still run
                url = two_rasas.rasa_urls[n % 2]
                response = await client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": texts[n]})
                response.raise_for_status()
            await asyncio.gather(*(send(n) for n in range(len(texts))))

    asyncio.run(send_all())
    events = stored_tracker(two_rasas.settings.database_url, sender)
    turns = [e for e in events if e["event"] in ("user", "bot")]
    said = [e["text"] for e in turns if e["event"] == "user"]
    assert said == texts  # none lost (a tracker written by both at once would lose one), in order
    for index, event in enumerate(turns):  # every message answered before the next one was read
        if event["event"] == "user":
            assert index + 1 < len(turns) and turns[index + 1]["event"] == "bot", turns


def test_the_gateway_goes_on_through_the_other_instance_when_one_dies(two_rasas: Stack) -> None:
    user = f"failover-{uuid.uuid4().hex[:8]}"
    two_rasas.kill("rasa2")
    try:
        for _ in range(3):  # whichever instance's turn it is, the live one answers at once
            assert any(answer_text("gp.cost", "en") in text for text in say(two_rasas, user, "is the GP free?"))
    finally:
        two_rasas.restart("rasa2")


def _public_id(stack: Stack, user: str) -> str:
    from bot.db.conversation_repository import find_conversation

    with session_scope(stack.settings.database_url) as session:
        conversation = find_conversation(session=session, channel="webchat", external_id=user)
        assert conversation is not None
        return conversation.public_id


def test_forgetting_a_person_removes_their_tracker_from_postgresql(two_rasas: Stack) -> None:
    user = f"forget-{uuid.uuid4().hex[:8]}"
    assert any(answer_text("gp.cost", "en") in text for text in say(two_rasas, user, "is the GP free?"))
    public_id = _public_id(two_rasas, user)
    assert stored_tracker(two_rasas.settings.database_url, public_id)
    response = httpx.post(f"{two_rasas.gateway_url}/api/forget", json={"user": user}, timeout=30)
    assert response.status_code == 200, response.text
    with session_scope(two_rasas.settings.database_url) as session:
        assert session.get(RasaTracker, public_id) is None
