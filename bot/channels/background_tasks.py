"""The channels' background loops: sleeping until woken, and stopping them without hanging.

`asyncio.wait_for(event.wait(), timeout)` loses a cancellation that arrives in the same turn of the
event loop as `event.set()` (CPython gh-86296, still so on 3.10 and 3.11): it returns as if woken,
the loop goes round again, and whoever awaited the cancelled task waits forever. A gateway stopping
while an answer was being queued hung like that. `wait_until_woken` uses `asyncio.wait`, which
always lets the cancellation through, and `stop_tasks` gives up after a grace period anyway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

logger = logging.getLogger(__name__)


async def wait_until_woken(event: asyncio.Event, seconds: float) -> None:
    """Return when `event` is set or `seconds` have passed, whichever comes first (the event is not cleared)."""
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({waiter}, timeout=seconds)
    finally:
        waiter.cancel()


async def stop_tasks(tasks: Iterable[asyncio.Task], what: str, grace_seconds: float = 10.0) -> None:
    """Cancel `tasks` and wait at most `grace_seconds` for them to end, so that a stuck one cannot
    keep the gateway from stopping; what did not end is logged (by count, `what` names them)."""
    tasks = list(tasks)
    for task in tasks:
        task.cancel()
    if not tasks:
        return
    _ended, stuck = await asyncio.wait(tasks, timeout=grace_seconds)
    if stuck:
        logger.warning("%d %s did not stop within %.0f s", len(stuck), what, grace_seconds)
