"""`python -m tests.load [--people 200] [--seconds 300] [--think 3] [--json]`: Drom under load, both channels.

Exits 1 when a message was lost or duplicated, or a process died; memory growth is reported, not judged.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.settings import REPORTS_DIR
from tests.load.report import machine, write_report
from tests.load.run import LoadOptions, run_load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.load", description=__doc__)
    add = parser.add_argument
    add("--people", type=int, default=200, help="simultaneous people, half per channel (default 200)")
    add("--seconds", type=float, default=300.0, help="how long they talk (default 300)")
    add("--think", type=float, default=3.0, help="average seconds from an answer to the next message (default 3)")
    add("--sample-every", type=float, default=5.0, help="seconds between memory samples (default 5)")
    add("--report-dir", default=str(REPORTS_DIR), help="where load.md goes")
    add("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    if not args.json:
        print(f"Starting the stack, then {args.people} people for {args.seconds:g} s ...", flush=True)
    result = run_load(LoadOptions(args.people, args.seconds, args.think, args.sample_every))
    result["machine"] = machine()
    path = write_report(result, Path(args.report_dir))
    audit = result["audit"]
    if args.json:
        print(json.dumps(result))
    else:
        both = result["all"]
        print(f"lost: {audit['lost']}, duplicated: {audit['duplicated']}; {both['messages']} messages, "
              f"p95 {both['p95_ms']} ms, {both['messages_per_second']} messages/s. Report: {path}")
    ok = audit["lost"] == 0 and audit["duplicated"] == 0 and all(result["processes_alive"].values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
