"""Render worksheets and booklets with WeasyPrint in one warm process, with a content-hash cache."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import importlib.metadata
import logging
import math
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import weasyprint
from jinja2 import TemplateError
from weasyprint.text.ffi import pango
from weasyprint.text.fonts import FontConfiguration

from generator.brand import print_variables
from generator.catalog.model import Catalog, Form, Goal, Kpi, Milestone
from generator.dates import Duration, schedule
from generator.outputs import PAPERS, WorksheetFile, worksheet_files
from generator.pdf.compose import LINK_SCHEME
from generator.pdf.direction import mark_right_to_left
from generator.pdf.fetcher import PACKAGE_ASSETS, SafeFetcher, fetcher_for
from generator.pdf.fonts import FONT_DIR, fallback_fingerprint
from generator.pdf.forms import finish_form
from generator.pdf.slots import (
    PAGE_RULES_ONLY,
    HiddenPair,
    page_rules,
    placeholder,
    text_length,
)
from generator.pool import pool_map, shared
from generator.problems import BuildFailed
from generator.progress import Progress
from generator.safety.logo import catalog_logo
from generator.templating import render_bounded, template_environment, template_failure
from generator.website.generate import _Context as _SiteContext

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Pair:
    """A mentoring pair from a roster: names and start date printed into the worksheets."""

    mentor: str
    mentee: str
    start: str  # ISO date
    goals: tuple[str, ...] = ()


@dataclass
class Item:
    kind: str  # goal | form | log | kpi
    anchor: str
    title: str
    goal: Goal | None = None
    form: Form | None = None
    log: Any = None
    kpis: tuple[Kpi, ...] = ()


@dataclass
class Job:
    """One PDF to write: what goes in it and where it lands."""

    path: str
    paper: str
    title: str
    items: list[Item]
    booklet: bool = False
    pair: Pair | None = None
    depends: list[str] = field(default_factory=list)
    # A part of pair booklets (generator/pdf/reuse.py): "sheet" (its items, no cover) or
    # "front" (cover and contents only, the contents' page numbers given), the pair's values
    # laid out hidden (generator/pdf/slots.py).
    part: str = ""
    toc_pages: tuple[int, ...] = ()


# US Letter is 18 mm shorter than A4: narrower top and bottom margins (still 0.5 in) and 8 mm
# writing lines (the least the sheets allow) keep a sheet on the same number of pages.
PAPER_CSS = {
    "a4": "@page { size: A4; }\n",
    "letter": "@page { size: letter; margin-top: 12.7mm; margin-bottom: 14mm; }\n"
    ".line { min-height: 8mm; } input[type=text] { height: 8mm; }\n",
}
LINE_MM = {"a4": 8.5, "letter": 8}  # writing lines, as the CSS above sets them
PAGE_MARGINS_MM = {"a4": (16, 18), "letter": (12.7, 14)}  # top, bottom: the text area's edges


def pdf_identifier(key: str) -> bytes:
    """The PDF's /ID (16 bytes) from its cache key, the same for a fresh and a composed booklet.

    pydyf writes the /ID as a literal string, where a raw carriage return reads back as a line
    feed (PDF 7.3.4.2): so the identifier holds no CR, and reads back as the bytes meant.
    """
    return bytes.fromhex(key[:32]).replace(b"\r", b"\n")


def css_string(text: str) -> str:
    """Text as a CSS string literal: locale strings are content, so escape everything."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


