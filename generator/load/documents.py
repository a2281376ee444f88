"""Find and read the catalog's files under content/, refusing anything unsafe before parsing."""

from __future__ import annotations

import multiprocessing as mp
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from generator.load.yaml_safe import Loaded, YamlProblem, load_yaml
from generator.problems import Problem

MAX_FILE_BYTES = 512 * 1024  # a goal file is a few KB; anything this big is a mistake or an attack
AUDIENCE_FOLDERS = ("mentee", "mentor", "organization")
SINGLE_FILES = {
    "organization.yml": "organization",
    "smart.yml": "smart",
    "measurement.yml": "measurement",
    "worksheets.yml": "worksheets",
}
REQUIRED_FILES = ("organization.yml", "smart.yml", "measurement.yml", "worksheets.yml")


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


def read_text(path: Path, rel: str) -> tuple[str | None, Problem | None]:
    """Read a content file as UTF-8 text with the size cap; a Problem instead when it is unsafe."""
    try:
        info = path.lstat()
    except OSError as exc:
        return None, Problem(rel, 0, 0, "$", f"cannot read the file: {exc.strerror}")
    if stat.S_ISLNK(info.st_mode):
        return None, Problem(
            rel, 0, 0, "$", "symbolic links are not allowed in content/; copy the file in"
        )
    if info.st_size > MAX_FILE_BYTES:
        return None, Problem(
            rel, 1, 1, "$", f"file is {info.st_size:,} bytes; the limit is {MAX_FILE_BYTES:,} bytes"
        )
    raw = path.read_bytes()
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return None, Problem(
            rel, line, 1, "$", "the file contains a NUL byte (is it a binary file?)"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(
            rel,
            line,
            col,
            "$",
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
        )
    return text.removeprefix("\ufeff"), None


def _walk(content: Path, root: Path, problems: list[Problem]) -> list[Path]:
    """Every regular file under content/, sorted; symlinks (files or folders) become problems."""
    found: list[Path] = []
    stack = [content]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                path = Path(entry.path)
                if entry.is_symlink():
                    problems.append(
                        Problem(
                            path.relative_to(root).as_posix(),
                            0,
                            0,
                            "$",
                            "symbolic links are not allowed in content/; copy the file in",
                        )
                    )
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file(follow_symlinks=False):
                    found.append(path)
    return sorted(found)


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
        if isinstance(result, Problem):
            problems.append(result)
        else:
            documents.append(result)
    goal_ids = {Path(p).stem for p in found_goals}
    return LoadResult(documents, problems, assets, goal_ids)


def read_document(path: Path, rel: str, kind: str) -> Document | Problem:
    """One content file read and parsed (YAML keeps no text: the data and positions suffice)."""
    text, problem = read_text(path, rel)
    if problem is not None:
        return problem
    assert text is not None
    if kind == "page" or (kind == "translation" and path.suffix == ".md"):
        return Document(rel, kind, None, text)
    try:
        return Document(rel, kind, load_yaml(text), "")
    except YamlProblem as exc:
        return Problem(rel, exc.line, exc.col, exc.path, exc.message)


PARALLEL_MIN_FILES = 400  # below this, starting worker processes costs more than it saves


def _read_star(item: tuple[Path, str, str]) -> Document | Problem:
    return read_document(*item)


def _read_all(items: list[tuple[Path, str, str]]) -> list[Document | Problem]:
    """read_document for each item, in order; on every core for large catalogs."""
    cores = os.cpu_count() or 1
    if len(items) < PARALLEL_MIN_FILES or cores < 2 or "fork" not in mp.get_all_start_methods():
        return [read_document(*item) for item in items]
    with mp.get_context("fork").Pool(cores) as pool:
        return pool.map(_read_star, items, chunksize=64)


def _unknown_file_hint(parts: tuple[str, ...]) -> str:
    if parts[-1].endswith(".yaml"):
        return "content files end in .yml, not .yaml"
    if parts[0] == "goals":
        folders = ", ".join(f"goals/{a}/" for a in AUDIENCE_FOLDERS)
        return f"goal files belong in one of {folders}"
    return "unknown content file: not part of the catalog layout (see README, 'Content files')"
