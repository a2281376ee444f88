"""ISO 8601 durations (P2W, P3M, P1Y6M) and dates computed from a program's start."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?\Z")


@dataclass(frozen=True)
class Duration:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _DURATION.match(text)
        if not match or text == "P":
            raise ValueError(f"not an ISO 8601 duration: {text!r}")
        return cls(*(int(g or 0) for g in match.groups()))

    def after(self, start: dt.date) -> dt.date:
        """The date this long after `start` (calendar months; the 31st clamps to month end)."""
        month_index = start.month - 1 + self.months + 12 * self.years
        year, month = start.year + month_index // 12, month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) + dt.timedelta(weeks=self.weeks, days=self.days)

    def approx_days(self) -> int:
        """Length in days without a start date (a month counts 30 days, a year 365)."""
        return self.years * 365 + self.months * 30 + self.weeks * 7 + self.days


def schedule(start: dt.date, every: Duration, count: int) -> list[dt.date]:
    """`count` dates from `start`, one every `every` (each computed from the start, so no drift)."""
    if every.approx_days() <= 0:
        raise ValueError("a cadence must be longer than zero days")
    out = []
    for n in range(count):
        step = Duration(every.years * n, every.months * n, every.weeks * n, every.days * n)
        out.append(step.after(start))
    return out
