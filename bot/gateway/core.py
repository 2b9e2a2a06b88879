"""The one path every inbound message takes, whatever the channel.

1. Bad input (empty, too long, not text) gets a short answer in the person's language.
2. The person's conversation is found or created; Rasa only ever sees its random public id.
3. While a handoff is open, the message goes to the champion's transcript, not to Rasa.
4. Otherwise Rasa answers, and its text and buttons are returned for the channel to render.
   When Rasa cannot (it is down, or it answers nothing because an action failed), the
   message is held and answered later (bot/gateway/held_messages.py); so are the conversation's
   next messages until then, to keep their order.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from bot import replies
from bot.db.conversation_repository import (
    TranscriptLine,
    add_handoff_message,
    erase_conversation,
    get_or_create_conversation,
    latest_closed_handoff,
    open_handoff,
    open_handoff_for,
    seen_conversation_state,
)
from bot.db.held_message_repository import has_held, hold
from bot.db.inbound_repository import mark_handled, update_being_handled
from bot.db.models import HandoffAttachment
from bot.db.session import session_scope
from bot.gateway.held_messages import PROCESS_ID
from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.language_choice import Detection, resolve_language
from bot.languages import normalise_code
from bot.faq_answers import faq_replies, recorded_answer
from bot.safeguarding import signals_danger
from bot.settings import DEFAULT_LANGUAGE

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 2000
FEEDBACK_PREFIX = "/drom_feedback"  # the "did this help?" buttons; answered here, not by Rasa
LISTEN_PREFIX = f"/{replies.LISTEN_INTENT}"  # the "Listen" button under an answer with a recording


@dataclass(frozen=True)
class Inbound:
    """A message from a person on a channel: text typed, or the payload of a button tapped."""

    channel: str
    external_id: str
    text: str | None = None
    payload: str | None = None
    language_hint: str | None = None
    attachment: Attachment | None = None  # media sent during a handoff, kept for the champion


@dataclass(frozen=True)
class Attachment:
    mime_type: str
    filename: str
    data: bytes


@dataclass(frozen=True)
class Route:
    """Where the inbound message goes, decided (and stored) before anything is sent to Rasa."""

    public_id: str
    language: str
    in_handoff: bool
    first_in_handoff: bool
    conversation_id: int = 0
    waiting_for_rasa: bool = False  # earlier messages are held until Rasa is back: this one waits too


def _route(inbound: Inbound, message: str, handled_update: int | None) -> Route:
    with session_scope() as session:
        state = seen_conversation_state(session=session, channel=inbound.channel, external_id=inbound.external_id)
        if state is not None and not state.in_handoff:  # most messages: one statement
            return Route(state.public_id, state.language or normalise_code(inbound.language_hint) or DEFAULT_LANGUAGE,
                         in_handoff=False, first_in_handoff=False, conversation_id=state.id,
                         waiting_for_rasa=state.waiting_for_rasa)
        conversation = get_or_create_conversation(
            session=session, channel=inbound.channel, external_id=inbound.external_id
        )
        language = conversation.language or normalise_code(inbound.language_hint) or DEFAULT_LANGUAGE
        handoff = open_handoff_for(session=session, conversation_id=conversation.id)
        if handoff is None:
            return Route(conversation.public_id, language, in_handoff=False, first_in_handoff=False,
                         conversation_id=conversation.id,
                         waiting_for_rasa=has_held(session=session, conversation_id=conversation.id))
        last_role = handoff.messages[-1].role if handoff.messages else None
        line = add_handoff_message(session=session, handoff=handoff, role="person", text=message)
        if handled_update is not None:  # the line is the update's effect: a crash now must not add it twice
            mark_handled(session=session, row_id=handled_update)
        if inbound.attachment is not None:
            a = inbound.attachment
            line.attachments.append(HandoffAttachment(mime_type=a.mime_type, filename=a.filename, data=a.data))
        return Route(
            conversation.public_id,
            handoff.language,
            in_handoff=True,
            first_in_handoff=last_role != "person",
        )


def _open_urgent_handoff(inbound: Inbound, text: str, detection: Detection, threshold: float) -> str:
    """Open (or escalate) an urgent handoff for a message that signals danger; returns the language."""
    with session_scope() as session:
        conversation = get_or_create_conversation(
            session=session, channel=inbound.channel, external_id=inbound.external_id
        )
        language = resolve_language(
            current=conversation.language, chosen=False, detection=detection,
            hint=inbound.language_hint, threshold=threshold,
        )
        conversation.language = conversation.language or language
        handoff = open_handoff_for(session=session, conversation_id=conversation.id)
        if handoff is None:
            open_handoff(
                session=session, conversation=conversation, language=language, reason="safeguarding",
                recent=[TranscriptLine(role="person", text=text)], urgent=True,
            )
            return language
        add_handoff_message(session=session, handoff=handoff, role="person", text=text)
        if not handoff.urgent:
            handoff.urgent = True
            handoff.card_posted_at = None  # the champions' group sees it again, marked urgent
        return handoff.language


def _record_feedback(inbound: Inbound, helped: bool) -> str:
    """Store "did this help?" on the person's latest closed handoff (once); returns their language."""
    with session_scope() as session:
        conversation = get_or_create_conversation(
            session=session, channel=inbound.channel, external_id=inbound.external_id
        )
        handoff = latest_closed_handoff(session=session, conversation_id=conversation.id)
        if handoff is not None and handoff.helped is None:
            handoff.helped = helped
        language = handoff.language if handoff is not None else None
        return conversation.language or language or normalise_code(inbound.language_hint) or DEFAULT_LANGUAGE


