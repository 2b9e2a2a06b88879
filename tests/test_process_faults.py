"""Killing Rasa mid-conversation loses no message and duplicates none: Rasa (which runs Drom's
actions too) is killed (SIGKILL, as in a crash) in a stack of its own and started again."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from bot import replies
from bot.settings import Settings
from bot.stack import Stack
from tests.own_stack import own_stack, say
from tests.test_conversations import answer_text

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def faults_stack(stack_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("faults")
    with own_stack(stack_settings, folder, f"sqlite:///{folder / 'faults.db'}") as running:
        yield running


def collect(stack: Stack, user: str, until: str, seconds: float = 60) -> list[str]:
    """The person's pending messages, polled until one contains `until`."""
    got: list[str] = []
    deadline = time.monotonic() + seconds
    while not any(until in text for text in got) and time.monotonic() < deadline:
        got += [m["text"] for m in httpx.get(f"{stack.gateway_url}/api/messages", params={"user": user}).json()["messages"]]
        time.sleep(0.5)
    return got


@pytest.mark.parametrize("process", ["rasa"])
def test_a_killed_process_loses_no_message_and_duplicates_none(faults_stack: Stack, process: str) -> None:
    user = f"fault-{process}-{uuid.uuid4().hex[:6]}"
    assert any(answer_text("gp.cost", "en") in text for text in say(faults_stack, user, "is the GP free?"))
    faults_stack.kill(process)
    assert say(faults_stack, user, "do i need a passport to register with a GP?") == [replies.held_for_later("en").text]
    assert say(faults_stack, user, "how do I get a school place for my son") == []  # kept behind the first
    faults_stack.restart(process)
    expected = [answer_text("gp.documents", "en"), answer_text("school.apply", "en")]
    later = collect(faults_stack, user, until=expected[1])
    found = [next((i for i, text in enumerate(later) if answer in text), None) for answer in expected]
    assert None not in found and found[0] < found[1], later  # both answered, in order
    assert all(sum(answer in text for text in later) == 1 for answer in expected), later  # once each
