"""The load test's smoke run: a few people on Telegram and WhatsApp at once against the real stack
lose no message and duplicate none (`make load` runs the full one; no latency is asserted here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.report import machine, write_report
from tests.load.run import LoadOptions, run_load

pytestmark = pytest.mark.stack


def test_ten_people_on_both_channels_lose_nothing_and_duplicate_nothing(tmp_path: Path) -> None:
    result = run_load(LoadOptions(people=10, seconds=15, think=1.0, sample_every=1.0))
    result["machine"] = machine()
    report = write_report(result, tmp_path).read_text(encoding="utf-8")
    audit = result["audit"]
    assert audit["lost"] == 0 and audit["duplicated"] == 0, audit["examples"]
    assert "lost: 0, duplicated: 0" in report
    assert audit["sent_messages"] > 10 and audit["handoffs"] == 0
    assert all(channel["messages"] > 0 for channel in result["channels"].values())
    assert all(result["processes_alive"].values()), result["log_errors"]