def _listen(inbound: Inbound, message: str) -> dict:
    """The recorded answer for a "Listen" button, or the written answer when there is no recording."""
    language = _language_of(inbound)
    try:
        key = str(json.loads(message[len(LISTEN_PREFIX):]).get("key", ""))
    except (ValueError, AttributeError):
        return replies.unsupported_input(language).as_dict()
    if recorded_answer(key, language) is not None:
        return replies.audio_answer(language, key).as_dict()
    written = faq_replies(key, language)
    return written[-1].as_dict() if written else replies.dont_know(language).as_dict()


def _language_of(inbound: Inbound) -> str:
    with session_scope() as session:
        conversation = get_or_create_conversation(
            session=session, channel=inbound.channel, external_id=inbound.external_id
        )
        return conversation.language or normalise_code(inbound.language_hint) or DEFAULT_LANGUAGE


class Gateway:
    """Channel-independent handling of inbound messages."""

    def __init__(self, rasa: RasaClient, language_confidence: float = 0.5) -> None:
        self._rasa = rasa
        self._language_confidence = language_confidence

    async def handle(self, inbound: Inbound) -> list[dict]:
        """Answer one inbound message with a list of {"text", "buttons"} messages."""
        message = (inbound.payload or inbound.text or "").strip()
        if not message or len(message) > MAX_TEXT_LENGTH:
            language = await run_in_threadpool(_language_of, inbound)
            reply = replies.unsupported_input(language) if not message else replies.too_long(language)
            return [reply.as_dict()]
        if message.startswith(FEEDBACK_PREFIX):
            language = await run_in_threadpool(_record_feedback, inbound, '"yes"' in message)
            return [replies.feedback_thanks(language).as_dict()]
        if message.startswith(LISTEN_PREFIX):
            return [await run_in_threadpool(_listen, inbound, message)]
        if inbound.text and signals_danger(inbound.text):
            detection = await self._rasa.detect_language(inbound.text)
            language = await run_in_threadpool(
                _open_urgent_handoff, inbound, inbound.text, detection, self._language_confidence
            )
            logger.warning("A message signalled danger; an urgent handoff is open")
            return [replies.safeguarding(language).as_dict()]
        route = await run_in_threadpool(_route, inbound, message, update_being_handled())
        if route.in_handoff:
            return [replies.handoff_waiting(route.language).as_dict()] if route.first_in_handoff else []
        metadata = {"channel": inbound.channel, "language_hint": inbound.language_hint}
        if route.waiting_for_rasa:
            await run_in_threadpool(_hold, route.conversation_id, message, metadata, update_being_handled())
            return []
        try:
            answers = await self._rasa.send(sender=route.public_id, message=message, metadata=metadata)
        except RasaUnavailable:
            answers = []
        if not answers:  # Rasa is down, or answered nothing because an action failed
            await run_in_threadpool(_hold, route.conversation_id, message, metadata, update_being_handled())
            return [replies.held_for_later(route.language).as_dict()]
        return answers

    async def language_of(self, inbound: Inbound) -> str:
        """The language Drom currently uses with this person."""
        return await run_in_threadpool(_language_of, inbound)

    async def in_handoff(self, inbound: Inbound) -> bool:
        return await run_in_threadpool(_in_handoff, inbound)

    async def forget(self, *, channel: str, external_id: str, language_hint: str | None = None) -> dict:
        """Erase everything stored about this person, in Rasa first and then here.

        Returns the confirmation to show them. If Rasa is down, RasaUnavailable is raised and
        nothing is erased, so the person can simply ask again.
        """
        inbound = Inbound(channel, external_id, language_hint=language_hint)
        language = await run_in_threadpool(_language_of, inbound)
        public_id = await run_in_threadpool(_public_id_of, inbound)
        await self._rasa.erase(sender=public_id)
        await run_in_threadpool(_erase, channel, external_id)
        logger.info("Erased a %s conversation on request", channel)
        return replies.forgotten(language).as_dict()


def _hold(conversation_id: int, message: str, metadata: dict, handled_update: int | None) -> None:
    """Keep a message Rasa could not take; bot.gateway.held_messages answers it later. The update it
    came in is marked handled in the same transaction, so a crash cannot hold it twice."""
    with session_scope() as session:
        hold(session=session, conversation_id=conversation_id, message=message, metadata=metadata, owner=PROCESS_ID)
        if handled_update is not None:
            mark_handled(session=session, row_id=handled_update)


def _public_id_of(inbound: Inbound) -> str:
    with session_scope() as session:
        return get_or_create_conversation(
            session=session, channel=inbound.channel, external_id=inbound.external_id
        ).public_id


def _erase(channel: str, external_id: str) -> None:
    with session_scope() as session:
        erase_conversation(session=session, channel=channel, external_id=external_id)


def _in_handoff(inbound: Inbound) -> bool:
    with session_scope() as session:
        conversation = get_or_create_conversation(
            session=session, channel=inbound.channel, external_id=inbound.external_id
        )
        return open_handoff_for(session=session, conversation_id=conversation.id) is not None
