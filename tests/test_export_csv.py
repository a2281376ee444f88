"""`handbook export --format csv` writes formula-looking catalog text as inert spreadsheet text."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.csvsafe import csv_text
from generator.validate.check import check_repository

PAYLOADS = (
    "=1+1",
    "+1",
    "-1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    '=HYPERLINK("http://evil.example","x")',
)
HARMLESS = "Plan the follow-up - then act"  # '-' and '=' inside a value are left alone


def _set(text: str, key: str, value: str, indent: str = "") -> str:
    """Replace the first `key:` value (with any indented continuation lines) by a JSON string."""
    pattern = rf"^{indent}{key}:.*\n(?:{indent}  .*\n)*"
    # JSON strings are YAML double-quoted scalars, so \t and \r survive exactly.
    line = f"{indent}{key}: {json.dumps(value)}\n"
    new, count = re.subn(pattern, lambda _: line, text, count=1, flags=re.M)
    assert count == 1, key
    return new


def _poison(root: Path) -> dict[str, str]:
    """Give one goal per payload that payload as title, summary and first measure's metric."""
    files = sorted((root / "content/goals/mentee").glob("*.yml")) + sorted(
        (root / "content/goals/mentor").glob("*.yml")
    )
    ids = {}
    for payload, file in zip(PAYLOADS, files, strict=False):
        text = _set(file.read_text(encoding="utf-8"), "title", payload)
        text = _set(text, "summary", payload)
        text = _set(text, "metric", payload, indent="  - ")
        file.write_text(text, encoding="utf-8")
        ids[file.stem] = payload
    harmless = files[len(PAYLOADS)]
    harmless.write_text(_set(harmless.read_text(encoding="utf-8"), "title", HARMLESS))
    ids[harmless.stem] = HARMLESS
    return ids


def test_formula_payloads_are_exported_as_text(repo_copy: Path) -> None:
    expected = _poison(repo_copy)
    outcome = check_repository(repo_copy)  # the payloads must be valid content to reach export
    assert outcome.ok, [p.message for p in outcome.problems if p.is_error]

    result = CliRunner().invoke(main, ["export", "--root", str(repo_copy), "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, *rows = csv.reader(io.StringIO(result.output, newline=""))
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}

    for goal_id, value in expected.items():
        row = by_id[goal_id]
        if value == HARMLESS:
            assert row["title"] == HARMLESS
            assert not row["summary"].startswith("'")
            continue
        assert row["title"] == "'" + value
        assert row["summary"] == "'" + value
        assert row["measures"].startswith("'" + value + ":")
    # Every other cell in the export is untouched text from the default catalog.
    untouched = [c for r in rows if r[0] not in expected for c in r]
    assert untouched and not any(c.startswith("'") for c in untouched)
    # Quotes inside a field are doubled inside a quoted field.
    assert '"\'=HYPERLINK(""http://evil.example"",""x"")"' in result.output


def test_every_cell_is_quoted_and_values_round_trip() -> None:
    text = csv_text(("a", "b"), [{"a": "x-y", "b": 'say "hi"\nnext'}, {"a": "-", "b": ""}])
    assert text == '"a","b"\n"x-y","say ""hi""\nnext"\n"\'-",""\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["a", "b"],
        ["x-y", 'say "hi"\nnext'],
        ["'-", ""],
    ]


def test_an_export_into_the_sources_is_refused(repo_copy: Path) -> None:
    """`-o content/organization.yml` replaced the catalog's own file with the export (exit 0);
    the CSV template of `collect` likewise."""
    org = repo_copy / "content" / "organization.yml"
    before = org.read_bytes()
    for args in (["export", "-o", str(org)], ["collect", "--template", str(org)]):
        result = CliRunner().invoke(main, ["--root", str(repo_copy), *args])
        assert result.exit_code == 1, result.output
        assert "refusing to write inside the repository's content/" in result.output
        assert org.read_bytes() == before
    mkdocs = repo_copy / "mkdocs.yml"
    result = CliRunner().invoke(main, ["--root", str(repo_copy), "export", "-o", str(mkdocs)])
    assert result.exit_code == 1 and "refusing to overwrite" in result.output
