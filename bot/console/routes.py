"""The console's URL map, mounted by the gateway under /console."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.console import admin, faq_editor, faq_exchange, inbox, insights, login, retrain
from bot.console.web import LoginRequired, current_account, render

STATIC_DIR = Path(__file__).parent / "static"
KEY = "{key:str}"
LANG = "{language:str}"


def console_mount() -> Mount:
    routes = [
        Route("/", login.home),
        Route("/login", login.login_page, methods=["GET"]),
        Route("/login", login.login, methods=["POST"]),
        Route("/logout", login.logout, methods=["POST"]),
        Route("/account", login.account_page, methods=["GET"]),
        Route("/account", login.save_account, methods=["POST"]),
        Route("/inbox", inbox.inbox_page),
        Route("/inbox/events", inbox.inbox_events),
        Route("/handoffs/{handoff_id}", inbox.handoff_page),
        Route("/handoffs/{handoff_id}/events", inbox.handoff_events),
        Route("/handoffs/{handoff_id}/files/{attachment_id}", inbox.handoff_attachment),
        Route("/handoffs/{handoff_id}/{action}", inbox.handoff_action, methods=["POST"]),
        Route("/faq", faq_editor.catalogue_page),
        Route("/faq/export/{language:str}.po", faq_exchange.export_po),
        Route("/faq/import", faq_exchange.import_po, methods=["POST"]),
        Route("/faq/retrain", retrain.status_page, methods=["GET"]),
        Route("/faq/retrain", retrain.start, methods=["POST"]),
        Route(f"/faq/{KEY}", faq_editor.key_page),
        Route(f"/faq/{KEY}/source", faq_editor.save_source, methods=["POST"]),
        Route(f"/faq/{KEY}/examples", faq_editor.add_example, methods=["POST"]),
        Route(f"/faq/{KEY}/{LANG}", faq_editor.edit_page, methods=["GET"]),
        Route(f"/faq/{KEY}/{LANG}", faq_editor.save_answer, methods=["POST"]),
        Route(f"/faq/{KEY}/{LANG}/history", faq_editor.history_page),
        Route(f"/faq/{KEY}/{LANG}/restore/{{revision_id}}", faq_editor.restore_revision, methods=["POST"]),
        Route(f"/faq/{KEY}/{LANG}/audio", faq_editor.upload_audio, methods=["POST"]),
        Route("/insights", insights.insights_page),
        Route("/insights/unanswered/{id:int}/teach", insights.teach, methods=["POST"]),
        Route("/admin/users", admin.users_page, methods=["GET"]),
        Route("/admin/users", admin.create_account, methods=["POST"]),
        Route("/admin/users/{user_id}/toggle", admin.toggle_account, methods=["POST"]),
        Route("/admin/audit", admin.audit_page),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="console-static"),
    ]
    return Mount("/console", routes=routes)


async def login_required(request: Request, error: Exception) -> Response:
    if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(f"/console/login?next={request.url.path}", status_code=303)
    return JSONResponse({"error": "Sign in at /console/login first."}, status_code=401)


async def console_error(request: Request, error: HTTPException) -> Response:
    """Errors under /console as a page in the account's language; elsewhere the gateway's JSON."""
    account = await current_account(request)
    return render(account, "error.html", status_code=error.status_code, status=error.status_code,
                  detail=error.detail)


EXCEPTION_HANDLERS = {LoginRequired: login_required}
