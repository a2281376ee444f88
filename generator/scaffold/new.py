"""Create a catalog repository from the default catalog, and refresh its generated files.

Two kinds of files: the admin's own (content/, overrides/, mkdocs.yml, README.md, CODEOWNERS,
.gitignore), written once; and the tool's (schemas/, CI, editor settings, pre-commit config,
requirements.txt and a copied wheel), which `handbook new --update` rewrites from the installed
version so they never go stale.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from jinja2.sandbox import SandboxedEnvironment

from generator.load.locales import shipped_languages
from generator.problems import HandbookError
from generator.resources import project_dir
from generator.scaffold.identity import Identity, apply_identity, set_line
from generator.scaffold.source import TOOLS, ToolSource, install_into
from generator.templating import render_bounded

HERE = Path(__file__).parent
FILES = HERE / "files"
ADMIN_COPIED = ("content", "overrides", "mkdocs.yml")
# Tool-owned files copied as they are (relative to files/), refreshed by --update.
STATIC = (".github/workflows/handbook.yml", ".gitlab-ci.yml", ".vscode/settings.json")
REQUIREMENTS = "requirements.txt"
PRE_COMMIT = ".pre-commit-config.yaml"
HOOK_ID = "handbook-validate"  # the id in the tool's .pre-commit-hooks.yaml
# The default catalog's tagline (organization.yml, which has no translations) in the shipped
# languages other than English, for `new --language`.
SAMPLE_TAGLINES = {
    "de": "Die eigene Richtung finden, mit jemandem, der einen Teil des Weges schon gegangen ist.",
}


class TargetNotEmpty(HandbookError):
    pass


@dataclass(frozen=True)
class Change:
    path: str
    status: str  # added | updated | unchanged | removed
    added: int = 0
    removed: int = 0

    def __str__(self) -> str:
        counts = f" (+{self.added} -{self.removed} lines)" if self.status == "updated" else ""
        return f"{self.status:9} {self.path}{counts}"


def pre_commit_config(source: ToolSource) -> str:
    """The pre-commit config for `source`: the tool's own hook when its repository is known,
    else a local hook pre-commit installs from the same requirement, else the repository's
    virtualenv (a wheel in tools/ is a relative path pip cannot reach from pre-commit's env)."""
    hook: dict[str, object] = {"id": HOOK_ID}
    if source.git_url and source.git_rev:
        repo: dict[str, object] = {"repo": source.git_url, "rev": source.git_rev, "hooks": [hook]}
        how = "pre-commit installs the tool from its repository at the commit CI uses"
    else:
        hook.update(name="handbook validate", pass_filenames=False, files="^content/")
        if source.portable:
            hook.update(
                entry="handbook validate",
                language="python",
                additional_dependencies=[source.requirement],
            )
            how = "pre-commit installs the requirement of requirements.txt"
        else:
            hook.update(entry=".venv/bin/handbook validate", language="system")
            how = "It runs the tool installed in .venv/ (README.md, set-up)"
        repo = {"repo": "local", "hooks": [hook]}
    header = (
        "# Checks the catalog before each commit: `pip install pre-commit && pre-commit install`.\n"
        "# Written by `handbook new`; `handbook new --update .` rewrites it.\n"
        f"# {how[0].upper()}{how[1:]}.\n"
    )
    return header + yaml.safe_dump({"repos": [repo]}, sort_keys=False, width=100)


def generated_files(source: ToolSource) -> dict[str, bytes]:
    """Every tool-owned file by its path in the repository (the wheel is copied separately)."""
    files = {
        f"schemas/{p.name}": p.read_bytes()
        for p in sorted((project_dir() / "schemas").glob("*.schema.json"))
    }
    files.update({rel: (FILES / rel).read_bytes() for rel in STATIC})
    files[REQUIREMENTS] = f"{source.requirement}\n".encode()
    files[PRE_COMMIT] = pre_commit_config(source).encode()
    return files


def _line_count(data: bytes) -> list[str]:
    return data.decode("utf-8", "replace").splitlines()


def write_generated(dest: Path, source: ToolSource) -> list[Change]:
    """Write the tool-owned files into dest; what changed, file by file."""
    changes = []
    wanted = generated_files(source)
    for rel in sorted(p.relative_to(dest).as_posix() for p in (dest / "schemas").glob("*.json")):
        if rel not in wanted:  # a schema the tool no longer ships
            (dest / rel).unlink()
            changes.append(Change(rel, "removed"))
    for rel, data in wanted.items():
        path = dest / rel
        old = path.read_bytes() if path.is_file() else None
        if old == data:
            changes.append(Change(rel, "unchanged"))
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if old is None:
            changes.append(Change(rel, "added"))
            continue
        diff = list(difflib.unified_diff(_line_count(old), _line_count(data), lineterm="", n=0))
        added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
        removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
        changes.append(Change(rel, "updated", added, removed))
    return changes


def _with_wheel(dest: Path, source: ToolSource) -> tuple[ToolSource, list[Change]]:
    """Copy or build the tool's wheel into tools/ when the source needs one."""
    before = {p.name for p in (dest / TOOLS).glob("*.whl")}
    source = install_into(source, dest)
    after = {p.name for p in (dest / TOOLS).glob("*.whl")}
    changes = [Change(f"{TOOLS}/{n}", "removed") for n in sorted(before - after)]
    changes += [Change(f"{TOOLS}/{n}", "added") for n in sorted(after - before)]
    return source, changes


def create_repository(
    dest: Path, source: ToolSource, identity: Identity, language: str | None = None
) -> Path:
    """Scaffold a catalog repository at `dest` (which must be empty or absent).

    It is made in a hidden folder and moved into place only when complete: a failure (a wheel
    that does not build, a bad logo) leaves `dest` as it was. An absent `dest` is staged beside
    it; an empty one inside it, and keeps its own folder (it may be `.`, the working directory,
    or sit in a folder the admin may not write to)."""
    if dest.exists() and any(dest.iterdir()):
        raise TargetNotEmpty(f"{dest} is not empty; choose a new folder")
    if language and language not in shipped_languages():
        shipped = ", ".join(shipped_languages())
        raise HandbookError(f"no shipped locale '{language}'; choose one of {shipped}")
    dest = Path(os.path.abspath(dest))  # `.` has no name and no parent of its own
    existing = dest.exists()
    dest.parent.mkdir(parents=True, exist_ok=True)
    where = dest if existing else dest.parent
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".new", dir=where))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # as mkdir would make it (mkdtemp makes it private)
    try:
        _scaffold(staging, source, identity, language)
        _check_values(staging)
        if existing:
            for item in sorted(staging.iterdir()):
                item.rename(dest / item.name)
        else:
            staging.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already when the rename succeeded
    return dest


