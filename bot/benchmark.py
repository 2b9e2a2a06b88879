"""`python -m bot bench`: simulated people talking to Drom through the web chat API at once.

Each simulated person holds a realistic conversation in one of the five languages (greeting, a
question per topic, a menu button, thanks), one message after the other, reading and typing for
a while between messages (`think` seconds on average, randomised by half either way; 0 sends the
next message as soon as the reply arrives), until the time is up.
Reported: reply latency (p50, p95, p99), messages per second, errors, the peak memory of each
process, and the floor: Rasa's own /model/parse latency for the same messages at the same
concurrency, so the whole path can be judged against it.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field

import httpx

from bot.settings import LANGUAGES

CONVERSATIONS = {
    "en": ["hello", "How do I register with a GP?", "Do I need a passport?", "/menu", "how do i get a school place", "thanks"],
    "sk": ["dobrý deň", "ako sa zaregistrujem u doktora", "je to zadarmo?", "/menu", "ako ziskam miesto v skole", "ďakujem"],
    "cs": ["dobrý den", "jak se zaregistruju u doktora", "stojí to neco?", "/menu", "jak ziskam misto ve skole", "děkuju"],
    "ro": ["buna ziua", "cum ma inregistrez la doctor", "este gratuit?", "/menu", "cum aplic pentru settled status", "multumesc"],
    "rom": ["lačho džives", "sar šaj man registrinav ko doktoris", "kampel te poťinel?", "/menu",
            "sar te kerav žadosť pal o settled status", "najis"],
}


@dataclass
class Samples:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


async def _pause(think: float, rng: random.Random) -> None:
    if think > 0:
        await asyncio.sleep(rng.uniform(think / 2, think * 1.5))


async def _person(client: httpx.AsyncClient, gateway: str, language: str, until: float, samples: Samples,
                  think: float, rng: random.Random) -> None:
    user = f"bench-{uuid.uuid4().hex[:12]}"
    turn = 0
    script = CONVERSATIONS[language]
    await _pause(think, rng)  # people do not all arrive in the same millisecond
    while time.monotonic() < until:
        text = script[turn % len(script)]
        body = {"user": user, **({"payload": text} if text.startswith("/") else {"text": text})}
        started = time.perf_counter()
        try:
            response = await client.post(f"{gateway}/api/messages", json=body)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or not response.json().get("messages"):
                samples.error(f"HTTP {response.status_code}" if response.status_code != 200 else "empty reply")
            else:
                samples.latencies_ms.append(elapsed)
        except httpx.HTTPError as error:
            samples.error(type(error).__name__)
        turn += 1
        await _pause(think, rng)


async def _parser(client: httpx.AsyncClient, rasa: str, language: str, until: float, samples: Samples,
                  think: float, rng: random.Random) -> None:
    texts = [t for t in CONVERSATIONS[language] if not t.startswith("/")]
    turn = 0
    await _pause(think, rng)
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            response = await client.post(f"{rasa}/model/parse", json={"text": texts[turn % len(texts)]})
            if response.status_code == 200:
                samples.latencies_ms.append((time.perf_counter() - started) * 1000)
            else:
                samples.error(f"HTTP {response.status_code}")
        except httpx.HTTPError as error:
            samples.error(type(error).__name__)
        turn += 1
        await _pause(think, rng)


async def drive(base: str, users: int, seconds: float, think: float, parse: bool = False) -> tuple[Samples, float]:
    """N people (or N parse loops against Rasa, same pace) for `seconds`; returns the samples and wall time."""
    rng = random.Random(11)
    samples = Samples()
    limits = httpx.Limits(max_connections=users + 5, max_keepalive_connections=users + 5)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.monotonic()
        until = started + seconds
        worker = _parser if parse else _person
        await asyncio.gather(*(worker(client, base, LANGUAGES[i % len(LANGUAGES)], until, samples, think, rng)
                               for i in range(users)))
        return samples, time.monotonic() - started


def summary(samples: Samples, wall_seconds: float) -> dict:
    values = samples.latencies_ms
    return {
        "messages": len(values),
        "p50_ms": round(percentile(values, 50), 1),
        "p95_ms": round(percentile(values, 95), 1),
        "p99_ms": round(percentile(values, 99), 1),
        "mean_ms": round(statistics.fmean(values), 1) if values else 0.0,
        "messages_per_second": round(len(values) / wall_seconds, 1) if wall_seconds else 0.0,
        "errors": samples.errors,
        "error_kinds": samples.error_kinds,
    }


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) the process has used so far; None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_ms_per_message(before: dict[str, float | None], after: dict[str, float | None], messages: int) -> dict:
    """Each process's CPU milliseconds per answered message between two `cpu_seconds` readings."""
    return {name: round((after[name] - start) * 1000 / messages, 1)  # type: ignore[operator]
            for name, start in before.items() if start is not None and after.get(name) is not None and messages}


def peak_memory_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM), in MB; None when it cannot be read."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None
