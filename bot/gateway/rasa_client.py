"""Talking to Rasa through its REST channel: one instance, or several sharing the conversations.

With several instances (RASA_URL lists them) each request goes to the next one in turn; one that
refuses the connection is skipped, as nothing reached it. The instances share the trackers
(bot/rasa_tracker_store.py) and, through Redis, the lock that keeps a conversation's messages in
order (bot/rasa_lock_store.py), so any of them can take any message.

The client is aiohttp's (Rasa's own dependency): every message makes this request, and httpx's
client spent about 1.2 ms more CPU on each than aiohttp's on this machine (docs/evaluation.md).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp

from bot.language_choice import Detection

logger = logging.getLogger(__name__)

FAILURES = (aiohttp.ClientError, asyncio.TimeoutError)  # refused, reset, HTTP error status, timed out


class RasaUnavailable(RuntimeError):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    """Posts one user message to Rasa and returns the bot's messages. Create it inside the event
    loop that uses it."""

    def __init__(self, base_urls: Sequence[str], timeout_seconds: float) -> None:
        if not base_urls:
            raise ValueError("Give at least one Rasa URL (RASA_URL).")
        self._base_urls = list(base_urls)
        self._turn = itertools.cycle(range(len(self._base_urls)))
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send to the next instance and return its JSON; one that refuses the connection (nothing
        reached it) is skipped."""
        first = next(self._turn)
        order = self._base_urls[first:] + self._base_urls[:first]
        for base_url in order[:-1]:
            try:
                return await self._checked(method, base_url + path, **kwargs)
            except aiohttp.ClientConnectorError:
                logger.warning("A Rasa instance refused the connection; trying the next one")
        return await self._checked(method, order[-1] + path, **kwargs)

    async def _checked(self, method: str, url: str, **kwargs: Any) -> Any:
        async with self._client().request(method, url, raise_for_status=True, **kwargs) as response:
            return await response.json(content_type=None)

    async def send(self, *, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """The bot's answers as `{"text", "buttons"}` messages (empty ones left out)."""
        try:
            answers = await self._request(
                "POST", "/webhooks/rest/webhook",
                json={"sender": sender, "message": message, "metadata": metadata},
            )
        except FAILURES as error:
            logger.warning("Rasa did not answer: %s", type(error).__name__)
            raise RasaUnavailable(str(type(error).__name__)) from error
        return [{"text": answer.get("text", ""), "buttons": answer.get("buttons", [])}
                for answer in answers or [] if answer.get("text") or answer.get("buttons")]

    async def detect_language(self, text: str) -> Detection:
        """The language identifier's guess for `text` (Rasa's /model/parse), without a conversation turn."""
        try:
            parse = await self._request("POST", "/model/parse", json={"text": text})
        except FAILURES as error:
            logger.warning("Rasa did not parse: %s", type(error).__name__)
            return Detection(None, 0.0)
        return Detection.from_parse((parse or {}).get("language"))

    async def erase(self, *, sender: str) -> None:
        """Replace the Rasa tracker's events with none, so nothing the person said stays in Rasa."""
        try:
            await self._request("PUT", f"/conversations/{sender}/tracker/events", json=[])
        except FAILURES as error:
            logger.warning("Rasa did not erase a tracker: %s", type(error).__name__)
            raise RasaUnavailable(str(type(error).__name__)) from error

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
