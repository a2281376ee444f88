"""Create a new catalog repository from the default catalog."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from jinja2 import Environment, StrictUndefined

from generator import __version__
from generator.load.locales import shipped_languages
from generator.problems import HandbookError
from generator.resources import project_dir

HERE = Path(__file__).parent
COPIED = ("content", "schemas", "overrides", "mkdocs.yml")


class TargetNotEmpty(HandbookError):
    pass


def _set_top_level(text: str, key: str, value: str) -> str:
    """Replace a top-level `key: value` line, keeping comments and layout (JSON is valid YAML)."""
    line = f"{key}: {json.dumps(value, ensure_ascii=False)}"  # the name as written, any script
    new, count = re.subn(rf"(?m)^{key}: .*$", lambda _: line, text, count=1)
    if count != 1:
        raise HandbookError(f"organization.yml has no top-level '{key}:' line to set")
    return new


def create_repository(dest: Path, name: str | None = None, language: str | None = None) -> Path:
    """Scaffold a catalog repository at `dest` (which must be empty or absent)."""
    if dest.exists() and any(dest.iterdir()):
        raise TargetNotEmpty(f"{dest} is not empty; choose a new folder")
    source = project_dir()
    if language and language not in shipped_languages():
        shipped = ", ".join(shipped_languages())
        raise HandbookError(f"no shipped locale '{language}'; choose one of {shipped}")
    dest.mkdir(parents=True, exist_ok=True)
    for item in COPIED:
        src = source / item
        if src.is_dir():
            shutil.copytree(src, dest / item)
        elif src.exists():
            shutil.copy2(src, dest / item)
    shutil.copytree(HERE / "files", dest, dirs_exist_ok=True)
    (dest / "gitignore").rename(dest / ".gitignore")
    org_file = dest / "content" / "organization.yml"
    org = org_file.read_text(encoding="utf-8")
    if name:
        org = _set_top_level(org, "name", name)
        org = _set_top_level(org, "short_name", name)
    if language:
        org = _set_top_level(org, "language", language)
    org_file.write_text(org, encoding="utf-8")
    env = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
    readme = env.from_string((HERE / "README.md.j2").read_text(encoding="utf-8"))
    shown_name = name or re.search(r"(?m)^name: (.*)$", org).group(1)  # type: ignore[union-attr]
    (dest / "README.md").write_text(readme.render(name=shown_name.strip('"')), encoding="utf-8")
    (dest / "requirements.txt").write_text(f"mentoring-handbook=={__version__}\n", encoding="utf-8")
    return dest
