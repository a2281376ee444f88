"""The one SMART statement parser: `{placeholders}` split out of a statement, and its checks.

Validation, the Catalog (site and worksheets) and anything else that reads a statement use these
functions, so a statement that validates always splits into the parts the renderers expect.
Placeholder names are identifiers, not prose: the build renames terms (mentor, mentee, program)
in the text parts only, after splitting, so a field named `{mentor}` survives a renamed term.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Part:
    """Literal text (name is None) or the placeholder `{name}`."""

    text: str
    name: str | None = None


@dataclass(frozen=True)
class Issue:
    """A statement problem: about the statement itself (field None) or one declared field."""

    message: str
    field: str | None = None
    about_order: bool = False  # the fields are declared in another order than they are used


def parse_statement(text: str) -> list[Part]:
    """The statement as text and placeholder parts, in order (braces left in text if unbalanced)."""
    parts: list[Part] = []
    pos = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > pos:
            parts.append(Part(text[pos : match.start()]))
        parts.append(Part(match.group(0), match.group(1)))
        pos = match.end()
    if pos < len(text):
        parts.append(Part(text[pos:]))
    return parts


def rename_text(parts: Iterable[Part], rename: Callable[[str], str]) -> list[Part]:
    """The parts with `rename` applied to the text parts only (placeholder names stay)."""
    return [p if p.name is not None else Part(rename(p.text)) for p in parts]


def join(parts: Iterable[Part]) -> str:
    """The statement text again, with `{name}` for each placeholder."""
    return "".join(p.text if p.name is None else "{" + p.name + "}" for p in parts)


def statement_issues(statement: str, fields: Iterable[str]) -> list[Issue]:
    """Every way the statement and its declared fields disagree (empty when they match)."""
    declared = list(fields)
    parts = parse_statement(statement)
    used = [p.name for p in parts if p.name is not None]
    issues: list[Issue] = []
    if any("{" in p.text or "}" in p.text for p in parts if p.name is None):
        issues.append(Issue("unbalanced '{' or '}' in the statement"))
    for name in used:
        if name not in declared:
            issues.append(Issue(f"placeholder '{{{name}}}' is not declared under smart.fields"))
    for name in declared:
        if name not in used:
            message = f"field '{name}' is declared but the statement has no '{{{name}}}'"
            issues.append(Issue(message, field=name))
    if len(set(used)) != len(used):
        issues.append(Issue("each placeholder may appear only once"))
    if [n for n in declared if n in used] != [n for n in used if n in declared]:
        issues.append(Issue("declare the fields in the order the statement uses them", None, True))
    return issues