class Renderer:
    """Holds what every document shares: templates, parsed stylesheets, fonts, image cache."""

    def __init__(self, catalog: Catalog, fillable: bool = False, extra_css: str = "") -> None:
        self.catalog = catalog
        self.fillable = fillable
        self.extra_css = extra_css  # laid over print.css (the book's own rules)
        self.fetcher: SafeFetcher = fetcher_for(catalog.root)
        self.font_config = FontConfiguration()
        self.cache: dict[str, Any] = {}
        self.env = template_environment(catalog.root, TEMPLATES, autoescape=True)
        self.template = self.env.get_template("document.html")
        self._stylesheets: dict[str, list[weasyprint.CSS]] = {}
        self.css_text = {paper: self._css_text(paper) for paper in PAPERS}
        self.logo_digest = self._serve_logo()
        # Pair booklets from shared parts (generator/pdf/reuse.py), when the roster sets it.
        self.parts: Any = None

    def _serve_logo(self) -> str:
        """Serve the normalized logo in place of its file; returns its hash for the cache key.

        The file must pass the fetcher like everything else; what gets printed is then the
        checked and rewritten logo, never the bytes as they lie on disk.
        """
        path = self.catalog.organization.logo
        try:
            self.fetcher.fetch(path.as_uri()).close()
        except ValueError as exc:
            raise BuildFailed(f"worksheets tried to load a file they may not read: {exc}") from exc
        logo = catalog_logo(self.catalog)
        self.fetcher.serve(path, logo.data, logo.mime)
        return hashlib.sha256(logo.data).hexdigest()

    def _css_text(self, paper: str) -> str:
        org = self.catalog.organization
        css = (PACKAGE_ASSETS / "print.css").read_text(encoding="utf-8")
        for key, name in (("REGULAR", "Regular"), ("BOLD", "Bold"), ("ITALIC", "Italic")):
            css = css.replace(f"LATO_{key}", (FONT_DIR / f"Lato-{name}.ttf").as_uri())
        css = css.replace('"PAGE_LABEL "', css_string(self.catalog.ui("worksheet.page") + " "))
        css = css.replace('" OF_LABEL "', css_string(" " + self.catalog.ui("worksheet.of") + " "))
        return css + self.extra_css + "\n" + print_variables(org) + PAPER_CSS[paper]

    def stylesheets(self, paper: str, extra: str = "") -> list[weasyprint.CSS]:
        """print.css for the paper, with `extra` rules laid over it (parts and overlays).

        With `extra` starting with PAGE_RULES_ONLY, only print.css's @font-face and @page
        rules are kept under it (slots.page_rules): an overlay's page frame and fonts.
        """
        key = paper + "\0" + extra
        if key not in self._stylesheets:
            base = self.css_text[paper]
            if extra.startswith(PAGE_RULES_ONLY):
                base = page_rules(base)
            self._stylesheets[key] = [
                weasyprint.CSS(
                    string=base + extra,
                    base_url=PACKAGE_ASSETS.as_uri() + "/",
                    url_fetcher=self.fetcher,
                    font_config=self.font_config,
                )
            ]
        return self._stylesheets[key]

    def due(self, ms: Milestone, start: dt.date | None) -> str:
        if start is not None:
            return Duration.parse(ms.due).after(start).isoformat()
        return self.week(ms.due_days)

    def week(self, days: int) -> str:
        """A relative date, for catalogs without a start date: "Week 13"."""
        return f"{self.catalog.ui('worksheet.week')} {max(1, math.ceil(days / 7))}"

    def reviews(self, start: dt.date | None) -> list[tuple[str, str]]:
        """Mid-point and end of a pair's (or the program's) duration, as printed dates."""
        length = Duration.parse(self.catalog.organization.duration)
        if start is None:
            half = int(length.mean_days() / 2)
            return [("midpoint", self.week(half)), ("end", self.week(length.approx_days()))]
        return [(name, day.isoformat()) for name, day in review_dates(length, start)]

    def pair_value(self, key: str, pair: Pair) -> str:
        """The text of a slot (generator/pdf/slots.py) for a pair: what a fresh render prints."""
        start = dt.date.fromisoformat(pair.start)
        kind, _, rest = key.partition(":")
        if kind in ("mentee", "mentor", "start"):
            return str(getattr(pair, kind))
        if kind == "title":
            return pair_title(pair)
        if kind == "pair-line":
            return pair_line(pair)
        if kind == "due":
            goal_id, _, number = rest.rpartition(":")
            return self.due(self.catalog.goal(goal_id).milestones[int(number)], start)
        if kind == "log":
            return self.log_dates(start)[int(rest)]
        if kind == "prefill":
            return self.prefills(pair, start)[rest]
        raise KeyError(key)

    def prefills(self, pair: Pair | None, start: dt.date | None) -> dict[str, str]:
        """What a form field's `prefill` prints (worksheets.schema.json lists the names)."""
        org = self.catalog.organization
        reviews = dict(self.reviews(start)) if start is not None else {}
        return {
            "": "",
            "program-contact": f"{org.contact_name}, {org.contact_email}",
            "cadence": human_duration(self.catalog, org.cadence),
            "meeting-length": f"{org.meeting_minutes} {self.catalog.ui('worksheet.minutes')}",
            "start-date": start.isoformat() if start else "",
            "review-date": reviews.get("midpoint", ""),
            "end-date": reviews.get("end", ""),
            "mentee": pair.mentee if pair else "",
            "mentor": pair.mentor if pair else "",
        }

    def log_dates(self, start: dt.date | None) -> list[str]:
        log = self.catalog.worksheets.check_in_log
        if start is None:
            return [f"{n}." for n in range(1, log.rows + 1)]
        cadence = Duration.parse(self.catalog.organization.cadence)
        return [d.isoformat() for d in schedule(start, cadence, log.rows)]

    def html(self, job: Job) -> str:
        """The document's HTML, with its sheet kind and content version in /Keywords."""
        org = self.catalog.organization
        start = dt.date.fromisoformat(job.pair.start) if job.pair else org.start_date
        try:
            html = self._render(job, start)
        except TemplateError as exc:  # an override in overrides/handbook/ (or a bug in ours)
            raise template_failure("a worksheet template", exc) from exc
        # The version hashes what the sheet prints, so it changes exactly when its text does
        # (a catalog-wide hash would also defeat the PDF cache on every edit).
        version = hashlib.sha256(html.encode("utf-8")).hexdigest()[:12]
        keywords = (
            f"sheet.kind={sheet_kind(job)}; catalog.version={version}; "
            f"language={org.language}; paper={job.paper}"
        )
        return html.replace(KEYWORDS_MARK, keywords, 1)

    def _render(self, job: Job, start: dt.date | None) -> str:
        org = self.catalog.organization
        program_start = org.start_date
        part = bool(job.part)  # the pair's values hidden, to be drawn per pair on top

        def due(ms: Milestone, goal: Goal) -> str:
            # Program sheets count from the program start, pair sheets from the pair's.
            if goal.audience == "organization":
                return self.due(ms, program_start)
            if part:
                return placeholder(f"due:{goal.id}:{goal.milestones.index(ms)}")
            return self.due(ms, start)

        prefilled = self.prefills(job.pair, start)

        def prefill(name: str) -> str:
            if part and name in PAIR_PREFILLS:
                return placeholder(f"prefill:{name}")
            return prefilled[name]

        if part:
            rows = self.catalog.worksheets.check_in_log.rows
            log_dates: list[str] = [placeholder(f"log:{n}") for n in range(rows)]
        else:
            log_dates = self.log_dates(start)
        pair = job.pair
        return render_bounded(
            self.template,
            org=org,
            ui=self.catalog.ui,
            title=placeholder("title") if part else job.title,
            head_title=job.title,
            items=job.items,
            booklet=job.booklet,
            sheets=job.part != "front",
            toc_pages=job.toc_pages,
            anchor_link=LINK_SCHEME,
            pair=HiddenPair() if part else pair,
            pair_line=placeholder("pair-line") if part else (pair_line(pair) if pair else ""),
            text_length=text_length,
            fillable=self.fillable,
            logo_url=self.logo_url,
            due=due,
            log_dates=log_dates,
            prefill=prefill,
            scales=SCALES,
            reviews=self.reviews(program_start),
            program_start=program_start.isoformat() if program_start else "",
            keywords=KEYWORDS_MARK,
            line_mm=LINE_MM[job.paper],
        )

    def key(self, job: Job, html: str) -> str:
        """The cache key: everything that shapes the PDF's bytes (see `renderer_fingerprint`)."""
        digest = hashlib.sha256()
        css = self.css_text[job.paper].replace(FONT_DIR.as_uri(), "fonts:")  # bytes: fingerprint
        for part in (html, css, renderer_fingerprint(), str(self.fillable)):
            digest.update(part.encode("utf-8"))
            digest.update(b"\0")
        digest.update(self.logo_digest.encode())
        return digest.hexdigest()

    def _options(self, paper: str, key: str, extra_css: str = "") -> dict[str, Any]:
        return {
            "stylesheets": self.stylesheets(paper, extra_css),
            "cache": self.cache,
            "pdf_forms": self.fillable,
            "pdf_tags": True,
            "pdf_identifier": pdf_identifier(key),
        }

    @property
    def logo_url(self) -> str:
        """The logo's URL in a document: relative to the repository (the document's base URL),
        so no checkout path is in the HTML, and the cache key and the PDF's bytes are the same
        wherever the tree lies."""
        return Path(os.path.relpath(self.catalog.organization.logo, self.catalog.root)).as_posix()

    def layout(self, html: str, paper: str, key: str, extra_css: str = "") -> Any:
        """The laid-out weasyprint Document (pages to inspect before writing)."""
        document = weasyprint.HTML(
            string=html, base_url=self.catalog.root.as_uri() + "/", url_fetcher=self.fetcher
        )
        mark_right_to_left(document.etree_element)  # what dir="auto" would do in a browser
        options = self._options(paper, key, extra_css)
        return document.render(font_config=self.font_config, **options)

    def save(
        self, document: Any, paper: str, target: Path | BinaryIO, key: str, extra_css: str = ""
    ) -> None:
        """Write a laid-out Document as PDF: tagged, its identifier from the content hash."""
        if isinstance(target, Path):
            target.parent.mkdir(parents=True, exist_ok=True)
        document.write_pdf(target, **self._options(paper, key, extra_css))
        if self.fillable:
            if not isinstance(target, Path):
                raise TypeError("a fillable PDF is finished on disk: give a path")
            finish_form(target)

    def write(self, job: Job, html: str, target: Path, key: str) -> None:
        with without_gc():
            self.save(self.layout(html, job.paper, key), job.paper, target, key)


