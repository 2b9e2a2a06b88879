"""A fake WhatsApp Cloud API (Graph API) on 127.0.0.1: records sent messages, can fail on demand."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.background_server import BackgroundServer


MEDIA_BYTES = b"\xff\xd8\xff\xe0 a tiny fake jpeg"


def text_of(message: dict[str, Any]) -> str:
    """What a person reads of a sent message: its text, or a marker for audio and templates."""
    if message["type"] == "text":
        return message["text"]["body"]
    if message["type"] == "audio":
        return f"[audio {message['audio']['id']}]"
    if message["type"] == "interactive":
        return message["interactive"]["body"]["text"]
    return f"[template {message['template']['name']}]"


@dataclass
class FakeGraph:
    sent: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    failures: deque = field(default_factory=deque)  # (status, retry_after seconds or None)
    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # media id: (mime type, bytes)
    # Called with each sent message's body, in the server's thread (the load test's clock).
    listeners: list[Callable[[dict[str, Any]], None]] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def to(self, wa_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [m for m in self.sent if m.get("to") == wa_id]

    def texts_to(self, wa_id: str) -> list[str]:
        return [text_of(m) for m in self.to(wa_id)]

    def fail_next(self, status: int, retry_after: int | None = None) -> None:
        self.failures.append((status, retry_after))

    async def messages(self, request: Request) -> JSONResponse:
        if self.failures:
            status, retry_after = self.failures.popleft()
            headers = {"Retry-After": str(retry_after)} if retry_after else {}
            return JSONResponse({"error": {"message": "fake failure", "code": status}}, status_code=status,
                                headers=headers)
        body = await request.json()
        with self._lock:
            self.sent.append(body)
            self.tokens.append(request.headers.get("authorization", ""))
        for listener in self.listeners:
            listener(body)
        return JSONResponse({"messaging_product": "whatsapp", "contacts": [{"wa_id": body.get("to")}],
                             "messages": [{"id": f"wamid.out{next(self._ids)}"}]})


    async def upload(self, request: Request) -> JSONResponse:
        """POST /{phone-id}/media (multipart: file, type, messaging_product) -> {"id": ...}."""
        form = await request.form()
        upload = form.get("file")
        if form.get("messaging_product") != "whatsapp" or upload is None or isinstance(upload, str):
            return JSONResponse({"error": {"message": "file and messaging_product are required"}}, status_code=400)
        media_id = f"media{next(self._ids)}"
        with self._lock:
            self.uploads[media_id] = (str(form.get("type")), await upload.read())
        return JSONResponse({"id": media_id})


class FakeGraphServer(BackgroundServer):
    def __init__(self, port: int) -> None:
        self.fake = FakeGraph()
        self.port = port

        async def media_info(request: Request) -> JSONResponse:
            media_id = request.path_params["media_id"]
            return JSONResponse({"url": f"http://127.0.0.1:{port}/media/{media_id}", "mime_type": "image/jpeg",
                                 "id": media_id, "messaging_product": "whatsapp"})

        async def media_bytes(request: Request) -> Response:
            if not request.headers.get("authorization", "").startswith("Bearer "):
                return Response(status_code=401)  # media URLs need the access token, as on Meta's CDN
            return Response(MEDIA_BYTES, media_type="image/jpeg")

        app = Starlette(routes=[
            Route("/v21.0/{phone_id}/messages", self.fake.messages, methods=["POST"]),
            Route("/v21.0/{phone_id}/media", self.fake.upload, methods=["POST"]),
            Route("/v21.0/{media_id}", media_info, methods=["GET"]),
            Route("/media/{media_id}", media_bytes, methods=["GET"]),
        ])
        super().__init__(app, port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v21.0"
