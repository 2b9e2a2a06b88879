"""The gateway's ASGI application: web chat page, chat API, handoff API and health check."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.exc import OperationalError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot import handoff
from bot.channels.telegram.update_shape import update_problem
from bot.console.routes import EXCEPTION_HANDLERS, console_error, console_mount
from bot.db.conversation_repository import get_or_create_conversation, take_outbound
from bot.db.session import session_scope
from bot.faq_answers import recorded_answer
from bot.gateway.core import Gateway, Inbound
from bot.gateway.held_messages import held_messages_loop
from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.retention import retention_loop
from bot.settings import Settings, load_settings
from bot.web.requests import json_object, optional_string, parse_json_object, required_string

logger = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).parent / "static"
WEBCHAT = "webchat"
MAX_MESSAGE_CHARS = 8000


async def webchat_page(request: Request) -> Response:
    return FileResponse(STATIC_DIR / "webchat.html")


async def healthcheck(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def post_message(request: Request) -> Response:
    """`{"user": id, "text": ...}` or `{"user": id, "payload": ...}` -> `{"messages": [...]}`."""
    data = await json_object(request)
    user = required_string(data, "user", max_length=100)
    text = optional_string(data, "text", max_length=MAX_MESSAGE_CHARS)
    payload = optional_string(data, "payload", max_length=500)
    if text is None and payload is None:
        raise HTTPException(400, "Send `text` (what the person typed) or `payload` (a button's payload).")
    hint = optional_string(data, "language_hint", max_length=20)
    gateway: Gateway = request.app.state.gateway
    messages = await gateway.handle(
        Inbound(channel=WEBCHAT, external_id=user, text=text, payload=payload, language_hint=hint)
    )
    return JSONResponse({"messages": messages})


async def forget_user(request: Request) -> Response:
    """`{"user": id}`: erase the person's conversation, handoffs and Rasa tracker (privacy on request)."""
    data = await json_object(request)
    user = required_string(data, "user", max_length=100)
    hint = optional_string(data, "language_hint", max_length=20)
    gateway: Gateway = request.app.state.gateway
    try:
        confirmation = await gateway.forget(channel=WEBCHAT, external_id=user, language_hint=hint)
    except RasaUnavailable:
        raise HTTPException(503, "Rasa is not answering; nothing was erased there. Try again shortly.") from None
    return JSONResponse({"messages": [confirmation]})


async def telegram_webhook(request: Request) -> Response:
    """Telegram's webhook: 403 without the right secret token, 400 for a body that is not an update."""
    channel = request.app.state.telegram
    secret = request.app.state.settings.telegram.webhook_secret
    if channel is None or not secret:
        raise HTTPException(404, "The Telegram webhook is not configured on this gateway.")
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        raise HTTPException(403, "Wrong or missing secret token.")
    data = await json_object(request)
    if problem := update_problem(data):
        raise HTTPException(400, problem)
    await channel.process_webhook(data)
    return JSONResponse({"ok": True})


def _whatsapp(request: Request):  # type: ignore[no-untyped-def]
    channel = request.app.state.whatsapp
    if channel is None:
        raise HTTPException(404, "WhatsApp is not configured on this gateway (see WHATSAPP_* in the README).")
    return channel


async def whatsapp_verify(request: Request) -> Response:
    """Meta's subscription check: echo hub.challenge only when hub.verify_token matches."""
    channel = _whatsapp(request)
    params = request.query_params
    expected = channel.settings.verify_token or ""
    given = params.get("hub.verify_token", "")
    if params.get("hub.mode") != "subscribe" or not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, "Wrong verify token.")
    return PlainTextResponse(params.get("hub.challenge", ""))


async def whatsapp_webhook(request: Request) -> Response:
    """Signed notifications from WhatsApp: 403 without a valid signature, 400 for malformed JSON."""
    from bot.channels.whatsapp.channel import signature_ok

    channel = _whatsapp(request)
    body = await request.body()
    if not signature_ok(channel.settings.app_secret, body, request.headers.get("X-Hub-Signature-256")):
        raise HTTPException(403, "Missing or wrong X-Hub-Signature-256.")
    await channel.receive(parse_json_object(body))
    return JSONResponse({"ok": True})


async def faq_audio(request: Request) -> Response:
    """A recorded FAQ answer (public content, like the written answers), for the web chat's player."""
    found = await run_in_threadpool(recorded_answer, request.path_params["key"], request.path_params["language"])
    if found is None:
        raise HTTPException(404, "No recording for this answer in this language.")
    mime, _filename, data = found
    return Response(data, media_type=mime, headers={"Cache-Control": "public, max-age=300"})


def _take_pending(user: str) -> list[dict]:
    with session_scope() as session:
        conversation = get_or_create_conversation(session=session, channel=WEBCHAT, external_id=user)
        return take_outbound(session=session, conversation_id=conversation.id)


