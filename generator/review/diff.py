"""`handbook diff`: build the catalog at BASE and in the working tree, and say what changes.

Both sides go through the real pipeline (check_repository -> Catalog -> site pages and
worksheets). The BASE tree is exported once per commit to .cache/review/<sha>/; when the logo
and overrides/ are the same on both sides, BASE is rendered as if it lay in the working tree,
so its worksheets are the very cache entries an earlier build of BASE wrote (a copy each).
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from generator.catalog.model import Catalog
from generator.load.yaml_safe import load_yaml
from generator.problems import Problem
from generator.review.changes import LanguageChanges, compare_catalogs, new_link_hosts
from generator.review.git import changed_paths, export_tree, open_repository, resolve_base
from generator.review.worksheets import WorksheetChange, compare_worksheets, render_side
from generator.templating import OVERRIDES
from generator.validate.check import Outcome, check_repository
from generator.validate.report import where

# Files that are code, not content: the owners review them (CODEOWNERS), whatever they do.
CODE_PATHS = (
    "overrides/", "schemas/", ".github/", "mkdocs.yml", ".gitlab-ci.yml",
    ".pre-commit-config.yaml", "requirements.txt", "pyproject.toml", "CODEOWNERS",
)  # fmt: skip
TEMPLATE_OVERRIDES = f"{OVERRIDES.as_posix()}/"  # read by render_pages and the worksheets
OUTPUT_PATHS = (".cache/", "site/", "build/", "public/")  # build outputs are never changes


@dataclass
class Review:
    """Everything `handbook diff` reports (rendered by generator.review.report)."""

    base: str  # commit sha
    base_label: str  # how BASE was chosen, e.g. "main" or "merge base with origin/main"
    base_invalid: bool  # BASE's catalog does not build: compared with an empty catalog
    language: str  # the language the site and worksheets are published in
    languages: list[LanguageChanges]
    worksheets: list[WorksheetChange]
    link_hosts: list[tuple[str, str, str]]  # (host, url, where)
    logo: str | None  # the logo file, when its bytes changed
    assets: list[tuple[str, str]]  # (git status, path) of new or changed images and files
    code: list[tuple[str, str]]  # (git status, path) of changed code files
    warnings: list[Problem]  # validation warnings the change introduces
    notes: list[str] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        """True when readers and printers get exactly what they got before."""
        return not (
            self.base_invalid
            or any(not lang.empty for lang in self.languages)
            or self.worksheets
            or self.link_hosts
            or self.logo
            or self.assets
            or self.code
            or self.warnings
        )


def catalog_languages(root: Path) -> list[str]:
    """The written language, the published one and every translation folder's language."""
    found = {"en"}
    org = root / "content" / "organization.yml"
    if org.is_file():
        try:
            data = load_yaml(org.read_text(encoding="utf-8")).data
        except Exception:  # an unreadable organization.yml is reported by validation
            data = None
        if isinstance(data, dict):
            found = {str(data.get("content_language", "en")), str(data.get("language", "en"))}
    translations = root / "content" / "translations"
    if translations.is_dir():
        found |= {p.name for p in translations.iterdir() if p.is_dir() and len(p.name) == 2}
    return sorted(found)


def _relocated(catalog: Catalog, head_root: Path, changed: set[str]) -> Catalog:
    """BASE's catalog as if it lay in the working tree, when every file its rendering reads
    besides the Catalog (the logo, the templates in overrides/handbook/) is the same on both
    sides; else as it is. (The theme files in overrides/ shape only the MkDocs site.)"""
    base_root = catalog.root
    logo = catalog.organization.logo
    try:
        rel = logo.relative_to(base_root.resolve()).as_posix()
    except ValueError:
        return catalog
    if rel in changed or any(p.startswith(TEMPLATE_OVERRIDES) for p in changed):
        return catalog
    org = dataclasses.replace(catalog.organization, logo=head_root.resolve() / rel)
    return dataclasses.replace(catalog, root=head_root.resolve(), organization=org)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _warnings(outcome: Outcome) -> set[tuple[str, str]]:
    return {(p.file, p.message) for p in outcome.problems if not p.is_error}


def left_out(language: str, problems: Sequence[Problem], shown: int = 3) -> str:
    """The note on a language the working tree does not build in, with its first errors (the
    published language validates, so `handbook validate` alone does not show them)."""
    errors = [p for p in problems if p.is_error]
    listed = "; ".join(f"{where(p)}: {p.message}" for p in errors[:shown])
    more = f" (and {len(errors) - shown} more)" if len(errors) > shown else ""
    return f"the catalog does not build in '{language}'; that language is left out: {listed}{more}"


