"""Load, validate and (when valid) build the Catalog of a repository: the one entry point."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from generator.catalog.build import build_catalog
from generator.catalog.model import Catalog
from generator.load.documents import Document, load_documents
from generator.load.translations import apply_translations
from generator.load.yaml_safe import Loaded
from generator.problems import Problem
from generator.resources import symlinks_under
from generator.validate.cache import check_schemas_cached
from generator.validate.semantic import check_semantics

OVERRIDE_LINK = (
    "symbolic links are not allowed in overrides/ (MkDocs would publish their target); "
    "copy the file in"
)


@dataclass
class Outcome:
    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def check_repository(
    root: Path,
    *,
    build: bool = True,
    language: str | None = None,
    cache: bool = False,
    digest: bytes | None = None,
) -> Outcome:
    """Every problem of the catalog at `root`, and the Catalog when there are no errors.

    With build=False the Catalog is not built (validation only): `catalog` stays None.
    `language` replaces organization.yml's `language` (to read the catalog as another language
    would publish it, e.g. `handbook diff` for every translation). With `cache`, documents an
    earlier run found schema-valid are not checked again (see cache.py), and when nothing
    validation reads has changed, the last valid outcome is read back (see remembered.py;
    .cache/ is written); `digest`: validation_digest(root, ...) with the same options, when
    the caller took it already.
    """
    if not cache:
        return _check(root, build, language, cache)
    from generator.validate import remembered

    digest = digest or remembered.validation_digest(root, build=build, language=language)
    outcome = remembered.recall(root, digest)
    if outcome is None:
        outcome = _check(root, build, language, cache)
        remembered.remember(root, digest, outcome)
    return outcome


def _check(root: Path, build: bool, language: str | None, cache: bool) -> Outcome:
    loaded = load_documents(root)
    if language is not None:
        loaded.documents = [_with_language(doc, language) for doc in loaded.documents]
    problems = list(loaded.problems)
    language, content_language = _languages(loaded.documents)
    documents, translation_problems = apply_translations(
        loaded.documents, language, content_language, root
    )
    problems.extend(translation_problems)
    yaml_docs = [doc for doc in documents if doc.loaded is not None]
    schema_valid = [doc for doc in documents if doc.loaded is None]
    if cache:
        results = check_schemas_cached(root, yaml_docs)
    else:
        from generator.validate.schema_check import check_schemas

        results = check_schemas(yaml_docs)
    for doc, errors in zip(yaml_docs, results, strict=True):
        problems.extend(errors)
        if not errors:
            schema_valid.append(doc)
    # Semantic rules read only schema-valid documents, so they never trip over wrong types.
    problems.extend(check_semantics(schema_valid, root, loaded.goal_ids))
    problems.extend(
        Problem(link.relative_to(root).as_posix(), 0, 0, "$", OVERRIDE_LINK)
        for link in symlinks_under(root / "overrides")
    )
    problems.sort(key=lambda p: (p.file, p.line, p.col, p.message))
    if any(p.is_error for p in problems) or not build:
        return Outcome(None, problems)
    return Outcome(build_catalog(root, documents), problems)


def _with_language(doc: Document, language: str) -> Document:
    """organization.yml as if it said `language: <language>` (positions unchanged)."""
    if doc.kind != "organization" or doc.loaded is None or not isinstance(doc.loaded.data, dict):
        return doc
    data = {**doc.loaded.data, "language": language}
    positions = Loaded(data, doc.loaded.text)  # positions are parsed again only when reported
    return dataclasses.replace(doc, loaded=positions)


def _languages(docs: list[Document]) -> tuple[str, str]:
    """(language, content_language) from organization.yml, read before validation."""
    for doc in docs:
        if doc.kind == "organization" and doc.loaded and isinstance(doc.loaded.data, dict):
            language = doc.loaded.data.get("language", "en")
            content_language = doc.loaded.data.get("content_language", "en")
            if isinstance(language, str) and isinstance(content_language, str):
                return language, content_language
    return "en", "en"
