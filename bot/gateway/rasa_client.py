"""Talking to the Rasa server through its REST channel."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from bot.language_choice import Detection

logger = logging.getLogger(__name__)


class RasaUnavailable(RuntimeError):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    """Posts one user message to Rasa and returns the bot's messages."""

    def __init__(self, base_url: str, timeout_seconds: float) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds)

    async def send(self, *, sender: str, message: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        """The bot's answers as `{"text", "buttons"}` messages (empty ones left out)."""
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": message, "metadata": metadata},
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            logger.warning("Rasa did not answer: %s", type(error).__name__)
            raise RasaUnavailable(str(type(error).__name__)) from error
        return [{"text": answer.get("text", ""), "buttons": answer.get("buttons", [])}
                for answer in response.json() if answer.get("text") or answer.get("buttons")]

    async def detect_language(self, text: str) -> Detection:
        """The language identifier's guess for `text` (Rasa's /model/parse), without a conversation turn."""
        try:
            response = await self._client.post("/model/parse", json={"text": text})
            response.raise_for_status()
        except httpx.HTTPError as error:
            logger.warning("Rasa did not parse: %s", type(error).__name__)
            return Detection(None, 0.0)
        return Detection.from_parse(response.json().get("language"))

    async def erase(self, *, sender: str) -> None:
        """Replace the Rasa tracker's events with none, so nothing the person said stays in Rasa."""
        try:
            response = await self._client.put(f"/conversations/{sender}/tracker/events", json=[])
            response.raise_for_status()
        except httpx.HTTPError as error:
            logger.warning("Rasa did not erase a tracker: %s", type(error).__name__)
            raise RasaUnavailable(str(type(error).__name__)) from error

    async def close(self) -> None:
        await self._client.aclose()
