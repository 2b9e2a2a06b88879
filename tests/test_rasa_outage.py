"""Rasa down: the person gets a short apology in their language, their messages are kept in
order and answered when Rasa is back, or go to a champion after RASA_DOWN_HANDOFF_SECONDS."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from bot import replies
from bot.db.models import Conversation, Handoff
from bot.db.session import session_scope
from bot.settings import Settings
from bot.web.app import create_app
from tests.conftest import free_port
from tests.fakes.switchable_rasa import SwitchableRasa
from tests.test_conversations import answer_text

pytestmark = pytest.mark.stack


@pytest.fixture
def rasa(stack: str, stack_settings: Settings) -> Iterator[SwitchableRasa]:
    with SwitchableRasa(stack_settings.rasa_url, free_port()) as switchable:
        yield switchable


def gateway(stack_settings: Settings, rasa: SwitchableRasa, handoff_after: float) -> TestClient:
    return TestClient(create_app(Settings(**{**stack_settings.__dict__, "rasa_url": rasa.base_url,
                                             "rasa_down_handoff_seconds": handoff_after})))


def say(client: TestClient, user: str, text: str) -> list[dict]:
    response = client.post("/api/messages", json={"user": user, "text": text})
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def collect(client: TestClient, user: str, count: int, seconds: float = 30) -> list[dict]:
    """Poll the web chat's pending messages until `count` have arrived."""
    got: list[dict] = []
    deadline = time.monotonic() + seconds
    while len(got) < count and time.monotonic() < deadline:
        got += client.get("/api/messages", params={"user": user}).json()["messages"]
        time.sleep(0.3)
    return got


def test_messages_wait_for_rasa_and_are_answered_in_order_when_it_is_back(stack_settings, rasa) -> None:  # type: ignore[no-untyped-def]
    user = f"outage-{uuid.uuid4().hex[:8]}"
    with gateway(stack_settings, rasa, handoff_after=600) as client:
        first = say(client, user, "je GP zadarmo?")
        assert first == [replies.held_for_later("en").as_dict()]  # a new person: English until Rasa detects
        assert say(client, user, "ako ziskam miesto v skole pre dieta") == []  # kept quietly, after the first
        with session_scope() as session:
            public_id = session.scalars(select(Conversation.public_id).where(Conversation.external_id == user)).one()
        # Only this person's messages count: other tests' held messages in the shared database are retried too.
        assert rasa.refused_senders.count(public_id) == 1  # the second never overtook the first
        rasa.up = True
        answers = [m["text"] for m in collect(client, user, 3)]
    gp = next(i for i, text in enumerate(answers) if answer_text("gp.cost", "sk") in text)
    school = next(i for i, text in enumerate(answers) if answer_text("school.apply", "sk") in text)
    assert gp < school
    with session_scope() as session:
        conversation = session.scalars(select(Conversation).where(Conversation.external_id == user)).one()
        assert conversation.language == "sk"


def test_a_message_rasa_cannot_answer_in_time_goes_to_a_champion(stack_settings, rasa) -> None:  # type: ignore[no-untyped-def]
    user = f"outage-{uuid.uuid4().hex[:8]}"
    with gateway(stack_settings, rasa, handoff_after=1) as client:
        say(client, user, "potrebujem pomoc s doktorom, je to dolezite")
        told = collect(client, user, 1, seconds=20)
    assert told and told[0]["text"] == replies.handoff_started("en").text, (rasa.requests_while_down, rasa.up)
    with session_scope() as session:
        conversation = session.scalars(select(Conversation).where(Conversation.external_id == user)).one()
        handoff = session.scalars(select(Handoff).where(Handoff.conversation_id == conversation.id)).one()
        assert handoff.reason == "bot_unavailable" and handoff.status == "open"
        assert handoff.messages[0].text == "potrebujem pomoc s doktorom, je to dolezite"


def test_the_champion_button_while_rasa_is_down_reaches_a_champion_at_once(stack_settings, rasa) -> None:  # type: ignore[no-untyped-def]
    user = f"outage-{uuid.uuid4().hex[:8]}"
    with gateway(stack_settings, rasa, handoff_after=600) as client:
        say(client, user, "kedy mam prist na zapis do skoly")
        assert client.post("/api/messages", json={"user": user, "payload": "/human_handoff"}).json()["messages"] == []
        told = collect(client, user, 1, seconds=20)
    assert told and told[0]["text"] == replies.handoff_started("en").text


def test_only_one_gateway_retries_a_held_message_until_its_lease_runs_out() -> None:
    from bot.db.conversation_repository import get_or_create_conversation
    from bot.db.held_message_repository import claim_held, hold, release_all
    from bot.db.models import HeldMessage, utcnow

    with session_scope() as session:
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id=f"lease-{uuid.uuid4().hex[:6]}")
        session.flush()
        hold(session=session, conversation_id=conversation.id, message="je GP zadarmo?", metadata={}, owner="gateway-a")
        conversation_id = conversation.id
    with session_scope() as session:
        assert conversation_id not in claim_held(session=session, owner="gateway-b")
        assert [h.message for h in claim_held(session=session, owner="gateway-a")[conversation_id]] == ["je GP zadarmo?"]
    with session_scope() as session:  # gateway-a stopped: its lease runs out
        for held in session.scalars(select(HeldMessage).where(HeldMessage.conversation_id == conversation_id)):
            held.lease_until = utcnow()
    with session_scope() as session:
        assert conversation_id in claim_held(session=session, owner="gateway-b")
        assert conversation_id not in claim_held(session=session, owner="gateway-a")
    with session_scope() as session:
        release_all(session=session, conversation_id=conversation_id)


def test_a_message_rasa_answers_with_nothing_is_kept_too(stack_settings, rasa) -> None:  # type: ignore[no-untyped-def]
    """Rasa answers nothing when an action fails: that is no answer for the person either."""
    user = f"outage-{uuid.uuid4().hex[:8]}"
    rasa.silent = True
    with gateway(stack_settings, rasa, handoff_after=600) as client:
        assert say(client, user, "is the GP free?") == [replies.held_for_later("en").as_dict()]
        rasa.silent, rasa.up = False, True
        answers = [m["text"] for m in collect(client, user, 2)]
    assert any(answer_text("gp.cost", "en") in text for text in answers)
