"""Signing in and out of the console, and the account's own settings (its console language).

The login form is protected against cross-site posts by a double-submit token: a random value in
a SameSite cookie that must match the form's hidden field.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.console.login_throttle import LoginThrottle
from bot.console.web import SESSION_COOKIE, audit, current_account, render, require
from bot.db.audit_repository import record
from bot.db.session import session_scope
from bot.db.user_repository import CONSOLE_LOCALES, authenticate, end_session, set_locale, start_session

LOGIN_CSRF_COOKIE = "drom_login_csrf"
throttle = LoginThrottle()


def _secure(request: Request) -> bool:
    return bool(request.app.state.settings.console_secure_cookies)


def _safe_next(target: str | None) -> str:
    """Only paths inside the console, so the login page cannot send anyone elsewhere."""
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


async def login_page(request: Request) -> Response:
    if await current_account(request) is not None:
        return RedirectResponse("/console", status_code=303)
    return _login_form(request, error=None)


def _login_form(request: Request, error: str | None, status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        None, "login.html", status_code=status_code, error=error, login_csrf=token,
        next=_safe_next(request.query_params.get("next")),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/console"
    )
    return response


def _login(username: str, password: str) -> str | None:
    with session_scope() as session:
        user = authenticate(session=session, username=username, password=password)
        if user is None:
            record(session=session, username=None, action="login_failed", target="")
            return None
        record(session=session, username=user.username, action="login", target="")
        return start_session(session=session, user=user)


async def login(request: Request) -> Response:
    form = await request.form()
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    given = str(form.get("csrf_token", ""))
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, "Missing or wrong CSRF token. Reload the login page and try again.")
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))[:1000]
    address = request.client.host if request.client else "unknown"
    if throttle.blocked(username, address):
        return _login_form(request, "Too many failed attempts. Wait 15 minutes and try again.", 429)
    token = await run_in_threadpool(_login, username, password)
    if token is None:
        throttle.failed(username, address)
        return _login_form(request, "Wrong username or password.", 401)
    throttle.succeeded(username)
    response = RedirectResponse(_safe_next(str(form.get("next", ""))), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request), path="/console"
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console")
    return response


def _logout(token: str) -> None:
    with session_scope() as session:
        end_session(session=session, token=token)


async def logout(request: Request) -> Response:
    account = await require(request)
    await run_in_threadpool(_logout, request.cookies.get(SESSION_COOKIE, ""))
    await run_in_threadpool(audit, account.username, "logout")
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response


async def home(request: Request) -> Response:
    """Each role starts where its work is."""
    account = await require(request)
    if account.has("champion"):
        return RedirectResponse("/console/inbox", status_code=303)
    if account.has("staff"):
        return RedirectResponse("/console/faq", status_code=303)
    return RedirectResponse("/console/admin/users", status_code=303)


async def account_page(request: Request) -> Response:
    account = await require(request)
    return render(account, "account.html", locales=CONSOLE_LOCALES)


def _set_locale(user_id: int, locale: str) -> None:
    with session_scope() as session:
        set_locale(session=session, user_id=user_id, locale=locale)


async def save_account(request: Request) -> Response:
    account = await require(request)
    locale = str((await request.form()).get("locale", "en"))
    if locale not in CONSOLE_LOCALES:
        raise HTTPException(400, f"Choose one of {', '.join(CONSOLE_LOCALES)}.")
    await run_in_threadpool(_set_locale, account.id, locale)
    return RedirectResponse("/console/account", status_code=303)
