"""Starting and stopping Drom's processes: Rasa (with Drom's actions inside) and the gateway.

Used by `python -m bot run` (and so `make run`), by the end-to-end tests and by benchmarks.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.settings import PROJECT_ROOT, Settings


_random = random.SystemRandom()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now (for throwaway stacks: tests, benchmarks).

    Picked below the kernel's ephemeral range (32768 and up on Linux): a port from that range can
    be taken as the local end of any outgoing connection in the seconds before Rasa binds it.
    """
    for _ in range(100):
        port = _random.randrange(20000, 32000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _channel_environment(settings: Settings) -> dict[str, str]:
    """The channels' settings as the gateway reads them, for a stack whose settings were built in code."""
    telegram, whatsapp = settings.telegram, settings.whatsapp
    values = {
        "TELEGRAM_BOT_TOKEN": telegram.bot_token, "TELEGRAM_API_BASE_URL": telegram.api_base_url,
        "TELEGRAM_CHAMPIONS_CHAT_ID": telegram.champions_chat_id, "TELEGRAM_WEBHOOK_URL": telegram.webhook_url,
        "TELEGRAM_WEBHOOK_SECRET": telegram.webhook_secret,
    } if telegram.enabled else {}
    if whatsapp.enabled:
        values.update({
            "WHATSAPP_TOKEN": whatsapp.token, "WHATSAPP_PHONE_NUMBER_ID": whatsapp.phone_number_id,
            "WHATSAPP_APP_SECRET": whatsapp.app_secret, "WHATSAPP_VERIFY_TOKEN": whatsapp.verify_token,
            "WHATSAPP_API_BASE_URL": whatsapp.api_base_url, "WHATSAPP_REOPEN_TEMPLATE": whatsapp.reopen_template,
        })
    return {name: str(value) for name, value in values.items() if value is not None}


class StackError(RuntimeError):
    """A process did not start; the message says which and where its output went."""


@dataclass
class Stack:
    settings: Settings
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    _launches: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)
    _checks: dict[str, str] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    @property
    def rasa_urls(self) -> list[str]:
        """The Rasa instances this stack starts: RASA_INSTANCES of them, on RASA_PORT and the ports after it."""
        return [f"http://127.0.0.1:{self.settings.rasa_port + n}" for n in range(self.settings.rasa_instances)]

    @staticmethod
    def rasa_name(index: int) -> str:
        """The process name of the index-th Rasa instance: rasa, rasa2, rasa3, ..."""
        return "rasa" if index == 0 else f"rasa{index + 1}"

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._launches[name] = (args, env)
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
            args, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def start(self, timeout_seconds: float = 180.0) -> None:
        """Start the Rasa instances (each runs Drom's actions, bot/rasa_actions.py) and the gateway,
        and wait until each answers; raises StackError if one does not."""
        if not self.settings.model_path.exists():
            raise StackError(f"No trained model at {self.settings.model_path}. Run `make train`.")
        s = self.settings
        env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "DATABASE_URL": s.database_url,
            "RASA_URL": ",".join(self.rasa_urls),
            "DROM_HOST": s.host,
            "DROM_PORT": str(s.port),
            **({"REDIS_URL": s.redis_url} if s.redis_url else {}),
            **_channel_environment(s),
        }
        python = sys.executable
        checks: dict[str, str] = {}
        for index, url in enumerate(self.rasa_urls):
            self._spawn(
                self.rasa_name(index),
                [
                    python, "-m", "bot.rasa_server", "run", "--enable-api", "--model", str(s.model_path),
                    "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
                    "--interface", "127.0.0.1", "--port", url.rsplit(":", 1)[1], "--quiet",
                ],
                env,
            )
            checks[self.rasa_name(index)] = f"{url}/status"
        self._spawn("gateway", [python, "-m", "bot", "serve"], env)
        checks["gateway"] = f"{self.gateway_url}/healthcheck"
        self._checks = checks
        deadline = time.monotonic() + timeout_seconds
        for name, url in checks.items():
            self._wait_until_ready(name, url, deadline)

    def kill(self, name: str) -> None:
        """Kill one process at once (SIGKILL), as a crash would; for the fault tests."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def restart(self, name: str, timeout_seconds: float = 180.0) -> None:
        """Start one process again as it was started, and wait until it answers."""
        args, env = self._launches[name]
        self._spawn(name, args, env)
        self._wait_until_ready(name, self._checks[name], time.monotonic() + timeout_seconds)

    def _wait_until_ready(self, name: str, url: str, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                self.stop()
                raise StackError(f"{name} exited at start; see {self.log_dir / (name + '.log')}.")
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise StackError(f"{name} did not answer at {url} in time; see {self.log_dir / (name + '.log')}.")

    def stop(self, grace_seconds: float = 15.0) -> None:
        """Ask every process to stop (SIGTERM), then kill what is still running after the grace time."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_seconds
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()

    def wait(self) -> str | None:
        """Block until any process exits; returns its name (None if interrupted)."""
        while True:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    return name
            time.sleep(0.5)
