"""Run an ASGI app with uvicorn on 127.0.0.1 in a background thread, for the fakes of outside APIs."""

from __future__ import annotations

import threading
import time

import uvicorn


class BackgroundServer:
    def __init__(self, app, port: int) -> None:  # type: ignore[no-untyped-def]
        self.port = port
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none",
                                                     timeout_graceful_shutdown=5))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self):  # type: ignore[no-untyped-def]
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
        if self._thread.is_alive():
            raise RuntimeError(f"The server on port {self.port} did not stop within 15 s; later tests would share it.")
