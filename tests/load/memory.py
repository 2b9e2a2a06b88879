"""Resident memory of the stack's processes during a load run, and whether it stayed flat.

Each process is started in a session of its own (bot.stack), so its process group holds it and
anything it forks; the RSS of the whole group is read from /proc every few seconds.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

FLAT_MB = 10.0  # growth below this, and below FLAT_SHARE of the level, counts as flat
FLAT_SHARE = 0.05


Samples = list[tuple[float, dict[str, dict[str, float]]]]  # (seconds, {process: {field: MB}})
FIELDS = ("VmRSS", "RssAnon")  # all resident memory; the part that is heap (malloc, Python objects)


def _rss_kb(pid: str) -> dict[str, int]:
    found = dict.fromkeys(FIELDS, 0)
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                name, _, value = line.partition(":")
                if name in found:
                    found[name] = int(value.split()[0])
    except OSError:
        pass
    return found


def group_rss_mb(leader: int) -> dict[str, float]:
    """VmRSS and RssAnon of every process in `leader`'s process group, in MB (0 when it is gone)."""
    total = dict.fromkeys(FIELDS, 0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if os.getpgid(int(entry.name)) == leader:
                for name, kb in _rss_kb(entry.name).items():
                    total[name] += kb
        except OSError:
            continue
    return {name: round(kb / 1024, 1) for name, kb in total.items()}


async def sample(leaders: dict[str, int], every: float, into: Samples) -> None:
    """Until cancelled: (seconds since start, {process: {VmRSS, RssAnon} MB}) every `every` seconds."""
    started = time.monotonic()
    while True:
        reading = await asyncio.to_thread(lambda: {name: group_rss_mb(pid) for name, pid in leaders.items()})
        into.append((round(time.monotonic() - started, 1), reading))
        await asyncio.sleep(every)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _slope_per_minute(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB), in MB per minute."""
    if len(points) < 2:
        return 0.0
    mean_t, mean_v = _mean([t for t, _ in points]), _mean([v for _, v in points])
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    return 60 * sum((t - mean_t) * (v - mean_v) for t, v in points) / spread if spread else 0.0


def _fifths(values: list[float], fifth: int) -> tuple[float, float]:
    """The means of the first and the last `fifth` values."""
    return _mean(values[:fifth]), _mean(values[-fifth:])


def flatness(samples: Samples, warm_up: float) -> dict[str, dict]:
    """Per process, after the warm-up: mean RSS of the first and the last fifth, growth (also of the
    heap alone), slope, peak."""
    steady = [(t, reading) for t, reading in samples if t >= warm_up]
    fifth = max(1, len(steady) // 5)
    result = {}
    for name in (samples[0][1] if samples else {}):
        first, last = _fifths([reading[name]["VmRSS"] for _, reading in steady], fifth)
        heap_first, heap_last = _fifths([reading[name]["RssAnon"] for _, reading in steady], fifth)
        growth = last - first
        result[name] = {
            "first_fifth_mb": round(first, 1), "last_fifth_mb": round(last, 1), "growth_mb": round(growth, 1),
            "heap_growth_mb": round(heap_last - heap_first, 1),
            "mb_per_minute": round(_slope_per_minute([(t, reading[name]["VmRSS"]) for t, reading in steady]), 2),
            "peak_mb": max((reading[name]["VmRSS"] for _, reading in samples), default=0.0),
            "flat": growth < FLAT_MB and growth < FLAT_SHARE * max(first, 1.0),
        }
    return result
