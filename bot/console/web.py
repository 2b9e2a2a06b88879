"""What every console page shares: the signed-in account, CSRF checks, roles, templates, audit.

The session cookie carries a random token (HttpOnly, SameSite=Strict; Secure behind TLS); the
database keeps only its hash and the session's CSRF token. Every POST under /console must carry
that token (form field `csrf_token` or header `X-CSRF-Token`), or it gets 403.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.db.audit_repository import record
from bot.db.session import session_scope
from bot.db.user_repository import find_session
from bot.i18n import console_translations
from bot.languages import NATIVE_NAMES

SESSION_COOKIE = "drom_console"
TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    extensions=["jinja2.ext.i18n"],
)
TEMPLATES.globals["native_names"] = NATIVE_NAMES


class LoginRequired(Exception):
    """Raised by `require` for a browser without a session; answered with a redirect to the login page."""


@dataclass(frozen=True)
class Account:
    """The signed-in user, as pages need it (no database object outlives its session)."""

    id: int
    username: str
    roles: frozenset[str]
    languages: tuple[str, ...]
    locale: str
    csrf_token: str

    def has(self, role: str) -> bool:
        return role in self.roles

    def tr(self, message: str) -> str:
        """The console string in this account's language."""
        return console_translations(self.locale).gettext(message)


def _account(token: str) -> Account | None:
    with session_scope() as session:
        found = find_session(session=session, token=token)
        if found is None:
            return None
        user = found.user
        return Account(
            id=user.id,
            username=user.username,
            roles=frozenset(user.role_set),
            languages=tuple(user.language_codes),
            locale=user.locale,
            csrf_token=found.csrf_token,
        )


async def current_account(request: Request) -> Account | None:
    token = request.cookies.get(SESSION_COOKIE)
    return await run_in_threadpool(_account, token) if token else None


async def require(request: Request, *roles: str) -> Account:
    """The signed-in account, if it has one of `roles` (any role when none given).

    A browser without a session is sent to the login page; a signed-in account without the
    role gets 403. POSTs are checked for the session's CSRF token first.
    """
    account = await current_account(request)
    if account is None:
        raise LoginRequired()
    if request.method == "POST":
        await check_csrf(request, account.csrf_token)
    if roles and not account.roles.intersection(roles):
        raise HTTPException(403, account.tr("Your account may not open this page."))
    return account


async def check_csrf(request: Request, expected: str) -> None:
    given = request.headers.get("X-CSRF-Token", "")
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = str((await request.form()).get("csrf_token", ""))
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, "Missing or wrong CSRF token. Reload the page and try again.")


async def form_of(request: Request) -> FormData:
    return await request.form()


def render(account: Account | None, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a console template in the account's language (English before login)."""
    translations = console_translations(account.locale if account else "en")
    html = TEMPLATES.get_template(template).render(
        _=translations.gettext, ngettext=translations.ngettext, account=account, **context
    )
    return HTMLResponse(html, status_code=status_code)


def audit(username: str | None, action: str, target: str = "") -> None:
    """Record one console action (call from a worker thread or inside run_in_threadpool)."""
    with session_scope() as session:
        record(session=session, username=username, action=action, target=target)
