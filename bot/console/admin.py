"""Admin pages: accounts (list, create, deactivate) and the audit log."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.console.web import audit, render, require
from bot.db.audit_repository import recent_entries
from bot.db.models import User
from bot.db.session import session_scope
from bot.db.user_repository import CONSOLE_LOCALES, ROLES, AccountError, create_user, list_users
from bot.settings import LANGUAGES


def _users() -> list[dict]:
    with session_scope() as session:
        return [{"id": u.id, "username": u.username, "roles": u.roles, "languages": u.languages,
                 "locale": u.locale, "active": u.active} for u in list_users(session=session)]


async def users_page(request: Request) -> Response:
    account = await require(request, "admin")
    return render(account, "users.html", users=await run_in_threadpool(_users), roles=ROLES,
                  languages=LANGUAGES, locales=CONSOLE_LOCALES, error=None)


def _create(form: dict[str, str], roles: list[str], languages: list[str]) -> None:
    with session_scope() as session:
        create_user(session=session, username=form.get("username", ""), password=form.get("password", ""),
                    roles=",".join(roles), languages=",".join(languages), locale=form.get("locale", "en"))


async def create_account(request: Request) -> Response:
    account = await require(request, "admin")
    form = await request.form()
    fields = {key: str(value) for key, value in form.items()}
    try:
        await run_in_threadpool(_create, fields, [str(r) for r in form.getlist("roles")],
                                [str(lang) for lang in form.getlist("languages")])
    except AccountError as error:
        return render(account, "users.html", status_code=400, users=await run_in_threadpool(_users),
                      roles=ROLES, languages=LANGUAGES, locales=CONSOLE_LOCALES, error=str(error))
    await run_in_threadpool(audit, account.username, "user_create", fields.get("username", ""))
    return RedirectResponse("/console/admin/users", status_code=303)


def _toggle(user_id: int, acting_id: int) -> str:
    with session_scope() as session:
        user = session.get(User, user_id)
        if user is None:
            raise HTTPException(404, "No such account.")
        if user.id == acting_id:
            raise HTTPException(400, "You cannot deactivate your own account.")
        user.active = not user.active
        return f"{user.username} {'activated' if user.active else 'deactivated'}"


async def toggle_account(request: Request) -> Response:
    account = await require(request, "admin")
    try:
        user_id = int(request.path_params["user_id"])
    except ValueError:
        raise HTTPException(404, "No such account.") from None
    target = await run_in_threadpool(_toggle, user_id, account.id)
    await run_in_threadpool(audit, account.username, "user_toggle", target)
    return RedirectResponse("/console/admin/users", status_code=303)


def _entries() -> list[dict]:
    with session_scope() as session:
        return [{"at": e.created_at.strftime("%Y-%m-%d %H:%M:%S"), "username": e.username or "",
                 "action": e.action, "target": e.target} for e in recent_entries(session=session)]


async def audit_page(request: Request) -> Response:
    account = await require(request, "admin")
    return render(account, "audit.html", entries=await run_in_threadpool(_entries))
