"""Rasa runs Drom's custom actions in its own process (bot/rasa_actions.py): Rasa's RemoteAction, the
real actions package and the seeded database, no action server."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_actions import run_action
from bot.stack import free_port
from tests.test_conversations import answer_text

IN_PROCESS = EndpointConfig(actions_module="actions")


def domain() -> Domain:
    return Domain.load("domain.yml")


def asking(intent: str, text: str, language: str = "en") -> DialogueStateTracker:
    parse = {"text": text, "intent": {"name": intent, "confidence": 0.95},
             "language": {"code": language, "confidence": 0.99}, "metadata": {"channel": "webchat"}}
    events = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
              UserUttered(text, intent=parse["intent"], parse_data=parse)]
    return DialogueStateTracker.from_events("rasa-actions-test", events, slots=domain().slots)


def run(name: str, tracker: DialogueStateTracker, endpoint: EndpointConfig = IN_PROCESS) -> list:
    the_domain = domain()
    return asyncio.run(run_action(RemoteAction(name, endpoint), CollectingOutputChannel(),
                                  TemplatedNaturalLanguageGenerator(the_domain.responses), tracker, the_domain))


def test_an_faq_question_is_answered_in_rasa_with_its_slots() -> None:
    events = run("action_answer_faq", asking("gp.cost", "is the gp free?"))
    said = [event.text for event in events if isinstance(event, BotUttered)]
    assert len(said) == 2 and answer_text("gp.cost", "en") in said[1]  # the welcome, then the answer
    slots = {event.key: event.value for event in events if isinstance(event, SlotSet)}
    assert slots["language"] == "en" and slots["welcomed"] is True
    assert [button["payload"] for button in events[1].data["buttons"]]  # buttons travel with the text


def test_an_action_that_declines_lets_rasa_choose_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "declining_actions.py").write_text(
        "from rasa_sdk import Action\n"
        "from rasa_sdk.interfaces import ActionExecutionRejection\n"
        "class Declines(Action):\n"
        "    def name(self):\n"
        "        return 'action_declines'\n"
        "    def run(self, dispatcher, tracker, domain):\n"
        "        raise ActionExecutionRejection('action_declines', 'not now')\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ActionExecutionRejection, match="not now"):
        run("action_declines", asking("gp.cost", "is the gp free?"), EndpointConfig(actions_module="declining_actions"))
    sys.modules.pop("declining_actions", None)


def test_an_action_missing_from_the_module_is_a_clear_error() -> None:
    with pytest.raises(RasaException, match="action_no_such_thing.*actions"):
        run("action_no_such_thing", asking("gp.cost", "is the gp free?"))


def test_without_actions_module_rasa_calls_the_action_server_at_url() -> None:
    nobody = EndpointConfig(url=f"http://127.0.0.1:{free_port()}/webhook")
    with pytest.raises(RasaException, match="Couldn't connect"):
        run("action_answer_faq", asking("gp.cost", "is the gp free?"), nobody)
