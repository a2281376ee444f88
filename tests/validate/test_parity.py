"""Parity: whatever `validate` accepts, `build` publishes.

organization.yml and goal files are generated from the project's own schemas (hypothesis-jsonschema)
and written into a copy of the default catalog. For every example, either validation reports
errors, each at a file and line, or it passes and the build works: the site (no PDFs, for speed),
the worksheets of one goal, and the check-in log's dates.

Half the examples are "repaired" after generation (links point at goals that exist, the statement
uses exactly the declared fields, durations fit the program, ...) so that the build path is taken
often; the other half stay raw and mostly exercise the error path. Text stays adversarial: any
Unicode the schema allows (controls, combining marks, astral characters), at lengths up to the
schema's limits.

How the schemas are prepared for generation (hypothesis-jsonschema understands draft 7 plus a
few later keywords, not `unevaluatedProperties` or `$ref`s into embedded resources):
- start from the schema the validator uses (schema_check.inlined_schema): every `$ref`, also
  those into the embedded `$defs.shared` copy of defs.schema.json, is replaced by its target;
- drop `$defs`, `$id`, `$schema` and the annotations (no longer referenced);
- turn `unevaluatedProperties` into `additionalProperties`: after inlining, every object declares
  all its properties itself (no `allOf`/`$ref` merges: asserted below), so both mean the same;
- remove lookahead assertions `(?=...)` from patterns, and `format` where a pattern is given:
  hypothesis generates from one and filters on the other, which starved generation (durations,
  dates). The result is a superset (`P`, `2027-02-31`), which simply exercises the error path.
The generated documents are still validated against the real schemas by `check_repository`.

Profiles: the default ("ci") runs a bounded number of examples per test with a per-example
deadline, so the file takes about a minute; `HYPOTHESIS_PROFILE=long pytest tests/validate/
test_parity.py` runs eight times as many (up to ten minutes per test, without the usual
pytest timeout) and keeps a local example database (.hypothesis/, git-ignored).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from generator.build import BuildSettings, build
from generator.catalog.model import Catalog
from generator.load.yaml_safe import load_yaml
from generator.pdf.render import Renderer, render_worksheets
from generator.validate.check import check_repository
from generator.validate.schema_check import inlined_schema
from tests.conftest import REPO, copy_repository

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=dt.timedelta(seconds=30),  # a build is 1-3 s; leave room for a loaded CI machine
    database=None,
    print_blob=True,  # a failure prints the @reproduce_failure line to replay it
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE_NAME = os.environ.get("HYPOTHESIS_PROFILE", "ci")
PROFILE = settings.get_profile(PROFILE_NAME)
# The ci profile takes about 30 s per test; the long one up to 10 minutes per test.
pytestmark = pytest.mark.timeout(3600 if PROFILE_NAME == "long" else 300)

_LOOKAHEAD = re.compile(r"\(\?=[^()]*\)")
_DROP = {"$defs", "$id", "$schema", "$comment", "description", "title", "examples", "default"}


def for_generation(node: Any) -> Any:
    """A copy of an inlined schema that hypothesis-jsonschema can generate from (see above)."""
    if isinstance(node, list):
        return [for_generation(item) for item in node]
    if not isinstance(node, dict):
        return node
    assert "$ref" not in node and "allOf" not in node, "inlining left a reference or a merge"
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROP:
            continue
        if key == "unevaluatedProperties":
            key = "additionalProperties"
        if key == "format" and "pattern" in node:
            continue
        if key == "pattern":
            value = _LOOKAHEAD.sub("", value)
        if key == "properties":  # property names are data here, never keywords to drop
            out[key] = {name: for_generation(sub) for name, sub in value.items()}
        else:
            out[key] = for_generation(value)
    return out


GOAL_IDS = sorted(p.stem for p in (REPO / "content/goals").glob("*/*.yml"))
# Durations every shipped goal's milestones fit in (the default catalog's longest is P6M).
PROGRAM_DURATIONS = ("P6M", "P26W", "P1Y", "P2Y6M", "P5Y")
CADENCES = ("P1D", "P1W", "P2W", "P1M", "P52W", "P1Y")
WITHIN_PROGRAM = ("P1D", "P1W", "P2W", "P3M", "P6M")
BRACE_FREE = st.text(st.characters(exclude_characters="{}", exclude_categories=["Cs"]), max_size=40)


def write_yaml(path: Path, data: dict[str, Any]) -> None:
    """Write a generated document; the project's loader must read back exactly the same data.

    Raw UTF-8 first; PyYAML writes NEL and the Unicode line separators raw inside quotes, where
    every YAML reader folds them, so such documents are written with escapes instead.
    """
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if load_yaml(text).data != data:
        text = yaml.safe_dump(data, allow_unicode=False, sort_keys=False)
    assert load_yaml(text).data == data, "the safe loader reads a dumped document differently"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def assert_parity(root: Path, sample_goal: str | None = None) -> None:
    """Errors all point at a file and line; or the site and a goal's worksheets build."""
    outcome = check_repository(root)
    if not outcome.ok:
        errors = [p for p in outcome.problems if p.is_error]
        unplaced = [p for p in errors if not p.file or p.line < 1]
        assert not unplaced, f"errors without file:line: {unplaced}"
        event("invalid: " + re.sub(r"'[^']*'|\S*\d\S*", "_", errors[0].message)[:60])
        return
    event("valid: built")
    catalog = outcome.catalog
    assert catalog is not None
    build(catalog, BuildSettings(root=root, site_dir=root / "site", pdf=False))
    assert (root / "site/index.html").is_file()
    ids = [g.id for g in catalog.goals]
    goal = sample_goal if sample_goal in ids else ids[0]
    written = render_worksheets(catalog, root / "pdfs", papers=("a4",), goal_ids=(goal,))
    assert [p.name for p in written] == [f"goal-{goal}.pdf"]
    _check_in_dates(catalog)


