"""ISO 8601 durations (P2W, P3M, P1Y6M) and dates computed from a program's start.

The one date module: the build computes dates with these functions, and validation checks the
same limits with them, so a catalog that validates never overflows a date while building.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?\Z")

# Dates a catalog or roster may name: every date computed from them stays far inside Python's
# date range (durations are capped below, so the latest computed date is a few decades later).
MIN_DATE = dt.date(1970, 1, 1)
MAX_DATE = dt.date(2200, 12, 31)
# Average lengths, so that durations compare without a start date and P12M equals P1Y exactly.
_YEAR_DAYS = Fraction(146097, 400)  # the Gregorian calendar's mean year
_MONTH_DAYS = _YEAR_DAYS / 12
_PARTS = 4800  # a day in 4800ths: the mean year and month are whole numbers of them
_YEAR_PARTS, _MONTH_PARTS = int(_YEAR_DAYS * _PARTS), int(_MONTH_DAYS * _PARTS)
assert _YEAR_PARTS == _YEAR_DAYS * _PARTS and _MONTH_PARTS == _MONTH_DAYS * _PARTS


def source_date_epoch(root: Path) -> str:
    """The build's date in seconds: SOURCE_DATE_EPOCH if set, else the last commit's time, else
    0, so that the same input gives the same output."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else "0"
    except (OSError, subprocess.SubprocessError):
        return "0"


def epoch_from_environment() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, when set to whole seconds (reproducible files)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else None


class DateRangeError(ValueError):
    """A date or duration outside the limits the handbook can compute with."""


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
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            raise DateRangeError(f"{self.iso()} after {start.isoformat()} is beyond year 9999")
        day = min(start.day, calendar.monthrange(year, month)[1])
        try:
            return dt.date(year, month, day) + dt.timedelta(weeks=self.weeks, days=self.days)
        except OverflowError:
            raise DateRangeError(
                f"{self.iso()} after {start.isoformat()} is beyond year 9999"
            ) from None

    def approx_days(self) -> int:
        """Length in days without a start date (a month counts 30 days, a year 365)."""
        return self.years * 365 + self.months * 30 + self.weeks * 7 + self.days

    def mean_days(self) -> Fraction:
        """Exact length in average days (a year is 365.2425 days, a month a twelfth of it)."""
        return Fraction(self.mean_parts(), _PARTS)

    def mean_parts(self) -> int:
        """mean_days in 4800ths of a day: whole numbers, so comparing costs no fractions."""
        weeks_days = (self.weeks * 7 + self.days) * _PARTS
        return self.years * _YEAR_PARTS + self.months * _MONTH_PARTS + weeks_days

    def iso(self) -> str:
        """The duration as written in ISO 8601 (P0D for zero)."""
        units = ((self.years, "Y"), (self.months, "M"), (self.weeks, "W"), (self.days, "D"))
        return "P" + ("".join(f"{n}{u}" for n, u in units if n) or "0D")


@dataclass(frozen=True)
class Limits:
    """The shortest and longest allowed value of one kind of duration."""

    what: str  # "the cadence", "the program duration", ...
    shortest: Duration
    longest: Duration | None = None

    def check(self, text: str) -> Duration:
        """The parsed duration; DateRangeError naming the limit when it is outside."""
        value = Duration.parse(text)
        if value.mean_parts() < self.shortest.mean_parts():
            raise DateRangeError(f"{self.what} {text} is shorter than {self.shortest.iso()}")
        if self.longest is not None and value.mean_parts() > self.longest.mean_parts():
            raise DateRangeError(f"{self.what} {text} is longer than {self.longest.iso()}")
        return value


CADENCE = Limits("the cadence", Duration(days=1), Duration(years=1))
PROGRAM_DURATION = Limits("the program duration", Duration(weeks=1), Duration(years=5))
MILESTONE = Limits("the milestone", Duration(days=1), Duration(years=5))
KPI_PERIOD = Limits("the KPI period", Duration(days=1), Duration(years=10))


def parse_date(text: str) -> dt.date:
    """An ISO date (YYYY-MM-DD) within MIN_DATE..MAX_DATE; ValueError or DateRangeError if not."""
    day = dt.date.fromisoformat(text)
    if not MIN_DATE <= day <= MAX_DATE:
        raise DateRangeError(f"{text} is outside {MIN_DATE.isoformat()}..{MAX_DATE.isoformat()}")
    return day


def check_milestone(due: str, program_duration: str, *, stretch: bool = False) -> Duration:
    """A milestone offset: at least a day, at most five years, and not after the program ends
    unless the goal is a stretch goal (those run two to five years, beyond one program)."""
    value = MILESTONE.check(due)
    if not stretch and value.mean_parts() > Duration.parse(program_duration).mean_parts():
        raise DateRangeError(
            f"milestone {due} falls after the program ends ({program_duration});"
            " only stretch goals may have later milestones"
        )
    return value


def schedule(start: dt.date, every: Duration, count: int) -> list[dt.date]:
    """`count` dates from `start`, one every `every` (each computed from the start, so no drift)."""
    if every.approx_days() <= 0:
        raise DateRangeError("a cadence must be longer than zero days")
    out = []
    for n in range(count):
        step = Duration(every.years * n, every.months * n, every.weeks * n, every.days * n)
        out.append(step.after(start))
    return out


def check_schedule(cadence: str, rows: int) -> None:
    """The check-in log's dates are computable for any start up to MAX_DATE (a roster's pairs
    may start later than organization.yml's start_date); DateRangeError when not."""
    schedule(MAX_DATE, Duration.parse(cadence), rows)  # the cadence's limits: CADENCE.check
