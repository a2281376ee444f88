"""Worksheet PDFs rendered for real with WeasyPrint and read back with pypdf and poppler."""

from __future__ import annotations

import dataclasses
import logging
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from generator.catalog.model import Catalog
from generator.outputs import worksheet_files
from generator.pdf import render as render_module
from generator.pdf.fetcher import SafeFetcher, fetcher_for
from generator.pdf.render import Renderer, job_for, render_worksheets, run_jobs
from generator.problems import BuildFailed
from generator.validate.check import check_repository
from tests.fixtures import make_repo, pdf_text


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo("minimal", tmp_path_factory.mktemp("pdf") / "repo")


@pytest.fixture(scope="module")
def catalog(repo: Path) -> Catalog:
    outcome = check_repository(repo)
    assert outcome.catalog is not None, outcome.problems
    return outcome.catalog


@pytest.fixture(scope="module")
def rendered(catalog: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(logging.WARNING)
    logging.getLogger("weasyprint").addHandler(handler)
    try:
        render_worksheets(catalog, out, papers=("a4", "letter"))
    finally:
        logging.getLogger("weasyprint").removeHandler(handler)
    assert not records, [r.getMessage() for r in records]  # WeasyPrint logs, never raises
    return out


def text_of(pdf: Path) -> str:
    return pdf_text(pdf, layout=True)


def test_every_listed_file_is_a_pdf(catalog: Catalog, rendered: Path) -> None:
    files = worksheet_files(catalog, ("a4", "letter"))
    assert len(files) == 2 * (2 + 5 + 1 + 3)  # goals, forms, KPI sheet, booklets
    for f in files:
        assert (rendered / f.path).read_bytes().startswith(b"%PDF-"), f.path


def test_paper_sizes(rendered: Path) -> None:
    a4 = PdfReader(rendered / "worksheets/a4/goal-alpha.pdf").pages[0].mediabox
    letter = PdfReader(rendered / "worksheets/letter/goal-alpha.pdf").pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)


def test_goal_worksheet_has_every_label_prompt_and_date(catalog: Catalog, rendered: Path) -> None:
    text = " ".join(text_of(rendered / "worksheets/a4/goal-alpha.pdf").split())
    goal = catalog.goal("alpha")
    expected = [goal.title, goal.summary, *(p.label for p in goal.smart.placeholders)]
    expected += [p.hint for p in goal.smart.placeholders]
    expected += [p.prompt for p in goal.smart.prompts]
    expected += [m.title for m in goal.milestones] + [m.metric for m in goal.measures]
    expected += list(goal.check_in_questions)
    expected += ["2027-02-08"]  # first milestone: program start + P1W
    expected += [catalog.ui("worksheet.mentee_signature"), catalog.ui("worksheet.mentor")]
    missing = [e for e in expected if e not in text]
    assert not missing, missing


def test_check_in_log_rows_follow_the_cadence(rendered: Path) -> None:
    text = text_of(rendered / "worksheets/a4/check-in-log.pdf")
    for day in ("2027-02-01", "2027-02-15", "2027-03-01", "2027-03-15"):
        assert day in text


def test_booklet_is_cover_contents_and_every_sheet(catalog: Catalog, rendered: Path) -> None:
    base = rendered / "worksheets/a4"
    sheets = ["agreement", "check-in-log", "goal-alpha", "goal-omega", "midpoint-reflection"]
    sheets += ["closure-reflection", "kpi-sheet", "evaluation"]
    expected = 2 + sum(len(PdfReader(base / f"{s}.pdf").pages) for s in sheets)
    booklet = PdfReader(base / "booklet-complete.pdf")
    assert len(booklet.pages) == expected
    text = text_of(base / "booklet-complete.pdf")
    assert f"Page 1 of {expected}" not in text  # the cover has no footer
    assert f"Page 3 of {expected}" in text
    assert [o.title for o in booklet.outline if not isinstance(o, list)][:3] == [
        catalog.ui("worksheet.booklet.complete"),
        catalog.ui("worksheet.booklet.contents"),
        catalog.worksheets.agreement.title,
    ]


