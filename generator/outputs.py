"""Which worksheet PDFs a catalog produces and where they go: the one list the site links to
and the worksheet renderer fills."""

from __future__ import annotations

from dataclasses import dataclass

from generator.catalog.model import AUDIENCES, Catalog

PAPERS: tuple[str, ...] = ("a4", "letter")  # the one list of paper sizes (schema enum alike)
FORM_KINDS: tuple[str, ...] = (
    "agreement",
    "check-in-log",
    "midpoint-reflection",
    "closure-reflection",
    "evaluation",
)
BOOKLETS: tuple[str, ...] = (*AUDIENCES, "complete")


@dataclass(frozen=True)
class WorksheetFile:
    kind: str  # goal | form | kpi-sheet | booklet
    key: str  # goal id, form kind, "kpi-sheet", or booklet name (audience or "complete")
    paper: str  # a4 | letter
    path: str  # relative to the site root, forward slashes
    fillable: bool = False  # the PDF-form twin of a printable sheet


FILLABLE_FOLDER = "worksheets/fillable"
# The columns typists fill for paper copies; `handbook collect --csv` reads them back.
RETURNS_TEMPLATE = "worksheets/returns-template.csv"


def fillable_twin(f: WorksheetFile) -> WorksheetFile:
    """The same sheet as a PDF form, under worksheets/fillable/<paper>/."""
    path = FILLABLE_FOLDER + "/" + f.path.removeprefix("worksheets/")
    return WorksheetFile(f.kind, f.key, f.paper, path, fillable=True)


def goal_worksheet_path(goal_id: str, paper: str) -> str:
    return f"worksheets/{paper}/goal-{goal_id}.pdf"


def form_worksheet_path(form_kind: str, paper: str) -> str:
    return f"worksheets/{paper}/{form_kind}.pdf"


def kpi_sheet_path(paper: str) -> str:
    return f"worksheets/{paper}/kpi-sheet.pdf"


def booklet_path(name: str, paper: str) -> str:
    return f"worksheets/{paper}/booklet-{name}.pdf"


def worksheet_files(catalog: Catalog, papers: tuple[str, ...] | None = None) -> list[WorksheetFile]:
    """Every PDF a full build writes, in a stable order: the printable sheets, then (when the
    organization makes fillable forms) their PDF-form twins."""
    out: list[WorksheetFile] = []
    for paper in papers or catalog.organization.paper:
        out += [
            WorksheetFile("goal", g.id, paper, goal_worksheet_path(g.id, paper))
            for g in catalog.goals
        ]
        out += [WorksheetFile("form", k, paper, form_worksheet_path(k, paper)) for k in FORM_KINDS]
        out.append(WorksheetFile("kpi-sheet", "kpi-sheet", paper, kpi_sheet_path(paper)))
        out += [
            WorksheetFile("booklet", b, paper, booklet_path(b, paper))
            for b in BOOKLETS
            if b == "complete" or catalog.goals_for(b)
        ]
    if catalog.organization.fillable:
        out += [fillable_twin(f) for f in out]
    return out


def book_path(language: str, paper: str) -> str:
    """The handbook as one PDF, per language and paper size."""
    return f"book/handbook-{language}-{paper}.pdf"


# The whole site to open from a folder (see website/offline.py).
OFFLINE_ZIP = "handbook-offline.zip"
