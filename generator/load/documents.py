"""Find and read the catalog's files under content/, refusing anything unsafe before parsing."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from generator.files import file_kind
from generator.load.yaml_safe import Loaded, YamlProblem, json_path, load_yaml
from generator.pool import pool_list
from generator.problems import Problem
from generator.safety.text import printable, text_problems

MAX_FILE_BYTES = 512 * 1024  # a goal file is a few KB; anything this big is a mistake or an attack
AUDIENCE_FOLDERS = ("mentee", "mentor", "organization")
SINGLE_FILES = {
    "organization.yml": "organization",
    "smart.yml": "smart",
    "measurement.yml": "measurement",
    "worksheets.yml": "worksheets",
}
REQUIRED_FILES = ("organization.yml", "smart.yml", "measurement.yml", "worksheets.yml")
# Names become URLs and file names on every host's disk: a small safe set, so no name breaks a
# link (`#`, `%`, `?`, spaces), hides in a listing (controls, newlines) or collides on a
# case-insensitive disk. Pages become URL slugs, so they are lower case.
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")
PAGE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,79}\.md\Z")


@dataclass
class Document:
    """One content file: its kind (the schema it follows) and its parsed data with positions."""

    rel: str  # path relative to the repository, forward slashes
    kind: (
        str  # goal | organization | smart | measurement | worksheets | locale | page | translation
    )
    loaded: Loaded | None  # None for pages (Markdown)
    text: str
    translated_by: Document | None = None  # the translation merged into this document, if any
    warnings: list[Problem] = field(default_factory=list)  # found while reading (e.g. invisible)

    @property
    def stem(self) -> str:
        return Path(self.rel).stem


@dataclass
class LoadResult:
    documents: list[Document]
    problems: list[Problem]
    assets: list[str]  # other files under content/ (logo, images), relative paths
    goal_ids: set[str]  # stems of every goal file found, even those that failed to load


def _kind_of(rel_in_content: tuple[str, ...]) -> str | None:
    match rel_in_content:
        case (name,) if name in SINGLE_FILES:
            return SINGLE_FILES[name]
        case ("goals", audience, name) if audience in AUDIENCE_FOLDERS and name.endswith(".yml"):
            return "goal"
        case ("locales", name) if name.endswith(".yml"):
            return "locale"
        case ("pages", name) if name.endswith(".md"):
            return "page"
        case ("translations", _lang, *rest) if rest and _kind_of(tuple(rest)) in TRANSLATABLE:
            return "translation"
    return None


TRANSLATABLE = ("goal", "smart", "measurement", "worksheets", "page")


def read_text(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """A content file as UTF-8 text with the size cap, and what is wrong with it.

    The text is None when the file cannot be used at all; warnings (invisible characters) come
    with the text.
    """
    try:
        info = path.lstat()
    except OSError as exc:
        return None, [Problem(rel, 0, 0, "$", f"cannot read the file: {exc.strerror}")]
    if stat.S_ISLNK(info.st_mode):
        return None, [
            Problem(rel, 0, 0, "$", "symbolic links are not allowed in content/; copy the file in")
        ]
    if not stat.S_ISREG(info.st_mode):
        return None, [Problem(rel, 0, 0, "$", f"{file_kind(info.st_mode)}, not a regular file")]
    if info.st_size > MAX_FILE_BYTES:
        return None, [
            Problem(
                rel, 1, 1, "$", f"file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
            )
        ]
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(rel, 0, 0, "$", f"cannot read the file: {exc.strerror}")]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, [
            Problem(rel, line, 1, "$", "the file contains a NUL byte (is it a binary file?)")
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Problem(
                rel,
                line,
                col,
                "$",
                f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            )
        ]
    text = text.removeprefix("\ufeff")
    problems = text_problems(text, rel)
    if any(p.is_error for p in problems):
        return None, problems
    return text, problems


def _walk(content: Path, root: Path, problems: list[Problem]) -> list[Path]:
    """Every regular file under content/, sorted; everything else becomes a problem.

    Symlinks, FIFOs, sockets and devices are refused here, before anything opens them (a FIFO
    would block the reader); so are unsafe names and names that differ only in case.
    """
    found: list[Path] = []
    seen: dict[str, str] = {}
    stack = [content]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                path = Path(entry.path)
                rel = path.relative_to(root).as_posix()

                def refuse(message: str, rel: str = rel) -> None:
                    problems.append(Problem(printable(rel), 0, 0, "$", message))

                name_problem = _name_problem(path.relative_to(content).parts, entry.name)
                if name_problem:
                    refuse(name_problem)
                    continue
                folded = rel.casefold()
                if folded in seen:
                    refuse(f"differs from {seen[folded]} only in upper/lower case")
                    continue
                seen[folded] = rel
                if entry.is_symlink():
                    refuse("symbolic links are not allowed in content/; copy the file in")
                elif entry.is_dir(follow_symlinks=False):
                    if _kind_of(path.relative_to(content).parts) is not None:
                        refuse("a folder where a content file belongs")
                    else:
                        stack.append(path)
                elif entry.is_file(follow_symlinks=False):
                    found.append(path)
                else:
                    refuse(f"{file_kind(entry.stat(follow_symlinks=False).st_mode)}, not a file")
    return sorted(found)


def _name_problem(parts: tuple[str, ...], name: str) -> str | None:
    if not SAFE_NAME.match(name):
        return (
            f"unsafe file name {printable(repr(name))}: use letters, digits, '-', '_' and '.'"
            " (no spaces, '#', '%' or '?'), starting with a letter or digit"
        )
    if "pages" in parts[:-1] and name.endswith(".md") and not PAGE_NAME.match(name):
        return "page file names are lower-case letters, digits and '-' (they become the URL)"
    return None


def load_documents(root: Path) -> LoadResult:
    """Read every content file of the repository at `root`; problems are collected, not raised."""
    content = root / "content"
    problems: list[Problem] = []
    documents: list[Document] = []
    assets: list[str] = []
    found_goals: list[str] = []
    if not content.is_dir() or content.is_symlink():
        problems.append(
            Problem(
                "content",
                0,
                0,
                "$",
                "no content/ folder here (run in the repository root, or pass --root)",
            )
        )
        return LoadResult(documents, problems, assets, set())
    for name in REQUIRED_FILES:
        if not (content / name).exists() and not (content / name).is_symlink():
            problems.append(Problem(f"content/{name}", 0, 0, "$", "required file is missing"))
        elif (content / name).is_dir():
            problems.append(Problem(f"content/{name}", 0, 0, "$", "is a folder, not a file"))
    to_read: list[tuple[Path, str, str]] = []
    for path in _walk(content, root, problems):
        rel = path.relative_to(root).as_posix()
        parts = path.relative_to(content).parts
        kind = _kind_of(parts)
        if kind == "goal":
            found_goals.append(rel)
        if kind is None:
            if path.suffix in (".yml", ".yaml", ".md"):
                problems.append(Problem(rel, 0, 0, "$", _unknown_file_hint(parts)))
            else:
                assets.append(rel)
            continue
        to_read.append((path, rel, kind))
    for result in _read_all(to_read):
        if isinstance(result, Document):
            documents.append(result)
            problems += result.warnings
        else:
            problems += result
    goal_ids = {Path(p).stem for p in found_goals}
    return LoadResult(documents, problems, assets, goal_ids)


def read_document(path: Path, rel: str, kind: str) -> Document | list[Problem]:
    """One content file read and parsed (YAML keeps no text: the data and positions suffice)."""
    text, problems = read_text(path, rel)
    if text is None:
        return problems
    if kind == "page" or (kind == "translation" and path.suffix == ".md"):
        return Document(rel, kind, None, text, warnings=problems)
    try:
        loaded = load_yaml(text)
    except YamlProblem as exc:
        return [*problems, Problem(rel, exc.line, exc.col, exc.path, exc.message)]
    if "\\" in text:  # a double-quoted YAML escape ("\e", "\u202e") can make any character
        problems += escaped_character_problems(loaded, rel)
        if any(p.is_error for p in problems):
            return problems
    return Document(rel, kind, loaded, "", warnings=problems)


def escaped_character_problems(loaded: Loaded, rel: str) -> list[Problem]:
    """Forbidden or invisible characters in parsed keys and values, at their positions."""
    problems: list[Problem] = []

    def visit(value: object, path: tuple[str | int, ...]) -> None:
        items: list[tuple[str | int, object]] = []
        if isinstance(value, dict):
            for key, child in value.items():
                check(str(key), (*path, key), key=True)
                items.append((key, child))
        elif isinstance(value, list):
            items = list(enumerate(value))
        elif isinstance(value, str):
            check(value, path, key=False)
        for key, child in items:
            visit(child, (*path, key))

    def check(text: str, path: tuple[str | int, ...], *, key: bool) -> None:
        for found in text_problems(text, rel)[:1]:
            line, col = loaded.position(path, key=key)
            problems.append(dataclasses.replace(found, line=line, col=col, path=json_path(path)))

    visit(loaded.data, ())
    return problems


PARALLEL_MIN_FILES = 400  # below this, starting worker processes costs more than it saves


def _read_star(item: tuple[Path, str, str]) -> Document | list[Problem]:
    return read_document(*item)


def _read_all(items: list[tuple[Path, str, str]]) -> list[Document | list[Problem]]:
    """read_document for each item, in order; on every core for large catalogs."""
    return pool_list(_read_star, items, min_parallel=PARALLEL_MIN_FILES, chunksize=64)


def _unknown_file_hint(parts: tuple[str, ...]) -> str:
    if parts[-1].endswith(".yaml"):
        return "content files end in .yml, not .yaml"
    if parts[0] == "goals":
        folders = ", ".join(f"goals/{a}/" for a in AUDIENCE_FOLDERS)
        return f"goal files belong in one of {folders}"
    return "unknown content file: not part of the catalog layout (see README, 'Content files')"
