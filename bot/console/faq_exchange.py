"""Translators' own tools: the catalogue of one language as a PO file, and importing it back.

Each FAQ key is a message with the key as its context and the English text as its id; the
translation is the msgstr. An import saves changed translations as new revisions "awaiting
review" (fuzzy ones as drafts): the same rules as the editor, and nothing goes live until a staff
member publishes it.
"""

from __future__ import annotations

import io

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from sqlalchemy import select

from bot.console.web import Account, audit, require
from bot.db import faq_editor_repository as repo
from bot.db.models import FaqQuestion
from bot.db.session import session_scope
from bot.i18n import FORMAT_LOCALES
from bot.settings import DEFAULT_LANGUAGE, LANGUAGES

MAX_PO_BYTES = 2 * 1024 * 1024


def export_catalogue(language: str) -> bytes:
    """The PO file for `language` (Romani has no CLDR locale: its header names it, Babel does not)."""
    catalog = Catalog(locale=None if language == "rom" else FORMAT_LOCALES[language].split("_")[0],
                      project="Drom FAQ", domain="faq")
    with session_scope() as session:
        for q in session.scalars(select(FaqQuestion).order_by(FaqQuestion.topic, FaqQuestion.position)):
            answers = {a.language: a for a in q.answers}
            english = answers.get(DEFAULT_LANGUAGE)
            if english is None:
                continue
            target = answers.get(language)
            flags = ["fuzzy"] if target is not None and repo.is_outdated(session=session, target=target) else []
            catalog.add(english.text, target.text if target else "", context=q.key, flags=flags,
                        auto_comments=[f"status: {target.status if target else 'missing'}", q.source_url])
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, include_previous=False)
    data = buffer.getvalue()
    if language == "rom":
        data = data.replace(b"Content-Type:", b"Language: rom\\n\"\n\"Content-Type:", 1)
    return data


def import_catalogue(language: str, data: bytes, author: str) -> int:
    """Save the changed translations of a PO file; returns how many were saved."""
    try:
        catalog = read_po(io.BytesIO(data))
    except (PoFileError, UnicodeDecodeError, ValueError) as error:
        raise repo.EditError(f"This is not a PO file Drom can read ({error}).") from None
    saved = 0
    with session_scope() as session:
        for message in catalog:
            if not message.context or not isinstance(message.string, str) or not message.string.strip():
                continue
            current = repo.answer(session=session, key=message.context, language=language)
            if current.text == message.string.strip():
                continue
            status = "draft" if message.fuzzy else "awaiting_review"
            repo.save(session=session, key=message.context, language=language, text=message.string,
                      status=status, author=author)
            saved += 1
    return saved


def _language(request: Request) -> str:
    language = request.path_params.get("language") or ""
    if language not in LANGUAGES or language == DEFAULT_LANGUAGE:
        raise HTTPException(404, "Export a translation: rom, sk, cs or ro.")
    return language


async def export_po(request: Request) -> Response:
    account = await require(request, "staff")
    language = _language(request)
    data = await run_in_threadpool(export_catalogue, language)
    await run_in_threadpool(audit, account.username, "faq_export", language)
    return Response(data, media_type="text/x-gettext-translation",
                    headers={"Content-Disposition": f'attachment; filename="drom-faq-{language}.po"'})


async def import_po(request: Request) -> Response:
    account: Account = await require(request, "staff")
    form = await request.form()
    language = str(form.get("language", ""))
    if language not in LANGUAGES or language == DEFAULT_LANGUAGE:
        raise HTTPException(400, "Choose the language of the PO file: rom, sk, cs or ro.")
    upload = form.get("po")
    if not isinstance(upload, UploadFile):
        raise HTTPException(400, "Choose a PO file to import.")
    data = await upload.read(MAX_PO_BYTES + 1)
    if len(data) > MAX_PO_BYTES:
        raise HTTPException(413, "The PO file is over 2 MB.")
    try:
        saved = await run_in_threadpool(import_catalogue, language, data, account.username)
    except repo.EditError as error:
        raise HTTPException(400, str(error)) from None
    await run_in_threadpool(audit, account.username, "faq_import", f"{language}: {saved} answers")
    return RedirectResponse(f"/console/faq?imported={saved}", status_code=303)
