"""`python -m bot run` (what `make run` ends with): starts Rasa and the gateway, and Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

pytestmark = pytest.mark.stack


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_run_prints_the_web_chat_and_ctrl_c_stops_everything(project_root: Path, database: str) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DROM_PORT": str(port),
        "RASA_PORT": str(free_port()),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"], cwd=project_root, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        lines = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "Drom is running" in line or not line:
                break
        assert f"http://127.0.0.1:{port}/" in lines[-1], lines
        assert httpx.get(f"http://127.0.0.1:{port}/healthcheck", timeout=5).json() == {"status": "ok"}
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(children) == 2  # Rasa (running the actions) and the gateway

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
        assert "Stopping Drom" in process.stdout.read()
        assert not [pid for pid in children if _alive(int(pid))]
    finally:
        if process.poll() is None:
            process.kill()