@contextmanager
def without_gc() -> Iterator[None]:
    """Python's cycle collector paused while one document is laid out and written.

    WeasyPrint allocates millions of boxes that live until the PDF is written, and the
    collector walks all of them again and again: 11% of a 100-goal book's CPU, more as the
    book grows. They form few cycles (the pause costs ~5% more memory); reference counting
    still frees everything else, and the collector runs again right after.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


RENDERER_PACKAGES = (
    *("mentoring-handbook", "weasyprint", "pydyf"),
    *("tinycss2", "cssselect2", "fonttools"),
)


@functools.cache
def renderer_fingerprint() -> str:
    """What shapes a PDF besides its HTML and CSS: the bundled fonts' bytes, the installed
    fallback fonts (files and sizes) and the versions of this tool and of the libraries that
    lay out and write the PDF. A changed font or renderer therefore never reuses a PDF the old
    one made."""
    digest = hashlib.sha256()
    for name in sorted(p.name for p in FONT_DIR.glob("*.ttf")):
        digest.update(name.encode() + b"\0" + (FONT_DIR / name).read_bytes())
    for dist in (
        "mentoring-handbook",
        "weasyprint",
        "pydyf",
        "tinycss2",
        "cssselect2",
        "fonttools",
    ):
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{dist}={version}\0".encode())
    digest.update(f"pango={pango.pango_version()}".encode())
    digest.update(f"fallback-fonts={fallback_fingerprint()}".encode())
    return digest.hexdigest()


def review_dates(length: Duration, start: dt.date) -> list[tuple[str, dt.date]]:
    """The mid-point (half the mean duration) and the end of a pair starting on `start`."""
    half = int(length.mean_days() / 2)
    return [("midpoint", start + dt.timedelta(days=half)), ("end", length.after(start))]


KEYWORDS_MARK = "handbook-keywords-to-fill"
SCALES = {  # the values a rating's radio group takes: what `handbook collect` reads back
    "rating": [(str(n), str(n)) for n in range(1, 6)],
    "recommend": [(str(n), str(n)) for n in range(11)],
}


PAIR_PREFILLS = ("start-date", "review-date", "end-date", "mentee", "mentor")


def pair_title(pair: Pair) -> str:
    """A pair booklet's title: its cover heading and the PDF's /Title."""
    return f"{pair.mentee} · {pair.mentor}"


def pair_line(pair: Pair) -> str:
    """The line under a pair booklet's cover title: the two names and the start date."""
    return f"{pair.mentee} · {pair.mentor} · {pair.start}"


