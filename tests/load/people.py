"""Simulated people on Telegram and WhatsApp, each holding one conversation through a channel's fake API.

A Telegram person's messages are updates queued at the fake Bot API, which the gateway fetches by
long polling (a button tap is a callback query). A WhatsApp person's messages are signed webhook
POSTs to the gateway, posted again while the gateway does not answer 200, as Meta does. What Drom
sends back is seen where it arrives, at the fakes, with the time it arrived.

A person sends a message, waits until it is answered completely (`Completion`: the update handled,
everything queued for the chat delivered, nothing held), reads and types for a while, and sends
the next, until the time is up.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from bot.benchmark import CONVERSATIONS
from tests.fakes.telegram_bot_api import FakeTelegram
from tests.fakes.whatsapp_graph_api import FakeGraph, text_of
from tests.test_whatsapp import notification, signed

TELEGRAM_BOT_TOKEN = "424242:LOAD-TEST"
WHATSAPP_SECRET = "load-test-app-secret"
ANSWER_TIMEOUT_SECONDS = 120.0
TELEGRAM_SENDS = ("sendMessage", "sendVoice", "sendAudio")
# Telegram tells Drom the phone's language; Romani has no Telegram locale, so Roma from Slovakia send "sk".
TELEGRAM_LANGUAGE_CODES = {"rom": "sk", "sk": "sk", "cs": "cs", "ro": "ro", "en": "en"}


@dataclass
class Turn:
    """One message a person sent: its update key (Telegram `bot:update_id`, WhatsApp message id) and times."""

    text: str
    key: str
    sent_wall: float  # time.time(), to compare with the database's timestamps
    sent_at: float  # time.monotonic()
    replies_before: int  # how many replies the chat had already received
    latency_ms: float | None = None  # until the first reply arrived at the fake
    completed_wall: float | None = None  # when the answer was complete (None: not within the timeout)


@dataclass
class Person:
    channel: str
    chat: str  # Telegram chat id or WhatsApp id
    language: str
    replies: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, text) at the fake
    turns: list[Turn] = field(default_factory=list)

    def reply_arrived(self, at: float, text: str) -> None:
        self.replies.append((at, text))


class Channel(Protocol):
    name: str

    async def send(self, person: Person, text: str) -> str:
        """Deliver the person's message to Drom; returns its update key."""


class Completion(Protocol):
    async def wait(self, key: str, channel: str, chat: str, timeout: float) -> bool:
        """True once the update is handled and the chat's answers are all delivered."""


class TelegramPeople:
    """Telegram: messages queued for getUpdates, Drom's messages seen at the fake Bot API."""

    name = "telegram"

    def __init__(self, fake: FakeTelegram, people: dict[str, Person], loop: asyncio.AbstractEventLoop) -> None:
        self._fake = fake
        self._bot_id = TELEGRAM_BOT_TOKEN.split(":")[0]

        def arrived(method: str, params: dict[str, Any]) -> None:
            person = people.get(str(params.get("chat_id")))
            if method in TELEGRAM_SENDS and person is not None:
                text = params.get("text") or f"[{method}]"
                loop.call_soon_threadsafe(person.reply_arrived, time.monotonic(), text)

        fake.listeners.append(arrived)

    async def send(self, person: Person, text: str) -> str:
        code = TELEGRAM_LANGUAGE_CODES[person.language]
        if text.startswith("/"):  # a button under Drom's last answer ("Main menu")
            update_id = self._fake.callback_update(int(person.chat), text, language_code=code)
        else:
            update_id = self._fake.text_update(int(person.chat), text, language_code=code)
        return f"{self._bot_id}:{update_id}"


class WhatsAppPeople:
    """WhatsApp: signed webhook POSTs to the gateway, Drom's messages seen at the fake Graph API."""

    name = "whatsapp"

    def __init__(self, fake: FakeGraph, people: dict[str, Person], loop: asyncio.AbstractEventLoop,
                 client: httpx.AsyncClient, gateway_url: str) -> None:
        self._client = client
        self._url = f"{gateway_url}/webhooks/whatsapp"
        self.statuses: Counter[str] = Counter()  # webhook answers: "200", "503", "ReadTimeout", ...

        def arrived(body: dict[str, Any]) -> None:
            person = people.get(str(body.get("to")))
            if person is not None:
                loop.call_soon_threadsafe(person.reply_arrived, time.monotonic(), text_of(body))

        fake.listeners.append(arrived)

    async def send(self, person: Person, text: str) -> str:
        if text.startswith("/"):
            message = {"type": "interactive", "interactive": {
                "type": "button_reply", "button_reply": {"id": text, "title": text.lstrip("/")}}}
        else:
            message = {"type": "text", "text": {"body": text}}
        payload = notification(person.chat, message)
        body = json.dumps(payload).encode()
        delay = 1.0
        deadline = time.monotonic() + ANSWER_TIMEOUT_SECONDS
        while True:
            try:
                response = await self._client.post(self._url, content=body, headers=signed(body, WHATSAPP_SECRET))
                self.statuses[str(response.status_code)] += 1
                if response.status_code == 200:
                    break
            except httpx.HTTPError as error:
                self.statuses[type(error).__name__] += 1
            if time.monotonic() > deadline:
                break  # never accepted: the turn is counted lost
            await asyncio.sleep(delay)  # Meta retries with a growing delay
            delay = min(delay * 2, 8.0)
        return str(payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"])


async def converse(person: Person, channel: Channel, completion: Completion, until: float, think: float,
                   rng: random.Random) -> None:
    """The person's conversation in their language, one message after the other's answer, until `until`."""
    script = CONVERSATIONS[person.language]
    await asyncio.sleep(rng.uniform(0, think))  # people do not all arrive in the same millisecond
    while time.monotonic() < until:
        text = script[len(person.turns) % len(script)]
        turn = Turn(text, "", time.time(), time.monotonic(), len(person.replies))
        person.turns.append(turn)
        turn.key = await channel.send(person, text)
        complete = await completion.wait(turn.key, channel.name, person.chat, ANSWER_TIMEOUT_SECONDS)
        if complete:
            turn.completed_wall = time.time()
            if len(person.replies) > turn.replies_before:
                turn.latency_ms = (person.replies[turn.replies_before][0] - turn.sent_at) * 1000
        if not complete or turn.latency_ms is None:
            return  # not answered in time: this person gives up (the audit says whether it came later)
        if think > 0:
            await asyncio.sleep(rng.uniform(think / 2, think * 1.5))
