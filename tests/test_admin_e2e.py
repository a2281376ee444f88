"""An admin's first hour, end to end: `handbook new`, a fresh virtualenv that installs the
repository's requirement (the wheel `new` put into tools/), the CI workflow's steps in order, and
the pre-commit hook blocking a bad commit and passing a good one.

No network: the fresh virtualenv gets the tool only from the wheel; its dependencies come from
this test environment through a folder of links that leaves the tool itself out, so the tool
that runs is the one the repository installs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from tests.fixtures import dependencies_folder

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def _fresh_venv(repo: Path, deps: Path) -> dict[str, str]:
    """repo/.venv (as README says), seeing the dependencies; the environment to run it in."""
    subprocess.run([sys.executable, "-m", "venv", str(repo / ".venv")], check=True)
    bin_dir = repo / ".venv" / "bin"
    venv_python = bin_dir / "python"
    purelib = subprocess.run(
        [str(venv_python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    Path(purelib, "zz-dependencies.pth").write_text(f"{deps}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return {
        **env,
        "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}",
        "PIP_NO_INDEX": "1",  # nothing from the network: the wheel in tools/ or nothing
        "PIP_FIND_LINKS": "",
        "SOURCE_DATE_EPOCH": "1700000000",
    }


def _keep_it_small(repo: Path) -> None:
    """What an admin may do on day one: one paper size, three goals (PDFs take the time)."""
    org = repo / "content/organization.yml"
    keep = {"find-a-sponsor", "learn-new-skills", "build-advisor-reputation"}
    others = sorted(p.stem for p in (repo / "content/goals").rglob("*.yml") if p.stem not in keep)
    text = org.read_text().replace("paper: [a4, letter]", "paper: [a4]")
    org.write_text(text.replace("disabled_goals: []", f"disabled_goals: [{', '.join(others)}]"))


def _run(step: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step], cwd=repo, env=env,
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def _git(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-c", "user.name=Admin", "-c", "user.email=admin@acme.test", *args],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_new_repository_installs_its_tool_runs_ci_and_pre_commit(tmp_path: Path) -> None:
    repo = tmp_path / "acme"
    result = CliRunner().invoke(main, ["new", str(repo), "--name", "Acme Mentoring"])
    assert result.exit_code == 0, result.output
    requirement = (repo / "requirements.txt").read_text().strip()
    assert requirement.startswith("./tools/mentoring_handbook-")
    env = _fresh_venv(repo, dependencies_folder(tmp_path / "deps"))
    _keep_it_small(repo)

    workflow = yaml.safe_load((repo / ".github/workflows/handbook.yml").read_text())
    steps = [s["run"] for s in workflow["jobs"]["build"]["steps"] if "run" in s]
    assert "pip install -r requirements.txt" in steps
    ran = []
    for step in steps:
        if "apt-get" in step:  # the runner's system packages: this machine has them (Makefile)
            continue
        done = _run(step, repo, env)
        assert done.returncode == 0, f"{step}\n{done.stdout}\n{done.stderr}"
        ran.append(step)
    assert ran == [
        "pip install -r requirements.txt",
        "handbook validate --format github",
        "handbook build",
    ]
    # The tool that ran is the wheel from tools/, installed into the fresh virtualenv.
    origin = _run(
        "python -c 'import generator, importlib.metadata as m; print(generator.__file__);"
        ' print(m.distribution("mentoring-handbook").read_text("direct_url.json"))\'',
        repo, env,
    )  # fmt: skip
    where, direct_url = origin.stdout.splitlines()
    assert Path(where).is_relative_to(repo / ".venv"), where
    assert json.loads(direct_url)["url"] == (repo / requirement).resolve().as_uri()
    assert (repo / "site/index.html").is_file()
    assert list((repo / "site").rglob("*.pdf")), "handbook build wrote no worksheets"

    # pre-commit, as README says: install the hook, then commit.
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-cache")
    assert _git(repo, env, "init", "-q", "-b", "main").returncode == 0
    installed = subprocess.run(
        [str(PRE_COMMIT), "install"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    _git(repo, env, "add", "-A")
    good = _git(repo, env, "commit", "-qm", "Our catalog")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "handbook validate" in good.stdout + good.stderr

    goal = repo / "content/goals/mentee/find-a-sponsor.yml"
    goal.write_text(goal.read_text().replace("horizon: reach", "horizon: someday"))
    _git(repo, env, "add", "-A")
    bad = _git(repo, env, "commit", "-qm", "A typo")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    hook_output = bad.stdout + bad.stderr
    assert "content/goals/mentee/find-a-sponsor.yml:9:10: $.horizon: 'someday'" in hook_output
    assert _git(repo, env, "log", "--oneline").stdout.count("\n") == 1  # not committed


@pytest.mark.slow
def test_the_package_builds_and_passes_the_index_metadata_checks(tmp_path: Path) -> None:
    """sdist and wheel build offline; `twine check` accepts them; the sdist rebuilds the same
    wheel contents (what a package index user gets)."""
    import tarfile
    import zipfile

    repo = Path(__file__).resolve().parents[1]
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(repo)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    [sdist] = tmp_path.glob("mentoring_handbook-*.tar.gz")
    [wheel] = tmp_path.glob("mentoring_handbook-*-py3-none-any.whl")
    twine = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert twine.returncode == 0, twine.stdout + twine.stderr
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    for name in (
        "generator/_project/content/organization.yml",
        "generator/_project/content/translations/de/smart.yml",
        "generator/_project/schemas/goal.schema.json",
        "generator/_project/overrides/main.html",
        "generator/_project/mkdocs.yml",
        "generator/locales/en.yml",
        "generator/scaffold/files/.gitlab-ci.yml",
        "generator/scaffold/files/gitignore",
    ):
        assert name in names, name
    assert not [n for n in names if n.startswith(("tests/", "generator/_project/content/locales"))]
    with tarfile.open(sdist) as tf:
        members = {m.name.split("/", 1)[1] for m in tf.getmembers() if "/" in m.name}
    assert {
        "pyproject.toml",
        "README.md",
        "content/organization.yml",
        "schemas/goal.schema.json",
    } <= members