def run_review(
    root: Path, base: str | None, artifacts: Path | None, *, ignore: Path | None = None
) -> Review:
    """Compare BASE with the working tree at `root`; PNGs of changed pages into `artifacts`.

    `ignore`: a folder inside the repository that holds output, not content (--artifacts).
    """
    root = root.resolve()
    repo = open_repository(root)
    sha, label = resolve_base(repo, base)
    ignored = [*OUTPUT_PATHS]
    if ignore is not None and ignore.resolve().is_relative_to(root):
        ignored.append(ignore.resolve().relative_to(root).as_posix() + "/")
    changes = [(s, p) for s, p in changed_paths(repo, sha) if not p.startswith(tuple(ignored))]
    changed = {p for _, p in changes}
    base_root = export_tree(repo, sha)

    head = check_repository(root)
    assert head.catalog is not None  # the command checked the working tree first
    published = head.catalog.organization.language
    languages = sorted(set(catalog_languages(root)) | set(catalog_languages(base_root)))
    languages.sort(key=lambda lang: lang != published)  # the published language first
    review = Review(sha, label, False, published, [], [], [], None, [], [], [])
    introduced: dict[tuple[str, str], Problem] = {}
    base_catalogs: dict[str, Catalog | None] = {}
    head_catalogs: dict[str, Catalog] = {}
    for lang in languages:
        after = head if lang == published else check_repository(root, language=lang)
        before = check_repository(base_root, language=lang)
        if after.catalog is None:
            review.notes.append(left_out(lang, after.problems))
            continue
        if lang == published and before.catalog is None:
            review.base_invalid = True
        old_warnings = _warnings(before)
        for p in after.problems:
            if not p.is_error and (p.file, p.message) not in old_warnings:
                introduced.setdefault((p.file, p.message), p)
        base_catalogs[lang] = before.catalog
        head_catalogs[lang] = after.catalog
    for lang, after_catalog in head_catalogs.items():
        before_catalog = base_catalogs[lang]
        if before_catalog is not None:
            before_catalog = _relocated(before_catalog, root, changed)
            base_catalogs[lang] = before_catalog
        pages_before, pages_after = _site_pages(before_catalog, after_catalog, lang == published)
        review.languages.append(
            compare_catalogs(lang, before_catalog, after_catalog, pages_before, pages_after)
        )
        hosts = {h[0] for h in review.link_hosts}
        review.link_hosts += [
            h for h in new_link_hosts(before_catalog, after_catalog) if h[0] not in hosts
        ]
    review.warnings = sorted(introduced.values())
    review.worksheets = _worksheets(
        base_catalogs.get(published), head_catalogs[published], root, artifacts
    )
    base_logo = base_catalogs.get(published)
    if base_logo is not None:
        head_org = head_catalogs[published].organization
        before_logo = base_root / _content_relative(base_logo, base_logo.organization.logo)
        if _sha256(before_logo) != _sha256(head_org.logo):
            review.logo = _content_relative(head_catalogs[published], head_org.logo)
    review.assets = [
        (s, p)
        for s, p in changes
        if s != "D" and p.startswith("content/") and PurePosixPath(p).suffix not in (".yml", ".md")
    ]
    review.code = [(s, p) for s, p in changes if p.startswith(CODE_PATHS)]
    return review


def _content_relative(catalog: Catalog, path: Path) -> str:
    try:
        return path.relative_to(catalog.root.resolve()).as_posix()
    except ValueError:
        return path.name


def _site_pages(
    before: Catalog | None, after: Catalog, published: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """The site's Markdown pages on both sides (for the published language only: the other
    languages' pages follow from the field changes already listed)."""
    from generator.website.generate import render_pages

    if not published:
        return {}, {}
    return (render_pages(before) if before else {}), render_pages(after)


def _worksheets(
    before: Catalog | None, after: Catalog, root: Path, artifacts: Path | None
) -> list[WorksheetChange]:
    cache = root / ".cache" / "worksheets"
    (root / ".cache").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="review-", dir=root / ".cache") as tmp:
        old = render_side(before, Path(tmp) / "base", cache) if before else {}
        new = render_side(after, Path(tmp) / "head", cache)
        return compare_worksheets(old, new, (before, after), artifacts)
