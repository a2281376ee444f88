"""`handbook collect` end to end: a roster's fillable sheets, filled with known answers, read
back into a report whose every KPI matches figures computed here independently."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from generator.catalog.model import Catalog
from generator.cli import main
from generator.pdf.roster import read_roster
from generator.report.collect import collect, read_typed_csv
from generator.report.fields import field_specs
from generator.report.read import Sheet
from tests.report.helpers import GOAL, PAIRS, START, Blanks, fill, render_blanks

AS_OF = dt.date(2027, 4, 15)
OUTCOMES = ["achieved", "achieved", "achieved", "partly", "not-yet", ""]
LOGS = [  # per pair: (status, minutes) of consecutive check-ins, every two weeks from START
    [("planned", 45)] * 5,
    [("planned", 45), ("moved", 30), ("cancelled", 0), ("planned", 60)],
    [("planned", 40)] * 3,
    [("planned", 45), ("cancelled", 0)],
    [("planned", 20)],
    [],
]
STATEMENTS = ("clarity", "network", "confidence", "belonging")
EVALUATIONS = [  # code, role, before ratings, after ratings, midpoint recommend, end recommend
    ("C1", "mentee", (2, 3, 2, 3), (4, 4, 3, 4), "9", "10"),
    ("C2", "mentee", (3, 3, 3, 3), (4, 3, 4, 5), "9", "9"),
    ("C3", "mentee", (1, 2, 2, 2), (3, 4, 2, 3), "5", "8"),
    ("C4", "mentee", (4, 4, 4, 4), (4, 5, 5, 4), "7", "7"),
    ("C5", "mentor", (3, 2, 4, 3), (3, 3, 4, 2), "10", "6"),
    ("C6", "mentor", (2, 2, 2, 2), (), "", "3"),
    ("C7", "mentee", (), (5, 5, 5, 5), "", "10"),
]


def _day(n: int) -> str:
    return (dt.date.fromisoformat(START) + dt.timedelta(weeks=2 * n)).isoformat()


def pair_values(catalog: Catalog, n: int) -> dict[str, str]:
    placeholder = catalog.goal(GOAL).smart.placeholders[0].name
    values = {f"goal.{GOAL}.smart.{placeholder}": "presenting"}
    if OUTCOMES[n]:
        values[f"goal.{GOAL}.outcome"] = "/" + OUTCOMES[n]
    for row, (status, minutes) in enumerate(LOGS[n], 1):
        values[f"log.{row}.date"] = _day(row - 1)
        values[f"log.{row}.status"] = "/" + status
        if status != "cancelled":
            values[f"log.{row}.minutes"] = str(minutes)
    return values


def evaluation_values(entry: tuple) -> dict[str, str]:  # type: ignore[type-arg]
    code, role, before, after, mid, end = entry
    values = {"participant.code": code, "participant.role": "/" + role}
    for point, ratings in (("before", before), ("after", after)):
        for statement, rating in zip(STATEMENTS, ratings, strict=False):
            values[f"evaluation.{point}.{statement}"] = f"/{rating}"
    if mid:
        values["evaluation.midpoint.recommend"] = "/" + mid
    values["evaluation.end.recommend"] = "/" + end
    values["evaluation.end.useful"] = f"Comment from {code}"
    return values


@pytest.fixture(scope="module")
def blanks(default_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Blanks:
    return render_blanks(default_catalog, tmp_path_factory.mktemp("blanks"))


@pytest.fixture(scope="module")
def returned(
    default_catalog: Catalog, blanks: Blanks, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The filled sheets as a team would get them back: one folder of PDFs."""
    folder = tmp_path_factory.mktemp("returned")
    for n, booklet in enumerate(blanks.booklets):
        fill(booklet, folder / f"pair-{n + 1}.pdf", pair_values(default_catalog, n), 1_800_000_000)
    for entry in EVALUATIONS:
        fill(
            blanks.evaluation,
            folder / f"evaluation-{entry[0]}.pdf",
            evaluation_values(entry),
            1_800_000_000,
        )
    return folder


def kpis(folder: Path) -> dict[tuple[str, str], dict[str, str]]:
    rows = csv.DictReader(io.StringIO((folder / "kpis.csv").read_text()))
    return {(r["kpi"], r["point"]): r for r in rows}


