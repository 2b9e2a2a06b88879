"""Rasa's lock store: Redis when REDIS_URL is set, else Rasa's in-memory one.

Rasa takes a lock per conversation while it handles a message, so that the conversation's messages
are handled one at a time, in the order they arrived. Inside one Rasa process the in-memory lock
store does that; several Rasa instances sharing conversations (through the tracker store in Drom's
database) need the lock in Redis, where every instance sees it.

Configured in endpoints.yml (`lock_store: type: bot.rasa_lock_store.DromLockStore`); Rasa creates
it with the endpoint's configuration and this picks the store from Drom's settings, read in one
place (bot/settings.py), rather than from a second copy in endpoints.yml.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlparse

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from bot.settings import SettingsError, load_settings


def redis_lock_store(url: str) -> RedisLockStore:
    """Rasa's Redis lock store for a `redis://[user:password@]host[:port][/db]` URL."""
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss") or not parsed.hostname:
        raise SettingsError(f"REDIS_URL is {url!r}; write it as redis://host:6379/0 (or rediss:// for TLS).")
    database = parsed.path.lstrip("/") or "0"
    if not database.isdigit():
        raise SettingsError(f"REDIS_URL names database {database!r}; Redis databases are numbers: redis://host:6379/0.")
    return RedisLockStore(
        host=parsed.hostname,
        port=parsed.port or 6379,
        db=int(database),
        username=unquote(parsed.username) if parsed.username else None,
        password=unquote(parsed.password) if parsed.password else None,
        use_ssl=parsed.scheme == "rediss",
        key_prefix="drom",
    )


class DromLockStore(LockStore):
    """Not a store itself: creating one returns Redis's or the in-memory one (see the module docstring)."""

    def __new__(cls, endpoint_config: Any = None) -> LockStore:  # type: ignore[misc]
        url = load_settings().redis_url
        return redis_lock_store(url) if url else InMemoryLockStore()
