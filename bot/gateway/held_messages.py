"""Messages that waited while Rasa was down or too slow, answered when it is back.

When Rasa cannot take a message, the gateway keeps it (table `held_messages`), tells the person in
their language that it will answer, and keeps every later message of that conversation too, so
the order never changes. This loop retries the held messages in arrival order every few seconds;
Rasa's answers go to the outbox, which each channel delivers as it does a champion's reply.
A conversation whose oldest held message has waited `RASA_DOWN_HANDOFF_SECONDS`, or whose person
tapped the champion button meanwhile, goes to a champion instead: a handoff opens with what the
person wrote, and they are told so.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from starlette.concurrency import run_in_threadpool

from bot import replies
from bot.db.conversation_repository import TranscriptLine, open_handoff, queue_outbound
from bot.db.held_message_repository import Held, claim_held, release, release_all
from bot.db.models import Conversation, utcnow
from bot.db.session import session_scope
from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.settings import DEFAULT_LANGUAGE

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
HUMAN_HANDOFF = "/human_handoff"  # the champion button: while Rasa is down it goes to a champion at once
PROCESS_ID = uuid.uuid4().hex[:16]  # this gateway process, the owner of the messages it holds


def _held() -> dict[int, list[Held]]:
    with session_scope() as session:
        return claim_held(session=session, owner=PROCESS_ID)


def _answered(held: Held, answers: list[dict]) -> None:
    """Queue Rasa's answers for the person and forget the held message, in one transaction."""
    with session_scope() as session:
        for answer in answers:
            queue_outbound(session=session, conversation_id=held.conversation_id, message=answer)
        release(session=session, held_id=held.id)


def _to_champion(conversation_id: int, waiting: list[Held]) -> None:
    """Open a handoff with what the person wrote, tell them, and stop holding their messages."""
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            return
        language = conversation.language or DEFAULT_LANGUAGE
        recent = [TranscriptLine(role="person", text=h.message) for h in waiting if not h.message.startswith("/")]
        started = replies.handoff_started(language)
        open_handoff(session=session, conversation=conversation, language=language, reason="bot_unavailable",
                     recent=[*recent, TranscriptLine(role="bot", text=started.text)])
        queue_outbound(session=session, conversation_id=conversation_id, message=started.as_dict())
        release_all(session=session, conversation_id=conversation_id)


async def _send_in_order(rasa: RasaClient, waiting: list[Held]) -> tuple[int, list[Held]]:
    """Send one conversation's held messages to Rasa, oldest first; returns how many Rasa answered
    and those still held (from the first it could not answer on; empty when all were answered)."""
    for answered, held in enumerate(waiting):
        try:
            answers = await rasa.send(sender=held.public_id, message=held.message, metadata=held.metadata)
        except RasaUnavailable:
            answers = []
        if not answers:  # still down, or an action failed
            return answered, waiting[answered:]
        await run_in_threadpool(_answered, held, answers)
    return len(waiting), []


async def answer_held(rasa: RasaClient, handoff_after_seconds: float) -> int:
    """One pass over the held messages; returns how many Rasa answered."""
    answered, rasa_down = 0, False
    for conversation_id, waiting in (await run_in_threadpool(_held)).items():
        remaining = waiting
        if not rasa_down:
            done, remaining = await _send_in_order(rasa, waiting)
            answered += done
            rasa_down = bool(remaining)
        asked_for_a_person = any(h.message.startswith(HUMAN_HANDOFF) for h in remaining)
        if remaining and (asked_for_a_person
                          or (utcnow() - remaining[0].created_at).total_seconds() >= handoff_after_seconds):
            await run_in_threadpool(_to_champion, conversation_id, remaining)
            logger.warning("Rasa has not answered for %d s; a conversation went to a champion", handoff_after_seconds)
    if answered:
        logger.info("Answered %d held messages", answered)
    return answered


async def held_messages_loop(rasa: RasaClient, handoff_after_seconds: float, interval: float = RETRY_SECONDS) -> None:
    """Until cancelled: retry held messages every `interval` seconds."""
    while True:
        try:
            await answer_held(rasa, handoff_after_seconds)
        except Exception:  # the next pass tries again; one failure must not stop the loop
            logger.exception("Retrying held messages failed")
        await asyncio.sleep(interval)
