"""JSON Schema validation of loaded documents, with positions and readable messages."""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generator.load.documents import Document
from generator.load.yaml_safe import is_yaml11_bool, json_path
from generator.problems import Problem
from generator.schemas import SCHEMA_BY_KIND, load_schemas

_UNEXPECTED = re.compile(r"\('([^']+)'(?: was|, )")


@cache
def _validators() -> dict[str, Draft202012Validator]:
    """One validator per kind, sharing an in-memory registry: no `$ref` is ever fetched."""
    schemas = load_schemas()

    def refuse(uri: str) -> Resource[Any]:
        raise LookupError(f"schema {uri!r} is not one of the project's schemas")

    registry: Registry[Any] = Registry(retrieve=refuse).with_resources(  # type: ignore[call-arg]
        (sid, Resource.from_contents(s, default_specification=DRAFT202012))
        for sid, s in schemas.items()
    )
    return {
        kind: Draft202012Validator(
            schemas[sid], registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        for kind, sid in SCHEMA_BY_KIND.items()
    }


def check_schema(doc: Document) -> list[Problem]:
    """Every schema error of one document, reduced to the most useful message each."""
    assert doc.loaded is not None
    validator = _validators()[doc.kind]
    problems = []
    for error in validator.iter_errors(doc.loaded.data):
        if error.context:  # anyOf / oneOf: the deepest concrete error explains it best
            error = _deepest(error)
        problems.append(_to_problem(doc, error))
    return problems


def _leaves(error: ValidationError) -> list[ValidationError]:
    if not error.context:
        return [error]
    return [leaf for sub in error.context for leaf in _leaves(sub)]


def _deepest(error: ValidationError) -> ValidationError:
    leaves = _leaves(error)
    depth = max(len(leaf.absolute_path) for leaf in leaves)
    return best_match(leaf for leaf in leaves if len(leaf.absolute_path) == depth)


def _to_problem(doc: Document, error: ValidationError) -> Problem:
    assert doc.loaded is not None
    path = tuple(error.absolute_path)
    message = error.message
    key = False
    if error.validator in ("unevaluatedProperties", "additionalProperties") and isinstance(
        error.instance, dict
    ):
        names = [n for n in _UNEXPECTED.findall(message) if n in error.instance] or [
            n for n in error.instance if n not in error.schema.get("properties", {})
        ]
        if names:
            name = names[0]
            path = (*path, name)
            key = True
            known = sorted(error.schema.get("properties", {}))
            close = difflib.get_close_matches(name, known, n=1)
            hint = (
                f"; did you mean '{close[0]}'?"
                if close
                else (f"; allowed: {', '.join(known)}" if known else "")
            )
            message = f"unknown field '{name}'{hint}"
    elif error.validator in ("minItems", "maxItems") and isinstance(error.instance, list):
        bound = "at least" if error.validator == "minItems" else "at most"
        message = f"has {len(error.instance)} item(s); {bound} {error.validator_value} allowed"
    elif error.validator == "required":
        message = message.replace("is a required property", "is required but missing")
    elif (
        error.validator == "type"
        and isinstance(error.instance, str)
        and is_yaml11_bool(error.instance)
    ):
        message += " (write true or false; yes/no/on/off are read as text)"
    elif error.validator == "pattern" and error.schema.get("description"):
        message = f"{error.instance!r} is not valid here: {error.schema['description']}"
    if len(message) > 300:  # jsonschema quotes whole instances; keep lines readable
        message = message[:140] + " ... " + message[-140:]
    line, col = doc.loaded.position(path, key=key)
    return Problem(doc.rel, line, col, json_path(path), message)
