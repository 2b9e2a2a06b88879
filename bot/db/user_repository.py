"""Console accounts and their browser sessions (2.0-style `select()`, keyword-only `session`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import ConsoleSession, User, utcnow
from bot.settings import LANGUAGES

ROLES = ("admin", "staff", "champion")
CONSOLE_LOCALES = ("en", "sk", "cs", "ro")
MIN_PASSWORD_LENGTH = 10
SESSION_IDLE_LIMIT = dt.timedelta(hours=12)

_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")


class AccountError(ValueError):
    """A request to create or change an account that cannot be met; the message says why."""


def _codes(raw: str, allowed: tuple[str, ...], what: str) -> str:
    codes = [code.strip() for code in raw.split(",") if code.strip()]
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise AccountError(f"Unknown {what} {', '.join(unknown)}; choose from {', '.join(allowed)}.")
    return ",".join(dict.fromkeys(codes))


def create_user(
    *, session: Session, username: str, password: str, roles: str, languages: str = "", locale: str = "en"
) -> User:
    """Create an account; raises AccountError for a taken name, a short password or unknown codes."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("A username has 1 to 64 characters.")
    if session.scalars(select(User).where(User.username == username)).first() is not None:
        raise AccountError(f"The username {username!r} is taken.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    role_codes = _codes(roles, ROLES, "role")
    if not role_codes:
        raise AccountError(f"Give at least one role: {', '.join(ROLES)}.")
    language_codes = _codes(languages, LANGUAGES, "language")
    if "champion" in role_codes.split(",") and not language_codes:
        raise AccountError("A champion needs --languages, e.g. sk,rom: they see handoffs in those languages.")
    user = User(
        username=username,
        password_hash=_hasher.hash(password),
        roles=role_codes,
        languages=language_codes,
        locale=_codes(locale, CONSOLE_LOCALES, "console language") or "en",
    )
    session.add(user)
    session.flush()
    return user


def set_locale(*, session: Session, user_id: int, locale: str) -> None:
    session.get(User, user_id).locale = _codes(locale, CONSOLE_LOCALES, "console language") or "en"


def list_users(*, session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def count_users(*, session: Session) -> int:
    return len(list(session.scalars(select(User.id))))


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The active user with this name and password, or None (in about the same time either way)."""
    user = session.scalars(select(User).where(User.username == username.strip())).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(*, session: Session, user: User) -> str:
    """A new browser session for `user`; returns the cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(ConsoleSession(token_hash=_token_hash(token), user=user, csrf_token=secrets.token_urlsafe(32)))
    return token


def find_session(*, session: Session, token: str) -> ConsoleSession | None:
    """The live session for a cookie token; idle sessions expire."""
    found = session.scalars(select(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token))).first()
    if found is None or not found.user.active:
        return None
    now = utcnow()
    if now - found.last_seen_at > SESSION_IDLE_LIMIT:
        session.delete(found)
        return None
    found.last_seen_at = now
    return found


def end_session(*, session: Session, token: str) -> None:
    session.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token)))