def _check_in_dates(catalog: Catalog) -> None:
    """The dated rows of the check-in log, from the configured start and the latest allowed."""
    renderer = Renderer(catalog)
    rows = catalog.worksheets.check_in_log.rows
    for start in (catalog.organization.start_date, dt.date(2200, 12, 31)):
        assert len(renderer.log_dates(start)) == rows


def scratch_repository() -> tuple[Path, tempfile.TemporaryDirectory[str]]:
    holder = tempfile.TemporaryDirectory(prefix="parity-")
    return copy_repository(Path(holder.name) / "repo"), holder


# --- organization.yml -------------------------------------------------------------------------

ORGANIZATIONS = from_schema(for_generation(inlined_schema("organization")))


@st.composite
def organizations(draw: st.DrawFn) -> dict[str, Any]:
    org: dict[str, Any] = draw(ORGANIZATIONS)
    if draw(st.booleans()):  # repaired: values that must name things that exist
        org["logo"] = "assets/logo.svg"
        org["language"] = draw(st.sampled_from(["en", "de"]))
        org.pop("content_language", None)
        org["disabled_goals"] = draw(st.lists(st.sampled_from(GOAL_IDS), unique=True, max_size=8))
        org["program"]["duration"] = draw(st.sampled_from(PROGRAM_DURATIONS))
        org["program"]["cadence"] = draw(st.sampled_from(CADENCES))
    return org


@settings(PROFILE)
@given(organizations())
def test_any_schema_valid_organization_validates_or_builds(org: dict[str, Any]) -> None:
    root, holder = scratch_repository()
    with holder:
        write_yaml(root / "content/organization.yml", org)
        assert_parity(root)


# --- goal files -------------------------------------------------------------------------------

GOALS = from_schema(for_generation(inlined_schema("goal")))


@st.composite
def goals(draw: st.DrawFn) -> dict[str, Any]:
    goal: dict[str, Any] = draw(GOALS)
    if not draw(st.booleans()):
        return goal
    # Repaired: links resolve, the statement uses exactly its fields, dates fit the program.
    others = [i for i in GOAL_IDS if i != goal["id"]]
    goal["related"] = draw(st.lists(st.sampled_from(others), unique=True, max_size=3))
    names = list(goal["smart"]["fields"])
    texts = draw(st.lists(BRACE_FREE, min_size=len(names) + 1, max_size=len(names) + 1))
    goal["smart"]["statement"] = texts[0] + "".join(
        "{" + name + "}" + text for name, text in zip(names, texts[1:], strict=True)
    )
    for milestone in goal["milestones"]:
        milestone["due"] = draw(st.sampled_from(WITHIN_PROGRAM))
    if goal["audience"] == "organization":
        for i, kpi in enumerate(goal["kpis"]):
            kpi["id"] = f"generated-{i}"  # unique here and beside measurement.yml's KPIs
            kpi["period"] = draw(st.sampled_from(["P1D", "P1M", "P1Y", "P10Y"]))
    else:
        goal.pop("kpis", None)
    return goal


@settings(PROFILE)
@given(goals())
def test_any_schema_valid_goal_validates_or_builds(goal: dict[str, Any]) -> None:
    root, holder = scratch_repository()
    with holder:
        write_yaml(root / "content/goals" / goal["audience"] / f"{goal['id']}.yml", goal)
        assert_parity(root, sample_goal=goal["id"])


@pytest.mark.parametrize("kind", ["organization", "goal", "smart", "measurement", "worksheets"])
def test_the_generation_schema_accepts_what_it_was_made_from(kind: str) -> None:
    """The transformation keeps the default catalog valid (it drops no required constraint)."""
    from jsonschema import Draft202012Validator

    from generator.load.documents import load_documents

    schema = for_generation(inlined_schema(kind))
    docs = [d for d in load_documents(REPO).documents if d.kind == kind and d.loaded]
    assert docs
    for doc in docs:
        assert doc.loaded is not None
        errors = list(Draft202012Validator(schema).iter_errors(doc.loaded.data))
        assert not errors, (doc.rel, errors[:1])
