"""Render problems for people (text), tools (json) and reviews (GitHub annotations, GitLab's
code-quality report)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Sequence

from generator.problems import Problem
from generator.safety.text import printable


def _shown(problems: Sequence[Problem]) -> list[Problem]:
    """Problems with every control, bidi or invisible character escaped in what they quote.

    File names and YAML keys come from contributors: raw, an ANSI escape could clear the
    terminal and print "The catalog is valid", and a newline could forge a line of the report.
    """
    return [
        dataclasses.replace(
            p, file=printable(p.file), path=printable(p.path), message=printable(p.message)
        )
        for p in problems
    ]


def where(p: Problem) -> str:
    """FILE:LINE:COL of a problem (FILE alone when the whole file is meant)."""
    return f"{p.file}:{p.line}:{p.col}" if p.line else p.file


def report_text(problems: Sequence[Problem]) -> str:
    problems = _shown(problems)
    lines = [
        f"{where(p)}: {p.path}: {'' if p.is_error else 'warning: '}{p.message}" for p in problems
    ]
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if errors:
        lines.append(f"{errors} error(s), {warnings} warning(s): the catalog is invalid.")
    else:
        lines.append(f"The catalog is valid ({warnings} warning(s)).")
    return "\n".join(lines)


def report_json(problems: Sequence[Problem]) -> str:
    problems = _shown(problems)
    return json.dumps(
        {
            "valid": not any(p.is_error for p in problems),
            "problems": [
                {
                    "file": p.file,
                    "line": p.line,
                    "column": p.col,
                    "path": p.path,
                    "severity": p.severity.value,
                    "message": p.message,
                }
                for p in problems
            ],
        },
        indent=2,
        ensure_ascii=False,
    )


def _escape_github(value: str, *, prop: bool = False) -> str:
    """GitHub's workflow-command escaping: data (%, CR, LF); properties also ':' and ','."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def report_github(problems: Sequence[Problem]) -> str:
    problems = _shown(problems)
    lines = []
    for p in problems:
        props = f"file={_escape_github(p.file, prop=True)}"
        if p.line:
            props += f",line={p.line},col={p.col}"
        lines.append(f"::{p.severity.value} {props}::{_escape_github(p.path + ': ' + p.message)}")
    return "\n".join(lines)


def report_gitlab(problems: Sequence[Problem]) -> str:
    """GitLab's code-quality report (a Code Climate JSON subset): merge requests show each
    problem in their widget and beside the changed line."""
    entries = []
    seen: dict[str, int] = {}
    for p in _shown(problems):
        description = f"{p.path}: {p.message}"
        # The fingerprint tells GitLab which problems are new in a merge request: it must stay
        # the same while the problem does, so it is made of what the problem is, not its line
        # (and the how-many-th such problem in the file, so two equal problems stay two).
        key = f"{p.file}\0{description}"
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()
        entries.append(
            {
                "description": description,
                "check_name": "handbook-validate",
                "fingerprint": fingerprint,
                "severity": "major" if p.is_error else "minor",
                "location": {"path": p.file, "lines": {"begin": max(p.line, 1)}},
            }
        )
    return json.dumps(entries, indent=2, ensure_ascii=False)


REPORTER_BY_NAME: dict[str, Callable[[Sequence[Problem]], str]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
    "gitlab": report_gitlab,
}
