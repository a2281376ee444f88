"""Turn validated documents into the Catalog: terms applied, rich text sanitized, dates parsed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.catalog.model import (
    SMART_KEYS,
    Catalog,
    CheckInLog,
    Criterion,
    EvaluationLevel,
    Evidence,
    Form,
    FormField,
    FormSection,
    Goal,
    Kpi,
    LogColumn,
    Measure,
    Measurement,
    Milestone,
    Organization,
    Page,
    Placeholder,
    Practice,
    RichText,
    SmartFramework,
    SmartPrompt,
    SmartTemplate,
    Source,
    StatementPart,
    Worksheets,
)
from generator.catalog.selection import (
    catalog_order,
    disabled_ids,
    is_enabled,
    worked_example_id,
)
from generator.dates import Duration, parse_date
from generator.load.documents import Document
from generator.load.locales import merged_strings
from generator.load.yaml_safe import flatten_keys
from generator.outputs import PAPERS
from generator.pool import cores, pool_list, shared
from generator.safety.richtext import render_rich
from generator.smart import join, parse_statement, rename_text
from generator.terms import model_terms, term_renamer, terms_for

Text = Callable[[str], str]


class _Builder:
    """Holds the term renamer and program start so each converter stays a one-liner."""

    def __init__(self, rename: Text, start: dt.date | None) -> None:
        self.t = rename
        self.start = start

    def rich(self, source: str) -> RichText:
        renamed = self.t(source)
        return RichText(renamed, render_rich(renamed))

    def texts(self, items: list[str] | None) -> tuple[str, ...]:
        return tuple(self.t(i) for i in items or ())

    def evidence(self, items: list[dict[str, Any]] | None) -> tuple[Evidence, ...]:
        # Source titles are names of published works: never renamed.
        return tuple(
            Evidence(
                self.t(e["claim"]),
                Source(
                    name=e["source"]["name"],
                    publisher=e["source"].get("publisher"),
                    url=e["source"].get("url"),
                    year=e["source"].get("year"),
                    via=e["source"].get("via"),
                ),
            )
            for e in items or ()
        )

    def kpis(self, items: list[dict[str, Any]] | None) -> tuple[Kpi, ...]:
        return tuple(
            Kpi(
                id=k["id"],
                name=self.t(k["name"]),
                description=self.t(k["description"]),
                unit=k["unit"],
                direction=k["direction"],
                baseline=self.t(k["baseline"]),
                target=self.t(k["target"]),
                period=k["period"],
            )
            for k in items or ()
        )

    def offset_days(self, duration: str) -> int:
        d = Duration.parse(duration)
        return (d.after(self.start) - self.start).days if self.start else d.approx_days()

    def smart(self, data: dict[str, Any], criteria: dict[str, Criterion]) -> SmartTemplate:
        fields = {
            name: Placeholder(
                name=name,
                label=self.t(f["label"]),
                hint=self.t(f["hint"]),
                example=self.t(f["example"]),
                kind=f.get("type", "text"),
            )
            for name, f in data["fields"].items()
        }
        # Split first, then rename the text: placeholder names are identifiers, never renamed.
        parsed = rename_text(parse_statement(data["statement"]), self.t)
        statement = join(parsed)
        parts = [
            StatementPart("", fields[p.name]) if p.name is not None else StatementPart(p.text)
            for p in parsed
        ]
        example = "".join(p.placeholder.example if p.placeholder else p.text for p in parts)
        prompts = tuple(
            SmartPrompt(key, criteria[key].letter, criteria[key].name, self.t(data["prompts"][key]))
            for key in SMART_KEYS
        )
        return SmartTemplate(statement, tuple(parts), tuple(fields.values()), prompts, example)

    def goal(self, doc: Document, criteria: dict[str, Criterion]) -> Goal:
        assert doc.loaded is not None
        g = doc.loaded.data
        return Goal(
            id=g["id"],
            audience=g["audience"],
            title=self.t(g["title"]),
            summary=self.t(g["summary"]),
            why=self.rich(g["why"]),
            horizon=g["horizon"],
            tags=tuple(g["tags"]),
            evidence=self.evidence(g["evidence"]),
            smart=self.smart(g["smart"], criteria),
            milestones=tuple(
                Milestone(
                    self.t(m["title"]),
                    m["due"],
                    self.offset_days(m["due"]),
                    self.t(m.get("description", "")),
                )
                for m in g["milestones"]
            ),
            measures=tuple(
                Measure(self.t(m["metric"]), self.t(m["how"]), self.t(m["target"]))
                for m in g["measures"]
            ),
            check_in_questions=self.texts(g["check_in_questions"]),
            conversation_starters=self.texts(g.get("conversation_starters")),
            related=tuple(g["related"]),
            kpis=self.kpis(g.get("kpis")),
            source_file=doc.rel,
        )

    def form(self, key: str, f: dict[str, Any]) -> Form:
        return Form(
            id=key.replace("_", "-"),
            title=self.t(f["title"]),
            intro=self.t(f["intro"]),
            sections=tuple(
                FormSection(
                    id=s["id"],
                    title=self.t(s["title"]),
                    intro=self.t(s.get("intro", "")),
                    points=tuple(s.get("points", ())),
                    fields=tuple(
                        FormField(
                            id=x["id"],
                            label=self.t(x["label"]),
                            hint=self.t(x.get("hint", "")),
                            kind=x["kind"],
                            lines=x.get("lines", 3) if x["kind"] == "lines" else 1,
                            prefill=x.get("prefill", ""),
                        )
                        for x in s["fields"]
                    ),
                )
                for s in f["sections"]
            ),
        )


def _page_title_and_body(text: str) -> tuple[str, str]:
    first, _, rest = text.lstrip().partition("\n")
    return first.removeprefix("# ").strip(), rest.strip() or first


PARALLEL_MIN_GOALS = 400  # below this, starting worker processes costs more than it saves


def _goal_slice(bounds: tuple[int, int]) -> list[Goal]:
    builder, docs, criteria = shared()["builder"], shared()["docs"], shared()["criteria"]
    return [builder.goal(doc, criteria) for doc in docs[bounds[0] : bounds[1]]]


def _goals(b: _Builder, docs: list[Document], criteria: dict[str, Criterion]) -> tuple[Goal, ...]:
    """b.goal for each document, in order; on every core for large catalogs (rendering their
    rich text is most of the time)."""
    if len(docs) < PARALLEL_MIN_GOALS:
        return tuple(b.goal(doc, criteria) for doc in docs)
    step = -(-len(docs) // (cores() * 4))
    slices = [(i, min(i + step, len(docs))) for i in range(0, len(docs), step)]
    work = {"builder": b, "docs": docs, "criteria": criteria}  # inherited: nothing is pickled
    parts = pool_list(_goal_slice, slices, min_parallel=2, shared=work)
    return tuple(goal for part in parts for goal in part)


def build_catalog(root: Path, documents: list[Document]) -> Catalog:
    """The Catalog of a repository whose documents have passed validation."""
    by_kind: dict[str, list[Document]] = {}
    for doc in documents:
        by_kind.setdefault(doc.kind, []).append(doc)

    def data(kind: str) -> dict[str, Any]:
        loaded = by_kind[kind][0].loaded
        assert loaded is not None
        result: dict[str, Any] = loaded.data
        return result

    org = data("organization")
    forms = terms_for(org["terms"], org["language"])
    terms = model_terms(forms)
    program = org["program"]
    start = parse_date(program["start_date"]) if program.get("start_date") else None
    b = _Builder(term_renamer(org["language"], forms), start)

    organization = Organization(
        name=org["name"],
        short_name=org.get("short_name", org["name"]),
        program_name=b.t(org["program_name"]),
        tagline=b.t(org.get("tagline", "")),
        contact_name=org["contact"]["name"],
        contact_email=org["contact"]["email"],
        website=org.get("website"),
        logo=(root / "content" / org["logo"]).resolve(),
        logo_alt=org["logo_alt"],
        primary=org["colors"]["primary"].lower(),
        accent=org["colors"]["accent"].lower(),
        language=org["language"],
        paper=tuple(org.get("paper", PAPERS)),
        start_date=start,
        duration=program["duration"],
        cadence=program["cadence"],
        meeting_minutes=program.get("meeting_minutes", 60),
        terms=terms,
        fillable=org.get("fillable", False),
        report_min_group=org.get("report", {}).get("min_group", 5),
        time_zone=org.get("time_zone"),
    )

    smart = data("smart")
    criteria = {
        c["key"]: Criterion(
            c["key"], c["letter"], b.t(c["name"]), b.t(c["asks"]), b.t(c["question"]), b.t(c["tip"])
        )
        for c in smart["criteria"]
    }
    framework = SmartFramework(
        title=b.t(smart["title"]),
        intro=b.rich(smart["intro"]),
        criteria=tuple(criteria[k] for k in SMART_KEYS),
        steps=b.texts(smart["steps"]),
        evidence=b.evidence(smart["evidence"]),
        worked_example=smart["worked_example"],
    )

    disabled = disabled_ids(org)
    goal_docs = [
        d
        for d in by_kind.get("goal", [])
        if d.loaded and is_enabled(d.stem, d.loaded.data, disabled)
    ]
    goal_docs.sort(key=lambda d: catalog_order(d.stem, d.loaded.data if d.loaded else {}))
    goals = _goals(b, goal_docs, criteria)
    enabled_ids = {g.id for g in goals}
    # Validation guarantees a published goal; a disabled worked example falls back (a warning).
    framework = dataclasses.replace(
        framework, worked_example=worked_example_id(framework.worked_example, [g.id for g in goals])
    )
    # Links to disabled goals are dropped rather than left dangling.
    goals = tuple(
        g
        if set(g.related) <= enabled_ids
        else Goal(**{**g.__dict__, "related": tuple(r for r in g.related if r in enabled_ids)})
        for g in goals
    )

    m = data("measurement")
    measurement = Measurement(
        title=b.t(m["title"]),
        intro=b.rich(m["intro"]),
        practices=tuple(Practice(b.t(p["title"]), b.t(p["description"])) for p in m["practices"]),
        kpis=b.kpis(m["kpis"]),
        evaluation_levels=tuple(
            EvaluationLevel(e["level"], b.t(e["name"]), b.t(e["question"]), b.t(e["how"]))
            for e in m["evaluation_levels"]
        ),
    )

    w = data("worksheets")
    log = w["check_in_log"]
    worksheets = Worksheets(
        agreement=b.form("agreement", w["agreement"]),
        check_in_log=CheckInLog(
            id="check-in-log",
            title=b.t(log["title"]),
            intro=b.t(log["intro"]),
            agenda=b.texts(log["agenda"]),
            columns=tuple(LogColumn(c["id"], b.t(c["label"]), c["width"]) for c in log["columns"]),
            rows=log["rows"],
        ),
        midpoint_reflection=b.form("midpoint_reflection", w["midpoint_reflection"]),
        closure_reflection=b.form("closure_reflection", w["closure_reflection"]),
        evaluation=b.form("evaluation", w["evaluation"]),
    )

    pages = []
    for doc in by_kind.get("page", []):
        title, body = _page_title_and_body(doc.text)
        pages.append(Page(doc.stem, b.t(title), b.rich(body)))

    overrides: dict[str, str] = {}
    for doc in by_kind.get("locale", []):
        if doc.stem == organization.language and doc.loaded is not None:
            overrides = {".".join(map(str, k)): v for k, v in flatten_keys(doc.loaded.data).items()}
    strings = {k: b.t(v) for k, v in merged_strings(organization.language, overrides).items()}

    return Catalog(
        root=root.resolve(),
        organization=organization,
        goals=goals,
        smart=framework,
        measurement=measurement,
        worksheets=worksheets,
        pages=tuple(sorted(pages, key=lambda p: p.slug)),
        strings=strings,
    )
