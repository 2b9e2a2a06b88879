"""The WhatsApp channel: verified webhooks in, the Graph API out, through the same gateway and outbox.

A POST is checked (HMAC-SHA256 of the raw body with the app secret, in constant time), each
message is stored (deduplicated by WhatsApp's message id), the webhook answers 200 at once, and
the messages are handled in the background, each person's in order. Answers and champion replies go through
the persisted outbox; one sender loop delivers them with retries. WhatsApp allows free text only
within 24 hours of the person's last message: after that the configured template is sent instead
and the champion is told.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import mimetypes
from dataclasses import replace

import httpx
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot import replies
from bot.channels.background_tasks import stop_tasks, wait_until_woken
from bot.channels.whatsapp.rendering import messages as render, template
from bot.db.conversation_repository import add_handoff_message, find_conversation, open_handoff_for
from bot.channels.update_queue import UpdateQueue
from bot.db.inbound_repository import store_update, update_being_handled
from bot.db.models import Conversation, utcnow
from bot.db.outbox_repository import Pending, due_messages, mark_delivered, queue_messages, schedule_retry
from bot.db.session import session_scope
from bot.faq_answers import recorded_answer
from bot.gateway.core import Attachment, Gateway, Inbound
from bot.i18n import gettext_for
from bot.settings import WhatsAppSettings

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
WINDOW = dt.timedelta(hours=24)
IDLE_SECONDS = 1.0
MAX_BACKOFF_SECONDS = 300.0
MEDIA_TYPES = ("image", "audio", "voice", "video", "document", "sticker", "location", "contacts")
MAX_MEDIA_BYTES = 16 * 1024 * 1024


def signature_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    """Meta's X-Hub-Signature-256: 'sha256=' + hex HMAC of the raw body, compared in constant time."""
    expected = "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), (header or "").encode())


def _object(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def incoming_messages(payload: dict) -> list[dict]:
    """The people's messages in a webhook payload (status callbacks, and anything not shaped like
    a message, are left out: a signed but malformed notification must not stop the others)."""
    found = []
    for entry in _list(payload.get("entry")):
        for change in _list(_object(entry).get("changes")):
            messages = _list(_object(_object(change).get("value")).get("messages"))
            found += [m for m in messages if isinstance(m, dict) and _text(m.get("id")) and _text(m.get("from"))]
    return found


def inbound_of(message: dict) -> Inbound:
    kind = message.get("type")
    sender = message["from"]
    if kind == "text":
        return Inbound(CHANNEL, sender, text=_text(_object(message.get("text")).get("body")))
    if kind == "interactive":
        interactive = _object(message.get("interactive"))
        reply = _object(interactive.get("button_reply")) or _object(interactive.get("list_reply"))
        return Inbound(CHANNEL, sender, payload=_text(reply.get("id")))
    if kind == "button":
        return Inbound(CHANNEL, sender, payload=_text(_object(message.get("button")).get("payload")))
    if kind == "location":
        place = _object(message.get("location"))
        latitude, longitude = place.get("latitude"), place.get("longitude")
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (latitude, longitude)):
            return Inbound(CHANNEL, sender, text="[location]")
        link = f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}"
        return Inbound(CHANNEL, sender, text=f"[location] {link}")
    return Inbound(CHANNEL, sender, text=f"[{kind if kind in MEDIA_TYPES else 'attachment'}]")


