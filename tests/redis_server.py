"""A throwaway Redis server for the tests, on loopback, with nothing written to disk.

Uses Debian's redis-server (`make redis` installs it; `make test` does that first). Set
DROM_TEST_REDIS_URL to use an existing server instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import redis


class RedisUnavailable(RuntimeError):
    """No redis-server binary; the message says how to get one."""


class RedisServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = os.environ.get("DROM_REDIS_SERVER") or shutil.which("redis-server") or "/usr/sbin/redis-server"
        if not os.path.exists(binary) and not shutil.which(binary):
            raise RedisUnavailable("redis-server was not found. Run `make redis` (Debian's redis-server package) "
                                   "or set DROM_TEST_REDIS_URL to a running server.")
        self._process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        client = redis.Redis.from_url(self.url)
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
