"""`handbook build`: validate, generate, render, then swap the new site into place atomically."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from generator.atomic import check_replaceable, staged_folder
from generator.outputs import OFFLINE_ZIP, RETURNS_TEMPLATE
from generator.pool import in_background
from generator.problems import BuildFailed
from generator.progress import BuildProgress, Progress
from generator.resources import theme_overrides

if TYPE_CHECKING:
    from generator.catalog.model import Catalog
    from generator.safety.scan import Verdict
    from generator.website.ahead import Ahead

BOOK_NICE = 10  # the book's background process yields to the site and the worksheets


@dataclass(frozen=True)
class BuildSettings:
    root: Path
    site_dir: Path
    pdf: bool = True
    papers: tuple[str, ...] | None = None  # None: as organization.yml says
    fillable: bool = False
    engine: str = "mkdocs"  # or "zensical" (generator/website/engines.py)
    offline: bool = True  # the offline copy: site/handbook-offline.zip
    book: bool = True  # site/book/ (off only to measure what the book costs: benchmarks/book.py)


def returns_template(catalog: Catalog) -> str:
    """The CSV for typed-up paper copies, beside the worksheets it describes."""
    from generator.report.fields import field_specs
    from generator.report.write import template_csv

    return template_csv(field_specs(catalog))


def build_into(
    catalog: Catalog,
    settings: BuildSettings,
    staging: Path,
    progress: BuildProgress,
    started: Ahead | None = None,
) -> None:
    """Everything a build writes, into `staging` (a fresh folder beside site/); `started`: see
    website/ahead.py."""
    from generator.export import catalog_to_json
    from generator.website.build import build_site

    build_dir = settings.root / "build"
    with ExitStack() as stack:
        # The book needs only the catalog: it is laid out in a second process from the start,
        # at low priority, so it runs on what the engines and the worksheets leave idle (nice
        # 10 measured 2% median added wall time against 7-29% at equal priority, which
        # overloads two cores with three processes; benchmarks/book.py).
        if settings.pdf:
            import generator.pdf.render  # noqa: F401  (WeasyPrint: imported once, before the fork)
        book = None  # --no-pdf (or a benchmark without the book): no process is forked
        if settings.pdf and settings.book:
            book_job = partial(_book, catalog, settings, staging)
            book = stack.enter_context(in_background(book_job, nice=BOOK_NICE))
        offline_site = None
        if settings.offline:  # built beside the site, packed after the PDFs (the zip has them)
            (build_dir / "offline").mkdir(parents=True, exist_ok=True)
            tmp = tempfile.TemporaryDirectory(prefix="site-", dir=build_dir / "offline")
            offline_site = Path(stack.enter_context(tmp))
        # catalog.json, and the returns template the worksheets page links, are made beside
        # the engine (by the prescan's worker, before pages appear) and written after it
        extra = {"catalog.json": catalog_to_json, RETURNS_TEMPLATE: returns_template}
        passed = build_site(
            catalog,
            build_dir,
            staging,
            settings.engine,
            offline_site,
            True,
            extra,
            started,
            progress.site,
        )
        _render_worksheets(catalog, settings, staging, progress.worksheets)
        books = book.result() if book is not None else []
        for n, path in enumerate(books, 1):
            if progress.book:
                progress.book(n, len(books), path.name)
        if offline_site is not None:
            from generator.website.offline import pack_offline_zip

            zipped = staging / OFFLINE_ZIP
            clean = pack_offline_zip(catalog, offline_site, staging, zipped, settings.engine)
            passed = {**passed, **clean}  # the same PDFs: scanned once
    refuse_unsafe_output(staging, settings.root, settings.engine, passed, memory="site")


def _render_worksheets(
    catalog: Catalog, settings: BuildSettings, staging: Path, progress: Progress | None
) -> None:
    if settings.pdf:
        from generator.pdf.render import render_worksheets

        render_worksheets(
            catalog,
            staging,
            papers=catalog.organization.paper,
            cache_dir=settings.root / ".cache" / "worksheets",
            progress=progress,
        )


def _book(catalog: Catalog, settings: BuildSettings, staging: Path) -> list[Path]:
    """The handbook as a book in every paper size."""
    from generator.book.render import render_book

    return render_book(catalog, staging, cache_dir=settings.root / ".cache" / "book")


def refuse_unsafe_output(
    folder: Path,
    root: Path,
    engine: str = "mkdocs",
    passed: Mapping[str, Verdict] | None = None,
    clean_pdfs: dict[str, Verdict] | None = None,
    memory: str | None = None,
    fork: bool = True,
) -> None:
    """The post-build safety scan: nothing it flags is ever published (the old site stays).
    `passed`: files already scanned clean, by path (see scan.PageCheck);
    `clean_pdfs`: filled with the PDFs this scan passed (see scan.scan_output);
    `memory`: the name of the verdicts remembered between builds of this output (see
    safety/memory.py); `fork`: see scan.scan_output."""
    from generator.safety.memory import memory_file
    from generator.safety.scan import scan_output

    themes = [theme_overrides(root)]
    findings = scan_output(
        folder,
        theme_dirs=themes,
        engine=engine,
        passed=passed,
        clean_pdfs=clean_pdfs,
        memory=memory_file(root, memory) if memory else None,
        fork=fork,
    )
    if findings:
        listed = "\n  ".join(str(f) for f in findings[:20])
        more = f"\n  ... and {len(findings) - 20} more" if len(findings) > 20 else ""
        raise BuildFailed(
            f"the safety scan refused to publish this build ({len(findings)} finding(s)):\n  "
            f"{listed}{more}"
        )


def build(
    catalog: Catalog,
    settings: BuildSettings,
    progress: BuildProgress | None = None,
    started: Ahead | None = None,
) -> Path:
    """Build the site and worksheets; on any failure the previous site/ stays as it was.
    `started`: the key of this build's inputs, and Zensical started ahead (website/ahead.py)."""
    if settings.papers:  # --paper replaces organization.yml's sizes for links and PDFs alike
        organization = dataclasses.replace(catalog.organization, paper=settings.papers)
        catalog = dataclasses.replace(catalog, organization=organization)
    if settings.fillable:  # --fillable adds the PDF-form twins, as `fillable: true` does
        organization = dataclasses.replace(catalog.organization, fillable=True)
        catalog = dataclasses.replace(catalog, organization=organization)
    check_replaceable(settings.site_dir, settings.root)
    with staged_folder(settings.site_dir, settings.root) as staging:
        build_into(catalog, settings, staging, progress or BuildProgress(), started)
    return settings.site_dir
