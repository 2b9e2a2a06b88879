"""One load run: the real stack with both channels on their fakes, N people for T seconds, the audit.

The stack (bot.stack: Rasa, running Drom's actions, and the gateway as processes) gets a fresh SQLite
database in a temporary folder and free ports; Telegram long-polls a fake Bot API and WhatsApp
sends to a fake Graph API, both on 127.0.0.1 in this process. Half the people use each channel,
the languages taken in turn.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.benchmark import percentile
from bot.commands.db import upgrade
from bot.settings import LANGUAGES, load_settings
from bot.stack import Stack, free_port
from tests.fakes.telegram_bot_api import FakeTelegramServer
from tests.fakes.whatsapp_graph_api import FakeGraphServer
from tests.load.audit import audit_run
from tests.load.completion import CompletionWatcher
from tests.load.memory import Samples, flatness, sample
from tests.load.people import TELEGRAM_BOT_TOKEN, WHATSAPP_SECRET, Person, TelegramPeople, WhatsAppPeople, converse

SETTLE_SECONDS = 30.0  # after the people stop: time for anything still queued to be handled and delivered


@dataclass(frozen=True)
class LoadOptions:
    people: int = 200
    seconds: float = 300.0
    think: float = 3.0  # average seconds between an answer and the next message (half to 1.5 times)
    sample_every: float = 5.0  # seconds between memory samples

    @property
    def warm_up(self) -> float:
        """Memory samples before this are left out of the flatness figures (models loading, caches filling)."""
        return min(30.0, self.seconds / 5)


@contextmanager
def patched_environ(changes: dict[str, str]) -> Iterator[None]:
    """os.environ with `changes` (the stack's processes inherit it), restored afterwards."""
    saved = dict(os.environ)
    os.environ.update(changes)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def channel_environment(telegram_base_url: str, graph_base_url: str) -> dict[str, str]:
    """Both channels pointed at the fakes, as bot/settings.py reads them; Telegram long-polls."""
    return {
        "TELEGRAM_BOT_TOKEN": TELEGRAM_BOT_TOKEN, "TELEGRAM_API_BASE_URL": telegram_base_url,
        "TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_WEBHOOK_SECRET": "", "TELEGRAM_CHAMPIONS_CHAT_ID": "",
        "WHATSAPP_TOKEN": "load-test-token", "WHATSAPP_PHONE_NUMBER_ID": "555",
        "WHATSAPP_APP_SECRET": WHATSAPP_SECRET, "WHATSAPP_VERIFY_TOKEN": "load-test-verify",
        "WHATSAPP_API_BASE_URL": graph_base_url, "WHATSAPP_REOPEN_TEMPLATE": "",
    }


def make_people(count: int) -> list[Person]:
    people = []
    for index in range(count):
        language = LANGUAGES[(index // 2) % len(LANGUAGES)]
        if index % 2 == 0:
            people.append(Person("telegram", str(610000 + index), language))
        else:
            people.append(Person("whatsapp", f"44770{index:06d}", language))
    return people


def latency_figures(people: list[Person], seconds: float) -> dict:
    latencies = [t.latency_ms for p in people for t in p.turns if t.latency_ms is not None]
    return {
        "people": len(people), "messages": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "messages_per_second": round(len(latencies) / seconds, 1) if seconds else 0.0,
    }


def trend(people: list[Person], started: float, seconds: float) -> dict[str, dict[str, float]]:
    """Messages per second and p50 latency of the messages sent in the first and the last fifth of the run."""
    result = {}
    for name, begin in (("first_fifth", started), ("last_fifth", started + seconds * 4 / 5)):
        latencies = [t.latency_ms for p in people for t in p.turns
                     if t.latency_ms is not None and begin <= t.sent_at < begin + seconds / 5]
        result[name] = {"messages_per_second": round(len(latencies) / (seconds / 5), 1),
                        "p50_ms": round(percentile(latencies, 50), 1)}
    return result


def log_errors(log_dir: Path) -> dict[str, list[str]]:
    """Per process log, its ERROR and Traceback lines (the first few), as evidence of crashes and 500s."""
    found = {}
    for log in sorted(log_dir.glob("*.log")):
        lines = [line.strip() for line in log.read_text(errors="replace").splitlines()
                 if "ERROR" in line or "Traceback" in line]
        if lines:
            found[log.stem] = [f"{len(lines)} lines", *lines[:5]]
    return found


async def _drive(options: LoadOptions, stack: Stack, telegram: FakeTelegramServer, graph: FakeGraphServer) -> dict:
    loop = asyncio.get_running_loop()
    people = make_people(options.people)
    chats = {channel: {p.chat: p for p in people if p.channel == channel} for channel in ("telegram", "whatsapp")}
    watcher = CompletionWatcher(stack.settings.database_url)
    samples: Samples = []
    limits = httpx.Limits(max_connections=options.people + 5, max_keepalive_connections=options.people + 5)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        whatsapp = WhatsAppPeople(graph.fake, chats["whatsapp"], loop, client, stack.gateway_url)
        channels = {"telegram": TelegramPeople(telegram.fake, chats["telegram"], loop), "whatsapp": whatsapp}
        leaders = {name: process.pid for name, process in stack.processes.items()}
        background = [asyncio.create_task(watcher.run()),
                      asyncio.create_task(sample(leaders, options.sample_every, samples))]
        rng = random.Random(7)
        started = time.monotonic()
        until = started + options.seconds
        await asyncio.gather(*(converse(p, channels[p.channel], watcher, until, options.think, rng) for p in people))
        active = time.monotonic() - started
        settled = await watcher.settled(SETTLE_SECONDS)
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
    await asyncio.sleep(1.0)  # replies still on their way to a fake's listener
    telegram.fake.listeners.clear()  # this event loop ends here
    graph.fake.listeners.clear()
    return {
        "active_seconds": round(active, 1), "settled": settled,
        "channels": {name: latency_figures([p for p in people if p.channel == name], active) for name in chats},
        "all": latency_figures(people, active), "trend": trend(people, started, options.seconds),
        "webhook_statuses": dict(whatsapp.statuses),
        "audit": audit_run(stack.settings.database_url, people).as_dict(),
        "memory": flatness(samples, options.warm_up), "memory_samples": len(samples), "memory_series": samples,
        "processes_alive": {name: process.poll() is None for name, process in stack.processes.items()},
    }


def run_load(options: LoadOptions) -> dict:
    """Start everything, drive the people, audit, stop everything; the figures as one dict."""
    load_average_at_start = round(os.getloadavg()[0], 2)
    with tempfile.TemporaryDirectory(prefix="drom-load-") as tmp:
        url = f"sqlite:///{tmp}/load.db"
        upgrade(url)
        with FakeTelegramServer(free_port()) as telegram, FakeGraphServer(free_port()) as graph:
            with patched_environ(channel_environment(telegram.base_url, graph.base_url)):
                rasa_port = free_port()
                settings = dataclasses.replace(
                    load_settings(), database_url=url, port=free_port(), rasa_port=rasa_port,
                    rasa_url=f"http://127.0.0.1:{rasa_port}",
                )
                stack = Stack(settings=settings, log_dir=Path(tmp) / "logs")
                stack.start()
                try:
                    result = asyncio.run(_drive(options, stack, telegram, graph))
                finally:
                    stack.stop()
        result["log_errors"] = log_errors(Path(tmp) / "logs")
    return {"people": options.people, "seconds": options.seconds, "think_seconds": options.think,
            "load_average_at_start": load_average_at_start,
            "sample_every_seconds": options.sample_every, "warm_up_seconds": options.warm_up, **result}
