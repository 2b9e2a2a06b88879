"""The champions' side in Telegram: a card per handoff in the champions' group, people's new
messages relayed under it, and reminders for handoffs nobody has claimed.

When the group is a forum, each handoff gets its own topic and everything about it goes there.
Champion-facing texts are in the group's language, TELEGRAM_CHAMPIONS_LANGUAGE (English by default).
"""

from __future__ import annotations

import datetime as dt
import logging

from starlette.concurrency import run_in_threadpool
from telegram import Bot, InputFile, Message, Update
from telegram.error import TelegramError

from bot.db.champion_repository import speakers_of
from bot.db.conversation_repository import find_conversation, open_handoff_for
from bot.db.models import Handoff, HandoffMessage, utcnow
from bot.db.relay_repository import handoffs_to_remind, handoffs_without_card, lines_to_relay
from bot.db.session import session_scope
from bot.i18n import gettext_for
from bot.languages import NATIVE_NAMES

logger = logging.getLogger(__name__)

CARD_LINES = 6
MEDIA_KINDS = ("photo", "sticker", "voice", "audio", "video", "video_note", "document", "location", "contact")


def media_placeholder(message: Message) -> str:
    """What goes in the transcript for a non-text message, e.g. "[voice]"."""
    kind = next((k for k in MEDIA_KINDS if getattr(message, k, None)), "attachment")
    return f"[{kind}]"


