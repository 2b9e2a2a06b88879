"""Hand a conversation to a human community champion."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.conversation_turn import begin_turn, channel_metadata, greet_if_first, remember_language, send
from actions.threaded_action import ThreadedAction
from bot import replies
from bot.availability import next_champion_time, previous_champion
from bot.db.conversation_repository import (
    TranscriptLine,
    find_by_public_id,
    get_or_create_conversation,
    open_handoff,
)
from bot.db.session import session_scope
from bot.settings import load_settings

RECENT_MESSAGES = 10


def recent_transcript(tracker: Tracker) -> list[TranscriptLine]:
    """The last few things the person and the bot said, for the champion to read first."""
    lines = [
        TranscriptLine(role="person" if event["event"] == "user" else "bot", text=event["text"])
        for event in tracker.events
        if event.get("event") in ("user", "bot") and event.get("text")
        and not (event["event"] == "user" and event["text"].startswith("/"))  # button taps
    ]
    return lines[-RECENT_MESSAGES:]


def start_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker, language: str, *, reason: str
) -> None:
    """Record a handoff (once per conversation) and tell the person what happens next.

    The gateway sees the open handoff and sends everything the person writes to the champion
    instead of to Rasa, until the handoff is closed.
    """
    with session_scope() as session:
        conversation = find_by_public_id(session=session, public_id=tracker.sender_id)
        if conversation is None:  # e.g. `rasa shell`, which does not go through the gateway
            channel = channel_metadata(tracker).get("channel") or tracker.get_latest_input_channel() or "rasa"
            conversation = get_or_create_conversation(
                session=session, channel=channel, external_id=tracker.sender_id
            )
        started = replies.handoff_started(language)
        handoff, new = open_handoff(
            session=session,
            conversation=conversation,
            language=language,
            reason=reason,
            recent=[*recent_transcript(tracker), TranscriptLine(role="bot", text=started.text)],
        )
        follow_up = [expectation(session, language)]
        previous = previous_champion(session=session, conversation_id=conversation.id, language=language)
        if new and previous is not None:
            handoff.preferred_champion_id = previous.id
            follow_up.insert(0, replies.same_champion_again(language, previous.display_name))
    for reply in (started, *follow_up):
        send(dispatcher, reply)


def expectation(session: Session, language: str) -> replies.Reply:
    """When the person can expect an answer, from the rotas of champions who speak their language."""
    now = dt.datetime.now(ZoneInfo(load_settings().timezone))
    return replies.expected_answer(language, next_champion_time(session=session, language=language, now=now), now)


class ActionHandoff(ThreadedAction):
    """Start a handoff because the person asked for a human."""

    def name(self) -> str:
        return "action_handoff"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = begin_turn(tracker)
        remember_language(tracker, turn)
        greet_if_first(dispatcher, turn)
        start_handoff(dispatcher, tracker, turn.language, reason="asked")
        return turn.events()
