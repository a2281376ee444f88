"""`handbook build` end to end: atomic replacement of site/, failures leave it untouched."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def built_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import copy_repository

    root = copy_repository(tmp_path_factory.mktemp("built") / "repo")
    code, output = run("build", "--root", str(root), "--no-pdf")
    assert code == 0, output
    return root


def test_build_writes_site_and_catalog_json(built_repo: Path) -> None:
    site = built_repo / "site"
    assert (site / "index.html").is_file()
    catalog = json.loads((site / "catalog.json").read_text())
    assert catalog["export_version"] == 1
    assert len(catalog["goals"]) == 16
    assert not list(built_repo.glob(".site.*")), "staging folders must not be left behind"


def test_invalid_content_leaves_previous_site_untouched(built_repo: Path) -> None:
    before = tree_digest(built_repo / "site")
    goal = next((built_repo / "content/goals/mentee").glob("*.yml"))
    original = goal.read_text()
    goal.write_text(original.replace("\nhorizon:", "\nhorizon: forever\nhorizont:", 1))
    try:
        code, output = run("build", "--root", str(built_repo), "--no-pdf")
    finally:
        goal.write_text(original)
    assert code == 1
    assert f"content/goals/mentee/{goal.name}:" in output
    assert "Traceback" not in output
    assert tree_digest(built_repo / "site") == before


def test_failed_mkdocs_build_leaves_previous_site_untouched(built_repo: Path) -> None:
    before = tree_digest(built_repo / "site")
    main_html = built_repo / "overrides" / "main.html"
    original = main_html.read_text()
    main_html.write_text(original + "\n{% block broken %}{{ unclosed {% endblock %}\n")
    try:
        code, output = run("build", "--root", str(built_repo), "--no-pdf")
    finally:
        main_html.write_text(original)
    assert code == 1, output
    assert "Error:" in output and "Traceback" not in output
    assert tree_digest(built_repo / "site") == before
    assert not list(built_repo.glob(".site.*"))


def test_export_csv_has_the_documented_columns(built_repo: Path) -> None:
    code, output = run("export", "--root", str(built_repo), "--format", "csv")
    assert code == 0
    header, *rows = csv.reader(io.StringIO(output, newline=""))
    assert ",".join(header) == (
        "id,audience,title,summary,horizon,tags,smart_statement,smart_example,milestones,"
        "measures,related,kpis,source_file"
    )
    assert len(rows) == 16


def test_new_scaffold_validates_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "acme"
    code, output = run(
        "new", str(target), "--name", "Acme Rockets", "--language", "en",
        "--contact-name", "Rocket People", "--contact-email", "people@acme.test",
    )  # fmt: skip
    assert code == 0, output
    for name in (
        ".github/workflows/handbook.yml",
        ".gitlab-ci.yml",
        ".pre-commit-config.yaml",
        ".vscode/settings.json",
        "CODEOWNERS",
        "README.md",
        ".gitignore",
        "mkdocs.yml",
        "schemas/goal.schema.json",
    ):
        assert (target / name).is_file(), name
    assert 'name: "Acme Rockets"' in (target / "content/organization.yml").read_text()
    code, output = run("validate", "--root", str(target))
    assert code == 0, output
    code, output = run("build", "--root", str(target), "--no-pdf")
    assert code == 0, output
    assert "Acme Rockets" in (target / "site/index.html").read_text()
    code, output = run("new", str(target))
    assert code == 1 and "is not empty" in output


def test_json_export_matches_its_published_schema(built_repo: Path) -> None:
    from jsonschema import Draft202012Validator

    from generator.schemas import load_schemas

    code, output = run("export", "--root", str(built_repo), "--format", "json")
    assert code == 0
    schema = load_schemas()["export.schema.json"]
    errors = list(Draft202012Validator(schema).iter_errors(json.loads(output)))
    assert not errors, errors[:3]
    site_copy = json.loads((built_repo / "site" / "catalog.json").read_text())
    assert site_copy == json.loads(output)


def test_new_scaffold_in_german_validates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "de"
    logo = tmp_path / "beispiel.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10"'
                    ' height="10" fill="#123456"/></svg>')  # fmt: skip
    code, output = run(
        "new", str(target), "--name", "Beispiel AG", "--language", "de",
        "--contact-name", "Personalentwicklung", "--contact-email", "mentoring@beispiel.test",
        "--tool-requirement", "mentoring-handbook==0.1.0", "--logo", str(logo),
    )  # fmt: skip
    assert code == 0, output
    code, output = run("validate", "--root", str(target))
    assert code == 0 and "The catalog is valid (0 warning(s))." in output, output
    code, output = run("new", str(tmp_path / "fr"), "--language", "fr")
    assert code == 1 and "no shipped locale 'fr'; choose one of de, en" in output


def test_new_accepts_any_unicode_name_as_written(tmp_path: Path) -> None:
    target = tmp_path / "cafe"
    code, output = run("new", str(target), "--name", "Café Ñandú 日本")
    assert code == 0, output
    assert 'name: "Café Ñandú 日本"' in (target / "content/organization.yml").read_text("utf-8")
    code, output = run("validate", "--root", str(target))
    assert code == 0, output