def sheet_kind(job: Job) -> str:
    """What a PDF is, for its metadata: goal-pair, goal-program, a form's id, kpi-sheet, booklet."""
    if job.booklet:
        return "pair-booklet" if job.pair else "booklet"
    item = job.items[0]
    if item.goal is not None:
        return "goal-program" if item.goal.audience == "organization" else "goal-pair"
    if item.form is not None:
        return item.form.id
    return "check-in-log" if item.kind == "log" else "kpi-sheet"


def human_duration(catalog: Catalog, text: str) -> str:
    """A duration in words in the catalog's language ("2 weeks")."""
    return _SiteContext(catalog).human_duration(text)


def _kpis(catalog: Catalog) -> tuple[Kpi, ...]:
    return (*catalog.measurement.kpis, *(k for g in catalog.goals for k in g.kpis))


def _items_for(catalog: Catalog, names: Iterable[str], goals: Iterable[Goal]) -> list[Item]:
    """Items for the named forms (plus goal sheets inserted at 'goals')."""
    w = catalog.worksheets
    forms = {
        "agreement": w.agreement,
        "midpoint-reflection": w.midpoint_reflection,
        "closure-reflection": w.closure_reflection,
        "evaluation": w.evaluation,
    }
    items: list[Item] = []
    for name in names:
        if name == "goals":
            items += [Item("goal", f"sheet-goal-{g.id}", g.title, goal=g) for g in goals]
        elif name == "check-in-log":
            items.append(
                Item("log", "sheet-check-in-log", w.check_in_log.title, log=w.check_in_log)
            )
        elif name == "kpi-sheet":
            items.append(
                Item(
                    "kpi", "sheet-kpi-sheet", catalog.ui("worksheet.kpi.title"), kpis=_kpis(catalog)
                )
            )
        else:
            items.append(Item("form", f"sheet-{name}", forms[name].title, form=forms[name]))
    return items