# Where each value of organization.yml that `new` writes came from.
OPTION_OF = {
    "$.name": "--name",
    "$.short_name": "--name",
    "$.logo_alt": "--name",
    "$.program_name": "--program-name",
    "$.contact.name": "--contact-name",
    "$.contact.email": "--contact-email",
    "$.website": "--website",
}


def _check_values(dest: Path) -> None:
    """Refuse values the new repository would fail validation with, naming their options."""
    from generator.validate.check import check_repository

    errors = [p for p in check_repository(dest, build=False).problems if p.is_error]
    first: dict[str, str] = {}  # one message per option (--name fills three fields)
    for problem in errors:
        first.setdefault(OPTION_OF.get(problem.path, problem.file), problem.message)
    if first:
        raise HandbookError(
            "the repository would not validate with these values; nothing was written:\n  "
            + "\n  ".join(f"{where}: {message}" for where, message in first.items())
        )


def _scaffold(dest: Path, source: ToolSource, identity: Identity, language: str | None) -> None:
    """Write the repository's files into the folder `dest`, which exists and is empty."""
    origin = project_dir()
    for item in ADMIN_COPIED:
        if (origin / item).is_dir():
            shutil.copytree(origin / item, dest / item)
        elif (origin / item).exists():
            shutil.copy2(origin / item, dest / item)
    shutil.copy2(FILES / "CODEOWNERS", dest / "CODEOWNERS")
    shutil.copy2(FILES / "gitignore", dest / ".gitignore")
    name = apply_identity(dest, identity)
    if language:
        org_file = dest / "content" / "organization.yml"
        text = set_line(org_file.read_text(encoding="utf-8"), "language", language)
        if language in SAMPLE_TAGLINES:  # the sample's tagline is not translated content
            text = set_line(text, "tagline", SAMPLE_TAGLINES[language])
        org_file.write_text(text, encoding="utf-8")
    source, _ = _with_wheel(dest, source)
    write_generated(dest, source)
    env = SandboxedEnvironment(autoescape=False, keep_trailing_newline=True)
    readme = env.from_string((HERE / "README.md.j2").read_text(encoding="utf-8"))
    text = render_bounded(readme, name=name, source=source.described, wheel=source.wheel)
    (dest / "README.md").write_text(text, encoding="utf-8")


def update_repository(dest: Path, source: ToolSource) -> list[Change]:
    """Refresh the tool-owned files of an existing catalog repository from the running tool."""
    if not (dest / "content" / "organization.yml").is_file():
        raise HandbookError(f"{dest} has no content/organization.yml: not a catalog repository")
    source, changes = _with_wheel(dest, source)
    return changes + write_generated(dest, source)
