"""Builds that several test files read, made once per test run and shared by the test workers.

Each is a catalog repository prepared by its recipe and built by `handbook build` in a process
of its own (`python -m tests.shared_builds NAME FOLDER`), with SOURCE_DATE_EPOCH fixed. The
process writes FOLDER/result.json (exit code, output, WeasyPrint's warnings) and holds a lock
on FOLDER/running.lock for as long as it runs. conftest.py starts the builds the collected tests
need as soon as collection ends, so they run beside the first tests instead of holding a
worker up, and its fixtures wait for them. Read only: copy before changing anything.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from tests.fixtures import copy_repository, make_repo

EPOCH = "1767225600"  # 2026-01-01: the shared builds' date (the book's cover names it)
RESULT = "result.json"
LOCK = "running.lock"


def set_language(root: Path, language: str) -> Path:
    org = root / "content/organization.yml"
    text = org.read_text(encoding="utf-8")
    assert "\nlanguage: en\n" in text
    org.write_text(text.replace("\nlanguage: en\n", f"\nlanguage: {language}\n"), "utf-8")
    return root


def _poisoned(pack: int) -> Callable[[Path], list[str]]:
    def prepare(root: Path) -> list[str]:
        from tests.website.payloads import PACKS, poison_repository

        make_repo("second-org", root)
        poison_repository(root, " ".join(PACKS[pack]))
        return ["--no-pdf"]

    return prepare


def _second_org(root: Path) -> list[str]:
    make_repo("second-org", root)
    return ["--no-pdf"]


def _default(root: Path) -> list[str]:
    copy_repository(root)
    return []


def _german(root: Path) -> list[str]:
    set_language(copy_repository(root), "de")
    return []


# name -> prepare(root) returning the build's extra arguments
RECIPES: dict[str, Callable[[Path], list[str]]] = {
    "full-build": _default,  # the default catalog in full: site, PDFs, book, offline copy
    "german-build": _german,  # the same with `language: de`
    "second-org": _second_org,  # tests/fixtures/second-org, no PDFs
    **{f"poisoned-{n}": _poisoned(n) for n in range(5)},  # the same with hostile text
}


def run(name: str, folder: Path) -> int:
    """Prepare FOLDER/repo by the recipe and build it; the outcome goes to FOLDER/result.json."""
    from click.testing import CliRunner

    from generator.cli import main

    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("weasyprint").addHandler(handler)
    root = folder / "repo"
    try:
        extra = RECIPES[name](root)
        result = CliRunner().invoke(main, ["build", "--root", str(root), *extra])
        outcome = {"exit_code": result.exit_code, "output": result.output, "weasyprint": warnings}
    except BaseException as error:  # the waiting tests report it
        outcome = {"exit_code": -1, "output": f"{name}: {error!r}", "weasyprint": warnings}
    partial = folder / f"{RESULT}.tmp"
    partial.write_text(json.dumps(outcome), encoding="utf-8")
    partial.replace(folder / RESULT)
    return 0


if __name__ == "__main__":
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    sys.exit(run(sys.argv[1], Path(sys.argv[2])))
