"""`handbook worksheets --roster --ics`: calendars that parse back, with stable UIDs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from generator.calendars import recurrence, write_calendars
from generator.catalog.model import Catalog
from generator.cli import main
from generator.dates import Duration
from generator.pdf.render import Pair
from generator.validate.check import check_repository

PAIRS = [
    Pair("Ann Mentor", "Bob Mentee", "2027-03-01", ("learn-new-skills",)),
    Pair("Cem Mentor", "Dana Mentee", "2027-01-31", ()),
]
EPOCH = "1800000000"


def _parse(path: Path) -> list:  # type: ignore[type-arg]
    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def test_round_trip(
    default_catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    files = write_calendars(default_catalog, PAIRS, ["pair-001", "pair-002"], tmp_path)
    assert [f.name for f in files] == ["pair-001.ics", "pair-002.ics", "program-team.ics"]
    events = _parse(files[0])
    start = dt.date(2027, 3, 1)
    check_in = next(e for e in events if str(e["summary"]).startswith("Check-in"))
    assert check_in.decoded("dtstart") == start
    rule = check_in["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [2]
    assert rule["UNTIL"] == [dt.date(2027, 9, 1)]  # start + P6M
    goal = default_catalog.goal("learn-new-skills")
    milestones = sorted(
        (e.decoded("dtstart"), str(e["summary"])) for e in events if "Milestone" in e["summary"]
    )
    assert milestones == sorted(
        (Duration.parse(m.due).after(start), f"Milestone: {goal.title}: {m.title}")
        for m in goal.milestones
    )
    surveys = {str(e["summary"]): e.decoded("dtstart") for e in events if "survey" in e["summary"]}
    assert surveys["End survey and closing reflection"] == dt.date(2027, 9, 1)
    assert dt.date(2027, 5, 30) <= surveys["Mid-point survey and reflection"] <= dt.date(2027, 6, 1)
    stamp = dt.datetime.fromtimestamp(int(EPOCH), dt.UTC)
    assert all(e.decoded("dtstamp") == stamp for e in events)
    assert len({str(e["uid"]) for e in events}) == len(events)
    # The second pair has no goals listed: the mentee goals' milestones.
    expected = sum(len(g.milestones) for g in default_catalog.goals_for("mentee"))
    assert sum("Milestone" in e["summary"] for e in _parse(files[1])) == expected
    team = _parse(files[2])
    assert len(team) == 4 and all("Mentee" in e["summary"] for e in team)
    all_uids = [str(e["uid"]) for f in files for e in _parse(f)]
    assert len(set(all_uids)) == len(all_uids)  # importing every file into one calendar is safe


def test_rerun_keeps_uids(
    default_catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write_calendars(default_catalog, PAIRS, ["a", "b"], tmp_path / "one")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    second = write_calendars(default_catalog, PAIRS[::-1], ["b", "a"], tmp_path / "two")
    third = write_calendars(default_catalog, PAIRS[::-1], ["b", "a"], tmp_path / "three")
    uids = {str(e["uid"]) for f in first[:2] for e in _parse(f)}
    assert uids == {str(e["uid"]) for f in second[:2] for e in _parse(f)}
    assert [f.read_bytes() for f in second] == [
        f.read_bytes() for f in third
    ]  # same epoch: same bytes


def test_time_zone_makes_timed_check_ins(repo_copy: Path, tmp_path: Path) -> None:
    org = repo_copy / "content" / "organization.yml"
    org.write_text(org.read_text() + "time_zone: Europe/Berlin\nreport:\n  min_group: 3\n")
    outcome = check_repository(repo_copy)
    assert outcome.ok and outcome.catalog is not None
    assert outcome.catalog.organization.report_min_group == 3
    (path, *_) = write_calendars(outcome.catalog, PAIRS[:1], ["p"], tmp_path)
    cal = Calendar.from_ical(path.read_bytes())
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    check_in = next(e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("Check-in"))
    start = check_in.decoded("dtstart")
    assert start.hour == 9 and str(start.tzinfo) == "Europe/Berlin"
    assert check_in.decoded("duration") == dt.timedelta(minutes=45)
    until = check_in["rrule"]["UNTIL"][0]
    assert until.tzinfo is not None and until.utcoffset() == dt.timedelta(0)


def test_unknown_time_zone_is_refused(repo_copy: Path) -> None:
    import dataclasses

    from generator.problems import HandbookError

    org = repo_copy / "content" / "organization.yml"
    valid = org.read_text()
    org.write_text(valid + "time_zone: europe/berlin\n")
    line = len(valid.splitlines()) + 1
    result = CliRunner().invoke(main, ["validate", "--root", str(repo_copy)])
    assert result.exit_code == 1
    assert (
        f"content/organization.yml:{line}:12: $.time_zone: 'europe/berlin' is not an IANA time"
        in result.output
    )
    assert "did you mean 'Europe/Berlin'?" in result.output
    org.write_text(valid)
    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    result = CliRunner().invoke(main, ["worksheets", "--root", str(repo_copy), "--ics"])
    assert result.exit_code == 2 and "--ics needs --roster" in result.output
    # The calendar step guards too (a catalog that did not pass validation).
    odd = dataclasses.replace(
        catalog,
        organization=dataclasses.replace(catalog.organization, time_zone="Mars/Olympus"),
    )
    with pytest.raises(HandbookError, match="Mars/Olympus"):
        write_calendars(odd, PAIRS[:1], ["p"], repo_copy / "out")


@pytest.mark.parametrize(
    ("cadence", "rule"),
    [
        ("P2W", {"FREQ": "WEEKLY", "INTERVAL": 2}),
        ("P1M", {"FREQ": "MONTHLY", "INTERVAL": 1}),
        ("P12M", {"FREQ": "YEARLY", "INTERVAL": 1}),
        ("P10D", {"FREQ": "DAILY", "INTERVAL": 10}),
        ("P14D", {"FREQ": "WEEKLY", "INTERVAL": 2}),
    ],
)
def test_recurrence_from_cadence(cadence: str, rule: dict[str, object]) -> None:
    assert recurrence(Duration.parse(cadence)) == rule


def test_cli_writes_calendars_beside_the_booklets(repo_copy: Path, tmp_path: Path) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_text("mentor,mentee,start_date,goals\nAnn,Bob,2027-03-01,learn-new-skills\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "worksheets",
            "--root",
            str(repo_copy),
            "--roster",
            str(roster),
            "--ics",
            "--paper",
            "a4",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.*") if p.name[0] != ".") == [
        "a4/pair-001-bob.pdf",
        "calendars/pair-001-bob.ics",
        "calendars/program-team.ics",
    ]


def test_german_calendar_and_report(repo_copy: Path, tmp_path: Path) -> None:
    from generator.report.collect import collect

    org = repo_copy / "content/organization.yml"
    org.write_text(org.read_text().replace("\nlanguage: en\n", "\nlanguage: de\n"))
    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    (path, *_) = write_calendars(catalog, PAIRS[:1], ["p"], tmp_path)
    summaries = {str(e["summary"]).split(":")[0] for e in _parse(path)}
    assert {"Treffen", "Meilenstein", "Befragung und Reflexion zur Halbzeit"} <= summaries
    (tmp_path / "empty.pdf").write_bytes(b"")
    collect(catalog, [tmp_path / "empty.pdf"], tmp_path / "report")
    html = (tmp_path / "report/report.html").read_text()
    assert '<html lang="de"' in html and "<h2>Kennzahlen</h2>" in html and "Nicht lesbar" in html