PAIR_SHEETS = ("agreement", "check-in-log", "goals", "midpoint-reflection", "closure-reflection")
BOOKLET_SHEETS = {
    "mentee": PAIR_SHEETS,
    "mentor": PAIR_SHEETS,
    "organization": ("goals", "kpi-sheet", "evaluation"),
    "complete": (*PAIR_SHEETS, "kpi-sheet", "evaluation"),
}


def job_for(catalog: Catalog, f: WorksheetFile) -> Job:
    """What goes into one of the files that outputs.worksheet_files lists."""
    ui = catalog.ui
    if f.kind == "goal":
        goal = catalog.goal(f.key)
        return Job(
            f.path, f.paper, goal.title, _items_for(catalog, ["goals"], [goal]), depends=[goal.id]
        )
    if f.kind in ("form", "kpi-sheet"):
        items = _items_for(catalog, [f.key], [])
        return Job(f.path, f.paper, items[0].title, items)
    goals = catalog.goals if f.key == "complete" else catalog.goals_for(f.key)
    items = _items_for(catalog, BOOKLET_SHEETS[f.key], goals)
    title = ui(f"worksheet.booklet.{f.key}")
    return Job(f.path, f.paper, title, items, booklet=True, depends=[g.id for g in goals])


def _render_job(renderer: Renderer, job: Job, out_dir: Path, cache_dir: Path | None) -> bool:
    """Write one job's PDF (from the cache when its inputs are unchanged); True if rendered."""
    if renderer.parts is not None and renderer.parts.write(job, out_dir / job.path):
        return True
    html = renderer.html(job)
    key = renderer.key(job, html)
    return write_cached(
        out_dir / job.path, key, cache_dir, lambda t: renderer.write(job, html, t, key)
    )


