"""The staff FAQ editor: the catalogue, one key in five languages, editing with a channel preview,
publishing, history with diffs and restore, provenance, audio and example questions."""

from __future__ import annotations

import datetime as dt

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot import replies
from bot.channels.text_splitting import TELEGRAM_TEXT_LIMIT, WHATSAPP_TEXT_LIMIT
from bot.channels.whatsapp.rendering import INTERACTIVE_BODY_LIMIT
from bot.console.text_diff import word_diff
from bot.console.web import Account, audit, render, require
from bot.db import faq_editor_repository as repo
from bot.db.faq_repository import PublishedAnswer
from bot.db.session import session_scope
from bot.settings import LANGUAGES

MAX_AUDIO_BYTES = 5 * 1024 * 1024
AUDIO_TYPES = ("audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr", "audio/wav", "audio/webm")


def _key_language(request: Request) -> tuple[str, str]:
    key, language = request.path_params["key"], request.path_params.get("language", "en")
    if language not in LANGUAGES:
        raise HTTPException(404, "No such language.")
    return key, language


def _run(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run a repository call in a transaction; an EditError becomes a 400 with its message."""
    try:
        with session_scope() as session:
            return function(session, *args, **kwargs)
    except repo.EditError as error:
        raise HTTPException(400, str(error)) from None


async def apply_change(account: Account, action: str, target: str, change, back: str) -> Response:  # type: ignore[no-untyped-def]
    """Make one change (a function of the session), record it in the audit log, go back to `back`."""

    def work() -> None:
        _run(change)
        audit(account.username, action, target)

    await run_in_threadpool(work)
    return RedirectResponse(back, status_code=303)


def _catalogue(session) -> dict:  # type: ignore[no-untyped-def]
    rows = repo.catalogue(session=session)
    return {
        "rows": rows,
        "languages": LANGUAGES,
        "topics": replies.TOPICS,
        "topic_titles": replies.TOPIC_TITLES,
        "stale": [row for row in rows if row.stale],
        "missing_audio": {lang: sum(1 for r in rows for c in r.cells if c.language == lang and not c.has_audio)
                          for lang in LANGUAGES},
    }


async def catalogue_page(request: Request) -> Response:
    account = await require(request, "staff")
    return render(account, "faq_catalogue.html", **await run_in_threadpool(_run, _catalogue))


def _key_data(session, key: str) -> dict:  # type: ignore[no-untyped-def]
    q = repo.question(session=session, key=key)
    answers = {a.language: a for a in q.answers}
    english = answers.get("en")
    return {
        "key": key,
        "title": replies.QUESTION_TITLES.get(key, key),
        "question": q,
        "languages": LANGUAGES,
        "answers": {
            lang: {"text": a.text, "status": a.status, "live": a.published_text is not None,
                   "outdated": repo.is_outdated(session=session, target=a), "audio": a.audio is not None}
            for lang, a in answers.items()
        },
        "english_changed": english.updated_at.strftime("%Y-%m-%d %H:%M") if english else "",
        "examples": [{"language": e.language, "text": e.text} for e in repo.examples(session=session, intent=key)],
    }


async def key_page(request: Request) -> Response:
    account = await require(request, "staff")
    data = await run_in_threadpool(_run, _key_data, request.path_params["key"])
    return render(account, "faq_key.html", **data)


def _edit_data(session, key: str, language: str) -> dict:  # type: ignore[no-untyped-def]
    target = repo.answer(session=session, key=key, language=language)
    q = target.question
    sample = PublishedAnswer(key, language, "", q.source_name, q.source_url, q.checked_on)
    footer = replies.faq_answer(language, sample)
    return {
        "key": key,
        "language": language,
        "title": replies.QUESTION_TITLES.get(key, key),
        "text": target.text,
        "status": target.status,
        "live_text": target.published_text,
        "outdated": repo.is_outdated(session=session, target=target),
        "community_review": target.community_review_pending,
        "english": repo.english_text(session=session, key=key),
        "footer": footer.text,
        "buttons": [b.title for b in footer.buttons],
        "limits": {"telegram": TELEGRAM_TEXT_LIMIT, "whatsapp": WHATSAPP_TEXT_LIMIT,
                   "whatsapp_buttons": INTERACTIVE_BODY_LIMIT},
        "question": q,
        "has_audio": target.audio is not None,
    }


async def edit_page(request: Request) -> Response:
    account = await require(request, "staff")
    key, language = _key_language(request)
    return render(account, "faq_edit.html", **await run_in_threadpool(_run, _edit_data, key, language))


def _save(session, account: Account, key: str, language: str, text: str, action: str) -> None:  # type: ignore[no-untyped-def]
    if action == "publish":
        repo.save(session=session, key=key, language=language, text=text, status="awaiting_review",
                  author=account.username)
        repo.publish(session=session, key=key, language=language, author=account.username)
    else:
        repo.save(session=session, key=key, language=language, text=text, status=action, author=account.username)


async def save_answer(request: Request) -> Response:
    account = await require(request, "staff")
    key, language = _key_language(request)
    form = await request.form()
    action = str(form.get("action", "draft"))
    if action not in ("draft", "awaiting_review", "publish"):
        raise HTTPException(400, "Choose save as draft, save for review, or publish.")
    text = str(form.get("text", ""))[:20000]
    return await apply_change(account, f"faq_{action}", f"{key} {language}",
                              lambda session: _save(session, account, key, language, text, action),
                              f"/console/faq/{key}/{language}")


def _history(session, key: str, language: str) -> dict:  # type: ignore[no-untyped-def]
    target = repo.answer(session=session, key=key, language=language)
    entries, previous = [], ""
    for revision in target.revisions:
        entries.append({
            "id": revision.id, "author": revision.author, "status": revision.status,
            "at": revision.created_at.strftime("%Y-%m-%d %H:%M"), "diff": word_diff(previous, revision.text),
        })
        previous = revision.text
    return {"key": key, "language": language, "entries": list(reversed(entries)),
            "title": replies.QUESTION_TITLES.get(key, key)}


async def history_page(request: Request) -> Response:
    account = await require(request, "staff")
    key, language = _key_language(request)
    return render(account, "faq_history.html", **await run_in_threadpool(_run, _history, key, language))


async def restore_revision(request: Request) -> Response:
    account = await require(request, "staff")
    key, language = _key_language(request)
    try:
        revision_id = int(request.path_params["revision_id"])
    except ValueError:
        raise HTTPException(404, "No such revision.") from None

    def restore(session) -> None:  # type: ignore[no-untyped-def]
        repo.restore(session=session, key=key, language=language, revision_id=revision_id, author=account.username)

    return await apply_change(account, "faq_restore", f"{key} {language} revision {revision_id}", restore,
                              f"/console/faq/{key}/{language}")


async def save_source(request: Request) -> Response:
    account = await require(request, "staff")
    key = request.path_params["key"]
    form = await request.form()
    try:
        checked = dt.date.fromisoformat(str(form.get("checked_on", "")))
    except ValueError:
        raise HTTPException(400, "Give the date the official page was checked as YYYY-MM-DD.") from None

    def mark(session) -> None:  # type: ignore[no-untyped-def]
        repo.mark_checked(session=session, key=key, source_name=str(form.get("source_name", "")),
                          source_url=str(form.get("source_url", "")), checked_on=checked)

    return await apply_change(account, "faq_source", key, mark, f"/console/faq/{key}")


async def upload_audio(request: Request) -> Response:
    account = await require(request, "staff")
    key, language = _key_language(request)
    upload = (await request.form()).get("audio")
    if not isinstance(upload, UploadFile):
        raise HTTPException(400, "Choose an audio file to upload.")
    data = await upload.read(MAX_AUDIO_BYTES + 1)
    mime = (upload.content_type or "").split(";")[0]
    if len(data) > MAX_AUDIO_BYTES:
        raise HTTPException(413, "The audio file is over 5 MB; record a shorter answer or compress it.")
    if mime not in AUDIO_TYPES or not data:
        raise HTTPException(400, f"Upload an audio file ({', '.join(AUDIO_TYPES)}).")
    filename = f"{key}-{language}.{mime.split('/')[1]}"

    def store(session) -> None:  # type: ignore[no-untyped-def]
        repo.set_audio(session=session, key=key, language=language, mime_type=mime, filename=filename,
                       data=data, author=account.username)

    return await apply_change(account, "faq_audio", f"{key} {language}", store, f"/console/faq/{key}/{language}")


async def add_example(request: Request) -> Response:
    account = await require(request, "staff")
    key = request.path_params["key"]
    form = await request.form()

    def add(session) -> None:  # type: ignore[no-untyped-def]
        repo.add_example(session=session, intent=key, language=str(form.get("language", "")),
                         text=str(form.get("text", "")), author=account.username)

    return await apply_change(account, "nlu_example", key, add, f"/console/faq/{key}")
