"""JSON Schema validation of loaded documents, with positions and readable messages."""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from generator.load.documents import Document
from generator.load.yaml_safe import is_yaml11_bool, json_path
from generator.pool import cores, pool_list, shared
from generator.problems import Problem
from generator.schemas import SCHEMA_BY_KIND, load_schemas

_UNEXPECTED = re.compile(r"\('([^']+)'(?: was|, )")


def ecma_pattern(pattern: str) -> str:
    """A schema pattern for Python's `re` with JSON Schema's (ECMA-262) meaning of `$`: the end
    of the text. Python's `$` also matches before a final line break, so `^[a-z]{2}$` passed
    "en\\n" and a duration "P6M\\n" reached the build. Each `$` outside a character class
    becomes `\\Z`."""
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = char != "]" or out[-1] in ("[", "[^")  # a leading ] is literal
        elif char == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                char, i = "[^", i + 1
        elif char == "$":
            char = "\\Z"
        out.append(char)
        i += 1
    return "".join(out)


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_pattern(pattern))


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """jsonschema's `pattern` keyword (also used by `propertyNames`), with `$` as in ECMA-262."""
    if validator.is_type(instance, "string") and not _compiled(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Validator = validators.extend(Draft202012Validator, {"pattern": _pattern})


@cache
def _validators() -> dict[str, Draft202012Validator]:
    """One validator per kind, sharing an in-memory registry: no `$ref` is ever fetched."""
    schemas = load_schemas()

    def refuse(uri: str) -> Resource[Any]:
        raise LookupError(f"schema {uri!r} is not one of the project's schemas")

    registry: Registry[Any] = Registry(retrieve=refuse).with_resources(  # type: ignore[call-arg]
        (s["$id"], Resource.from_contents(s, default_specification=DRAFT202012))
        for s in schemas.values()
    )
    checkers = {}
    for kind, name in SCHEMA_BY_KIND.items():
        schema = schemas[name]
        inlined = _inline_refs(schema, registry.resolver(schema["$id"]), ())
        checkers[kind] = _Validator(
            inlined, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
    return checkers


def inlined_schema(kind: str) -> dict[str, Any]:
    """The schema a kind of document is validated against, with its `$ref`s inlined."""
    schema: dict[str, Any] = _validators()[kind].schema
    return schema


def _inline_refs(node: Any, resolver: Any, active: tuple[str, ...]) -> Any:
    """The schema with every non-recursive `$ref` replaced by its target.

    Same meaning, but the validator no longer resolves references for each instance, which
    was most of its time on large catalogs. Recursive references are left in place.
    """
    if isinstance(node, list):
        return [_inline_refs(item, resolver, active) for item in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$id"), str):  # an embedded resource: its refs resolve against its id
        resolver = resolver.lookup(node["$id"]).resolver
    ref = node.get("$ref")
    out = {k: _inline_refs(v, resolver, active) for k, v in node.items() if k != "$ref"}
    if not isinstance(ref, str):
        return out
    resolved = resolver.lookup(ref)
    target_uri = f"{id(resolved.contents)}"  # the target's identity, for cycle detection
    if target_uri in active or not isinstance(resolved.contents, dict):
        out["$ref"] = ref
        return out
    target = _inline_refs(resolved.contents, resolved.resolver, (*active, target_uri))
    target = {k: v for k, v in target.items() if k not in ("$id", "$schema", "$defs")}
    if set(target) & (set(out) - _ANNOTATIONS):
        return {**out, "allOf": [*out.get("allOf", []), target]}
    return {**target, **out}


_ANNOTATIONS = {"description", "title", "examples", "default", "$comment"}


def check_schema(doc: Document) -> list[Problem]:
    """Every schema error of one document, reduced to the most useful message each."""
    assert doc.loaded is not None
    validator = _validators()[doc.kind]
    problems = []
    scalar_checked: set[tuple[str | int, ...]] = set()
    for error in sorted(validator.iter_errors(doc.loaded.data), key=_scalar_priority):
        if error.context:  # anyOf / oneOf: the deepest concrete error explains it best
            error = _deepest(error)
        if error.validator in _SCALAR_CHECKS:  # one mistake in a value, one message
            path = tuple(error.absolute_path)
            if path in scalar_checked:
                continue
            scalar_checked.add(path)
        problems.append(_to_problem(doc, error))
    return problems


# Checks of one value; when several fail (a date fails both `format` and `pattern`), the first
# in this order explains it best: the pattern's message quotes the field's description.
_SCALAR_CHECKS = ("pattern", "format", "type", "enum", "const", "minLength", "maxLength")


def _scalar_priority(error: ValidationError) -> int:
    validator = str(error.validator)
    return _SCALAR_CHECKS.index(validator) if validator in _SCALAR_CHECKS else -1


def _leaves(error: ValidationError) -> list[ValidationError]:
    if not error.context:
        return [error]
    return [leaf for sub in error.context for leaf in _leaves(sub)]


def _deepest(error: ValidationError) -> ValidationError:
    leaves = _leaves(error)
    depth = max(len(leaf.absolute_path) for leaf in leaves)
    deepest = [leaf for leaf in leaves if len(leaf.absolute_path) == depth]
    # A wrong type means the branch did not apply (a term's English form vs. its per-language
    # mapping); the branch that applied but failed on the value explains the mistake.
    applied = [leaf for leaf in deepest if leaf.validator != "type"]
    return best_match(applied or deepest)


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
    overlay = doc.translated_by
    if overlay is not None and overlay.loaded is not None and path in overlay.loaded.positions:
        line, col = overlay.loaded.position(path, key=key)  # the translated text is at fault
        return Problem(overlay.rel, line, col, json_path(path), message)
    line, col = doc.loaded.position(path, key=key)
    return Problem(doc.rel, line, col, json_path(path), message)


PARALLEL_MIN_DOCUMENTS = 400  # below this, starting worker processes costs more than it saves
_FORKED_DOCUMENTS: list[Document] = []


def _check_slice(bounds: tuple[int, int]) -> list[list[Problem]]:
    documents: list[Document] = shared()["documents"]
    return [check_schema(doc) for doc in documents[bounds[0] : bounds[1]]]


def check_schemas(docs: list[Document]) -> list[list[Problem]]:
    """check_schema for each document, on every core for large catalogs (same results, in order)."""
    if len(docs) < PARALLEL_MIN_DOCUMENTS:
        return [check_schema(doc) for doc in docs]
    _validators()  # build once, before forking, so workers inherit them
    step = -(-len(docs) // (cores() * 4))
    slices = [(i, min(i + step, len(docs))) for i in range(0, len(docs), step)]
    parts = pool_list(
        _check_slice, slices, min_parallel=2, shared={"documents": docs}
    )  # workers inherit the parsed documents: nothing is pickled but results
    return [problems for part in parts for problems in part]
