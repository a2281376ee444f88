"""Render problems for people (text), tools (json) and pull requests (GitHub annotations)."""

from __future__ import annotations

import dataclasses
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


def _where(p: Problem) -> str:
    return f"{p.file}:{p.line}:{p.col}" if p.line else p.file


def report_text(problems: Sequence[Problem]) -> str:
    problems = _shown(problems)
    lines = [
        f"{_where(p)}: {p.path}: {'' if p.is_error else 'warning: '}{p.message}" for p in problems
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


REPORTER_BY_NAME: dict[str, Callable[[Sequence[Problem]], str]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
}
