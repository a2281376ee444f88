"""`handbook worksheets --roster pairs.csv --ics`: one iCalendar file per pair, one for the team.

Each pair's file holds its check-ins (one recurring event by the program's cadence until the
pair's end), its goals' milestones as all-day events dated from the pair's start, and the
mid-point and end surveys. UIDs hash the pair and the event, so a rerun updates a subscribed or
re-imported calendar instead of duplicating it; DTSTAMP comes from SOURCE_DATE_EPOCH, so the
same roster gives the same bytes. With `time_zone` in organization.yml check-ins are timed
(09:00 local, the usual meeting length) in that zone; without it every event is a floating
all-day date, shown on the same day wherever the file is opened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from pathlib import Path

from icalendar import Calendar, Event, vRecur

from generator.catalog.model import Catalog
from generator.dates import Duration, epoch_from_environment
from generator.pdf.render import Pair, review_dates
from generator.problems import HandbookError
from generator.report.read import pair_id

PRODID = "-//mentoring-handbook//handbook worksheets --ics//EN"
CHECK_IN_HOUR = 9  # only with a time zone: a timed default the pair moves to their own hour


def recurrence(cadence: Duration) -> dict[str, str | int]:
    """RRULE FREQ and INTERVAL for an ISO 8601 cadence (P2W: WEEKLY every 2).

    A cadence mixing months and days has no exact rule; it repeats by its length in days.
    """
    months = cadence.years * 12 + cadence.months
    days = cadence.weeks * 7 + cadence.days
    if months and not days:
        return (
            {"FREQ": "YEARLY", "INTERVAL": months // 12}
            if months % 12 == 0
            else {
                "FREQ": "MONTHLY",
                "INTERVAL": months,
            }
        )
    if not months and days % 7 == 0:
        return {"FREQ": "WEEKLY", "INTERVAL": days // 7}
    return {"FREQ": "DAILY", "INTERVAL": cadence.approx_days()}


def stamp() -> dt.datetime:
    """DTSTAMP: SOURCE_DATE_EPOCH when set (reproducible files), else now; UTC."""
    return epoch_from_environment() or dt.datetime.now(dt.UTC).replace(microsecond=0)


def uid(owner: str, key: str) -> str:
    """A stable UID: the same pair (or team) and event give the same UID on every run."""
    return hashlib.sha256(f"{owner}\0{key}".encode()).hexdigest()[:32] + "@mentoring-handbook"


def _event(
    owner: str, key: str, summary: str, start: dt.date | dt.datetime, when: dt.datetime
) -> Event:
    event = Event()
    event.add("uid", uid(owner, key))
    event.add("dtstamp", when)
    event.add("summary", summary)
    event.add("dtstart", start)
    if not isinstance(start, dt.datetime):  # an all-day event lasts its day
        event.add("dtend", start + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    return event


def _calendar(catalog: Catalog, name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    if catalog.organization.time_zone:
        cal.add("x-wr-timezone", catalog.organization.time_zone)
    return cal


def _zone(catalog: Catalog) -> zoneinfo.ZoneInfo | None:
    name = catalog.organization.time_zone
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise HandbookError(
            f"organization.yml: time_zone '{name}' is not a known IANA time zone "
            "(for example Europe/Berlin)"
        ) from None


def pair_calendar(catalog: Catalog, pair: Pair, when: dt.datetime) -> Calendar:
    """One pair's check-ins, milestones and surveys."""
    org = catalog.organization
    owner = pair_id(pair.mentee, pair.mentor)
    start = dt.date.fromisoformat(pair.start)
    length = Duration.parse(org.duration)
    end = length.after(start)
    cal = _calendar(catalog, f"{org.program_name}: {pair.mentee} · {pair.mentor}")
    zone = _zone(catalog)
    rule = recurrence(Duration.parse(org.cadence))
    summary = f"{catalog.ui('calendar.check_in')}: {pair.mentee} · {pair.mentor}"
    if zone is None:
        check_in = _event(owner, "check-ins", summary, start, when)
        check_in.add("rrule", vRecur({**rule, "UNTIL": end}))
    else:
        first = dt.datetime.combine(start, dt.time(CHECK_IN_HOUR), zone)
        check_in = _event(owner, "check-ins", summary, first, when)
        check_in.add("duration", dt.timedelta(minutes=org.meeting_minutes))
        until = dt.datetime.combine(end, dt.time(23, 59, 59), zone).astimezone(dt.UTC)
        check_in.add("rrule", vRecur({**rule, "UNTIL": until}))
    minutes = f"{org.meeting_minutes} {catalog.ui('worksheet.minutes')}"
    check_in.add(
        "description",
        f"{catalog.ui('calendar.length')}: {minutes}; {catalog.ui('calendar.agree_time')}",
    )
    cal.add_component(check_in)
    goals = [catalog.goal(g) for g in pair.goals] if pair.goals else catalog.goals_for("mentee")
    for goal in goals:
        for n, ms in enumerate(goal.milestones, 1):
            day = Duration.parse(ms.due).after(start)
            title = f"{catalog.ui('calendar.milestone')}: {goal.title}: {ms.title}"
            cal.add_component(_event(owner, f"milestone:{goal.id}:{n}", title, day, when))
    for point, day in review_dates(length, start):
        title = catalog.ui(f"calendar.{point}")
        cal.add_component(_event(owner, f"survey:{point}", title, day, when))
    if zone is not None:
        cal.add_missing_timezones()
    return cal