def unreadable(folder: Path) -> list[tuple[str, str]]:
    rows = csv.DictReader(io.StringIO((folder / "unreadable.csv").read_text()))
    return [(Path(r["source"]).name, r["reason"]) for r in rows]


def expected_kpis() -> dict[tuple[str, str], float]:
    """The figures, computed from the answers above without the tool's code."""
    set_goals = len(OUTCOMES)
    statuses = [s for log in LOGS for s, _ in log]
    held = [(s, m) for log in LOGS for s, m in log if s != "cancelled"]
    out = {
        ("goal-attainment", ""): round(100 * OUTCOMES.count("achieved") / set_goals, 1),
        ("session-completion", ""): round(100 * len(held) / len(statuses), 1),
        ("meeting-minutes", ""): round(sum(m for _, m in held) / len(held), 1),
    }
    for point, index in (("midpoint", 4), ("end", 5)):
        scores = [int(e[index]) for e in EVALUATIONS if e[index]]
        score = 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
        out[("recommendation-score", point)] = round(score, 1)
    for i, statement in enumerate(STATEMENTS):
        both = [(e[2][i], e[3][i]) for e in EVALUATIONS if e[2] and e[3]]
        out[(f"change.{statement}", "before→after")] = round(
            sum(a for _, a in both) / len(both) - sum(b for b, _ in both) / len(both), 1
        )
    return out


