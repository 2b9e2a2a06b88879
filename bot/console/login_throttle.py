"""Login attempts are rate-limited per username and per client address (in this process)."""

from __future__ import annotations

import time
from collections import defaultdict, deque

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 20


class LoginThrottle:
    """Counts failed logins in a sliding window; a success clears the username's count."""

    def __init__(self, clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        failures = self._failures[key]
        while failures and now - failures[0] > WINDOW_SECONDS:
            failures.popleft()
        return failures

    def blocked(self, username: str, address: str) -> bool:
        return (
            len(self._recent(f"user:{username.lower()}")) >= MAX_FAILURES_PER_USERNAME
            or len(self._recent(f"addr:{address}")) >= MAX_FAILURES_PER_ADDRESS
        )

    def failed(self, username: str, address: str) -> None:
        now = self._clock()
        self._failures[f"user:{username.lower()}"].append(now)
        self._failures[f"addr:{address}"].append(now)

    def succeeded(self, username: str) -> None:
        self._failures.pop(f"user:{username.lower()}", None)
