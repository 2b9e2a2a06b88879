"""The web chat API's handling of bad requests and of Rasa being down (no Rasa needed)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from bot.i18n import gettext_for
from bot.settings import Settings, load_settings
from bot.web.app import create_app
from tests.conftest import free_port


@pytest.fixture()
def client() -> Iterator[TestClient]:
    nobody_listens = f"http://127.0.0.1:{free_port()}"
    settings = Settings(**{**load_settings().__dict__, "rasa_url": nobody_listens, "rasa_timeout_seconds": 2.0})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"[1, 2]", 400),
        (b'{"text": "hi"}', 400),
        (b'{"user": "", "text": "hi"}', 400),
        (b'{"user": 5, "text": "hi"}', 400),
        (b'{"user": "u1"}', 400),
        (b'{"user": "u1", "text": ["hi"]}', 400),
        (b'{"user": "u1", "text": "' + b"a" * 9000 + b'"}', 413),
        (b"{" * 70000, 413),
    ],
)
def test_bad_requests_get_a_4xx_with_a_json_error(client: TestClient, body: bytes, status: int) -> None:
    response = client.post("/api/messages", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert response.json()["error"]


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_messages_get_a_localized_answer(client: TestClient, text: str) -> None:
    response = client.post("/api/messages", json={"user": "empty-1", "text": text, "language_hint": "sk"})
    assert response.status_code == 200
    message = response.json()["messages"][0]
    assert message["text"] == gettext_for("sk")("I can only read text messages. Please write your question, or talk to a champion.")
    assert message["buttons"][0]["payload"] == "/human_handoff"


def test_rasa_down_gets_an_apology_in_the_persons_language(client: TestClient) -> None:
    response = client.post("/api/messages", json={"user": "down-1", "text": "ahoj", "language_hint": "cs"})
    assert response.status_code == 200
    assert response.json()["messages"][0]["text"] == gettext_for("cs")(
        "Sorry, I cannot answer right now. I have kept your message and will answer it as soon as I can, "
        "or a champion will."
    )


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
def test_the_handoff_api_refuses_requests_through_a_proxy(client: TestClient, header: str) -> None:
    assert client.get("/api/handoffs").status_code == 200
    assert client.get("/api/handoffs", headers={header: "203.0.113.9"}).status_code == 403
    assert client.post("/api/handoffs/1/close", headers={header: "203.0.113.9"}).status_code == 403


def test_unknown_handoff_is_404(client: TestClient) -> None:
    assert client.post("/api/handoffs/999999/close").status_code == 404
    assert client.post("/api/handoffs/abc/close").status_code == 404


def test_pending_messages_need_a_user(client: TestClient) -> None:
    assert client.get("/api/messages").status_code == 400
    assert client.get("/api/messages?user=nobody").json() == {"messages": []}


def test_webchat_page_and_assets_are_served_locally(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/static/webchat.js" in page.text
    assert "http" not in page.text.replace("http-equiv", "")
    assert client.get("/static/webchat.js").status_code == 200


@pytest.mark.parametrize("body", [b"{}", b'{"user": ""}', b"nope"])
def test_forget_needs_a_user(client: TestClient, body: bytes) -> None:
    response = client.post("/api/forget", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]


def test_forget_with_rasa_down_erases_nothing_and_says_so(client: TestClient) -> None:
    from sqlalchemy import select

    from bot.db.models import Conversation
    from bot.db.session import session_scope

    client.post("/api/messages", json={"user": "keep-1", "text": "ahoj"})
    response = client.post("/api/forget", json={"user": "keep-1"})
    assert response.status_code == 503 and "Try again" in response.json()["error"]
    with session_scope() as session:
        assert session.scalars(select(Conversation).where(Conversation.external_id == "keep-1")).first()
