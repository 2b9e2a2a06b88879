"""A stand-in for Rasa that can be switched off and on: while "up" it forwards every request to
the real Rasa server of the test stack; while "down" it answers 503, as a Rasa behind a proxy does
when the process has died; while "silent" it answers the REST channel with no messages, as Rasa
does when an action fails (Rasa logs the failed action and carries on). Runs on
127.0.0.1 (tests/fakes/background_server.py)."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.fakes.background_server import BackgroundServer


class SwitchableRasa(BackgroundServer):
    def __init__(self, rasa_url: str, port: int) -> None:
        self.up = False
        self.silent = False
        self.requests_while_down = 0
        self.refused_senders: list[str] = []  # the REST channel's `sender` of each message refused while down
        self._rasa_url = rasa_url

        async def forward(request: Request) -> Response:
            if self.silent and request.url.path == "/webhooks/rest/webhook":
                return Response("[]", media_type="application/json")
            if not self.up:
                self.requests_while_down += 1
                if request.url.path == "/webhooks/rest/webhook":
                    self.refused_senders.append(str((await request.json()).get("sender")))
                return Response("Rasa is down", status_code=503)
            async with httpx.AsyncClient(base_url=self._rasa_url, timeout=30) as client:
                answer = await client.request(request.method, request.url.path, content=await request.body(),
                                              headers={"Content-Type": request.headers.get("content-type", "")})
            return Response(answer.content, status_code=answer.status_code, media_type="application/json")

        app = Starlette(routes=[Route("/{path:path}", forward, methods=["GET", "POST", "PUT"])])
        super().__init__(app, port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