def test_pages_are_not_blank_and_carry_the_brand_colour(
    catalog: Catalog, rendered: Path, tmp_path: Path
) -> None:
    primary = tuple(int(catalog.organization.primary[i : i + 2], 16) for i in (1, 3, 5))
    for name in ("goal-alpha", "agreement", "check-in-log", "kpi-sheet", "booklet-complete"):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "40",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(rendered / f"worksheets/a4/{name}.pdf"),
                str(tmp_path / name),
            ],
            check=True,
        )
        png = next(tmp_path.glob(f"{name}*.png"))
        image = Image.open(png).convert("RGB")
        pixels = [image.getpixel((x, y)) for y in range(image.height) for x in range(image.width)]
        ink = sum(1 for p in pixels if sum(p) < 600)
        # The minimal fixture's agreement holds two one-line blanks side by side: sparse, not blank.
        assert ink > len(pixels) * 0.005, f"{name} looks blank"
        brand = sum(
            1 for p in pixels if all(abs(a - b) < 24 for a, b in zip(p, primary, strict=True))
        )
        assert brand > 20, f"{name} has no brand colour"


def test_pdf_is_tagged_and_titled(catalog: Catalog, rendered: Path) -> None:
    reader = PdfReader(rendered / "worksheets/a4/goal-alpha.pdf")
    assert reader.trailer["/Root"].get("/StructTreeRoot") is not None
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata is not None and reader.metadata.title == catalog.goal("alpha").title


def test_same_input_gives_identical_bytes(catalog: Catalog, tmp_path: Path) -> None:
    a = render_worksheets(catalog, tmp_path / "a", papers=("a4",), goal_ids=("alpha",))
    b = render_worksheets(catalog, tmp_path / "b", papers=("a4",), goal_ids=("alpha",))
    assert a[0].read_bytes() == b[0].read_bytes()


def test_pdf_identifier_reads_back_as_written(catalog: Catalog, tmp_path: Path) -> None:
    # The /ID comes from the cache key; composed booklets get the same one (reuse.py). Written
    # by pydyf as a literal string, a raw CR in it read back as LF (CR LF as one LF), so about
    # one PDF in 16 had an /ID of other bytes, or fewer, than its composed twin.
    key = "0d0a" * 8 + "0d" * 24
    target = tmp_path / "id.pdf"
    renderer = Renderer(catalog)
    renderer.save(renderer.layout('<html lang="en"><p>x</p>', "a4", key), "a4", target, key)
    with pikepdf.open(target) as pdf:
        identifier = bytes(pdf.trailer.ID[0])
    assert len(identifier) == 16

    from generator.pdf.render import pdf_identifier

    assert identifier == pdf_identifier(key)


def test_fillable_fields_have_stable_names(catalog: Catalog, tmp_path: Path) -> None:
    [goal_pdf] = render_worksheets(
        catalog, tmp_path, papers=("a4",), fillable=True, goal_ids=("alpha",)
    )
    fields = PdfReader(goal_pdf).get_fields() or {}
    for name in (
        "goal.alpha.mentee",
        "goal.alpha.smart.skill",
        "goal.alpha.smart.minutes",
        "goal.alpha.prompt.specific",
        "goal.alpha.prompt.time_bound",
        "goal.alpha.milestone.1.done",
    ):
        assert name in fields, sorted(fields)
    agreement = render_worksheets(catalog, tmp_path / "f", papers=("a4",), fillable=True)
    pdf = next(p for p in agreement if p.name == "agreement.pdf")
    assert "agreement.partners.mentee-name" in (PdfReader(pdf).get_fields() or {})


