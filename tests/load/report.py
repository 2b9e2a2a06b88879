"""reports/load.md: the load run's figures, with the definitions they rest on."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def machine() -> dict:
    with open("/proc/meminfo", encoding="ascii") as handle:
        memory_gib = round(int(handle.readline().split()[1]) / 1024 / 1024, 1)
    return {"cores": os.cpu_count(), "memory_gib": memory_gib, "platform": platform.platform(),
            "load_average_1min": round(os.getloadavg()[0], 2)}


DEFINITIONS = """\
How the counts are made (tests/load/audit.py). Each person sends a message, waits until it is
answered completely (its update stored and handled, and nothing left in the outbox or held for
Rasa for that chat, as the database says), reads for a while and sends the next. Afterwards three
records are compared: what each person sent and when it was complete; every message the fake Bot
API and the fake Graph API received, per chat, in order; and the database.

- **Lost**: a message never answered completely or answered with nothing at the fake, an update
  not stored as handled, an outbox row never delivered, or a message the outbox holds (rendered as
  the channel renders it) that the fake never received.
- **Duplicated**: a message the fake received more often than the outbox holds it (delivered
  twice), or an outbox row queued while its person had no message in flight (a message handled
  again after it was answered: a redelivered update, a webhook Meta-style retried).
- **Latency**: from handing the message to the channel (queued for getUpdates, or the webhook POST
  started) to the first reply arriving at the fake: polling, storing, Rasa, the outbox and sending.
- **Memory**: resident memory of each process group (/proc, every few seconds); after the warm-up,
  the mean of the first fifth of the samples against the mean of the last fifth, and the slope.
"""


def _latency_rows(result: dict) -> list[str]:
    rows = ["| | people | messages answered | p50 ms | p95 ms | p99 ms | messages/s |",
            "|---|---|---|---|---|---|---|"]
    for name, figures in [*result["channels"].items(), ("both", result["all"])]:
        rows.append(f"| {name} | {figures['people']} | {figures['messages']} | {figures['p50_ms']} | "
                    f"{figures['p95_ms']} | {figures['p99_ms']} | {figures['messages_per_second']} |")
    return rows


def _memory_rows(result: dict) -> list[str]:
    rows = ["| process | first fifth MB | last fifth MB | growth MB | of it heap MB | MB/min | peak MB | flat |",
            "|---|---|---|---|---|---|---|---|"]
    for name, m in result["memory"].items():
        rows.append(f"| {name} | {m['first_fifth_mb']} | {m['last_fifth_mb']} | {m['growth_mb']} | "
                    f"{m['heap_growth_mb']} | {m['mb_per_minute']} | {m['peak_mb']} | "
                    f"{'yes' if m['flat'] else 'NO'} |")
    return rows


def _counts_rows(audit: dict) -> list[str]:
    names = ["lost: unanswered", "unhandled update", "undelivered row", "missing at fake",
             "duplicated: delivered twice", "handled again", "chats out of order", "late (> 2 min)", "handoffs"]
    keys = ["unanswered", "unhandled", "undelivered", "missing_at_fake", "delivered_twice", "handled_again",
            "out_of_order_chats", "late", "handoffs"]
    values = [str(audit[k]) for k in keys]
    return ["| " + " | ".join(names) + " |", "|" + "---|" * len(names), "| " + " | ".join(values) + " |"]


def _setting(result: dict) -> list[str]:
    m = result["machine"]
    command = (f"python -m tests.load --people {result['people']} --seconds {result['seconds']:g} "
               f"--think {result['think_seconds']:g}")
    return [
        f"`{command}` on {m['cores']} cores, {m['memory_gib']} GiB, {m['platform']}.", "",
        "The real stack (Rasa, running Drom's actions, and the gateway as processes, SQLite), Telegram long-polling a "
        "fake Bot API and WhatsApp webhooks signed and posted to the gateway, fakes on 127.0.0.1. "
        f"{result['people']} people, half on each channel, the five languages in turn, one realistic conversation "
        f"each, {result['think_seconds']:g} s thinking on average, for {result['seconds']:g} s (finished after "
        f"{result['active_seconds']} s, with every message in flight answered).",
    ]


def _waits(result: dict) -> str:
    waits = "; ".join(f"{channel} p50 {v['p50']}, p95 {v['p95']}"
                      for channel, v in result["audit"]["stored_to_handled_ms"].items())
    first, last = result["trend"]["first_fifth"], result["trend"]["last_fifth"]
    return (f"Messages sent in the first fifth of the run: {first['messages_per_second']} answered per second, "
            f"p50 {first['p50_ms']} ms; in the last fifth: {last['messages_per_second']} per second, p50 "
            f"{last['p50_ms']} ms. From stored to handled (the wait at the channel's handler, which takes one "
            f"update at a time, plus Rasa), ms: {waits}. Load average (1 min) when the run began: "
            f"{result['load_average_at_start']}, at its end: {result['machine']['load_average_1min']} "
            "(the machine is shared).")


def _health(result: dict) -> list[str]:
    statuses = ", ".join(f"{k} × {v}" for k, v in sorted(result["webhook_statuses"].items()))
    alive = ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in result["processes_alive"].items())
    errors = ", ".join(f"{k} {v[0]}" for k, v in result["log_errors"].items()) or "none"
    return [f"WhatsApp webhook answers: {statuses}.",
            f"Processes alive at the end: {alive}. Errors in their logs: {errors}."]


def write_report(result: dict, out_dir: Path) -> Path:
    audit = result["audit"]
    examples = ["Examples:", "", *[f"- {e}" for e in audit["examples"]], ""] if audit["examples"] else []
    lines = [
        "# Drom: load test", "", *_setting(result), "",
        f"**lost: {audit['lost']}, duplicated: {audit['duplicated']}** "
        f"({audit['sent_messages']} messages sent, {audit['stored_updates']} updates stored).", "",
        *_counts_rows(audit), "", *_latency_rows(result), "", _waits(result), "",
        f"Memory (RSS per process group, sampled every {result['sample_every_seconds']:g} s, "
        f"{result['memory_samples']} samples, warm-up {result['warm_up_seconds']:g} s left out):", "",
        *_memory_rows(result), "", *_health(result), "", *examples, DEFINITIONS,
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "load.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