def card_text(handoff: Handoff, champion_names: list[str], *, reminder: bool, language: str = "en") -> str:
    """The handoff's card for the champions' group, in the group's language (TELEGRAM_CHAMPIONS_LANGUAGE)."""
    _ = gettext_for(language)
    waiting = max(0, int((utcnow() - handoff.created_at).total_seconds() // 60))
    lines = []
    if handoff.urgent:
        lines.append(_("URGENT"))
    if reminder:
        lines.append(_("Reminder: nobody has claimed this handoff yet."))
    lines.append(_("Handoff #{id}: {language}, via {channel}").format(
        id=handoff.id, language=NATIVE_NAMES.get(handoff.language, handoff.language), channel=handoff.channel
    ))
    lines.append(_("Waiting {minutes} min. Reason: {reason}").format(minutes=waiting, reason=handoff.reason))
    speakers = ", ".join(champion_names) or _("nobody registered yet")
    lines.append(_("Speaks {language}: {names}").format(language=handoff.language, names=speakers))
    if handoff.preferred_champion is not None:
        lines.append(_("Asked for {name}, who helped last time.").format(name=handoff.preferred_champion.display_name))
    lines.append("")
    for message in handoff.messages[-CARD_LINES:]:
        lines.append(f"{message.role}: {message.text}")
    lines.append("")
    lines.append(_("Reply to this card to answer; /claim to take it, /close to end it."))
    return "\n".join(lines)[:4000]


class Relay:
    """Keeps the champions' group up to date; called by the sender loop."""

    def __init__(
        self, bot: Bot, champions_chat_id: int | None, remind_after: dt.timedelta, language: str = "en"
    ) -> None:
        self._bot = bot
        self._chat_id = champions_chat_id
        self._language = language
        self._remind_after = remind_after
        self._is_forum: bool | None = None

    @property
    def enabled(self) -> bool:
        return self._chat_id is not None

    async def _forum(self) -> bool:
        if self._is_forum is None:
            chat = await self._bot.get_chat(self._chat_id)
            self._is_forum = bool(getattr(chat, "is_forum", False))
        return self._is_forum

    async def step(self) -> None:
        if not self.enabled:
            return
        for handoff_id, reminder in await run_in_threadpool(self._cards_due):
            await self._post_card(handoff_id, reminder=reminder)
        await self._relay_lines()

    def _cards_due(self) -> list[tuple[int, bool]]:
        with session_scope() as session:
            new = [(h.id, False) for h in handoffs_without_card(session=session)]
            old = [(h.id, True) for h in handoffs_to_remind(session=session, older_than=self._remind_after)]
            return new + old

    def _card(self, handoff_id: int, reminder: bool) -> tuple[str, int | None, str]:
        with session_scope() as session:
            handoff = session.get(Handoff, handoff_id)
            names = [c.display_name for c in speakers_of(session=session, language=handoff.language)]
            for message in handoff.messages:
                message.relayed_at = message.relayed_at or utcnow()
            title = f"#{handoff.id} {handoff.language} {handoff.channel}"
            return card_text(handoff, names, reminder=reminder, language=self._language), handoff.thread_id, title

    async def _post_card(self, handoff_id: int, *, reminder: bool) -> None:
        text, thread_id, title = await run_in_threadpool(self._card, handoff_id, reminder)
        try:
            if thread_id is None and await self._forum():
                topic = await self._bot.create_forum_topic(self._chat_id, name=title)
                thread_id = topic.message_thread_id
            sent = await self._bot.send_message(self._chat_id, text, message_thread_id=thread_id)
        except TelegramError as error:
            logger.warning("Could not post handoff card %s: %s", handoff_id, type(error).__name__)
            return
        await run_in_threadpool(self._card_posted, handoff_id, sent.message_id, thread_id)

    def _card_posted(self, handoff_id: int, message_id: int, thread_id: int | None) -> None:
        with session_scope() as session:
            handoff = session.get(Handoff, handoff_id)
            handoff.card_chat_id = self._chat_id
            handoff.card_message_id = message_id
            handoff.thread_id = thread_id
            handoff.card_posted_at = utcnow()

    async def _relay_lines(self) -> None:
        lines = await run_in_threadpool(self._pending_lines)
        for line_id, text, card_id, thread_id, attachments in lines:
            try:
                await self._bot.send_message(
                    self._chat_id, text, reply_to_message_id=card_id, message_thread_id=thread_id
                )
                for filename, data in attachments:
                    await self._bot.send_document(
                        self._chat_id, InputFile(data, filename=filename),
                        reply_to_message_id=card_id, message_thread_id=thread_id,
                    )
            except TelegramError as error:
                logger.warning("Could not relay a line to the champions: %s", type(error).__name__)
                return
            await run_in_threadpool(self._mark_relayed, line_id)

    def _pending_lines(self) -> list[tuple[int, str, int, int | None, list[tuple[str, bytes]]]]:
        with session_scope() as session:
            return [
                (
                    m.id,
                    f"#{m.handoff_id} {m.role}: {m.text}",
                    m.handoff.card_message_id,
                    m.handoff.thread_id,
                    [(a.filename, a.data) for a in m.attachments],
                )
                for m in lines_to_relay(session=session)
            ]

    def _mark_relayed(self, line_id: int) -> None:
        with session_scope() as session:
            session.get(HandoffMessage, line_id).relayed_at = utcnow()

    async def copy_media(self, update: Update) -> None:
        """Give the champion a person's photo, voice note, etc. as it is, under the handoff's card."""
        if not self.enabled:
            return
        card = await run_in_threadpool(self._card_of_chat, str(update.effective_chat.id))
        if card is None:
            return
        try:
            await self._bot.copy_message(
                self._chat_id,
                from_chat_id=update.effective_chat.id,
                message_id=update.effective_message.message_id,
                reply_to_message_id=card[0],
                message_thread_id=card[1],
            )
        except TelegramError as error:
            logger.warning("Could not copy media to the champions: %s", type(error).__name__)

    def _card_of_chat(self, external_id: str) -> tuple[int, int | None] | None:
        with session_scope() as session:
            conversation = find_conversation(session=session, channel="telegram", external_id=external_id)
            handoff = conversation and open_handoff_for(session=session, conversation_id=conversation.id)
            if not handoff or handoff.card_message_id is None:
                return None
            return handoff.card_message_id, handoff.thread_id