def test_unchanged_rebuild_renders_nothing_and_one_goal_change_only_its_dependents(
    catalog: Catalog, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    jobs = [job_for(catalog, f) for f in worksheet_files(catalog, ("a4",))]
    _, first = run_jobs(Renderer(catalog), jobs, tmp_path / "one", cache, None)
    assert first == len(jobs)
    _, second = run_jobs(Renderer(catalog), jobs, tmp_path / "two", cache, None)
    assert second == 0
    alpha = catalog.goal("alpha")
    changed = dataclasses.replace(
        catalog,
        goals=tuple(
            dataclasses.replace(g, title="Practise two skills") if g.id == "alpha" else g
            for g in catalog.goals
        ),
    )
    jobs = [job_for(changed, f) for f in worksheet_files(changed, ("a4",))]
    dependents = [j.path for j in jobs if alpha.id in j.depends]
    _, third = run_jobs(Renderer(changed), jobs, tmp_path / "three", cache, None)
    assert third == len(dependents) == 3  # its sheet, the mentee booklet, the complete booklet


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "file:///{root}/content/../../../etc/hostname",
        "http://127.0.0.1:9/x.png",
        "https://example.com/logo.png",
        "ftp://example.com/x",
    ],
    ids=["absolute-file", "traversal", "http", "https", "ftp"],
)
def test_fetcher_refuses_and_records(repo: Path, url: str) -> None:
    fetcher = fetcher_for(repo)
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url.format(root=repo))
    assert fetcher.refused


def test_fetcher_refuses_symlink_escape(repo: Path, tmp_path: Path) -> None:
    link = repo / "content" / "assets" / "escape.png"
    link.symlink_to("/etc/hostname")
    try:
        fetcher = fetcher_for(repo)
        with pytest.raises(ValueError, match="outside"):
            fetcher.fetch(link.as_uri())
        ok = SafeFetcher([repo / "content"]).fetch((repo / "content/assets/logo.svg").as_uri())
        assert ok.read().startswith(b"<svg")
    finally:
        link.unlink()


@pytest.mark.parametrize(
    "logo", ["/etc/hostname", "../../../../etc/passwd"], ids=["absolute", "traversal"]
)
def test_logo_outside_the_repository_embeds_nothing_and_fails(
    catalog: Catalog, tmp_path: Path, logo: str
) -> None:
    bad = dataclasses.replace(
        catalog,
        organization=dataclasses.replace(
            catalog.organization, logo=(catalog.root / "content" / logo)
        ),
    )
    with pytest.raises(BuildFailed, match="may not read"):
        render_worksheets(bad, tmp_path, papers=("a4",), goal_ids=("alpha",))


def test_markup_in_catalog_text_is_printed_as_text(catalog: Catalog, tmp_path: Path) -> None:
    payload = "<img src='file:///etc/hostname'> <script>alert(1)</script>"
    poisoned = dataclasses.replace(
        catalog,
        goals=tuple(
            dataclasses.replace(g, summary=payload) if g.id == "alpha" else g for g in catalog.goals
        ),
    )
    [pdf] = render_worksheets(poisoned, tmp_path, papers=("a4",), goal_ids=("alpha",))
    assert "<img src='file:///etc/hostname'>" in text_of(pdf)


def test_parallel_workers_report_refusals_and_warnings(
    catalog: Catalog, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    renderer = Renderer(catalog)  # the logo is fine when the renderer starts...
    outside = dataclasses.replace(catalog.organization, logo=Path("/etc/hostname"))
    renderer.catalog = dataclasses.replace(catalog, organization=outside)  # ...then is not
    jobs = [job_for(catalog, f) for f in worksheet_files(catalog, ("a4",))]
    assert len(jobs) >= render_module.PARALLEL_MIN_JOBS
    with caplog.at_level(logging.WARNING, logger="weasyprint"), pytest.raises(BuildFailed) as info:
        run_jobs(renderer, jobs, tmp_path, None, None)
    assert "file:///etc/hostname" in str(info.value)
    assert any("hostname" in r.getMessage() for r in caplog.records if r.name == "weasyprint")
