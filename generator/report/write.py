"""Write the report folder: report.html, report.pdf, responses.csv/json, kpis.csv, charts."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.brand import palette
from generator.catalog.model import Catalog
from generator.csvsafe import csv_text
from generator.report.fields import NAME, TEXT, Spec
from generator.report.figures import UI, Figures, Kpi
from generator.report.read import Sheet, Unreadable
from generator.templating import render_bounded, template_environment

TEMPLATES = Path(__file__).parent / "templates"
# responses.csv / .json: these columns first, then one per answer field (README "Program report").
FIXED_COLUMNS = (
    "source",
    "sheet_kind",
    "catalog_version",
    "language",
    "paper",
    "returned",
    "participant_code",
    "role",
    "pair",
    "pair_start",
)
KPI_COLUMNS = (
    "kpi",
    "label",
    "point",
    "value",
    "unit",
    "numerator",
    "denominator",
    "n",
    "suppressed",
    "formula",
)


def answer_columns(specs: Mapping[str, Spec], include_comments: bool) -> list[str]:
    """The answer columns: every non-name field; free text only with comments."""
    return sorted(
        name
        for name, spec in specs.items()
        if spec.kind != NAME and (include_comments or spec.kind != TEXT)
    )


def response_rows(sheets: Sequence[Sheet], columns: Sequence[str]) -> Iterator[dict[str, str]]:
    """One row per sheet, made as it is written (no table of every answer held at once)."""
    for s in sheets:
        returned = (
            dt.datetime.fromtimestamp(s.returned, dt.UTC).date().isoformat() if s.returned else ""
        )
        row = dict(
            zip(
                FIXED_COLUMNS,
                (
                    s.source,
                    s.kind,
                    s.version,
                    s.language,
                    s.paper,
                    returned,
                    s.participant,
                    s.role,
                    s.pair if s.pair != "program" else "",
                    s.pair_start,
                ),
                strict=True,
            )
        )
        row.update({c: s.answers.get(c, "") for c in columns if c not in FIXED_COLUMNS})
        yield row


def template_csv(specs: Mapping[str, Spec]) -> str:
    """The header typists fill for paper copies (same columns as responses.csv, with comments)."""
    return csv_text([*FIXED_COLUMNS, *answer_columns(specs, True)], [])


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def show(kpi: Kpi, ui: UI) -> str:
    """A KPI's value as the report prints it, units in the catalog's language."""
    if kpi.value is None:
        return ui("report.no_answers")
    suffix = {
        "percent": " %",
        "points": " " + ui("report.unit.points"),
        "minutes": " " + ui("report.unit.minutes"),
    }.get(kpi.unit, "")
    sign = "+" if kpi.unit in ("points", "score") and kpi.value > 0 else ""
    return f"{sign}{_number(kpi.value)}{suffix}"


def kpi_rows(fig: Figures) -> list[dict[str, str]]:
    return [
        {
            "kpi": k.id,
            "label": k.label,
            "point": k.point,
            "value": _number(k.value),
            "unit": k.unit,
            "numerator": _number(k.numerator),
            "denominator": _number(k.denominator),
            "n": "" if k.suppressed else str(k.n),
            "suppressed": "yes" if k.suppressed else "no",
            "formula": k.formula,
        }
        for k in fig.kpis
    ]


@dataclass
class Chart:
    uri: str
    alt: str


def _png(
    fig_size: tuple[float, float],
    title: str,
    labels: list[str],
    values: list[float],
    unit: str,
    colour: str,
) -> str:
    """A horizontal bar chart as a data: URI (Agg, no timestamps: same figures, same bytes)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "svg.hashsalt": "handbook"})
    figure, axes = plt.subplots(figsize=fig_size, dpi=100)
    try:
        axes.barh(labels[::-1], values[::-1], color=colour)
        axes.set_title(title)
        axes.set_xlabel(unit)
        axes.axvline(0, color="#333", linewidth=0.8)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    finally:
        plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def charts(fig: Figures, ui: UI, colour: str) -> list[Chart]:
    """Bar charts of the shown (not suppressed) percent figures and before/after changes."""
    out = []
    for unit, key in (("percent", "report.chart.rates"), ("points", "report.chart.changes")):
        title = ui(key)
        shown = [k for k in fig.kpis if k.unit == unit and k.value is not None and not k.suppressed]
        if unit == "points":
            shown = [k for k in shown if k.id.startswith("change.")]
        if not shown:
            continue
        labels = [k.label[:50] for k in shown]
        values = [float(k.value or 0) for k in shown]
        size = (7.0, 1.0 + 0.45 * len(shown))
        axis = "%" if unit == "percent" else ui("report.unit.points")
        uri = _png(size, title, labels, values, axis, colour)
        alt = title + ": " + "; ".join(f"{k.label} {show(k, ui)}" for k in shown)
        out.append(Chart(uri, alt))
    return out


def report_html(catalog: Catalog, fig: Figures, unreadable: Sequence[Unreadable]) -> str:
    env = template_environment(catalog.root, TEMPLATES, autoescape=True)
    org = catalog.organization
    colours = palette(org)
    return render_bounded(
        env.get_template("report.html"),
        title=f"{org.program_name}: {catalog.ui('report.title')}",
        ui=catalog.ui,
        language=org.language,
        heading=colours.heading,
        primary=colours.primary,
        fig=fig,
        charts=charts(fig, catalog.ui, colours.primary),
        unreadable=list(unreadable),
        cadence=org.cadence,
        show=lambda kpi: show(kpi, catalog.ui),
    )


def report_pdf(catalog: Catalog, html: str, target: Path) -> None:
    """The same HTML as a PDF; only data: URLs (the charts) and the catalog's files load."""
    import weasyprint

    from generator.pdf.fetcher import fetcher_for

    fetcher = fetcher_for(catalog.root)
    weasyprint.HTML(
        string=html, base_url=catalog.root.as_uri() + "/", url_fetcher=fetcher
    ).write_pdf(target, pdf_identifier=b"handbook-report0")


def write_report(
    catalog: Catalog,
    folder: Path,
    sheets: Sequence[Sheet],
    unreadable: Sequence[Unreadable],
    fig: Figures,
    specs: Mapping[str, Spec],
    include_comments: bool,
) -> None:
    """Every file of the report into `folder` (a staging folder: swapped in by the caller)."""
    columns = answer_columns(specs, include_comments)
    (folder / "responses.csv").write_text(
        csv_text([*FIXED_COLUMNS, *columns], response_rows(sheets, columns)), encoding="utf-8"
    )
    trimmed = [{k: v for k, v in row.items() if v} for row in response_rows(sheets, columns)]
    (folder / "responses.json").write_text(
        json.dumps(
            {"columns": [*FIXED_COLUMNS, *columns], "responses": trimmed},
            indent=1,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    (folder / "kpis.csv").write_text(csv_text(KPI_COLUMNS, kpi_rows(fig)), encoding="utf-8")
    (folder / "unreadable.csv").write_text(
        csv_text(
            ("source", "reason"), [{"source": u.source, "reason": u.reason} for u in unreadable]
        ),
        encoding="utf-8",
    )
    html = report_html(catalog, fig, unreadable)
    (folder / "report.html").write_text(html, encoding="utf-8")
    report_pdf(catalog, html, folder / "report.pdf")