def team_calendar(catalog: Catalog, pairs: list[Pair], when: dt.datetime) -> Calendar:
    """The program team's: every pair's mid-point and end surveys."""
    cal = _team_header(catalog)
    for pair in pairs:
        for event in _team_events(catalog, pair, when):
            cal.add_component(event)
    return cal


def _team_header(catalog: Catalog) -> Calendar:
    return _calendar(
        catalog, f"{catalog.organization.program_name}: {catalog.ui('calendar.surveys')}"
    )


def _team_events(catalog: Catalog, pair: Pair, when: dt.datetime) -> list[Event]:
    """One pair's events in the team calendar: its mid-point and end surveys."""
    owner = "team:" + pair_id(pair.mentee, pair.mentor)
    start = dt.date.fromisoformat(pair.start)
    length = Duration.parse(catalog.organization.duration)
    return [
        _event(
            owner,
            f"survey:{point}",
            f"{catalog.ui(f'calendar.{point}')}: {pair.mentee} · {pair.mentor}",
            day,
            when,
        )
        for point, day in review_dates(length, start)
    ]


TEAM_FILE = "program-team.ics"
_TEAM_END = b"END:VCALENDAR\r\n"


class CalendarWriter:
    """Writes calendars/<name>.ics pair by pair and program-team.ics as it goes (flat memory).

    The team calendar is streamed: its header, each pair's events as they come, its end; the
    bytes are those `team_calendar` gives for the same pairs in the same order.
    """

    def __init__(self, catalog: Catalog, folder: Path) -> None:
        self.catalog = catalog
        self.when = stamp()
        self.folder = folder / "calendars"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.team_path = self.folder / TEAM_FILE
        header = _team_header(catalog).to_ical().removesuffix(_TEAM_END)
        self.team = self.team_path.open("wb")
        self.team.write(header)

    def add(self, pair: Pair, name: str) -> tuple[Path, int]:
        """The pair's calendar (name.ics) and its team events; the file and how many events."""
        path = self.folder / f"{name}.ics"
        path.write_bytes(pair_calendar(self.catalog, pair, self.when).to_ical())
        events = _team_events(self.catalog, pair, self.when)
        for event in events:
            self.team.write(event.to_ical())
        return path, len(events)

    def finish(self) -> Path:
        self.team.write(_TEAM_END)
        self.team.close()
        return self.team_path


def write_calendars(
    catalog: Catalog, pairs: list[Pair], names: list[str], folder: Path
) -> list[Path]:
    """`names[i]`.ics for pair i and program-team.ics, under folder/calendars/."""
    writer = CalendarWriter(catalog, folder)
    written = [writer.add(pair, name)[0] for pair, name in zip(pairs, names, strict=True)]
    return [*written, writer.finish()]
