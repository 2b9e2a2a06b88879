"""The champions' inbox: open handoffs in their languages, live; one handoff's page and its actions.

A champion sees only handoffs in the languages of their account (403 for any other). Replies go
through `bot.handoff.reply`, the same path as replies in the champions' Telegram group, so the
person's channel delivers them and both places show the same transcript.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from bot import handoff as handoffs
from bot.console.web import Account, audit, render, require
from bot.db import inbox_repository as repo
from bot.db.faq_repository import get_published_answer, list_keys
from bot.db.models import Handoff
from bot.db.session import session_scope
from bot.replies import QUESTION_TITLES

POLL_SECONDS = 1.0
MAX_REPLY_CHARS = 4000


def _rows(languages: tuple[str, ...]) -> list[dict]:
    with session_scope() as session:
        return [row.as_dict() for row in repo.inbox(session=session, languages=languages)]


async def inbox_page(request: Request) -> Response:
    account = await require(request, "champion")
    return render(account, "inbox.html", rows=await run_in_threadpool(_rows, account.languages))


async def _changes(request: Request, snapshot) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """Server-sent events: the current state at once, then again whenever it changes."""
    last = None
    heartbeat = 0
    while not await request.is_disconnected():
        current = await run_in_threadpool(snapshot)
        if current != last:
            yield f"data: {json.dumps(current, ensure_ascii=False)}\n\n"
            last = current
        else:
            heartbeat += 1
            if heartbeat % 15 == 0:
                yield ": keep-alive\n\n"
        await asyncio.sleep(POLL_SECONDS)


def _stream(request: Request, snapshot) -> StreamingResponse:  # type: ignore[no-untyped-def]
    return StreamingResponse(
        _changes(request, snapshot),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def inbox_events(request: Request) -> Response:
    account = await require(request, "champion")
    return _stream(request, lambda: _rows(account.languages))


def _handoff_id(request: Request) -> int:
    try:
        return int(request.path_params["handoff_id"])
    except ValueError:
        raise HTTPException(404, "No such handoff.") from None


def _checked(session, account: Account, handoff_id: int) -> Handoff:  # type: ignore[no-untyped-def]
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise HTTPException(404, account.tr("No such handoff."))
    if handoff.language not in account.languages:
        raise HTTPException(403, account.tr("This handoff is in a language your account does not cover."))
    return handoff


def _page_data(account: Account, handoff_id: int) -> dict:
    with session_scope() as session:
        handoff = _checked(session, account, handoff_id)
        answers = []
        for key in list_keys(session=session):
            answer = get_published_answer(session=session, key=key, language=handoff.language)
            if answer is not None:
                answers.append({"key": key, "title": QUESTION_TITLES.get(key, key), "text": answer.text})
        return {
            "handoff": {
                "id": handoff.id, "language": handoff.language, "channel": handoff.channel,
                "reason": handoff.reason, "urgent": handoff.urgent, "status": handoff.status,
                "outcome": handoff.outcome, "claimed_by": repo.claimed_by(handoff),
                "created_at": handoff.created_at.strftime("%Y-%m-%d %H:%M"),
            },
            "lines": [line.as_dict() for line in repo.transcript(handoff)],
            "notes": [{"author": n.author, "text": n.text, "at": n.created_at.strftime("%Y-%m-%d %H:%M")}
                      for n in handoff.notes],
            "answers": answers,
            "outcomes": handoffs.OUTCOMES,
        }


async def handoff_page(request: Request) -> Response:
    account = await require(request, "champion")
    data = await run_in_threadpool(_page_data, account, _handoff_id(request))
    return render(account, "handoff.html", **data)


def _transcript_state(account: Account, handoff_id: int) -> dict:
    with session_scope() as session:
        handoff = _checked(session, account, handoff_id)
        return {"status": handoff.status, "lines": [line.as_dict() for line in repo.transcript(handoff)]}


async def handoff_events(request: Request) -> Response:
    account = await require(request, "champion")
    handoff_id = _handoff_id(request)
    await run_in_threadpool(_transcript_state, account, handoff_id)  # 403/404 before streaming
    return _stream(request, lambda: _transcript_state(account, handoff_id))


def _act(account: Account, handoff_id: int, action: str, form: dict[str, str]) -> None:
    with session_scope() as session:
        handoff = _checked(session, account, handoff_id)
        if action == "claim":
            repo.claim(session=session, handoff=handoff, user_id=account.id)
        elif action == "release":
            repo.release(session=session, handoff=handoff)
        elif action == "note":
            text = form.get("text", "").strip()
            if not text:
                raise HTTPException(400, account.tr("Write the note first."))
            repo.add_note(session=session, handoff=handoff, author=account.username, text=text[:MAX_REPLY_CHARS])
        is_open = handoff.status == "open"
    if action == "reply":
        text = form.get("text", "").strip()
        if not text:
            raise HTTPException(400, account.tr("Write the reply first."))
        if not handoffs.reply(handoff_id, f"{account.username}: {text[:MAX_REPLY_CHARS]}"):
            raise HTTPException(409, account.tr("This handoff is already closed."))
    elif action == "close":
        if not handoffs.close(handoff_id, form.get("outcome")):
            raise HTTPException(409, account.tr("This handoff is already closed."))
    elif not is_open and action in ("claim", "release"):
        raise HTTPException(409, account.tr("This handoff is already closed."))
    audit(account.username, f"handoff_{action}", f"handoff {handoff_id}")


async def handoff_action(request: Request) -> Response:
    account = await require(request, "champion")
    action = request.path_params["action"]
    if action not in ("reply", "claim", "release", "close", "note"):
        raise HTTPException(404, "No such action.")
    form = {key: str(value) for key, value in (await request.form()).items()}
    handoff_id = _handoff_id(request)
    await run_in_threadpool(_act, account, handoff_id, action, form)
    if request.headers.get("X-Requested-With") == "fetch":
        return Response(status_code=204)
    return RedirectResponse(f"/console/handoffs/{handoff_id}", status_code=303)


def _attachment(account: Account, handoff_id: int, attachment_id: int) -> tuple[str, str, bytes] | None:
    with session_scope() as session:
        _checked(session, account, handoff_id)
        found = repo.attachment(session=session, handoff_id=handoff_id, attachment_id=attachment_id)
        return (found.mime_type, found.filename, found.data) if found else None


async def handoff_attachment(request: Request) -> Response:
    account = await require(request, "champion")
    try:
        attachment_id = int(request.path_params["attachment_id"])
    except ValueError:
        raise HTTPException(404, "No such file.") from None
    found = await run_in_threadpool(_attachment, account, _handoff_id(request), attachment_id)
    if found is None:
        raise HTTPException(404, "No such file.")
    mime, filename, data = found
    return Response(
        data, media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "X-Content-Type-Options": "nosniff"},
    )