async def get_messages(request: Request) -> Response:
    """Messages waiting for a web chat user (champion replies, handoff closed), polled by the page."""
    user = request.query_params.get("user", "")
    if not user.strip() or len(user) > 100:
        raise HTTPException(400, "Give the web chat user id as ?user=... (1 to 100 characters).")
    return JSONResponse({"messages": await run_in_threadpool(_take_pending, user)})


FORWARDING_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


def _local_only(request: Request) -> None:
    """The handoff API has no accounts yet: only processes on this machine may use it. A request
    that came through a reverse proxy (which adds a forwarding header) is refused too, even though
    the proxy itself connects from this machine."""
    host = request.client.host if request.client else ""
    proxied = any(name in request.headers for name in FORWARDING_HEADERS)
    if proxied or host not in ("127.0.0.1", "::1", "localhost", "testclient"):
        raise HTTPException(403, "The handoff API only answers requests from this machine, not through a proxy; "
                                 "use the console or `python -m bot handoff`.")


async def list_handoffs(request: Request) -> Response:
    _local_only(request)
    summaries = await run_in_threadpool(handoff.open_handoffs)
    return JSONResponse({"handoffs": [s.as_dict() for s in summaries]})


def _handoff_id(request: Request) -> int:
    try:
        return int(request.path_params["handoff_id"])
    except ValueError:
        raise HTTPException(404, "No such handoff.") from None


async def close_handoff(request: Request) -> Response:
    _local_only(request)
    if not await run_in_threadpool(handoff.close, _handoff_id(request)):
        raise HTTPException(404, "No open handoff with this id.")
    return JSONResponse({"status": "closed"})


async def reply_to_handoff(request: Request) -> Response:
    _local_only(request)
    text = required_string(await json_object(request), "text", max_length=4000)
    if not await run_in_threadpool(handoff.reply, _handoff_id(request), text):
        raise HTTPException(404, "No open handoff with this id.")
    return JSONResponse({"status": "sent"})


async def http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if request.url.path.startswith("/console/") and "text/html" in request.headers.get("accept", ""):
        return await console_error(request, error)
    return JSONResponse({"error": error.detail}, status_code=error.status_code)


async def database_unavailable(request: Request, error: Exception) -> Response:
    """The database cannot be reached (or stays locked): 503, so that Telegram and WhatsApp deliver
    the update again later; nothing was acknowledged, because nothing could be stored."""
    logger.warning("The database is not answering: %s", type(error).__name__)
    return JSONResponse({"error": "The database is not answering; try again shortly."}, status_code=503,
                        headers={"Retry-After": "5"})


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the gateway app; the Rasa client is created and closed by the lifespan."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        rasa = RasaClient(settings.rasa_urls, settings.rasa_timeout_seconds)
        app.state.gateway = Gateway(rasa, settings.language_confidence)
        app.state.telegram = None
        app.state.whatsapp = None
        if settings.whatsapp.enabled:
            from bot.channels.whatsapp.channel import WhatsAppChannel

            app.state.whatsapp = WhatsAppChannel(settings.whatsapp, app.state.gateway)
            await app.state.whatsapp.start()
        if settings.telegram.enabled:
            from bot.channels.telegram.application import TelegramChannel

            app.state.telegram = TelegramChannel(settings, app.state.gateway)
            await app.state.telegram.start()
        loops = [asyncio.create_task(retention_loop(rasa, settings.retention_days)),
                 asyncio.create_task(held_messages_loop(rasa, settings.rasa_down_handoff_seconds))]
        try:
            yield
        finally:
            for loop in loops:
                loop.cancel()
            if app.state.telegram is not None:
                await app.state.telegram.stop()
            if app.state.whatsapp is not None:
                await app.state.whatsapp.stop()
            await rasa.close()

    routes = [
        Route("/", webchat_page),
        Route("/healthcheck", healthcheck),
        Route("/api/messages", post_message, methods=["POST"]),
        Route("/api/messages", get_messages, methods=["GET"]),
        Route("/api/forget", forget_user, methods=["POST"]),
        Route("/media/faq/{key:str}/{language:str}", faq_audio),
        Route("/webhooks/telegram", telegram_webhook, methods=["POST"]),
        Route("/webhooks/whatsapp", whatsapp_verify, methods=["GET"]),
        Route("/webhooks/whatsapp", whatsapp_webhook, methods=["POST"]),
        Route("/api/handoffs", list_handoffs, methods=["GET"]),
        Route("/api/handoffs/{handoff_id}/close", close_handoff, methods=["POST"]),
        Route("/api/handoffs/{handoff_id}/reply", reply_to_handoff, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        console_mount(),
    ]
    handlers = {HTTPException: http_error, OperationalError: database_unavailable, **EXCEPTION_HANDLERS}
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers)
    app.state.settings = settings
    return app