def write_cached(
    target: Path, key: str, cache_dir: Path | None, write: Callable[[Path], None]
) -> bool:
    """`write(target)` unless the cache holds the file for `key`; True if it was written."""
    cached = cache_dir / f"{key}.pdf" if cache_dir else None
    target.parent.mkdir(parents=True, exist_ok=True)
    if cached is not None and cached.is_file():
        shutil.copyfile(cached, target)
        return False
    write(target)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(target, partial)
        partial.replace(cached)  # atomic: a parallel worker never sees half a file
    return True


PARALLEL_MIN_JOBS = 6  # below this, starting workers costs more than it saves


def _render_forked(index: int) -> tuple[int, bool, list[str], list[str]]:
    """One job, in a worker (or in the parent for small sets); returns what the parent needs."""
    job = shared()
    renderer: Renderer = job["renderer"]
    before = len(renderer.fetcher.refused)
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    in_worker = os.getpid() != job["parent"]
    if in_worker:  # WeasyPrint reports problems as log records: hand them back to the parent
        logger.addHandler(collect)
    try:
        rendered = _render_job(renderer, job["jobs"][index], job["out"], job["cache"])
    finally:
        logger.removeHandler(collect)
    return index, rendered, renderer.fetcher.refused[before:], collect.messages


def run_jobs(
    renderer: Renderer,
    jobs: list[Job],
    out_dir: Path,
    cache_dir: Path | None,
    progress: Progress | None,
) -> tuple[list[Path], int]:
    """Render (or copy from the cache) every job; returns the paths and how many were rendered.

    Large sets render on every core: workers are forked from this warm renderer, so they share
    its parsed stylesheets, fonts and templates without pickling any of it.
    """
    rendered = 0
    refused = list(renderer.fetcher.refused)
    for paper in {job.paper for job in jobs}:
        renderer.stylesheets(paper)  # parse once, before forking
    pool = pool_map(
        _render_forked,
        range(len(jobs)),
        min_parallel=PARALLEL_MIN_JOBS,
        shared={
            "renderer": renderer,
            "jobs": jobs,
            "out": out_dir,
            "cache": cache_dir,
            "parent": os.getpid(),
        },
        ordered=False,
    )
    with closing(pool) as results:  # Ctrl-C in this loop stops the workers at once
        for n, (index, was_rendered, job_refused, warnings) in enumerate(results, 1):
            rendered += was_rendered
            refused += job_refused
            for message in warnings:  # from a worker's log: hand them to this process's logger
                logging.getLogger("weasyprint").warning("%s: %s", jobs[index].path, message)
            if progress:
                progress(n, len(jobs), jobs[index].path)
    if refused:
        listed = "\n  ".join(sorted(set(refused)))
        raise BuildFailed(f"worksheets tried to load files they may not read:\n  {listed}")
    return [out_dir / job.path for job in jobs], rendered


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_worksheets(
    catalog: Catalog,
    out_dir: Path,
    *,
    papers: tuple[str, ...] | None = None,
    fillable: bool = False,
    goal_ids: tuple[str, ...] | None = None,
    cache_dir: Path | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write every worksheet PDF of the catalog under out_dir (paths from outputs.py).

    With `fillable` every sheet is written as a PDF form in place of the printable one (the
    `worksheets --fillable` command); otherwise printable sheets, plus their form twins when
    organization.yml (or `build --fillable`) asks for them.
    """
    files = worksheet_files(catalog, papers)
    if goal_ids is not None:
        files = [f for f in files if f.kind == "goal" and f.key in goal_ids]
    if fillable:
        files = [f for f in files if not f.fillable]
    total = len(files)
    written: list[Path] = []
    for forms in (False, True):
        subset = [f for f in files if f.fillable == forms]
        if not subset:
            continue
        done = len(written)

        def step(n: int, _total: int, item: str, done: int = done) -> None:
            if progress:
                progress(done + n, total, item)

        jobs = [job_for(catalog, f) for f in subset]
        paths, _ = run_jobs(Renderer(catalog, forms or fillable), jobs, out_dir, cache_dir, step)
        written += paths
    return written
