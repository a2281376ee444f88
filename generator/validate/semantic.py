"""Rules beyond the schemas: ids and folders agree, references resolve, placeholders match."""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from generator import dates
from generator.catalog.selection import (
    catalog_order,
    disabled_ids,
    is_enabled,
    worked_example_id,
)
from generator.colour import AA_TEXT, BLACK, WHITE, contrast_ratio, text_on
from generator.dates import DateRangeError
from generator.load.documents import Document
from generator.load.locales import reference_keys, shipped_languages
from generator.load.yaml_safe import PathKey, flatten_keys, json_path, load_yaml
from generator.problems import Problem, Severity
from generator.resources import project_dir
from generator.scaffold import identity as placeholder
from generator.smart import statement_issues
from generator.terms import DEFAULT_WORDS, forms_for, renames
from generator.validate.images import check_logo
from generator.validate.scripts import script_problems
from generator.website.theme import theme_language

SMART_ORDER = ("specific", "measurable", "achievable", "relevant", "time_bound")


class Findings:
    """Collects problems for documents, placing each at its JSON path."""

    def __init__(self, goal_ids: set[str]) -> None:
        self.problems: list[Problem] = []
        self.goal_ids = (
            goal_ids  # every goal file found, valid or not, so one bad file is one error
        )

    def add(
        self,
        doc: Document,
        path: PathKey,
        message: str,
        *,
        key: bool = False,
        severity: Severity = Severity.ERROR,
    ) -> None:
        line, col = doc.loaded.position(path, key=key) if doc.loaded else (1, 1)
        self.problems.append(Problem(doc.rel, line, col, json_path(path), message, severity))


Rule = Callable[[list[Document], Path, Findings], None]


def _by_kind(docs: list[Document], kind: str) -> Iterator[tuple[Document, Any]]:
    for doc in docs:
        if doc.kind == kind and doc.loaded is not None and isinstance(doc.loaded.data, dict):
            yield doc, doc.loaded.data


def check_goal_files(docs: list[Document], root: Path, out: Findings) -> None:
    """Id is the file name, audience the folder; ids unique; KPIs only on program goals."""
    seen: dict[str, Document] = {}
    for doc, data in _by_kind(docs, "goal"):
        folder = Path(doc.rel).parent.name
        if isinstance(data.get("id"), str) and data["id"] != doc.stem:
            out.add(doc, ("id",), f"id '{data['id']}' must equal the file name '{doc.stem}'")
        if isinstance(data.get("audience"), str) and data["audience"] != folder:
            out.add(
                doc,
                ("audience",),
                f"audience '{data['audience']}' must equal the folder '{folder}'",
            )
        if folder != "organization" and "kpis" in data:
            out.add(doc, ("kpis",), "only organizational goals have kpis", key=True)
        if doc.stem in seen:
            out.add(
                doc,
                ("id",),
                f"duplicate goal id '{doc.stem}': also defined in {seen[doc.stem].rel}",
            )
        else:
            seen[doc.stem] = doc


def check_related(docs: list[Document], root: Path, out: Findings) -> None:
    """Every `related` id names an existing goal (and not the goal itself); naming a disabled
    goal is a warning, since the build leaves that link out."""
    ids = out.goal_ids
    found = _organization(docs)
    disabled = disabled_ids(found[1]) if found else set()
    unpublished = disabled | {
        doc.stem for doc, data in _by_kind(docs, "goal") if not is_enabled(doc.stem, data, ())
    }
    for doc, data in _by_kind(docs, "goal"):
        related = data.get("related")
        if not isinstance(related, list):
            continue
        for i, rid in enumerate(related):
            if not isinstance(rid, str):
                continue
            if rid == doc.stem:
                out.add(doc, ("related", i), "a goal cannot be related to itself")
            elif rid not in ids:
                out.add(
                    doc, ("related", i), f"related goal '{rid}' does not exist{_suggest(rid, ids)}"
                )
            elif rid in unpublished and is_enabled(doc.stem, data, disabled):
                out.add(
                    doc,
                    ("related", i),
                    f"related goal '{rid}' is disabled, so the link is left out; remove it here"
                    " or enable the goal",
                    severity=Severity.WARNING,
                )


