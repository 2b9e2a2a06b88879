"""`python -m bot ask`: one JSON object per message, the model loaded once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def ask(project_root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", "ask", *args],
        input=stdin, cwd=project_root, capture_output=True, text=True, env=os.environ.copy(), timeout=300,
    )


def test_ask_json_reads_one_message_per_line(project_root: Path) -> None:
    result = ask(project_root, "--json", stdin="Is the GP free?\n\nje GP zadarmo?\nwhat is the capital of peru\n")
    assert result.returncode == 0, result.stderr[-2000:]
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in records] == ["Is the GP free?", "je GP zadarmo?", "what is the capital of peru"]
    assert set(records[0]) == {"text", "language", "intent", "faq", "clarify", "confidence", "answer"}
    assert (records[0]["intent"], records[0]["faq"], records[0]["language"]) == ("faq", "gp.cost", "en")
    assert (records[1]["faq"], records[1]["language"]) == ("gp.cost", "sk")
    assert records[2]["intent"] == "out_of_scope" and records[2]["faq"] is None
    assert 0.0 <= records[0]["confidence"] <= 1.0 and "https://" in records[0]["answer"]


def test_ask_takes_messages_as_arguments_and_prints_for_people(project_root: Path) -> None:
    result = ask(project_root, "Cum aplic pentru settled status?", "school")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("> Cum aplic pentru settled status?\n") and "https://" in result.stdout
    assert "> school\nChoose a question:\n[Get a school place] [School age]" in result.stdout  # a bare topic lists its questions
