"""A whole stack of a test module's own (Rasa, actions, gateway as processes), for tests that kill,
restart or multiply its processes without disturbing the shared `stack` fixture."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bot.commands.db import upgrade
from bot.settings import Settings
from bot.stack import Stack, free_port


@contextmanager
def own_stack(base: Settings, folder: Path, database_url: str, **changes: Any) -> Iterator[Stack]:
    """Migrate `database_url`, start a stack on fresh ports with `changes` to the settings, stop it after."""
    upgrade(database_url)
    rasa_port = free_port()
    settings = dataclasses.replace(base, database_url=database_url, port=free_port(), rasa_port=rasa_port,
                                   rasa_url=f"http://127.0.0.1:{rasa_port}",
                                   **changes)
    running = Stack(settings=settings, log_dir=folder / "logs")
    running.start()
    try:
        yield running
    finally:
        running.stop()


def say(stack: Stack, user: str, text: str) -> list[str]:
    """What the web chat shows after `user` sends `text`."""
    response = httpx.post(f"{stack.gateway_url}/api/messages", json={"user": user, "text": text}, timeout=60)
    assert response.status_code == 200, response.text
    return [m["text"] for m in response.json()["messages"]]
