"""A throwaway PostgreSQL server for the tests: its own cluster in a temporary directory, on loopback.

Uses Debian's PostgreSQL binaries (`apt install postgresql`); nothing needs to be running first.
Set DROM_TEST_POSTGRES_URL to use an existing server instead (a user allowed to create databases).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text


def create_database(admin_url: str, name: str) -> str:
    """Create (or recreate) database `name` on the server of `admin_url`; returns its URL."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return engine.url.set(database=name).render_as_string(hide_password=False)


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries; the message says how to get them."""


def _bin_dir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    if not candidates:
        raise PostgresUnavailable(
            "PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them "
            "(Debian/Ubuntu: `apt install postgresql`) or set DROM_TEST_POSTGRES_URL to a server "
            "where the user may create databases."
        )
    return Path(candidates[0]).parent


class PostgresServer:
    """Starts a private cluster; `database()` makes a fresh empty database and returns its URL."""

    def __init__(self, port: int) -> None:
        self.port = port
        self._dir = Path(tempfile.mkdtemp(prefix="drom-postgres-"))
        self._bin = _bin_dir()
        self._as_postgres = os.geteuid() == 0  # initdb and postgres refuse to run as root
        self._count = 0
        self.admin_url = f"postgresql+psycopg2://drom@127.0.0.1:{port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self._bin / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)

    def start(self) -> None:
        if self._as_postgres:
            shutil.chown(self._dir, "postgres", "postgres")
        data = self._dir / "data"
        self._run("initdb", "-D", str(data), "-U", "drom", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self._dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self._dir / "server.log"), "-w", "start")
        deadline = time.monotonic() + 30
        while True:
            try:
                with create_engine(self.admin_url).connect():
                    return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def database(self) -> str:
        self._count += 1
        return create_database(self.admin_url, f"drom_test_{self._count}")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self._dir / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)


class ExistingServer:
    """An already running server (DROM_TEST_POSTGRES_URL)."""

    def __init__(self, url: str) -> None:
        self.admin_url = url
        self._count = 0

    def database(self) -> str:
        self._count += 1
        return create_database(self.admin_url, f"drom_test_{os.getpid()}_{self._count}")
