"""Champions' weekly rotas: when is someone who speaks a language next on duty?

A rota is written the way people say it: "mon-fri 09:00-17:00; sat 10:00-13:00" (days in English
abbreviations, 24-hour times, in DROM_TIMEZONE). Champions without their own rota work the
default hours from CHAMPION_HOURS.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(r"^\s*([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class RotaError(ValueError):
    """A rota is not in the expected form; the message shows the form."""


@dataclass(frozen=True)
class Shift:
    weekday: int  # 0 = Monday
    start: dt.time
    end: dt.time


def parse_rota(text: str) -> list[Shift]:
    """'mon-fri 09:00-17:00; sat 10:00-13:00' -> shifts; raises RotaError with the expected form."""
    shifts = []
    for part in filter(str.strip, text.lower().split(";")):
        match = _PART.match(part)
        if not match or match.group(1) not in DAYS or (match.group(2) and match.group(2) not in DAYS):
            raise RotaError(f"{part.strip()!r} is not like 'mon-fri 09:00-17:00' (days mon..sun, 24-hour times).")
        first = DAYS.index(match.group(1))
        last = DAYS.index(match.group(2)) if match.group(2) else first
        try:
            start = dt.time(int(match.group(3)), int(match.group(4)))
            end = dt.time(int(match.group(5)), int(match.group(6)))
        except ValueError:
            raise RotaError(f"{part.strip()!r} has an impossible time.") from None
        if end <= start:
            raise RotaError(f"{part.strip()!r} ends before it starts.")
        days = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
        shifts += [Shift(day, start, end) for day in days]
    return shifts


def next_available(shifts: list[Shift], now: dt.datetime) -> dt.datetime | None:
    """`now` if a shift is running, else the start of the next shift within a week; None if no shifts."""
    best: dt.datetime | None = None
    for offset in range(8):
        day = (now + dt.timedelta(days=offset)).date()
        for shift in shifts:
            if shift.weekday != day.weekday():
                continue
            start = dt.datetime.combine(day, shift.start, tzinfo=now.tzinfo)
            end = dt.datetime.combine(day, shift.end, tzinfo=now.tzinfo)
            if start <= now < end:
                return now
            if start > now and (best is None or start < best):
                best = start
        if best is not None:
            return best
    return best
