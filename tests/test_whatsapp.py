"""Drom on WhatsApp, end to end: signed webhooks into the gateway, answers out to a fake Graph API
on 127.0.0.1, with Rasa (running Drom's actions) and the gateway really running."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from bot import handoff, replies
from bot.channels.whatsapp.rendering import shorten
from bot.db.models import Conversation
from bot.db.session import session_scope
from bot.settings import LANGUAGES, Settings, WhatsAppSettings
from bot.web.app import create_app
from tests.conftest import free_port
from tests.fakes.whatsapp_graph_api import FakeGraph, FakeGraphServer
from tests.test_conversations import EXPECTED_KEYS, QUESTIONS, answer_text
from tests.test_telegram import wait_for

pytestmark = pytest.mark.stack

SECRET = "app-secret-for-tests"
VERIFY = "verify-me"
_ids = itertools.count(1)


def signed(body: bytes, secret: str = SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def notification(wa_id: str, message: dict) -> dict:
    message = {"from": wa_id, "id": f"wamid.in{next(_ids)}", "timestamp": str(int(time.time())), **message}
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"phone_number_id": "555"},
        "contacts": [{"wa_id": wa_id, "profile": {"name": "T"}}], "messages": [message]}}]}]}


def text(wa_id: str, body: str) -> dict:
    return notification(wa_id, {"type": "text", "text": {"body": body}})


@pytest.fixture(scope="module")
def whatsapp(stack: str, stack_settings: Settings) -> Iterator[tuple[TestClient, FakeGraph]]:
    with FakeGraphServer(free_port()) as server:
        settings = Settings(**{**stack_settings.__dict__, "whatsapp": WhatsAppSettings(
            token="wa-token", phone_number_id="555", app_secret=SECRET, verify_token=VERIFY,
            api_base_url=server.base_url, reopen_template="drom_reopen")})
        with TestClient(create_app(settings)) as client:
            yield client, server.fake


def post(client: TestClient, payload: dict) -> httpx.Response:
    body = json.dumps(payload).encode()
    return client.post("/webhooks/whatsapp", content=body, headers=signed(body))


def test_verification_answers_the_challenge_only_with_the_right_token(whatsapp) -> None:  # type: ignore[no-untyped-def]
    client, _ = whatsapp
    ok = client.get("/webhooks/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "42"})
    assert ok.status_code == 200 and ok.text == "42"
    bad = client.get("/webhooks/whatsapp", params={"hub.mode": "subscribe", "hub.verify_token": "no", "hub.challenge": "42"})
    assert bad.status_code == 403


def test_unsigned_or_forged_posts_get_403_and_nothing_happens(whatsapp) -> None:  # type: ignore[no-untyped-def]
    client, fake = whatsapp
    body = json.dumps(text("447000000001", "Is the GP free?")).encode()
    assert client.post("/webhooks/whatsapp", content=body).status_code == 403
    assert client.post("/webhooks/whatsapp", content=body, headers=signed(body, "forged")).status_code == 403
    time.sleep(1.5)
    assert fake.to("447000000001") == []


def test_malformed_json_gets_400_and_status_callbacks_are_ignored(whatsapp) -> None:  # type: ignore[no-untyped-def]
    client, _ = whatsapp
    assert client.post("/webhooks/whatsapp", content=b"{nope", headers=signed(b"{nope")).status_code == 400
    status = {"entry": [{"changes": [{"value": {"statuses": [{"id": "wamid.out1", "status": "read"}]}}]}]}
    assert post(client, status).status_code == 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_question_is_answered_in_its_language(whatsapp, language: str) -> None:  # type: ignore[no-untyped-def]
    client, fake = whatsapp
    wa_id = f"44700000010{LANGUAGES.index(language)}"
    assert post(client, text(wa_id, QUESTIONS[language]["school"])).status_code == 200
    expected = answer_text(EXPECTED_KEYS["school"], language)
    answer = wait_for(lambda: [m for m in fake.to(wa_id) if m["type"] == "interactive"
                               and expected in m["interactive"]["body"]["text"]])[0]
    buttons = answer["interactive"]["action"]["buttons"]
    assert [b["reply"]["id"] for b in buttons] == ["/thank", "/human_handoff", "/menu"]
    assert all(len(b["reply"]["title"]) <= 20 for b in buttons)


def test_a_button_reply_and_a_list_reply(whatsapp) -> None:  # type: ignore[no-untyped-def]
    client, fake = whatsapp
    wa_id = "447000000200"
    post(client, text(wa_id, "buna ziua"))
    welcome = wait_for(lambda: [m for m in fake.to(wa_id) if m["type"] == "interactive"
                                and m["interactive"]["type"] == "list"])[0]
    rows = welcome["interactive"]["action"]["sections"][0]["rows"]
    assert len(rows) == 5 and all(len(r["title"]) <= 24 for r in rows)
    menu = wait_for(lambda: [m for m in fake.to(wa_id) if m["type"] == "interactive"
                             and m["interactive"]["body"]["text"] == replies.topic_menu("ro").text])[0]
    topic = menu["interactive"]["action"]["buttons"][0]["reply"] if menu["interactive"]["type"] == "button" else \
        menu["interactive"]["action"]["sections"][0]["rows"][0]
    before = len(fake.to(wa_id))
    post(client, notification(wa_id, {"type": "interactive", "interactive": {
        "type": "list_reply" if menu["interactive"]["type"] == "list" else "button_reply",
        ("list_reply" if menu["interactive"]["type"] == "list" else "button_reply"): {"id": topic["id"], "title": topic["title"]}}}))
    wait_for(lambda: len(fake.to(wa_id)) > before)
    post(client, notification(wa_id, {"type": "interactive", "interactive": {
        "type": "button_reply", "button_reply": {"id": "/human_handoff", "title": "x"}}}))
    wait_for(lambda: replies.handoff_started("ro").text in fake.texts_to(wa_id))


def test_media_gets_a_localized_answer(whatsapp) -> None:  # type: ignore[no-untyped-def]
    client, fake = whatsapp
    wa_id = "447000000300"
    post(client, text(wa_id, "Ako sa zaregistrujem u doktora GP?"))
    wait_for(lambda: fake.to(wa_id))
    post(client, notification(wa_id, {"type": "audio", "audio": {"id": "media1", "mime_type": "audio/ogg", "voice": True}}))
    wait_for(lambda: replies.unsupported_input("sk").text in fake.texts_to(wa_id))


def test_the_same_message_id_is_handled_once(whatsapp) -> None:  # type: ignore[no-untyped-def]
    client, fake = whatsapp
    wa_id = "447000000400"
    payload = text(wa_id, "Is the GP free?")
    assert post(client, payload).status_code == 200 and post(client, payload).status_code == 200
    expected = answer_text("gp.cost", "en")
    wait_for(lambda: any(expected in t for t in fake.texts_to(wa_id)))
    time.sleep(1.5)
    assert sum(expected in t for t in fake.texts_to(wa_id)) == 1


def test_429_and_500_are_retried_and_nothing_is_lost(whatsapp) -> None:  # type: ignore[no-untyped-def]
    client, fake = whatsapp
    wa_id = "447000000500"
    fake.fail_next(429, retry_after=1)
    fake.fail_next(500)
    post(client, text(wa_id, "How do I apply for settled status?"))
    expected = answer_text("euss.apply", "en")
    wait_for(lambda: any(expected in t for t in fake.texts_to(wa_id)))
    assert sum(expected in t for t in fake.texts_to(wa_id)) == 1
    assert set(fake.tokens) == {"Bearer wa-token"}


def test_handoff_round_trip_and_the_24_hour_rule(whatsapp) -> None:  # type: ignore[no-untyped-def]
    client, fake = whatsapp
    wa_id = "447000000600"
    post(client, text(wa_id, "Cum aplic pentru settled status? Sunt in Leeds de trei ani"))
    wait_for(lambda: fake.to(wa_id))
    post(client, text(wa_id, "vreau sa vorbesc cu un om"))
    wait_for(lambda: replies.handoff_started("ro").text in fake.texts_to(wa_id))
    mine = next(h for h in handoff.open_handoffs()
                if h.channel == "whatsapp" and any("de trei ani" in t for _, t in h.messages))

    assert handoff.reply(mine.id, "Maria: Bună ziua!")
    wait_for(lambda: "Maria: Bună ziua!" in fake.texts_to(wa_id))

    with session_scope() as session:  # the person last wrote more than 24 hours ago
        conversation = session.query(Conversation).filter_by(channel="whatsapp", external_id=wa_id).one()
        conversation.last_seen_at -= dt.timedelta(hours=25)
    assert handoff.reply(mine.id, "Maria: Mai sunteți acolo?")
    wait_for(lambda: "[template drom_reopen]" in fake.texts_to(wa_id))
    assert "Maria: Mai sunteți acolo?" not in fake.texts_to(wa_id)
    wait_for(lambda: any(role == "system" and "24-hour" in t
                         for h in handoff.open_handoffs() if h.id == mine.id for role, t in h.messages))

    assert handoff.close(mine.id)
    wait_for(lambda: any(replies.handoff_closed("ro").text == t for t in fake.texts_to(wa_id)) or
             fake.texts_to(wa_id).count("[template drom_reopen]") >= 2)


def test_titles_are_shortened_at_word_boundaries() -> None:
    assert shorten("Talk to a champion", 20) == "Talk to a champion"
    assert shorten("Vakerel komunitakere pomocnikoha", 20) == "Vakerel…"
    assert len(shorten("Hovoriť s komunitným pomocníkom", 20)) <= 20


def test_listen_uploads_the_recorded_answer_and_sends_it_as_audio(whatsapp) -> None:  # type: ignore[no-untyped-def]
    from tests.recordings import OGG_BYTES, record_answer

    client, fake = whatsapp
    record_answer("school.meals", "ro")
    wa_id = "447000000900"
    post(client, text(wa_id, "buna ziua"))
    wait_for(lambda: fake.to(wa_id))
    post(client, notification(wa_id, {"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {
        "id": replies.payload(replies.LISTEN_INTENT, key="school.meals"), "title": "Ascultă"}}}))
    audio = wait_for(lambda: [m for m in fake.to(wa_id) if m["type"] == "audio"])[0]
    assert fake.uploads[audio["audio"]["id"]] == ("audio/ogg", OGG_BYTES)
