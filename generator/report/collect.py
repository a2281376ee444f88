"""`handbook collect`: read returned sheets, compute the figures, write the report folder."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

from generator.atomic import check_replaceable, staged_folder
from generator.catalog.model import Catalog
from generator.csvsafe import delimiter_for
from generator.dates import epoch_from_environment
from generator.files import read_regular_file, utf8_position
from generator.problems import HandbookError
from generator.report.fields import Spec, field_specs
from generator.report.figures import Figures, RosterPair, compute, deduplicate
from generator.report.read import (
    Sheet,
    Unreadable,
    csv_sheet,
    pair_id,
    pdf_inputs,
    read_pdfs,
)
from generator.report.write import write_report

MAX_CSV_BYTES = 16 * 1024 * 1024


@dataclass
class Outcome:
    folder: Path
    sheets: list[Sheet]
    unreadable: list[Unreadable]
    figures: Figures


def report_date() -> dt.date:
    """SOURCE_DATE_EPOCH's day when set (reproducible reports), else today."""
    epoch = epoch_from_environment()
    return epoch.date() if epoch else dt.date.today()


def read_typed_csv(path: Path, specs: dict[str, Spec]) -> list[Sheet | Unreadable]:
    """Rows of a typed-up CSV (the template's columns), each as a sheet or a reason."""
    raw = read_regular_file(path, max_bytes=MAX_CSV_BYTES, follow_symlinks=True)
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = utf8_position(body, exc)
        raise HandbookError(
            f"{path}:{line}:{col}: not UTF-8 text; save the file as CSV UTF-8"
        ) from None
    header = text.partition("\n")[0]
    delimiter = delimiter_for(header, ("sheet_kind",))  # ";" from Excel in much of Europe
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    out: list[Sheet | Unreadable] = []
    try:
        if "sheet_kind" not in (reader.fieldnames or []):
            raise HandbookError(
                f"{path}:1: no sheet_kind column; start from `handbook collect --template`"
            )
        for row in reader:
            cleaned = {k.strip(): (v or "").removeprefix("'") for k, v in row.items() if k}
            if any(cleaned.values()):
                out.append(csv_sheet(f"{path}:{reader.line_num}", cleaned, specs))
    except csv.Error as exc:
        raise HandbookError(f"{path}:{reader.line_num}: {exc}") from None
    return out


def roster_pairs(catalog: Catalog, path: Path) -> list[RosterPair]:
    """The pairs of a roster CSV (the one `worksheets --roster` takes), ids as on their sheets."""
    from generator.pdf.roster import read_roster

    return [
        RosterPair(pair_id(p.mentee, p.mentor), f"{p.mentee} · {p.mentor}", p.start)
        for p in read_roster(path, catalog)
    ]


def refuse_inside_site(output: Path, site_dirs: list[Path]) -> None:
    """The report holds answers: it never goes into the published site."""
    real = Path(os.path.realpath(output))
    for site in site_dirs:
        site_real = Path(os.path.realpath(site))
        if real == site_real or real.is_relative_to(site_real):
            raise HandbookError(
                f"{output}: refusing to write the report inside the published site ({site}); "
                "choose a folder outside it. Nothing was changed."
            )


def collect(
    catalog: Catalog,
    inputs: list[Path],
    output: Path,
    *,
    typed: list[Path] | None = None,
    include_comments: bool = False,
    as_of: dt.date | None = None,
    site_dirs: list[Path] | None = None,
    roster: Path | None = None,
) -> Outcome:
    """Read every input, write the report folder (swapped in whole), return what was found."""
    refuse_inside_site(output, [catalog.root / "site", *(site_dirs or [])])
    check_replaceable(output, catalog.root, kind="report")
    specs = field_specs(catalog)
    missing = [p for p in inputs if not p.exists()]
    if missing:
        raise HandbookError(f"{missing[0]}: no such file or folder")
    pairs = roster_pairs(catalog, roster) if roster is not None else []  # bad roster: stop early
    results = read_pdfs(pdf_inputs(inputs), specs)
    for path in typed or []:
        results += read_typed_csv(path, specs)
    sheets = [r for r in results if isinstance(r, Sheet)]
    unreadable = [r for r in results if isinstance(r, Unreadable)]
    sheets, duplicates = deduplicate(sheets)
    unreadable += duplicates
    unreadable += [Unreadable(s.source, note) for s in sheets for note in s.notes]
    unreadable.sort(key=lambda u: (u.source, u.reason))
    fig = compute(
        catalog,
        sheets,
        specs,
        as_of=as_of or report_date(),
        include_comments=include_comments,
        roster=pairs,
    )
    with staged_folder(output, catalog.root) as staging:
        write_report(catalog, staging, sheets, unreadable, fig, specs, include_comments)
    return Outcome(output, sheets, unreadable, fig)
