"""`python -m bot bench [--users N] [--seconds T] [--json]`: Drom's speed under N simultaneous people.

Starts the stack on embedded defaults (a fresh SQLite database in a temporary folder, free ports)
unless `--gateway` and `--rasa` name running ones, warms it up, drives the simulated people
(bot.benchmark), then measures Rasa's own parse latency at the same concurrency for as long, and writes
reports/benchmark.md with a latency chart.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import platform
import tempfile
from pathlib import Path

from bot.benchmark import cpu_ms_per_message, cpu_seconds, drive, peak_memory_mb, summary
from bot.settings import REPORTS_DIR, load_settings

WARM_UP_SECONDS = 3.0


def _memory_total_gib() -> float:
    with open("/proc/meminfo", encoding="ascii") as handle:
        return round(int(handle.readline().split()[1]) / 1024 / 1024, 1)


def _chart(path: Path, whole: list[float], floor: list[float]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, 4))
    top = max([*whole, *floor, 1.0])
    bins = [top * i / 40 for i in range(41)]
    axes.hist(whole, bins=bins, alpha=0.7, label="web chat API (whole path)")
    axes.hist(floor, bins=bins, alpha=0.7, label="Rasa /model/parse (floor)")
    axes.set_xlabel("reply latency (ms)")
    axes.set_ylabel("messages")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _report(result: dict, out_dir: Path, whole: list[float], floor: list[float]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    _chart(out_dir / "benchmark-latency.png", whole, floor)
    r = result
    lines = [
        "# Drom: benchmark", "",
        f"`python -m bot bench --users {r['users']} --seconds {r['seconds']} --think {r['think_seconds']}` on {r['machine']['cores']} cores, "
        f"{r['machine']['memory_gib']} GiB, {r['machine']['platform']}.", "",
        "| | p50 ms | p95 ms | p99 ms | messages/s | errors |", "|---|---|---|---|---|---|",
        f"| web chat API, whole path | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['messages_per_second']} | {r['errors']} |",
        f"| Rasa /model/parse (floor) | {r['parse_floor_p50_ms']} | {r['parse_floor_p95_ms']} | | {r['parse_floor_messages_per_second']} | |",
        "", f"Whole path p95 / parse floor p95: {r['ratio_to_floor']}.", "",
        "Peak memory (resident, MB): " + ", ".join(f"{k} {v}" for k, v in r["peak_memory_mb"].items()) + ".", "",
        "CPU per answered message (ms, during the whole-path run): "
        + (", ".join(f"{k} {v}" for k, v in r["cpu_ms_per_message"].items()) or "not measured (--gateway)") + ".", "",
        "![latency](benchmark-latency.png)", "",
    ]
    (out_dir / "benchmark.md").write_text("\n".join(lines), encoding="utf-8")


def _measure(args: argparse.Namespace, gateway: str, rasa: str, pids: dict[str, int]) -> tuple[dict, list, list]:
    asyncio.run(drive(gateway, min(args.users, 5), WARM_UP_SECONDS, think=0))
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    whole, wall = asyncio.run(drive(gateway, args.users, args.seconds, args.think))
    cpu_after = {name: cpu_seconds(pid) for name, pid in pids.items()}
    floor, floor_wall = asyncio.run(drive(rasa, args.users, args.seconds, args.think, parse=True))  # as long: as many samples
    result = {"users": args.users, "seconds": args.seconds, "think_seconds": args.think, **summary(whole, wall)}
    floor_summary = summary(floor, floor_wall)
    result.update({
        "parse_floor_p50_ms": floor_summary["p50_ms"],
        "parse_floor_p95_ms": floor_summary["p95_ms"],
        "parse_floor_messages_per_second": floor_summary["messages_per_second"],
        "ratio_to_floor": round(result["p95_ms"] / floor_summary["p95_ms"], 2) if floor_summary["p95_ms"] else None,
        "peak_memory_mb": {name: peak_memory_mb(pid) for name, pid in pids.items()},
        "cpu_ms_per_message": cpu_ms_per_message(cpu_before, cpu_after, len(whole.latencies_ms)),
        "machine": {"cores": os.cpu_count(), "memory_gib": _memory_total_gib(), "platform": platform.platform()},
    })
    return result, whole.latencies_ms, floor.latencies_ms


def main(args: argparse.Namespace) -> int:
    if args.gateway and args.rasa:
        result, whole, floor = _measure(args, args.gateway.rstrip("/"), args.rasa.rstrip("/"), {})
    else:
        from bot.commands.db import upgrade
        from bot.stack import Stack, free_port

        with tempfile.TemporaryDirectory(prefix="drom-bench-") as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            upgrade(url)
            rasa_port = free_port()
            settings = dataclasses.replace(
                load_settings(), database_url=url, port=free_port(), rasa_port=rasa_port,
                rasa_url=f"http://127.0.0.1:{rasa_port}",
            )
            stack = Stack(settings=settings, log_dir=Path(tmp) / "logs")
            print("Starting Rasa and the gateway ...", flush=True)
            stack.start()
            try:
                pids = {name: process.pid for name, process in stack.processes.items()}
                result, whole, floor = _measure(args, stack.gateway_url, settings.rasa_url, pids)
            finally:
                stack.stop()
    _report(result, Path(args.report_dir), whole, floor)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['messages']} messages, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms, "
              f"{result['messages_per_second']} messages/s, {result['errors']} errors; parse floor p95 "
              f"{result['parse_floor_p95_ms']} ms. Report: {Path(args.report_dir) / 'benchmark.md'}")
    return 0 if result["errors"] == 0 else 1


def add_parser(commands: argparse._SubParsersAction) -> None:
    bench = commands.add_parser("bench", help="reply latency and throughput with N simultaneous people")
    bench.add_argument("--users", type=int, default=50, help="simultaneous simulated people (default 50)")
    bench.add_argument("--seconds", type=float, default=30.0, help="how long to drive them (default 30)")
    bench.add_argument("--think", type=float, default=3.0,
                       help="average seconds a person reads and types between messages (default 3; 0: none)")
    bench.add_argument("--json", action="store_true", help="also print one JSON object with the figures")
    bench.add_argument("--report-dir", default=str(REPORTS_DIR), help="where benchmark.md goes")
    bench.add_argument("--gateway", help="use this running gateway instead of starting the stack")
    bench.add_argument("--rasa", help="with --gateway: the running Rasa server for the parse floor")
