"""The output folder: dangerous ones are refused before anything is touched; staging lives in
.cache/staging/ and leftovers of interrupted runs are removed by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.atomic import MARKER
from generator.cli import main
from tests.fixtures import make_repo


def build(root: Path, site_dir: Path | None = None) -> tuple[int, str]:
    args = ["build", "--root", str(root), "--no-pdf"]
    if site_dir is not None:
        args += ["--site-dir", str(site_dir)]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".cache" not in p.parts
    }


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    return make_repo("minimal", tmp_path / "org" / "repo")


@pytest.mark.parametrize(
    ("where", "why"),
    [
        (lambda r: r, "the repository or one of its parent"),
        (lambda r: r.parent, "the repository or one of its parent"),
        (lambda r: r.parent.parent, "the repository or one of its parent"),
        (lambda r: r / "content" / "site", "inside the repository's content/"),
        (lambda r: r / "overrides", "inside the repository's overrides/"),
        (lambda r: r / ".cache" / "staging", "inside .cache/staging/, which every build"),
        (lambda r: r / ".cache" / "trash" / "site", "inside .cache/trash/, which every build"),
    ],
    ids=["repository", "parent", "grandparent", "inside-content", "overrides", "staging", "trash"],
)
def test_a_site_dir_that_would_delete_the_repository_is_refused(
    repo: Path, where: object, why: str
) -> None:
    before = snapshot(repo)
    code, output = build(repo, where(repo))  # type: ignore[operator]
    assert code == 1, output
    assert why in output and "Nothing was changed" in output
    assert snapshot(repo) == before


@pytest.mark.parametrize("sign", [".git", "content", "pyproject.toml"])
def test_a_folder_that_looks_like_a_project_is_refused(
    repo: Path, tmp_path: Path, sign: str
) -> None:
    other = tmp_path / "other-project"
    (other / sign).parent.mkdir(parents=True, exist_ok=True)
    if sign == "pyproject.toml":
        (other / sign).write_text("[project]\n")
    else:
        (other / sign).mkdir()
    code, output = build(repo, other)
    assert code == 1 and "looks like a project" in output
    assert (other / sign).exists()


def test_the_home_folder_is_refused(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    (home / "notes.txt").parent.mkdir()
    (home / "notes.txt").write_text("mine")
    monkeypatch.setenv("HOME", str(home))
    code, output = build(repo, home)
    assert code == 1 and "home folder" in output
    assert (home / "notes.txt").read_text() == "mine"


def test_a_foreign_non_empty_folder_is_refused_and_kept(repo: Path, tmp_path: Path) -> None:
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "a.jpg").write_bytes(b"\xff\xd8\xff")
    code, output = build(repo, foreign)
    assert code == 1 and "no earlier build wrote it" in output
    assert (foreign / "a.jpg").read_bytes() == b"\xff\xd8\xff"


def test_a_folder_an_earlier_build_wrote_is_replaced(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "public"
    assert build(repo, out)[0] == 0
    assert (out / MARKER).is_file()
    (out / "stale.html").write_text("old")
    code, output = build(repo, out)
    assert code == 0, output
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()


def test_staging_is_under_cache_and_leftovers_of_dead_runs_are_removed(repo: Path) -> None:
    staging = repo / ".cache" / "staging"
    staging.mkdir(parents=True)
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    leftover = staging / f"new-{dead}-abc123"
    (leftover / "half").mkdir(parents=True)
    assert build(repo)[0] == 0
    assert not leftover.exists()
    assert list(staging.iterdir()) == []  # the run's own staging is gone too
    assert not [p for p in repo.iterdir() if p.name.startswith(".site.")]


def test_a_killed_build_leaves_the_site_intact_and_the_next_run_cleans_up(repo: Path) -> None:
    assert build(repo)[0] == 0
    before = snapshot(repo / "site")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--root", str(repo)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    staging = repo / ".cache" / "staging"
    while time.monotonic() < deadline and not (staging.is_dir() and any(staging.iterdir())):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert any(staging.iterdir()), "the build never started staging"
    assert snapshot(repo / "site") == before
    assert build(repo)[0] == 0
    assert list(staging.iterdir()) == []


def wait_until_empty(folder: Path, seconds: float = 60) -> list[Path]:
    """What is left in `folder` once it is empty or `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and folder.is_dir() and any(folder.iterdir()):
        time.sleep(0.05)
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_the_replaced_site_is_deleted_in_the_background(repo: Path) -> None:
    assert build(repo)[0] == 0
    (repo / "site" / "stale.html").write_text("old")
    old_inode = (repo / "site").stat().st_ino
    assert build(repo)[0] == 0
    site = repo / "site"
    assert (site / "index.html").is_file() and not (site / "stale.html").exists()
    assert site.stat().st_ino != old_inode
    assert wait_until_empty(repo / ".cache" / "trash") == []
    assert list((repo / ".cache" / "staging").iterdir()) == []


def test_what_a_stopped_background_deletion_left_goes_with_the_next_build(repo: Path) -> None:
    leftover = repo / ".cache" / "trash" / "site-1-abcd"
    (leftover / "assets").mkdir(parents=True)
    (leftover / "assets" / "big.bin").write_bytes(b"x" * 1000)
    assert build(repo)[0] == 0  # the first build replaces nothing: only the leftover goes
    assert wait_until_empty(repo / ".cache" / "trash") == []
    assert (repo / "site" / "index.html").is_file()