def _suggest(word: str, options: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(options), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def check_placeholders(docs: list[Document], root: Path, out: Findings) -> None:
    """The statement's `{placeholders}` are exactly the declared fields, in the same order."""
    for doc, data in _by_kind(docs, "goal"):
        fields: dict[str, Any] = data["smart"]["fields"]
        for issue in statement_issues(data["smart"]["statement"], fields):
            # Word order differs between languages: a translated statement may reorder its blanks.
            if issue.about_order and doc.translated_by is not None:
                continue
            if issue.field is not None:
                out.add(doc, ("smart", "fields", issue.field), issue.message, key=True)
            elif issue.about_order:
                out.add(doc, ("smart", "fields"), issue.message)
            else:
                out.add(doc, ("smart", "statement"), issue.message)


def check_disabled(docs: list[Document], root: Path, out: Findings) -> None:
    """`disabled_goals` names goals that exist."""
    ids = out.goal_ids
    for doc, data in _by_kind(docs, "organization"):
        disabled = data.get("disabled_goals")
        for i, gid in enumerate(disabled if isinstance(disabled, list) else []):
            if isinstance(gid, str) and gid not in ids:
                out.add(
                    doc, ("disabled_goals", i), f"goal '{gid}' does not exist{_suggest(gid, ids)}"
                )


def check_organization(docs: list[Document], root: Path, out: Findings) -> None:
    """The logo is a safe image inside the repository; text stays readable on the brand colour."""
    for doc, data in _by_kind(docs, "organization"):
        logo = data.get("logo")
        if isinstance(logo, str):
            message = check_logo(root, logo)
            if message:
                out.add(doc, ("logo",), message)
        colors = data.get("colors")
        primary = colors.get("primary") if isinstance(colors, dict) else None
        if isinstance(primary, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", primary):
            ratio = contrast_ratio(primary, WHITE)
            if ratio < AA_TEXT:
                on = text_on(primary)
                drawn = (
                    "the header's text will be black instead"
                    if on == BLACK
                    else f"no text colour reaches it ({contrast_ratio(on, primary):.2f}:1 at best)"
                )
                out.add(
                    doc,
                    ("colors", "primary"),
                    f"white text on {primary} has a contrast of {ratio:.2f}:1, below WCAG AA 4.5:1;"
                    f" {drawn}; choose a darker primary colour to keep white text",
                    severity=Severity.WARNING,
                )
        language = data.get("language")
        locale_file = root / "content" / "locales" / f"{language}.yml"
        shipped = shipped_languages()
        if isinstance(language, str) and theme_language(language) != language:
            out.add(
                doc,
                ("language",),
                f"Material for MkDocs has no interface strings for '{language}'; its own labels"
                " (search, navigation) stay English",
                severity=Severity.WARNING,
            )
        if isinstance(language, str) and language not in shipped and not locale_file.is_file():
            out.add(
                doc,
                ("language",),
                f"no UI strings for language '{language}': the tool ships {', '.join(shipped)};"
                f" for another language add content/locales/{language}.yml",
            )


# The identity fields `handbook new` replaces, as JSON paths in organization.yml.
IDENTITY_FIELDS = (
    ("short_name",),
    ("program_name",),
    ("contact", "name"),
    ("contact", "email"),
    ("website",),
    ("logo_alt",),
)


@functools.cache
def _sample_identity() -> tuple[dict[str, Any], bytes]:
    """The default catalog's organization.yml and logo: the sample identity."""
    folder = project_dir() / "content"
    data = load_yaml((folder / "organization.yml").read_text(encoding="utf-8")).data
    return data, (folder / data["logo"]).read_bytes()


def _field(data: Any, path: PathKey) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def check_identity(docs: list[Document], root: Path, out: Findings) -> None:
    """A warning at each identity field still holding the sample organization's value (once
    the name is the admin's) or a placeholder of `handbook new`: they would be published."""
    found = _organization(docs)
    if found is None:
        return
    doc, data = found
    sample, sample_logo = _sample_identity()
    placeholders = {
        ("name",): placeholder.PLACEHOLDER_NAME,
        ("contact", "name"): placeholder.PLACEHOLDER_CONTACT,
        ("contact", "email"): placeholder.PLACEHOLDER_EMAIL,
    }
    own_name = data.get("name") != sample["name"]  # the demo catalog itself is consistent
    for path in (("name",), *IDENTITY_FIELDS):
        value = _field(data, path)
        if value is not None and value == placeholders.get(path):
            out.add(doc, path, f"'{value}' is the placeholder `handbook new` wrote; "
                    "replace it with your own", severity=Severity.WARNING)  # fmt: skip
        elif own_name and value is not None and value == _field(sample, path):
            out.add(doc, path, f"'{value}' belongs to the sample organization; "
                    "replace it with your own", severity=Severity.WARNING)  # fmt: skip
    logo = data.get("logo")
    logo_file = root / "content" / logo if isinstance(logo, str) else None
    if logo_file is None or not logo_file.is_file() or logo_file.is_symlink():
        return
    with logo_file.open("rb") as f:  # enough to compare; the logo's own check caps its size
        content = f.read(max(len(sample_logo), len(placeholder.PLACEHOLDER_SVG)) + 1)
    if content == placeholder.PLACEHOLDER_SVG.encode():
        out.add(doc, ("logo",), "the logo is the placeholder `handbook new` wrote; "
                "put your own in content/assets/", severity=Severity.WARNING)  # fmt: skip
    elif own_name and content == sample_logo:
        out.add(doc, ("logo",), "the logo is the sample organization's; "
                "put your own in content/assets/", severity=Severity.WARNING)  # fmt: skip


def check_terms(docs: list[Document], root: Path, out: Findings) -> None:
    """A renamed term gives forms for the published language (else that language keeps its own
    words: a warning), and only for languages whose words the tool knows how to replace."""
    found = _organization(docs)
    if found is None:
        return
    doc, data = found
    language = data["language"]
    for term, value in data["terms"].items():
        given = {"en": value} if "singular" in value else value
        for code in given:
            if code not in DEFAULT_WORDS:
                out.add(doc, ("terms", term, code), f"the tool renames terms only in "
                        f"{', '.join(sorted(DEFAULT_WORDS))}; '{code}' text keeps its words",
                        key=True, severity=Severity.WARNING)  # fmt: skip
        renamed = any(
            renames(forms_for(value, code), DEFAULT_WORDS[code][term])
            for code in given
            if code in DEFAULT_WORDS
        )
        if renamed and language in DEFAULT_WORDS and forms_for(value, language) is None:
            own = DEFAULT_WORDS[language][term]
            out.add(doc, ("terms", term), f"no '{language}' forms, so the '{language}' site "
                    f"keeps '{own.singular}'/'{own.plural}'; add {language}: {{singular: ..., "
                    "plural: ...}", key=True, severity=Severity.WARNING)  # fmt: skip


def check_locales(docs: list[Document], root: Path, out: Findings) -> None:
    """A catalog's locale file sets only keys the tool knows; gaps in a language the tool does
    not ship are filled from English (a warning each)."""
    known = reference_keys()
    shipped = shipped_languages()
    for doc, data in _by_kind(docs, "locale"):
        keys = {".".join(map(str, k)): k for k in flatten_keys(data)}
        for name, path in sorted(keys.items()):
            if name not in known:
                out.add(
                    doc,
                    path,
                    f"unknown UI string '{name}'{_suggest(name, set(known))}"
                    " (the keys are those of generator/locales/en.yml)",
                    key=True,
                )
        if doc.stem not in shipped:
            missing = sorted(known - set(keys))
            if missing:
                out.add(
                    doc,
                    (),
                    f"{len(missing)} UI string(s) missing for '{doc.stem}' use English, e.g. "
                    + ", ".join(missing[:3]),
                    severity=Severity.WARNING,
                )


def check_smart(docs: list[Document], root: Path, out: Findings) -> None:
    """Criteria come in S, M, A, R, T order; the worked example names a goal."""
    ids = out.goal_ids
    for doc, data in _by_kind(docs, "smart"):
        criteria = data.get("criteria")
        if isinstance(criteria, list) and len(criteria) == 5:
            keys = [c.get("key") if isinstance(c, dict) else None for c in criteria]
            if keys != list(SMART_ORDER):
                out.add(
                    doc, ("criteria",), f"criteria must be in the order {', '.join(SMART_ORDER)}"
                )
        example = data.get("worked_example")
        if isinstance(example, str) and example not in ids:
            out.add(
                doc, ("worked_example",), f"goal '{example}' does not exist{_suggest(example, ids)}"
            )


def check_worksheets(docs: list[Document], root: Path, out: Findings) -> None:
    """Field ids are unique within a form; log column widths add up to 100."""
    for doc, data in _by_kind(docs, "worksheets"):
        widths = [c["width"] for c in data["check_in_log"]["columns"]]
        if sum(widths) != 100:
            message = f"column widths add up to {sum(widths)}, not 100"
            out.add(doc, ("check_in_log", "columns"), message)
        for form_key, form in data.items():
            seen: set[str] = set()
            for si, section in enumerate(form.get("sections", [])):
                for fi, field in enumerate(section["fields"]):
                    if field["id"] in seen:
                        message = f"duplicate field id '{field['id']}' in {form_key}"
                        out.add(doc, (form_key, "sections", si, "fields", fi, "id"), message)
                    seen.add(field["id"])


def check_kpi_ids(docs: list[Document], root: Path, out: Findings) -> None:
    """KPI ids are unique across measurement.yml and all organizational goals."""
    seen: dict[str, str] = {}
    for doc in docs:
        if (
            doc.kind not in ("measurement", "goal")
            or not doc.loaded
            or not isinstance(doc.loaded.data, dict)
        ):
            continue
        kpis = doc.loaded.data.get("kpis")
        for i, kpi in enumerate(kpis if isinstance(kpis, list) else []):
            kid = kpi.get("id") if isinstance(kpi, dict) else None
            if isinstance(kid, str):
                if kid in seen:
                    out.add(
                        doc, ("kpis", i, "id"), f"duplicate KPI id '{kid}': also in {seen[kid]}"
                    )
                else:
                    seen[kid] = doc.rel


def _organization(docs: list[Document]) -> tuple[Document, dict[str, Any]] | None:
    return next(_by_kind(docs, "organization"), None)


def _check(
    out: Findings, doc: Document, path: PathKey, check: Callable[..., Any], *args: Any
) -> None:
    """Report the DateRangeError of a dates.py check at `path` (the build computes the same)."""
    try:
        check(*args)
    except DateRangeError as exc:
        out.add(doc, path, str(exc))


def check_program(docs: list[Document], root: Path, out: Findings) -> None:
    """Start date, duration and cadence are within the limits dates.py computes with, and the
    check-in log's dated rows can be computed for any start date."""
    found = _organization(docs)
    if found is None:
        return
    doc, data = found
    program = data["program"]
    if "start_date" in program:
        _check(out, doc, ("program", "start_date"), dates.parse_date, program["start_date"])
    _check(out, doc, ("program", "duration"), dates.PROGRAM_DURATION.check, program["duration"])
    _check(out, doc, ("program", "cadence"), dates.CADENCE.check, program["cadence"])
    for _, sheets in _by_kind(docs, "worksheets"):
        rows = sheets["check_in_log"]["rows"]
        _check(out, doc, ("program", "cadence"), dates.check_schedule, program["cadence"], rows)


def zone_hint(name: str, zones: set[str]) -> str:
    """'; did you mean ...' for a time zone: another case, the city alone, or a close spelling."""
    by_case = {z.casefold(): z for z in zones}
    if name.casefold() in by_case:
        return f"; did you mean '{by_case[name.casefold()]}'?"
    city = name.rsplit("/", 1)[-1].casefold()
    same_city = sorted(z for z in zones if z.rsplit("/", 1)[-1].casefold() == city)
    if len(same_city) == 1:
        return f"; did you mean '{same_city[0]}'?"
    return _suggest(name, zones)


def check_time_zone(docs: list[Document], root: Path, out: Findings) -> None:
    """`time_zone` is a name in the IANA time zone database (exact case, as every OS needs)."""
    found = _organization(docs)
    name = found[1].get("time_zone") if found else None
    if found is None or not isinstance(name, str):
        return
    zones = zoneinfo.available_timezones()  # the system's database, else the tzdata package
    if not zones or name in zones:  # no database at all: the calendar step reports the name
        return
    out.add(
        found[0],
        ("time_zone",),
        f"'{name}' is not an IANA time zone name (like Europe/Berlin)" + zone_hint(name, zones),
    )


def check_durations(docs: list[Document], root: Path, out: Findings) -> None:
    """Milestones fall at least a day after the start and within the program (stretch goals:
    within five years); KPI periods are within their limits."""
    found = _organization(docs)
    program_duration = found[1]["program"]["duration"] if found else None
    for doc in docs:
        if doc.kind not in ("goal", "measurement") or not doc.loaded:
            continue
        data = doc.loaded.data
        for i, milestone in enumerate(data.get("milestones", []) if doc.kind == "goal" else []):
            path = ("milestones", i, "due")
            if program_duration is None:
                _check(out, doc, path, dates.MILESTONE.check, milestone["due"])
            else:
                stretch = data["horizon"] == "stretch"
                check = partial(dates.check_milestone, stretch=stretch)
                _check(out, doc, path, check, milestone["due"], program_duration)
        for i, kpi in enumerate(data.get("kpis") or []):
            _check(out, doc, ("kpis", i, "period"), dates.KPI_PERIOD.check, kpi["period"])


def check_enabled_goals(docs: list[Document], root: Path, out: Findings) -> None:
    """At least one goal is published (the home page, the SMART guide and the booklets need
    one); a disabled worked example is a warning, since the guide shows another goal."""
    found = _organization(docs)
    if found is None:
        return
    org_doc, org = found
    disabled = disabled_ids(org)
    goals = list(_by_kind(docs, "goal"))
    if len(goals) < len(out.goal_ids):
        return  # a goal file failed to load or validate: it is reported, and may be enabled
    enabled = sorted(doc.stem for doc, data in goals if is_enabled(doc.stem, data, disabled))
    if not goals:
        out.problems.append(
            Problem(
                "content/goals", 0, 0, "$",
                "the catalog has no goals; add one under content/goals/<audience>/",
            )
        )  # fmt: skip
        return
    if not enabled:
        keep = "keep at least one goal enabled (the handbook and its booklets need one)"
        if disabled:
            message = f"every goal is disabled, here or by `enabled: false`; {keep}"
            out.add(org_doc, ("disabled_goals",), message, key=True)
        else:
            first = goals[0][0]
            out.add(first, ("enabled",), f"every goal file says `enabled: false`; {keep}")
        return
    for smart_doc, smart in _by_kind(docs, "smart"):
        example = smart["worked_example"]
        if example in out.goal_ids and example not in enabled:
            published = [(d.stem, g) for d, g in goals if d.stem in enabled]
            ordered = [gid for gid, _ in sorted(published, key=lambda p: catalog_order(*p))]
            shown = worked_example_id(example, ordered)
            out.add(
                smart_doc,
                ("worked_example",),
                f"goal '{example}' is disabled; the SMART guide shows '{shown}' instead",
                severity=Severity.WARNING,
            )


def check_pages(docs: list[Document], root: Path, out: Findings) -> None:
    """A page starts with a `# Title` line."""
    for doc in docs:
        if doc.kind == "page" and not doc.text.lstrip().startswith("# "):
            out.problems.append(
                Problem(doc.rel, 1, 1, "$", "a page must start with a '# Title' line")
            )


def check_scripts(docs: list[Document], root: Path, out: Findings) -> None:
    """Text in a script no installed font covers (a warning: the site still shows it)."""
    out.problems.extend(script_problems(docs))


RULES: tuple[Rule, ...] = (
    check_goal_files,
    check_related,
    check_placeholders,
    check_disabled,
    check_organization,
    check_locales,
    check_smart,
    check_worksheets,
    check_kpi_ids,
    check_pages,
    check_program,
    check_durations,
    check_time_zone,
    check_enabled_goals,
    check_identity,
    check_terms,
    check_scripts,
)


def check_semantics(docs: list[Document], root: Path, goal_ids: set[str]) -> list[Problem]:
    """Run every rule over schema-valid documents; collect all findings."""
    findings = Findings(goal_ids)
    for rule in RULES:
        rule(docs, root, findings)
    return findings.problems
