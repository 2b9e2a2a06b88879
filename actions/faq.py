"""Answer FAQ questions from the database, show the topic menu, and admit what Drom doesn't know."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation_turn import begin_turn, greet_if_first, remember_language, send
from actions.handoff import start_handoff
from actions.threaded_action import ThreadedAction
from bot import replies
from bot.clarification import TOPIC_PREFIX, clarification_candidates
from bot.db.insights_repository import record_question, record_unanswered
from bot.faq_answers import faq_replies, topic_questions
from bot.db.session import session_scope

MISSES_BEFORE_OFFER = 2
MISSES_BEFORE_HANDOFF = 3


class ActionAnswerFaq(ThreadedAction):
    """Answer the FAQ key the person asked about, in their language."""

    def name(self) -> str:
        return "action_answer_faq"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        remember_language(tracker, turn)
        greet_if_first(dispatcher, turn)
        key = (tracker.latest_message.get("intent") or {}).get("name", "")
        answer = faq_replies(key, turn.language)
        for reply in answer or [replies.dont_know(turn.language)]:
            send(dispatcher, reply)
        with session_scope() as session:
            record_question(session=session, language=turn.language, key=key if answer else None,
                            topic=key.split(".")[0] if answer else None)
        return turn.events()


class ActionShowMenu(ThreadedAction):
    """Show the topic menu, or the questions of one topic."""

    def name(self) -> str:
        return "action_show_menu"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        remember_language(tracker, turn)
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        topic = next(tracker.get_latest_entity_values("topic"), None) or intent.removeprefix(TOPIC_PREFIX)
        two_topics = clarification_candidates(tracker.latest_message or {}, replies.QUESTION_TITLES)
        if two_topics:  # "school or doctor": ask which (bot.clarification)
            send(dispatcher, replies.did_you_mean(turn.language, two_topics))
        elif topic in replies.TOPICS:
            send(dispatcher, topic_questions(topic, turn.language))
        else:
            send(dispatcher, replies.topic_menu(turn.language))
        return turn.events()


class ActionDontKnow(ThreadedAction):
    """Say honestly that Drom doesn't know; offer a champion after two misses, hand off after three.

    When the model only hesitated between two answers, ask which one was meant instead
    (bot.clarification); that is not a miss.
    """

    def name(self) -> str:
        return "action_dont_know"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        remember_language(tracker, turn)
        greet_if_first(dispatcher, turn)
        candidates = clarification_candidates(tracker.latest_message or {}, replies.QUESTION_TITLES)
        if candidates:
            send(dispatcher, replies.did_you_mean(turn.language, candidates))  # the button pressed is counted
            return turn.events(misses=turn.previous_misses)
        misses = int(tracker.get_slot("misses") or 0) + 1
        with session_scope() as session:
            record_question(session=session, language=turn.language, key=None, topic=None)
            record_unanswered(session=session, public_id=tracker.sender_id, language=turn.language,
                              text=tracker.latest_message.get("text") or "")
        if misses >= MISSES_BEFORE_HANDOFF:
            start_handoff(dispatcher, tracker, turn.language, reason="repeated_misses")
            return turn.events(misses=0)
        if misses >= MISSES_BEFORE_OFFER:
            send(dispatcher, replies.dont_know_again(turn.language))
        else:
            send(dispatcher, replies.dont_know(turn.language))
        return turn.events(misses=misses)