def test_every_kpi_matches_an_independent_computation(
    default_catalog: Catalog, returned: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    result = collect(default_catalog, [returned], out, as_of=AS_OF, include_comments=True)
    assert len(result.sheets) == len(PAIRS) + len(EVALUATIONS)
    assert unreadable(out) == []  # fresh sheets: every field known, every answer in range
    got = kpis(out)
    for key, value in expected_kpis().items():
        assert got[key]["suppressed"] == "no", key
        assert float(got[key]["value"]) == pytest.approx(value, abs=0.05), key
    # Idle: last check-in held (or the start) more than two cadences (P2W) before AS_OF.
    idle = {p.label.split(" · ")[0] for p in result.figures.idle}
    expected_idle = set()
    for n, log in enumerate(LOGS):
        held = [_day(i) for i, (s, _) in enumerate(log) if s != "cancelled"]
        last = dt.date.fromisoformat(max(held, default=START))
        if (AS_OF - last).days > 28:
            expected_idle.add(PAIRS[n][1])
    assert idle == expected_idle and expected_idle
    # responses: one row per sheet; no names anywhere in the machine-readable files.
    rows = list(csv.DictReader(io.StringIO((out / "responses.csv").read_text())))
    assert len(rows) == len(PAIRS) + len(EVALUATIONS)
    data = json.loads((out / "responses.json").read_text())
    assert len(data["responses"]) == len(rows) and data["columns"] == list(rows[0])
    for name in ("responses.csv", "responses.json", "kpis.csv"):
        text = (out / name).read_text()
        assert not any(mentee in text or mentor in text for mentor, mentee in PAIRS), name
    html = (out / "report.html").read_text()
    assert "<script" not in html and 'src="data:image/png;base64,' in html
    assert "Comment from C3" in html  # --include-comments
    assert "2 weeks" not in html  # a blank the tool prefilled is no answer
    pdf = PdfReader(out / "report.pdf")
    assert "Goal attainment" in "".join(page.extract_text() for page in pdf.pages)
    # Small groups: 2 mentors are hidden, and the mentees too (7 - mentees would give them away).
    table = next(t for t in result.figures.counts if t.title.startswith("Evaluations"))
    end = dict(table.rows)[default_catalog.ui("worksheet.point.end")]
    assert [c.hidden for c in end] == [True, True, False] and end[2].count == 7


def test_same_input_same_report(default_catalog: Catalog, returned: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    collect(default_catalog, [returned], first, as_of=AS_OF)
    collect(default_catalog, [returned], second, as_of=AS_OF)
    for name in ("report.html", "responses.csv", "responses.json", "kpis.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert "Comment from" not in (first / "report.html").read_text()  # comments are opt-in
    assert "evaluation.end.useful" not in (first / "responses.csv").read_text()


def test_small_group_is_suppressed(
    default_catalog: Catalog, returned: Path, tmp_path: Path
) -> None:
    few = tmp_path / "few"
    few.mkdir()
    for code in ("C1", "C2", "C3"):
        shutil.copy2(returned / f"evaluation-{code}.pdf", few)
    out = tmp_path / "report"
    collect(default_catalog, [few], out, as_of=AS_OF)
    got = kpis(out)
    assert got[("recommendation-score", "end")]["suppressed"] == "yes"
    assert got[("recommendation-score", "end")]["value"] == ""
    assert got[("change.clarity", "before→after")]["value"] == ""
    nobody = got[("mean.meetings-held", "midpoint")]  # no answers at all: nothing to hide
    assert nobody["suppressed"] == "no" and nobody["value"] == "" and nobody["n"] == "0"
    assert "<5" in (out / "report.html").read_text().replace("&lt;", "<")


def _encrypted(source: Path, target: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt("secret")
    writer.write(target)


def _foreign(target: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.write(target)


def test_bad_input_is_listed_and_the_rest_still_counts(
    default_catalog: Catalog, blanks: Blanks, returned: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    shutil.copytree(returned, folder)
    good = (folder / "evaluation-C1.pdf").read_bytes()
    (folder / "corrupt.pdf").write_bytes(good[: len(good) // 3])
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "notes.pdf").write_bytes(b"meeting notes, not a PDF")
    _encrypted(folder / "evaluation-C2.pdf", folder / "locked.pdf")
    _foreign(folder / "foreign.pdf")
    # An earlier return of C1 with other answers: the later file counts.
    older = evaluation_values(EVALUATIONS[0]) | {"evaluation.end.recommend": "/0"}
    fill(blanks.evaluation, folder / "evaluation-C1-old.pdf", older, 1_700_000_000)
    # Out-of-range answers: a rating of 7 and a log status nobody prints.
    extra = evaluation_values(("C8", "mentee", (), (), "", "10"))
    bad = fill(blanks.evaluation, folder / "evaluation-C8.pdf", extra, 1_800_000_000)
    _set_raw(bad, {"evaluation.after.clarity": "/7", "participant.role": "/boss"})
    before = {f.name: f.stat().st_mtime_ns for f in folder.iterdir()}
    out = tmp_path / "report"
    collect(default_catalog, [folder], out, as_of=AS_OF)
    lines = dict(unreadable(out))
    assert "damaged PDF" in lines["corrupt.pdf"]
    assert lines["empty.pdf"] == "the file is empty"
    assert lines["notes.pdf"] == "not a PDF file"
    assert "encrypted" in lines["locked.pdf"]
    assert "not a worksheet made by handbook" in lines["foreign.pdf"]
    assert (
        "evaluation-C1.pdf" in lines["evaluation-C1-old.pdf"]
        and "latest" in lines["evaluation-C1-old.pdf"]
    )
    c8 = [r for n, r in unreadable(out) if n == "evaluation-C8.pdf"]
    assert any("evaluation.after.clarity: '7' is not a rating from 1 to 5" in r for r in c8)
    assert any("participant.role: 'boss'" in r for r in c8)
    # The rest still counts: C8 adds one valid end score (10); C1's later answer (10) counts.
    scores = [int(e[5]) for e in EVALUATIONS] + [10]
    expected = 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
    assert float(kpis(out)[("recommendation-score", "end")]["value"]) == pytest.approx(
        expected, abs=0.05
    )
    assert {f.name: f.stat().st_mtime_ns for f in folder.iterdir()} == before  # only read


def _set_raw(path: Path, values: dict[str, str]) -> None:
    """Write values pypdf's form filler would refuse (not one of the field's states)."""
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(path))
    for field in writer._root_object["/AcroForm"]["/Fields"]:
        obj = field.get_object()
        if str(obj.get("/T")) in values:
            obj[NameObject("/V")] = NameObject(values[str(obj["/T"])])
    stat = path.stat()
    writer.write(path)
    import os

    os.utime(path, (stat.st_atime, stat.st_mtime))


def test_older_catalog_fields_are_listed(repo_copy: Path, returned: Path, tmp_path: Path) -> None:
    from generator.validate.check import check_repository

    worksheets = repo_copy / "content" / "worksheets.yml"
    worksheets.write_text(worksheets.read_text().replace("{id: clarity,", "{id: clarity-now,"))
    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    out = tmp_path / "report"
    collect(catalog, [returned / "evaluation-C1.pdf"], out, as_of=AS_OF)
    (line,) = [r for n, r in unreadable(out) if n == "evaluation-C1.pdf"]
    assert "older catalog" in line and "evaluation.after.clarity, evaluation.before.clarity" in line
    row = next(csv.DictReader(io.StringIO((out / "responses.csv").read_text())))
    assert row["evaluation.end.recommend"] == "10"  # the known answers still count


def test_typed_csv_rows_join_the_report(
    default_catalog: Catalog, returned: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    template = tmp_path / "typed.csv"
    result = runner.invoke(
        main, ["collect", "--root", str(default_catalog.root), "--template", str(template)]
    )
    assert result.exit_code == 0, result.output
    columns = next(csv.reader(io.StringIO(template.read_text())))
    rows = [
        {
            "sheet_kind": "evaluation",
            "participant_code": "P1",
            "role": "mentee",
            "evaluation.end.recommend": "10",
        },
        {
            "sheet_kind": "evaluation",
            "participant_code": "P2",
            "role": "mentor",
            "evaluation.end.recommend": "11",
        },
        {
            "sheet_kind": "pair-booklet",
            "pair": "Mentee 9 · Mentor 9",
            "pair_start": START,
            f"goal.{GOAL}.outcome": "achieved",
        },
        {"sheet_kind": "no-such-sheet"},
    ]
    with template.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writerows(rows)
    out = tmp_path / "report"
    result = runner.invoke(
        main,
        [
            "collect",
            "--root",
            str(default_catalog.root),
            str(returned),
            "--csv",
            str(template),
            "-o",
            str(out),
            "--as-of",
            AS_OF.isoformat(),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = dict(unreadable(out))
    assert "is not a score from 0 to 10" in lines["typed.csv:3"]
    assert "sheet_kind 'no-such-sheet'" in lines["typed.csv:5"]
    got = kpis(out)
    outcomes = [*OUTCOMES, "achieved"]
    assert float(got[("goal-attainment", "")]["value"]) == pytest.approx(
        100 * outcomes.count("achieved") / len(outcomes), abs=0.05
    )
    responses = (out / "responses.csv").read_text()
    assert "typed.csv:2" in responses and "Mentee 9" not in responses


def test_report_inside_the_site_is_refused(
    default_catalog: Catalog, returned: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    result = CliRunner().invoke(
        main,
        [
            "collect",
            "--root",
            str(default_catalog.root),
            str(returned),
            "-o",
            str(site / "report"),
            "--site-dir",
            str(site),
        ],
    )
    assert result.exit_code == 1
    assert "inside the published site" in result.output
    assert not (site / "report").exists()


def test_forms_resaved_by_viewers_are_read(
    default_catalog: Catalog, returned: Path, tmp_path: Path
) -> None:
    """Incremental updates (a later answer appended) and object streams read as viewers do."""
    import pikepdf

    from generator.report.fields import field_specs
    from generator.report.read import Sheet, read_pdf

    specs = field_specs(default_catalog)
    source = returned / "evaluation-C1.pdf"
    original = read_pdf(source, specs)
    assert isinstance(original, Sheet)
    # A viewer saving a changed answer appends it: the old bytes stay, the new /V wins.
    appended = tmp_path / "appended.pdf"
    writer = PdfWriter(source, incremental=True)
    for page in writer.pages:
        writer.update_page_form_field_values(
            page, {"evaluation.end.recommend": "/4"}, auto_regenerate=False
        )
    writer.write(appended)
    assert appended.read_bytes().startswith(source.read_bytes())
    again = read_pdf(appended, specs)
    assert isinstance(again, Sheet)
    assert again.answers == original.answers | {"evaluation.end.recommend": "4"}
    # Object streams and a cross-reference stream (compact savers), and a linearized copy.
    for name, options in (
        ("objstm.pdf", {"object_stream_mode": pikepdf.ObjectStreamMode.generate}),
        ("linear.pdf", {"linearize": True}),
    ):
        with pikepdf.open(source) as pdf:  # (qpdf keeps only the newest trailer's /Info)
            pdf.save(tmp_path / name, **options)
        resaved = read_pdf(tmp_path / name, specs)
        assert isinstance(resaved, Sheet), name
        assert resaved.answers == original.answers, name
    assert b"/ObjStm" in (tmp_path / "objstm.pdf").read_bytes()


def _evaluation(
    blanks: Blanks, target: Path, code: str, answers: dict[str, str], mtime: int
) -> None:
    values = {"participant.code": code, "participant.role": "/mentee"}
    fill(blanks.evaluation, target, values | answers, mtime)


def test_separate_before_and_after_sheets_both_count(
    default_catalog: Catalog, blanks: Blanks, returned: Path, tmp_path: Path
) -> None:
    """One code, a "before" sheet at the start and an "after" sheet at the end: one person."""
    folder = tmp_path / "in"
    shutil.copytree(returned, folder)
    before = {f"evaluation.before.{s}": "/1" for s in STATEMENTS}
    after = {f"evaluation.after.{s}": "/5" for s in STATEMENTS}
    _evaluation(blanks, folder / "C9-start.pdf", "C9", before, 1_700_000_000)
    _evaluation(blanks, folder / "C9-end.pdf", "C9", after, 1_800_000_000)
    # An "after" sheet returned twice: the later one's answers count, the earlier one is listed.
    _evaluation(
        blanks,
        folder / "C9-end-draft.pdf",
        "C9",
        after | {"evaluation.after.clarity": "/2"},
        1_750_000_000,
    )
    out = tmp_path / "report"
    result = collect(default_catalog, [folder], out, as_of=AS_OF)
    kept = {Path(s.source).name for s in result.sheets}
    assert {"C9-start.pdf", "C9-end.pdf"} <= kept and "C9-end-draft.pdf" not in kept
    lines = dict(unreadable(out))
    assert "C9-end.pdf" in lines["C9-end-draft.pdf"] and "C9-start.pdf" not in lines
    got = kpis(out)
    for i, statement in enumerate(STATEMENTS):
        both = [(e[2][i], e[3][i]) for e in EVALUATIONS if e[2] and e[3]] + [(1, 5)]
        expected = sum(a - b for b, a in both) / len(both)
        row = got[(f"change.{statement}", "before→after")]
        assert float(row["value"]) == pytest.approx(expected, abs=0.05), statement
        assert row["n"] == str(len(both))
    # The before count has one more person; no one is counted twice at a point.
    table = next(t for t in result.figures.counts if t.title.startswith("Evaluations"))
    rows = {label: cells[-1].count for label, cells in table.rows}
    assert rows[default_catalog.ui("worksheet.point.before")] == 6 + 1
    assert rows[default_catalog.ui("worksheet.point.after")] == 6 + 1


def test_a_later_sheet_replaces_only_the_points_it_answers_again(
    default_catalog: Catalog, blanks: Blanks, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    both = {"evaluation.before.clarity": "/2", "evaluation.after.clarity": "/3"}
    _evaluation(blanks, folder / "first.pdf", "D1", both, 1_700_000_000)
    _evaluation(
        blanks, folder / "again.pdf", "D1", {"evaluation.after.clarity": "/5"}, 1_800_000_000
    )
    out = tmp_path / "report"
    result = collect(default_catalog, [folder], out, as_of=AS_OF)
    first = next(s for s in result.sheets if s.source.endswith("first.pdf"))
    assert {k: v for k, v in first.answers.items() if k.startswith("evaluation.")} == {
        "evaluation.before.clarity": "2"
    }
    (note,) = [r for n, r in unreadable(out) if n == "first.pdf"]
    assert "after answers are replaced by the later return" in note and "again.pdf" in note


def _collect_args(catalog: Catalog, returned: Path, out: Path) -> list[str]:
    root, day = str(catalog.root), AS_OF.isoformat()
    return ["collect", "--root", root, str(returned), "-o", str(out), "--as-of", day]


def test_roster_pairs_that_returned_nothing_are_idle(
    default_catalog: Catalog, returned: Path, tmp_path: Path
) -> None:
    roster = tmp_path / "pairs.csv"
    rows = [f"{mentor},{mentee},{START},{GOAL}" for mentor, mentee in PAIRS]
    rows += ["Mentor 8,Mentee 8,2027-01-04,", "Mentor 9,Mentee 9,2027-04-10,"]  # 9: just started
    roster.write_text("mentor,mentee,start_date,goals\n" + "\n".join(rows) + "\n")
    out = tmp_path / "report"
    result = CliRunner().invoke(
        main,
        [*_collect_args(default_catalog, returned, out), "--roster", str(roster)],
    )
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text()
    assert "Mentee 8 · Mentor 8" in html and "Mentee 9" not in html
    assert html.count(default_catalog.ui("report.nothing_returned")) == 1
    # Without the roster only pairs with a returned sheet can be known.
    without = collect(default_catalog, [returned], tmp_path / "plain", as_of=AS_OF)
    assert "Mentee 8 · Mentor 8" not in {p.label for p in without.figures.idle}


def test_csv_saved_with_semicolons_is_read(default_catalog: Catalog, tmp_path: Path) -> None:
    # Excel in much of Europe saves "CSV UTF-8" with ";" between cells (and a BOM, CRLF):
    # the typed-up returns and the roster are read either way, a comma inside a name included.
    typed = tmp_path / "typed.csv"
    rows = [
        ["sheet_kind", "pair", "pair_start", f"goal.{GOAL}.outcome"],
        ["pair-booklet", "Smith, Jo · Ann", START, "achieved"],
    ]
    typed.write_bytes(
        b"\xef\xbb\xbf" + "".join(";".join(row) + "\r\n" for row in rows).encode("utf-8")
    )
    [sheet] = read_typed_csv(typed, field_specs(default_catalog))
    assert isinstance(sheet, Sheet), sheet
    assert (sheet.kind, sheet.pair_label) == ("pair-booklet", "Smith, Jo · Ann")
    roster = tmp_path / "pairs.csv"
    roster.write_bytes(b"\xef\xbb\xbfmentor;mentee;start_date\r\nAnn;Smith, Jo;2027-02-01\r\n")
    [pair] = read_roster(roster, default_catalog)
    assert (pair.mentor, pair.mentee, pair.start) == ("Ann", "Smith, Jo", "2027-02-01")


def test_bad_roster_stops_with_its_line(
    default_catalog: Catalog, returned: Path, tmp_path: Path
) -> None:
    roster = tmp_path / "pairs.csv"
    roster.write_text("mentor,mentee,start_date\nAnn,Bob,2027-02-31\n")
    out = tmp_path / "report"
    result = CliRunner().invoke(
        main,
        [*_collect_args(default_catalog, returned, out), "--roster", str(roster)],
    )
    assert result.exit_code == 1
    assert f"{roster}:2:3" in result.output and not out.exists()


def test_report_speaks_the_catalog_language(
    repo_copy: Path, returned: Path, tmp_path: Path
) -> None:
    from generator.load.locales import shipped_strings
    from generator.validate.check import check_repository

    org = repo_copy / "content" / "organization.yml"
    org.write_text(org.read_text().replace("\nlanguage: en\n", "\nlanguage: de\n"))
    catalog = check_repository(repo_copy).catalog
    assert catalog is not None
    out = tmp_path / "report"
    collect(catalog, [returned], out, as_of=AS_OF)
    de = shipped_strings("de")
    html = (out / "report.html").read_text()
    for key in ("goal_attainment", "goal_attainment_formula", "session_completion_formula"):
        assert de[f"report.kpi.{key}"] in html, key
    assert de["report.kpi.change"].replace("{label}", "") in html
    assert "Goal attainment" not in html and "meetings held" not in html
    rows = {r["kpi"]: r for r in csv.DictReader(io.StringIO((out / "kpis.csv").read_text()))}
    assert rows["goal-attainment"]["label"] == de["report.kpi.goal_attainment"]
