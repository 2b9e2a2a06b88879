"""Property-based fuzzing (hypothesis) of the web chat API and both webhooks: malformed,
oversized, deeply nested and wrongly typed bodies always get a clean 4xx (or 200 for a
well-formed webhook whose content is simply ignored), never a 500, and the gateway keeps serving."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from bot.settings import Settings
from bot.web.requests import MAX_BODY_BYTES
from tests.fakes.channels import TELEGRAM_SECRET, gateway_with_both_channels
from tests.test_telegram_webhook import update
from tests.test_whatsapp import signed, text

pytestmark = pytest.mark.stack

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,  # the same examples on every run
                suppress_health_check=[HealthCheck.function_scoped_fixture])
CLEAN = {200, 400, 403, 404, 413}

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                           max_leaves=20)
deeply_nested = st.integers(min_value=100, max_value=200_000).map(lambda depth: ("[" * depth + "]" * depth).encode())
raw_bodies = st.binary(max_size=300) | deeply_nested | st.just(b"x" * (MAX_BODY_BYTES + 1))


def mutated(document: object, path_choice: int, replacement: object) -> object:
    """`document` with one of its values (chosen by `path_choice`) replaced by `replacement`."""
    places: list[tuple[object, object]] = []

    def walk(node: object) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, value in list(items):
            places.append((node, key))
            walk(value)

    copy = json.loads(json.dumps(document))
    walk(copy)
    container, key = places[path_choice % len(places)]
    container[key] = replacement  # type: ignore[index]
    return copy


@pytest.fixture(scope="module")
def client(stack: str, stack_settings: Settings) -> Iterator[TestClient]:
    with gateway_with_both_channels(stack_settings, "222222:FUZZ") as test_client:
        yield test_client
        still_serving = test_client.post("/api/messages", json={"user": "fuzz-check", "text": "Is the GP free?"})
        assert still_serving.status_code == 200 and still_serving.json()["messages"]


@FUZZ
@given(body=raw_bodies | json_values.map(lambda v: json.dumps(v).encode()))
def test_the_web_chat_api_answers_any_body_cleanly(client: TestClient, body: bytes) -> None:
    response = client.post("/api/messages", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code in CLEAN, response.text


@FUZZ
@given(fields=st.fixed_dictionaries({}, optional={"user": json_values, "text": json_values,
                                                  "payload": json_values, "language_hint": json_values}))
def test_the_web_chat_api_checks_every_field_type(client: TestClient, fields: dict) -> None:
    response = client.post("/api/messages", json=fields)
    assert response.status_code in CLEAN, response.text
    if response.status_code == 200:
        assert isinstance(response.json()["messages"], list)


@FUZZ
@given(body=raw_bodies, where=st.integers(min_value=0), replacement=json_values)
def test_the_telegram_webhook_answers_any_body_cleanly(client: TestClient, body: bytes, where: int,
                                                       replacement: object) -> None:
    headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET, "Content-Type": "application/json"}
    for content in (body, json.dumps(mutated(update(10_000 + where % 1000, 9100, "hello"), where, replacement)).encode()):
        response = client.post("/webhooks/telegram", content=content, headers=headers)
        assert response.status_code in CLEAN, response.text


@FUZZ
@given(body=raw_bodies, where=st.integers(min_value=0), replacement=json_values)
def test_the_whatsapp_webhook_answers_any_signed_body_cleanly(client: TestClient, body: bytes, where: int,
                                                              replacement: object) -> None:
    for content in (body, json.dumps(mutated(text("447000009100", "hello"), where, replacement)).encode()):
        response = client.post("/webhooks/whatsapp", content=content, headers=signed(content))
        assert response.status_code in CLEAN, response.text
