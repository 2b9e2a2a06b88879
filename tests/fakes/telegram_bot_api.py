"""A fake Telegram Bot API on 127.0.0.1 for tests, driven by the real python-telegram-bot.

It answers the methods Drom uses, records every call, queues updates for `getUpdates`, and can
be told to fail the next calls (429 with `retry_after`, 500) to test retries.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.background_server import BackgroundServer

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Drom", "username": "drom_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": True, "supports_inline_queries": False}


_UPDATE_IDS = itertools.count(1)


@dataclass
class FakeTelegram:
    """State of the fake: calls made by the bot, updates waiting, failures to inject."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    results: list[tuple[dict[str, Any], Any]] = field(default_factory=list)  # (params, result) per call
    updates: deque = field(default_factory=deque)
    failures: deque = field(default_factory=deque)  # (status, retry_after) for the next send calls
    forum: bool = False  # whether the champions' group is a forum (topics per handoff)
    # Called with (method, params) for every call recorded, in the server's thread (the load test's clock).
    listeners: list[Callable[[str, dict[str, Any]], None]] = field(default_factory=list)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    # Update ids are unique per bot, as on Telegram, across every fake in the run: the gateways share
    # one database, which remembers the updates it has handled.
    _update_ids: itertools.count = field(default_factory=lambda: _UPDATE_IDS)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [p for m, p in self.calls if m == method and (chat_id is None or int(p.get("chat_id", 0)) == chat_id)]

    def push_update(self, update: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        with self._lock:
            self.updates.append({"update_id": update_id, **update})
        return update_id

    def text_update(self, user_id: int, text: str, *, language_code: str | None = "en", chat_id: int | None = None,
                    first_name: str = "Test", **message_fields: Any) -> int:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        chat = {"id": chat_id or user_id, "type": "private" if not chat_id else "supergroup"}
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat, "from": user,
                   "text": text, **message_fields}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.push_update({"message": message})

    def group_update(self, user_id: int, text: str, *, chat_id: int, reply_to: int | None = None,
                     thread_id: int | None = None) -> int:
        """A message in the champions' group, optionally replying to one of the bot's messages."""
        fields: dict[str, Any] = {}
        if reply_to is not None:
            fields["reply_to_message"] = {"message_id": reply_to, "date": int(time.time()),
                                          "chat": {"id": chat_id, "type": "supergroup"}, "from": BOT_USER, "text": "card"}
        if thread_id is not None:
            fields.update(message_thread_id=thread_id, is_topic_message=True)
        return self.text_update(user_id, text, chat_id=chat_id, language_code=None, **fields)

    def callback_update(self, user_id: int, data: str, *, language_code: str = "en") -> int:
        user = {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": language_code}
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": user_id, "type": "private"}, "from": BOT_USER, "text": "buttons"}
        return self.push_update({"callback_query": {"id": str(next(self._message_ids)), "from": user,
                                                    "chat_instance": "ci", "message": message, "data": data}})

    def sticker_update(self, user_id: int, *, language_code: str = "en") -> int:
        user = {"id": user_id, "is_bot": False, "first_name": "Test", "language_code": language_code}
        sticker = {"file_id": "st1", "file_unique_id": "stu1", "type": "regular", "width": 512, "height": 512,
                   "is_animated": False, "is_video": False}
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": {"id": user_id, "type": "private"}, "from": user, "sticker": sticker}
        return self.push_update({"message": message})

    def fail_next(self, status: int, retry_after: int | None = None, times: int = 1) -> None:
        for _ in range(times):
            self.failures.append((status, retry_after))

    async def handle(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params: dict[str, Any] = {}
        if request.headers.get("content-type", "").startswith("application/json"):
            params = await request.json()
        else:
            form = await request.form()
            params = {k: v for k, v in form.items() if isinstance(v, str)}
        for key in ("reply_markup", "allowed_updates", "entities"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        if method == "getUpdates":
            return await self._get_updates(params)
        if method not in ("getMe", "deleteWebhook", "setWebhook", "getWebhookInfo") and self.failures:
            status, retry_after = self.failures.popleft()
            body: dict[str, Any] = {"ok": False, "error_code": status, "description": "fake failure"}
            if retry_after is not None:
                body["parameters"] = {"retry_after": retry_after}
            return JSONResponse(body, status_code=status)
        result = self._result(method, params)
        with self._lock:
            self.calls.append((method, params))
            self.results.append((params, result))
        for listener in self.listeners:
            listener(method, params)
        return JSONResponse({"ok": True, "result": result})

    def calls_with_results(self) -> list[tuple[int | None, dict[str, Any]]]:
        """(message_id of the result, params) for every call, to reply to what the bot sent."""
        with self._lock:
            return [(r.get("message_id") if isinstance(r, dict) else None, p) for p, r in self.results]

    async def _get_updates(self, params: dict[str, Any]) -> JSONResponse:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        while True:
            with self._lock:
                while self.updates and self.updates[0]["update_id"] < offset:
                    self.updates.popleft()
                ready = [u for u in self.updates if u["update_id"] >= offset]
            if ready or time.monotonic() >= deadline:
                return JSONResponse({"ok": True, "result": ready})
            await asyncio.sleep(0.05)

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method.startswith("send") or method == "editMessageText":
            chat_id = int(params.get("chat_id") or 0)
            result = {"message_id": next(self._message_ids), "date": int(time.time()),
                      "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                      "from": BOT_USER, "text": params.get("text", "")}
            if params.get("message_thread_id"):
                result["message_thread_id"] = int(params["message_thread_id"])
            return result
        if method == "getChat":
            chat_id = int(params.get("chat_id") or 0)
            return {"id": chat_id, "type": "supergroup", "title": "Champions", "is_forum": self.forum,
                    "accent_color_id": 0, "max_reaction_count": 11}
        if method == "copyMessage":
            return {"message_id": next(self._message_ids)}
        if method == "createForumTopic":
            return {"message_thread_id": next(self._message_ids), "name": params.get("name", ""), "icon_color": 0}
        return True


class FakeTelegramServer(BackgroundServer):
    """Runs a FakeTelegram on 127.0.0.1 in a background thread; `base_url` is for python-telegram-bot."""

    def __init__(self, port: int) -> None:
        self.fake = FakeTelegram()
        self.port = port
        app = Starlette(routes=[Route("/bot{token}/{method}", self.fake.handle, methods=["GET", "POST"])])
        super().__init__(app, port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"
