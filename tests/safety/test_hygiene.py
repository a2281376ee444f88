"""Invisible and control characters, unsafe names and non-regular files in content/, and reports
that cannot be forged by what they quote."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.problems import environment_error
from tests.fixtures import make_repo

A = "content/goals/mentee/alpha.yml"
FORGED = "The catalog is valid (0 warning(s))."


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _replace(old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        text = (root / A).read_text(encoding="utf-8")
        assert old in text
        (root / A).write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def _fifo_goal(root: Path) -> None:
    os.mkfifo(root / "content/goals/mentee/beta.yml")


def _organization_folder(root: Path) -> None:
    (root / "content/organization.yml").unlink()
    (root / "content/organization.yml").mkdir()


def _goal_folder(root: Path) -> None:
    (root / "content/goals/mentee/beta.yml").mkdir()


def _page(name: str) -> Callable[[Path], None]:
    def add(root: Path) -> None:
        (root / "content/pages" / name).write_text("# A page\n\nText.\n")

    return add


def _case_twin(root: Path) -> None:
    logo = root / "content/assets/logo.svg"
    (root / "content/assets/Logo.svg").write_bytes(logo.read_bytes())


CASES = {
    "escape-character": (_replace("Practise one", "Practise\x1b[2J one"), f"{A}:4:", "U+001B"),
    "right-to-left-override": (_replace("A small goal", "A \u202esmall goal"), f"{A}:5:", "U+202E"),
    "bidi-isolate": (_replace("A small goal", "A \u2066small goal"), f"{A}:5:", "U+2066"),
    "c1-control": (_replace("A small goal", "A \x85small goal"), f"{A}:5:", "U+0085"),
    "yaml-escape-in-value": (
        _replace("title: Practise one skill", 'title: "Practise \\e[2J one skill"'),
        f"{A}:4:",
        "U+001B",
    ),
    "yaml-escape-in-key": (
        _replace("horizon: habit", 'horizon: habit\n"x\\u202ey": 1'),
        f"{A}:7:",
        "U+202E",
    ),
    "fifo-goal-file": (_fifo_goal, "content/goals/mentee/beta.yml", "named pipe"),
    "organization-is-a-folder": (_organization_folder, "content/organization.yml", "folder"),
    "goal-file-is-a-folder": (_goal_folder, "content/goals/mentee/beta.yml", "a folder"),
    "page-name-with-space": (_page("my page.md"), "content/pages/my page.md", "unsafe file name"),
    "page-name-with-hash": (_page("a#b.md"), "content/pages/a#b.md", "unsafe file name"),
    "page-name-with-percent": (_page("a%20b.md"), "content/pages/a%20b.md", "unsafe"),
    "page-name-with-newline": (_page("a\nb.md"), "content/pages/a\\nb.md", "unsafe file name"),
    "page-name-upper-case": (_page("About.md"), "content/pages/About.md", "lower-case"),
    "case-insensitive-twins": (_case_twin, "content/assets/", "only in upper/lower case"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unsafe_content_is_an_error_at_its_position(name: str, tmp_path: Path) -> None:
    breaker, location, message = CASES[name]
    root = make_repo("minimal", tmp_path / "repo")
    breaker(root)
    code, output = run("validate", "--root", str(root))
    assert code == 1, output
    hits = [line for line in output.splitlines() if line.startswith(location)]
    assert any(message in h for h in hits), f"expected {location} ... {message!r}:\n{output}"
    assert "\x1b" not in output and "\u202e" not in output


def test_zero_width_characters_are_warnings_and_the_catalog_still_builds(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    _replace("Practise one", "Practise\u200b one")(root)
    code, output = run("validate", "--root", str(root))
    assert code == 0, output
    assert f"{A}:4:" in output and "U+200B" in output and "warning" in output


HOSTILE_KEY = 'horizon: habit\n"\\e[2J\\e[H\\n' + FORGED + '\\r": 1'


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_a_hostile_key_cannot_forge_the_report(fmt: str, tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    _replace("horizon: habit", HOSTILE_KEY)(root)
    code, output = run("validate", "--root", str(root), "--format", fmt)
    assert code == 1, output
    assert "\x1b" not in output and "\r" not in output
    assert not any(
        line.startswith(("The catalog is valid", FORGED)) for line in output.splitlines()
    )
    if fmt == "json":
        report = json.loads(output)
        assert report["valid"] is False
        assert any("\\x1b" in p["message"] or "\\x1b" in p["path"] for p in report["problems"])
    if fmt == "github":
        assert all(line.startswith("::") for line in output.splitlines())


def test_a_file_name_with_a_newline_is_escaped_in_github_annotations(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    _page("x\n::error::forged.md")(root)
    code, output = run("validate", "--root", str(root), "--format", "github")
    assert code == 1
    lines = output.splitlines()
    assert all(line.startswith("::error file=") for line in lines), output
    assert not any(line.startswith("::error::forged") for line in lines)


def test_a_failed_build_prints_its_summary_once(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    _replace("Practise one", "Practise\x1b one")(root)
    code, output = run("build", "--root", str(root), "--no-pdf")
    assert code == 1
    assert output.count("invalid") == 1, output
    assert output.splitlines()[-1].startswith("Error: the catalog is invalid: 1 error(s)")


@pytest.mark.parametrize("before", [True, False], ids=["root-before", "root-after"])
def test_root_works_before_or_after_the_command(before: bool, tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    args = ["--root", str(root), "validate"] if before else ["validate", "--root", str(root)]
    code, output = run(*args)
    assert code == 0, output


def test_a_site_dir_below_a_file_is_a_clear_error(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    (tmp_path / "plain-file").write_text("x")
    code, output = run(
        "build", "--root", str(root), "--no-pdf", "--site-dir", str(tmp_path / "plain-file/site")
    )
    assert code == 1
    assert "This is a bug" not in output and "Traceback" not in output
    assert "plain-file" in output


def test_a_full_disk_is_reported_with_its_remedy() -> None:
    with pytest.raises(OSError) as raised, open("/dev/full", "w") as full:
        full.write("x")
        full.flush()
    message = environment_error(raised.value).format_message()
    assert "disk is full" in message and "This is a bug" not in message


def test_an_unwritable_cache_is_a_clear_error_and_the_site_stays(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    assert run("build", "--root", str(root), "--no-pdf")[0] == 0
    before = (root / "site/index.html").read_bytes()
    (root / ".cache").rename(root / "cache-was-here")
    (root / ".cache").write_text("not a folder")
    code, output = run("build", "--root", str(root), "--paper", "a4")
    assert code == 1
    assert ".cache" in output and "This is a bug" not in output and "Traceback" not in output
    assert (root / "site/index.html").read_bytes() == before
