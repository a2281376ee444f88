"""Per-language text: content/translations/<lang>/ mirrors content/ with only the text fields.

A catalog is written in one language (organization.yml `content_language`, default en). When
`language` differs, files under content/translations/<language>/ replace the text of the file at
the same path below content/: mappings merge by key, lists by position, and everything that is not
text (ids, durations, enums, numbers, URLs) stays in the base file, so languages never drift apart.
Text the translation leaves out falls back to the base language and is reported as untranslated.

A translation no build can use is an error at its file, not a warning: a folder for a language
without a locale (content/locales/<lang>.yml), one for `content_language` itself, or a folder
name that is no language code is a misnamed or stale folder, and silently ignoring it would
publish the base text where the admin expects a translation. Translations for another language
that has a locale (the default catalog ships German next to English) are fine: switching
`language` publishes them. A path that leaves its language folder (`..`, or a symbolic link
resolving elsewhere) is an error too: translations never read outside content/translations/.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from generator.load.documents import Document
from generator.load.locales import shipped_languages
from generator.load.yaml_safe import Loaded, PathKey, json_path
from generator.problems import Problem, Severity
from generator.schemas import load_schemas

# Keys whose string values are identifiers, enums or machine values, never prose: the ones
# schemas/translation.schema.json (what editors check a translation against) lists as fixed.
NOT_TEXT = frozenset(load_schemas()["translation.schema.json"]["$defs"]["mapping"]["properties"])


def _fixed(key: str, value: Any) -> bool:
    """True for values a translation may not change (a mapping under such a key, like the
    placeholder named `period`, is still text; a source is never translated)."""
    return key in NOT_TEXT and (key == "source" or not isinstance(value, dict))


def base_path(doc: Document) -> str:
    """content/translations/de/goals/x.yml -> content/goals/x.yml."""
    parts = PurePosixPath(doc.rel).parts
    return PurePosixPath("content", *parts[3:]).as_posix()


def language_of(doc: Document) -> str:
    return PurePosixPath(doc.rel).parts[2]


LANGUAGE_CODE = re.compile(r"[a-z]{2}\Z")  # as organization.yml's `language`


def publishable_languages(docs: list[Document], language: str) -> set[str]:
    """Languages a build can publish: the shipped ones, those with a locale file in the catalog,
    and the configured one (whose missing strings are reported at organization.yml)."""
    return {d.stem for d in docs if d.kind == "locale"} | set(shipped_languages()) | {language}


def translation_problem(
    overlay: Document, languages: set[str], content_language: str, root: Path | None
) -> str | None:
    """Why a translation file can never be used or must not be read, or None when it is fine."""
    parts = PurePosixPath(overlay.rel).parts
    lang = parts[2]
    folder = f"content/translations/{lang}/"
    if any(part in ("..", ".", "") for part in parts) or (
        root is not None and not _inside(root / overlay.rel, root / "content/translations" / lang)
    ):
        return f"the path leaves {folder}; translations are read only from inside it"
    if not LANGUAGE_CODE.match(lang):
        return f"'{lang}' is not a language code such as 'de'; rename {folder}"
    if lang == content_language:
        return (
            f"the content is written in '{lang}' (content_language), so {folder} is never used;"
            " edit the base file instead"
        )
    if lang not in languages:
        return (
            f"the tool ships no UI strings for '{lang}' and there is no content/locales/{lang}.yml,"
            f" so the catalog cannot publish '{lang}' and this translation is never used;"
            f" add the locale or remove {folder}"
        )
    return None


def _inside(path: Path, folder: Path) -> bool:
    """True when `path`, with every symbolic link resolved, is inside `folder`."""
    return path.resolve().is_relative_to(folder.resolve())


def _text_paths(data: Any, path: PathKey = ()) -> list[PathKey]:
    if isinstance(data, dict):
        return [p for k, v in data.items() if not _fixed(k, v) for p in _text_paths(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _text_paths(v, (*path, i))]
    return [path] if isinstance(data, str) else []


class _Merger:
    def __init__(self, overlay: Document) -> None:
        self.overlay = overlay
        self.problems: list[Problem] = []
        self.translated: set[PathKey] = set()

    def problem(self, path: PathKey, message: str) -> None:
        assert self.overlay.loaded is not None
        line, col = self.overlay.loaded.position(path, key=True)
        self.problems.append(Problem(self.overlay.rel, line, col, json_path(path), message))

    def merge(self, base: Any, over: Any, path: PathKey) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            out = dict(base)
            for key, value in over.items():
                if key not in base:
                    self.problem((*path, key), f"'{key}' is not in {base_path(self.overlay)}")
                elif _fixed(key, base[key]):
                    self.problem((*path, key), f"'{key}' is not text; change it in the base file")
                else:
                    out[key] = self.merge(base[key], value, (*path, key))
            return out
        if isinstance(base, list) and isinstance(over, list):
            if len(over) > len(base):
                self.problem(path, f"has {len(over)} items; the base file has {len(base)}")
            return [
                self.merge(b, over[i], (*path, i)) if i < len(over) else b
                for i, b in enumerate(base)
            ]
        if isinstance(base, str) and isinstance(over, str):
            self.translated.add(path)
            return over
        if over is None:  # an explicit null keeps the base text (a placeholder to fill later)
            return base
        self.problem(path, "a translation must have the same shape as its base file")
        return base


def apply_translations(
    docs: list[Document], language: str, content_language: str, root: Path | None = None
) -> tuple[list[Document], list[Problem]]:
    """Documents with the translations for `language` merged in; problems and untranslated text.

    With `root`, translation paths are also checked to stay inside their folder on disk.
    """
    base_docs = [d for d in docs if d.kind != "translation"]
    problems: list[Problem] = []
    languages = publishable_languages(docs, language)
    overlays = []
    for candidate in (d for d in docs if d.kind == "translation"):
        message = translation_problem(candidate, languages, content_language, root)
        if message is None:
            overlays.append(candidate)
        else:
            problems.append(Problem(candidate.rel, 1, 1, "$", message))
    if language == content_language:
        return base_docs, problems
    by_base = {base_path(o): o for o in overlays if language_of(o) == language}
    known = {d.rel for d in base_docs}
    for rel, orphan in sorted(by_base.items()):
        if rel not in known:
            problems.append(
                Problem(orphan.rel, 1, 1, "$", f"translates {rel}, which does not exist")
            )
    out = []
    for doc in base_docs:
        overlay = by_base.get(doc.rel)
        if doc.kind == "page":
            if overlay is not None:
                doc = Document(doc.rel, doc.kind, None, overlay.text, translated_by=overlay)
            else:
                problems.append(_untranslated(doc, language))
            out.append(doc)
            continue
        if doc.kind not in ("goal", "smart", "measurement", "worksheets") or doc.loaded is None:
            out.append(doc)
            continue
        base_text = _text_paths(doc.loaded.data)
        if overlay is None or overlay.loaded is None:
            problems.append(_untranslated(doc, language))
            out.append(doc)
            continue
        merger = _Merger(overlay)
        merged = merger.merge(doc.loaded.data, overlay.loaded.data, ())
        problems.extend(merger.problems)
        missing = [p for p in base_text if p not in merger.translated]
        if missing:
            line, col = doc.loaded.position(missing[0])
            problems.append(
                Problem(
                    doc.rel, line, col, json_path(missing[0]),
                    f"{len(missing)} text field(s) have no '{language}' translation in "
                    f"{overlay.rel} (first: {json_path(missing[0])}); the base text is used",
                    Severity.WARNING,
                )
            )  # fmt: skip
        positions = Loaded(merged, doc.loaded.text, doc.loaded.positions, doc.loaded.key_positions)
        out.append(Document(doc.rel, doc.kind, positions, doc.text, translated_by=overlay))
    return out, problems


def _untranslated(doc: Document, language: str) -> Problem:
    where = doc.rel.replace("content/", f"content/translations/{language}/", 1)
    message = f"not translated to '{language}' (no {where}); the base text is used"
    return Problem(doc.rel, 1, 1, "$", message, Severity.WARNING)