class WhatsAppChannel:
    def __init__(self, settings: WhatsAppSettings, gateway: Gateway) -> None:
        self.settings = settings
        self._gateway = gateway
        self._client = httpx.AsyncClient(
            base_url=settings.api_base_url, timeout=15.0, headers={"Authorization": f"Bearer {settings.token}"}
        )
        self._wake = asyncio.Event()
        self._updates = UpdateQueue(CHANNEL, self._handle, lambda message: str(message.get("from")))
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._send_loop()), asyncio.create_task(self._updates.take_leftovers())]

    async def stop(self) -> None:
        await stop_tasks(self._tasks, "WhatsApp channel loops")
        await self._updates.stop()
        await self._client.aclose()

    async def receive(self, payload: dict) -> None:
        """Store the payload's messages (a redelivered one is ignored) and handle them in the background."""
        stored = [
            await run_in_threadpool(store_update, channel=CHANNEL, update_key=m["id"], body=m)
            for m in incoming_messages(payload)
        ]
        if any(stored):
            await self._updates.take_stored()

    async def _handle(self, message: dict) -> None:
        inbound = inbound_of(message)
        is_media = message.get("type") in MEDIA_TYPES
        if is_media and not await self._gateway.in_handoff(inbound):
            language = await self._gateway.language_of(inbound)
            answers = [replies.unsupported_input(language).as_dict()]
        else:
            if is_media:  # during a handoff the champion gets the media itself
                inbound = replace(inbound, attachment=await self._download(message))
            answers = await self._gateway.handle(inbound)
        if answers:
            await run_in_threadpool(_queue, inbound.external_id, answers, update_being_handled())
            self._wake.set()

    async def _download(self, message: dict) -> Attachment | None:
        """The media of a message, from the Graph API (media id -> URL -> bytes); None if unavailable."""
        kind = _text(message.get("type"))
        media_id = _text(_object(message.get(kind)).get("id"))
        if not media_id:
            return None
        try:
            meta = await self._client.get(f"/{media_id}")
            meta.raise_for_status()
            info = meta.json()
            content = await self._client.get(info["url"])
            content.raise_for_status()
        except (httpx.HTTPError, KeyError, ValueError) as error:
            logger.warning("Could not download WhatsApp media: %s", type(error).__name__)
            return None
        if len(content.content) > MAX_MEDIA_BYTES:
            return None
        mime = str(info.get("mime_type") or "application/octet-stream").split(";")[0]
        extension = mimetypes.guess_extension(mime) or ".bin"
        return Attachment(mime_type=mime, filename=f"{kind}{extension}", data=content.content)

    async def _send_loop(self) -> None:
        while True:
            try:
                for pending in await run_in_threadpool(_due):
                    await self._deliver(pending)
            except Exception:
                logger.exception("The WhatsApp sender failed a step; retrying")
            await wait_until_woken(self._wake, IDLE_SECONDS)
            self._wake.clear()

    async def _audio_bodies(self, pending: Pending) -> list[dict]:
        """Upload the recorded answer to the Graph API's media endpoint; the audio message that plays it."""
        audio = pending.message["audio"]
        found = await run_in_threadpool(recorded_answer, audio["key"], audio["language"])
        if not found:
            return []
        mime, filename, data = found
        response = await self._client.post(
            f"/{self.settings.phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": mime},
            files={"file": (filename, data, mime)},
        )
        response.raise_for_status()
        return [{"messaging_product": "whatsapp", "to": pending.external_id, "type": "audio",
                 "audio": {"id": response.json()["id"]}}]

    async def _deliver(self, pending: Pending) -> None:
        language, window_open = await run_in_threadpool(_window, pending.external_id)
        if window_open:
            list_label = gettext_for(language)("Choose")
            bodies = render(pending.external_id, pending.message, list_label)
        elif self.settings.reopen_template:
            bodies = [template(pending.external_id, self.settings.reopen_template, language)]
        else:
            bodies = []
        try:
            if window_open and pending.message.get("audio"):
                bodies = [*await self._audio_bodies(pending), *bodies]
            for body in bodies:
                response = await self._client.post(f"/{self.settings.phone_number_id}/messages", json=body)
                response.raise_for_status()
        except httpx.HTTPStatusError as error:
            status = error.response.status_code
            if status == 429 or status >= 500:
                retry_after = float(error.response.headers.get("Retry-After") or 0) or None
                await run_in_threadpool(_retry, pending, retry_after or min(MAX_BACKOFF_SECONDS, 0.5 * 2**pending.attempts), False)
            else:
                logger.warning("WhatsApp refused a message for good (HTTP %s)", status)
                await run_in_threadpool(_retry, pending, 0.0, True)
            return
        except httpx.HTTPError as error:
            logger.info("WhatsApp send failed (%s); retrying", type(error).__name__)
            await run_in_threadpool(_retry, pending, min(MAX_BACKOFF_SECONDS, 0.5 * 2**pending.attempts), False)
            return
        await run_in_threadpool(_delivered, pending)
        if not window_open:
            await run_in_threadpool(_tell_champion, pending.external_id, bool(self.settings.reopen_template))


def _queue(external_id: str, answers: list[dict], handled_update: int | None) -> None:
    with session_scope() as session:
        queue_messages(session=session, channel=CHANNEL, external_id=external_id, messages=answers,
                       handled_update=handled_update)




def _due() -> list[Pending]:
    with session_scope() as session:
        return due_messages(session=session, channel=CHANNEL)


def _retry(pending: Pending, delay: float, give_up: bool) -> None:
    with session_scope() as session:
        schedule_retry(session=session, message_id=pending.id, delay_seconds=delay, give_up=give_up)


def _delivered(pending: Pending) -> None:
    with session_scope() as session:
        mark_delivered(session=session, message_id=pending.id)


def _conversation(session: Session, external_id: str) -> Conversation:
    conversation = find_conversation(session=session, channel=CHANNEL, external_id=external_id)
    if conversation is None:
        raise LookupError("No WhatsApp conversation for this number; it is created by the inbound message.")
    return conversation


def _window(external_id: str) -> tuple[str, bool]:
    """(the person's language, whether WhatsApp's 24-hour window for free text is still open)."""
    with session_scope() as session:
        conversation = _conversation(session, external_id)
        return conversation.language or "en", utcnow() - conversation.last_seen_at < WINDOW


def _tell_champion(external_id: str, template_sent: bool) -> None:
    """Note in the handoff's transcript (relayed to the champions) that free text could not be sent."""
    _ = gettext_for("en")
    note = (
        _("WhatsApp's 24-hour window had closed, so the reopen template was sent instead of your message. "
          "Send your reply again when the person answers.")
        if template_sent
        else _("WhatsApp's 24-hour window had closed and no reopen template is configured: your message "
               "was not delivered.")
    )
    with session_scope() as session:
        handoff = open_handoff_for(session=session, conversation_id=_conversation(session, external_id).id)
        if handoff is not None:
            add_handoff_message(session=session, handoff=handoff, role="system", text=note)
