"""Report formats, exit codes and the loader's YAML 1.2 reading of plain scalars."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.load.yaml_safe import YamlProblem, load_yaml
from tests.fixtures import make_repo


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    root = make_repo("minimal", tmp_path / "repo")
    goal = root / "content/goals/mentee/alpha.yml"
    goal.write_text(goal.read_text().replace("title: Practise", "tittle: Practise"))
    return root


def test_json_format_lists_problems_with_positions(broken: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--root", str(broken), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False
    problem = next(p for p in report["problems"] if p["path"] == "$.tittle")
    assert problem["message"] == "unknown field 'tittle'; did you mean 'title'?"
    assert problem["file"] == "content/goals/mentee/alpha.yml"
    assert (problem["line"], problem["column"]) == (4, 1)
    assert {p["message"] for p in report["problems"]} >= {"'title' is required but missing"}


def test_github_format_is_an_annotation(broken: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--root", str(broken), "--format", "github"])
    assert result.exit_code == 1
    assert (
        "::error file=content/goals/mentee/alpha.yml,line=4,col=1::$.tittle: unknown field 'tittle'"
        in result.output.splitlines()[1]
    )


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    org = root / "content/organization.yml"
    org.write_text(org.read_text().replace('primary: "#1f5f7a"', 'primary: "#ffcc00"'))
    result = CliRunner().invoke(main, ["validate", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "warning: white text on #ffcc00 has a contrast of" in result.output


def test_usage_error_exits_two() -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "xml"])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output


def test_missing_content_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "no content/ folder here" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no", "no"),
        ("on", "on"),
        ("Yes", "Yes"),
        ("22:22", "22:22"),
        ("2027-01-01", "2027-01-01"),
        ("010", "010"),
        ("1.10", "1.10"),
        ("0x1F", "0x1F"),
        ("true", True),
        ("null", None),
        ("42", 42),
        ("1.5", 1.5),
        ("'yes'", "yes"),
    ],
    ids=lambda v: repr(v),
)
def test_plain_scalars_follow_yaml_1_2(text: str, expected: object) -> None:
    assert load_yaml(f"value: {text}\n").data == {"value": expected}


def test_alias_bomb_is_refused_before_any_expansion() -> None:
    bomb = "a: &a [x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(YamlProblem) as info:
        load_yaml(bomb)
    assert (info.value.line, info.value.col) == (1, 4)
