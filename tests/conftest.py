"""Shared fixtures. The environment is set before any Drom module reads its settings."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="drom-tests-"))
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'drom.db'}"
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bot.commands.db import upgrade  # noqa: E402
from bot.settings import PROJECT_ROOT, Settings, load_settings  # noqa: E402
from bot.stack import free_port  # noqa: E402

LANGUAGES = ("rom", "sk", "cs", "ro", "en")


@pytest.fixture(scope="session", autouse=True)
def database() -> str:
    """A fresh SQLite database for the whole run, migrated and seeded like `make run` does."""
    url = os.environ["DATABASE_URL"]
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def postgres():  # type: ignore[no-untyped-def]
    """A real PostgreSQL server for the run (tests/postgres_server.py says where it comes from)."""
    from tests.postgres_server import ExistingServer, PostgresServer

    existing = os.environ.get("DROM_TEST_POSTGRES_URL")
    if existing:
        yield ExistingServer(existing)
        return
    server = PostgresServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real Redis server for the run (tests/redis_server.py), or DROM_TEST_REDIS_URL."""
    from tests.redis_server import RedisServer

    existing = os.environ.get("DROM_TEST_REDIS_URL")
    if existing:
        yield existing
        return
    server = RedisServer(free_port())
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path: Path) -> str:  # type: ignore[no-untyped-def]
    """The URL of a new, empty database: SQLite and PostgreSQL in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return str(request.getfixturevalue("postgres").database())


@pytest.fixture(scope="session")
def tmp_root() -> Path:
    return _TMP


@pytest.fixture(scope="session")
def nlu_model():  # type: ignore[no-untyped-def]
    """The trained model (built by `make test` before pytest), loaded once in this process."""
    from bot.db.faq_repository import list_keys
    from bot.db.session import session_scope
    from bot.nlu_model import NluModel

    with session_scope() as session:
        keys = set(list_keys(session=session))
    return NluModel(load_settings().model_path, keys)


@pytest.fixture(scope="session")
def stack_settings(database: str) -> Settings:
    rasa_port = free_port()
    base = load_settings()
    return Settings(
        **{
            **base.__dict__,
            "database_url": database,
            "port": free_port(),
            "rasa_port": rasa_port,
            "rasa_url": f"http://127.0.0.1:{rasa_port}",
        }
    )


@pytest.fixture(scope="session")
def stack(stack_settings: Settings) -> Iterator[str]:
    """Rasa (running Drom's actions) and the gateway, really running; yields the gateway's URL."""
    from bot.stack import Stack

    running = Stack(settings=stack_settings, log_dir=_TMP / "logs")
    running.start()
    try:
        yield running.gateway_url
    finally:
        running.stop()


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT
