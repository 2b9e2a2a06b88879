"""The custom actions against the real (seeded) database, with rasa-sdk's Tracker and dispatcher."""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionAnswerFaq, ActionDontKnow, ActionShowMenu
from actions.handoff import ActionHandoff
from actions.language import ActionChangeLanguage
from actions.small_talk import ActionGreet
from bot.db.conversation_repository import get_or_create_conversation, open_handoff_for
from bot.db.session import session_scope
from bot.i18n import gettext_for


def tracker(
    intent: str,
    *,
    text: str = "",
    language: tuple[str, float] | None = None,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    hint: str | None = None,
    sender: str | None = None,
) -> Tracker:
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "metadata": {"channel": "webchat", "language_hint": hint},
    }
    if language:
        latest["language"] = {"code": language[0], "confidence": language[1]}
    return Tracker(
        sender or uuid.uuid4().hex,
        {"language": None, "language_chosen": False, "welcomed": False, "misses": 0, **(slots or {})},
        latest,
        [{"event": "user", "text": text}],
        False,
        None,
        {},
        "action_listen",
    )


def run(action, tracker_: Tracker) -> tuple[list[dict], dict[str, Any]]:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = action.answer(dispatcher, tracker_, {})
    slots_after = {**tracker_.slots, **{e["name"]: e["value"] for e in events if e["event"] == "slot"}}
    return dispatcher.messages, slots_after


def test_first_question_gets_welcome_then_answer_in_detected_language() -> None:
    messages, slots = run(ActionAnswerFaq(), tracker("gp.register", text="ako sa registrujem", language=("sk", 0.95)))
    assert len(messages) == 2
    assert messages[0]["text"].startswith("Dobrý deň, som Drom.")
    assert {b["title"] for b in messages[0]["buttons"]} >= {"Romanes", "Slovenčina", "Čeština", "Română", "English"}
    assert "https://" in messages[1]["text"]
    assert [b["payload"] for b in messages[1]["buttons"]] == ["/thank", "/human_handoff", "/menu"]
    assert slots["language"] == "sk" and slots["welcomed"] is True


def test_later_answers_have_no_welcome_and_keep_language() -> None:
    messages, slots = run(
        ActionAnswerFaq(),
        tracker("school.meals", text="ok", language=("en", 0.3), slots={"language": "ro", "welcomed": True}),
    )
    assert len(messages) == 1 and slots["language"] == "ro"


def test_unsure_detection_uses_the_channel_hint() -> None:
    _, slots = run(ActionGreet(), tracker("greet", text="hi", language=("en", 0.2), hint="cs-CZ"))
    assert slots["language"] == "cs"


def test_topic_menu_lists_the_questions_of_a_topic() -> None:
    messages, _ = run(
        ActionShowMenu(),
        tracker("menu", entities=[{"entity": "topic", "value": "euss"}], slots={"language": "en", "welcomed": True}),
    )
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[:2] == ["/euss.what", "/euss.apply"] and "/human_handoff" in payloads


def test_a_bare_topic_shows_its_questions_instead_of_guessing_one() -> None:
    messages, _ = run(ActionShowMenu(), tracker("topic.school", text="skola", slots={"language": "sk", "welcomed": True}))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[:2] == ["/school.apply", "/school.age"] and "/human_handoff" in payloads


def test_misses_offer_a_champion_then_hand_off() -> None:
    sender = uuid.uuid4().hex
    with session_scope() as session:
        get_or_create_conversation(session=session, channel="webchat", external_id=sender).public_id = sender
    slots: dict[str, Any] = {"language": "en", "welcomed": True}
    first, slots_after = run(ActionDontKnow(), tracker("out_of_scope", slots=slots, sender=sender))
    assert slots_after["misses"] == 1 and "/menu{\"topic\": \"gp\"}" in [b["payload"] for b in first[0]["buttons"]]
    second, slots_after = run(ActionDontKnow(), tracker("out_of_scope", slots={**slots, "misses": 1}, sender=sender))
    assert slots_after["misses"] == 2 and second[0]["buttons"][0]["payload"] == "/human_handoff"
    third, _ = run(ActionDontKnow(), tracker("out_of_scope", slots={**slots, "misses": 2}, sender=sender))
    assert third[0]["text"] == gettext_for("en")("I have asked a community champion to help you. They will answer here, in your language, as soon as they can. You can write your question now; they will read it.")
    with session_scope() as session:
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id=sender)
        handoff = open_handoff_for(session=session, conversation_id=conversation.id)
        assert handoff is not None and handoff.reason == "repeated_misses"


def test_handoff_is_recorded_once_with_recent_messages() -> None:
    sender = uuid.uuid4().hex
    t = tracker("human_handoff", text="chcem hovorit s clovekom", language=("sk", 0.9), sender=sender)
    run(ActionHandoff(), t)
    run(ActionHandoff(), t)
    with session_scope() as session:
        conversation = get_or_create_conversation(session=session, channel="webchat", external_id=sender)
        assert len(conversation.handoffs) == 1
        handoff = conversation.handoffs[0]
        assert (handoff.language, handoff.reason) == ("sk", "asked")
        assert [m.role for m in handoff.messages] == ["person", "bot"]
        assert handoff.messages[0].text == "chcem hovorit s clovekom"


def test_language_button_switches_and_marks_it_chosen() -> None:
    messages, slots = run(
        ActionChangeLanguage(),
        tracker("change_language", entities=[{"entity": "language", "value": "rom"}], slots={"language": "en", "welcomed": True}),
    )
    assert slots["language"] == "rom" and slots["language_chosen"] is True
    assert messages[0]["text"] == gettext_for("rom")("OK, I will write in English.")


def test_change_language_without_a_name_shows_the_picker() -> None:
    messages, slots = run(ActionChangeLanguage(), tracker("change_language", text="other language", slots={"language": "en", "welcomed": True}))
    assert len(messages[0]["buttons"]) == 5 and slots["language_chosen"] is False


def test_the_action_server_runs_an_action_in_a_worker_thread_and_gets_its_events() -> None:
    """rasa-sdk awaits `run`; the synchronous work (the database) happens off its event loop."""
    import asyncio
    import threading

    seen: list[str] = []

    class Probe(ActionAnswerFaq):
        def answer(self, dispatcher, tracker, domain):  # type: ignore[no-untyped-def]
            seen.append(threading.current_thread().name)
            return super().answer(dispatcher, tracker, domain)

    dispatcher = CollectingDispatcher()
    events = asyncio.run(Probe().run(dispatcher, tracker("gp.cost", text="is the gp free", language=("en", 0.9)), {}))
    assert seen and seen[0] != threading.main_thread().name
    assert dispatcher.messages and any(e["event"] == "slot" for e in events)


def test_hesitating_between_two_answers_asks_which_one_and_is_not_a_miss() -> None:
    latest = tracker("nlu_fallback", text="do i need money for the gp", slots={"language": "sk", "welcomed": True, "misses": 1})
    latest.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.2}, {"name": "gp.cost", "confidence": 0.53},
        {"name": "gp.documents", "confidence": 0.46},
    ]
    messages, slots = run(ActionDontKnow(), latest)
    _ = gettext_for("sk")
    assert messages[0]["text"] == _("I am not sure which of these you mean. Please choose one:")
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/gp.cost", "/gp.documents", "/human_handoff"]
    assert messages[0]["buttons"][1]["title"] == f"{_('GP (doctor)')}: {_('Documents needed')}"
    assert slots["misses"] == 1
