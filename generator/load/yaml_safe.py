"""Safe YAML: plain data plus a position for every JSON path.

Built on libyaml's event stream (fast, no recursion in C) with our own small value builder, so:
anchors, aliases and explicit tags are rejected, duplicate keys are errors naming both lines,
nesting depth is capped, and plain scalars follow the YAML 1.2 core schema: `no`, `on`, `22:22`,
`2027-01-01` and `010` stay strings instead of silently becoming booleans, numbers or dates.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

try:  # libyaml is in PyYAML's wheels; the pure-Python parser is a slow fallback
    from yaml.cyaml import CParser as _Parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]

MAX_DEPTH = 40
# Longer digit strings are refused before int() runs: Python refuses 4300+ digits with a bare
# ValueError, and no field of the catalog needs more than a handful of digits.
MAX_NUMBER_DIGITS = 30

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?\Z|[-+]?[0-9]+[eE][-+]?[0-9]+\Z"
)
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_YAML11_BOOLS = frozenset(
    s for w in ("yes", "no", "on", "off", "y", "n") for s in (w, w.title(), w.upper())
)

Position = tuple[int, int]  # (line, col), both 1-based
PathKey = tuple[str | int, ...]


class YamlProblem(Exception):
    """A problem that stops loading one file, with its position."""

    def __init__(self, message: str, line: int = 0, col: int = 0, path: str = "$") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.path = path


class Loaded:
    """A document's data, and where each value (and each mapping key) starts.

    Positions are only needed when something is reported, so they are computed on first use
    by parsing the text again; loading thousands of valid files never builds them.
    """

    def __init__(
        self,
        data: Any,
        text: str = "",
        positions: dict[PathKey, Position] | None = None,
        key_positions: dict[PathKey, Position] | None = None,
    ) -> None:
        self.data = data
        self.text = text
        self._positions = positions
        self._key_positions = key_positions

    def _track(self) -> None:
        tracked = load_yaml(self.text, track=True)
        self._positions, self._key_positions = tracked._positions, tracked._key_positions

    @property
    def positions(self) -> dict[PathKey, Position]:
        if self._positions is None:
            self._track()
        assert self._positions is not None
        return self._positions

    @property
    def key_positions(self) -> dict[PathKey, Position]:
        if self._key_positions is None:
            self._track()
        assert self._key_positions is not None
        return self._key_positions

    def position(self, path: PathKey, *, key: bool = False) -> Position:
        """The nearest known position for a path (walking up to the parent when unknown)."""
        table = self.key_positions if key else self.positions
        p = tuple(path)
        while p:
            if p in table:
                return table[p]
            if p in self.positions:
                return self.positions[p]
            p = p[:-1]
        return self.positions.get((), (1, 1))


def json_path(path: PathKey) -> str:
    """`("smart", "fields", 0)` -> `$.smart.fields[0]`."""
    out = ["$"]
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            out.append(f".{part}")
        else:
            out.append("[" + repr(part) + "]")
    return "".join(out)


def _scalar(event: yaml.ScalarEvent) -> Any:
    value: str = event.value
    if not event.implicit[0]:  # quoted or block scalar: always a string
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.match(value):
        digits = len(value.lstrip("+-"))
        if digits > MAX_NUMBER_DIGITS:
            line, col = _pos(event)
            raise YamlProblem(
                f"a number with {digits:,} digits is too long (at most {MAX_NUMBER_DIGITS});"
                " quote it if it is text",
                line,
                col,
            )
        return int(value)
    if _FLOAT.match(value):
        number = float(value)
        # "1.10" or "1e3" would not survive a round trip: keep what was written
        return number if repr(number) == value.lstrip("+") else value
    return value


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.splitlines()
    return lines[line][column] if line < len(lines) and column < len(lines[line]) else ""


def _pos(event: yaml.Event) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (0, 0)


def load_yaml(text: str, *, track: bool = False) -> Loaded:
    """Parse one YAML document; YamlProblem (with a position) on anything unsafe or malformed.

    With track=True the positions of every value and key are recorded while parsing.
    """
    positions: dict[PathKey, Position] = {}
    key_positions: dict[PathKey, Position] = {}
    loaded = Loaded(None, text, positions if track else None, key_positions if track else None)
    # stack of (container, path, pending_key, pending_key_pos)
    stack: list[list[Any]] = []
    root_set = False
    documents = 0
    parser = _Parser(text)
    try:
        while True:
            event = parser.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    line, col = _pos(event)
                    raise YamlProblem("only one YAML document per file (found `---`)", line, col)
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.AliasEvent):
                line, col = _pos(event)
                raise YamlProblem(
                    f"YAML aliases (*{event.anchor}) are not allowed; write the value out",
                    line,
                    col,
                )
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                container, path, _, _ = stack.pop()
                value = container
                if not stack:
                    loaded.data, root_set = value, True
                continue
            # a node: scalar, mapping start or sequence start
            node_event: Any = event
            line, col = _pos(node_event)
            if node_event.anchor is not None:
                raise YamlProblem(
                    f"YAML anchors (&{node_event.anchor}) are not allowed; write the value out",
                    line,
                    col,
                )
            tag = node_event.tag
            implicit = (
                node_event.implicit[0] or node_event.implicit[1]
                if isinstance(node_event, yaml.ScalarEvent)
                else node_event.implicit
            )
            if tag is not None and not implicit and tag != "!":
                raise YamlProblem(
                    f"YAML tags ({tag}) are not allowed; remove the tag (quote text values)",
                    line,
                    col,
                )
            new_container: dict[str, Any] | list[Any] | None
            if isinstance(node_event, yaml.ScalarEvent):
                value = _scalar(node_event)
                new_container = None
            elif isinstance(node_event, yaml.MappingStartEvent):
                value = new_container = {}
            else:
                value = new_container = []
            if len(stack) >= MAX_DEPTH:
                raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", line, col)
            if stack:
                parent = stack[-1]
                container, ppath, key, key_pos = parent
                if isinstance(container, dict):
                    if key is _NO_KEY:
                        if new_container is not None:
                            raise YamlProblem(
                                "a mapping key must be plain text, not a list or mapping", line, col
                            )
                        if not isinstance(value, str):
                            value = str(value) if value is not None else "null"
                        if value in container:
                            if not track:  # the message needs the first key's position
                                return load_yaml(text, track=True)
                            first = key_positions[(*ppath, value)]
                            raise YamlProblem(
                                f"duplicate key '{value}' (first defined at line {first[0]})",
                                line,
                                col,
                                json_path((*ppath, value)),
                            )
                        parent[2], parent[3] = value, (line, col)
                        continue
                    path = (*ppath, key)
                    container[key] = value
                    if track:
                        key_positions[path] = key_pos
                    parent[2] = _NO_KEY
                else:
                    path = (*ppath, len(container))
                    container.append(value)
            else:
                path = ()
                if new_container is None:
                    loaded.data, root_set = value, True
            # A block under a key is reported at its key, where a reader looks for it.
            if track:
                in_mapping = bool(stack) and isinstance(stack[-1][0], dict)
                block = new_container is not None and in_mapping
                positions[path] = key_positions[path] if block else (line, col)
            if new_container is not None:
                stack.append([new_container, path, _NO_KEY, None])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or "malformed YAML"
        if mark and _char_at(text, mark.line, mark.column) == "\t":
            problem = "a tab character; YAML indentation must use spaces"
        elif mark and problem.startswith(_INDENTATION_SYMPTOMS):
            hint = _indentation_hint(text, mark.line)
            if hint is not None:
                message, col = hint
                raise YamlProblem(f"{message} (the parser says: {problem})", line, col) from None
        raise YamlProblem(f"malformed YAML: {problem}{_opened_at(exc)}", line, col) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"malformed YAML: {exc}") from None
    if not root_set:
        raise YamlProblem("the file is empty", 1, 1)
    return loaded


# What the parser was inside when it failed, in the admin's words: an unclosed `[` or quote is
# only noticed lines later (at the end of the file for a quote), far from the mistake.
_OPENED = {
    "flow sequence": "in the list opened with `[` at line {line}, column {col}",
    "flow mapping": "in the mapping opened with `{{` at line {line}, column {col}",
    "quoted scalar": "in the quoted text that starts at line {line}, column {col}",
}


def _opened_at(exc: yaml.MarkedYAMLError) -> str:
    """Where the list, mapping or quoted text the parser was inside began, on another line."""
    mark, at = exc.context_mark, exc.problem_mark
    if not exc.context or mark is None or (at is not None and at.line == mark.line):
        return ""
    for what, words in _OPENED.items():
        if what in exc.context:
            return " (" + words.format(line=mark.line + 1, col=mark.column + 1) + ")"
    return ""


# What libyaml says when a line is indented wrongly; it never says "indentation" itself.
_INDENTATION_SYMPTOMS = (
    "mapping values are not allowed",
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <block end>",
)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _indentation_hint(text: str, index: int) -> tuple[str, int] | None:
    """("wrong indentation ...", column) when line `index` (0-based) starts at a column no line
    above it opens: the columns of the enclosing blocks, found by walking up to column 1."""
    lines = text.split("\n")
    if index >= len(lines) or not lines[index].strip():
        return None
    here = _indent(lines[index])
    allowed: list[int] = []
    for above in reversed(lines[:index]):
        if not above.strip() or above.lstrip().startswith("#"):
            continue
        column = _indent(above)
        if not allowed or column < min(allowed):
            allowed.append(column)
            if above.lstrip().startswith("- "):  # a list item's keys start after "- "
                allowed.append(column + 2)
        if column == 0:
            break
    if not allowed or here in allowed:
        return None
    nearest = sorted(set(allowed), key=lambda c: (abs(c - here), c))[:2]
    expected = " or ".join(str(c + 1) for c in sorted(nearest))
    return (
        f"wrong indentation: the line starts at column {here + 1}; expected column "
        f"{expected} to line up with the lines above",
        here + 1,
    )


class _NoKey:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<no key>"


_NO_KEY: Any = _NoKey()


def is_yaml11_bool(value: str) -> bool:
    """True for words YAML 1.1 would have read as booleans (kept as strings here)."""
    return value in _YAML11_BOOLS


def flatten_keys(data: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Leaves of nested mappings by key path: {"a": {"b": 1}} -> {("a", "b"): 1}."""
    flat: dict[tuple[str, ...], Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict):
                flat.update(flatten_keys(value, (*prefix, key)))
            else:
                flat[(*prefix, key)] = value
    return flat
