"""Load, validate and (when valid) build the Catalog of a repository: the one entry point."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.catalog.build import build_catalog
from generator.catalog.model import Catalog
from generator.load.documents import load_documents
from generator.problems import Problem
from generator.validate.schema_check import check_schemas
from generator.validate.semantic import check_semantics


@dataclass
class Outcome:
    catalog: Catalog | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)


def check_repository(root: Path, *, build: bool = True) -> Outcome:
    """Every problem of the catalog at `root`, and the Catalog when there are no errors.

    With build=False the Catalog is not built (validation only): `catalog` stays None.
    """
    loaded = load_documents(root)
    problems = list(loaded.problems)
    yaml_docs = [doc for doc in loaded.documents if doc.loaded is not None]
    schema_valid = [doc for doc in loaded.documents if doc.loaded is None]
    for doc, errors in zip(yaml_docs, check_schemas(yaml_docs), strict=True):
        problems.extend(errors)
        if not errors:
            schema_valid.append(doc)
    # Semantic rules read only schema-valid documents, so they never trip over wrong types.
    problems.extend(check_semantics(schema_valid, root, loaded.goal_ids))
    problems.sort(key=lambda p: (p.file, p.line, p.col, p.message))
    if any(p.is_error for p in problems) or not build:
        return Outcome(None, problems)
    return Outcome(build_catalog(root, loaded.documents), problems)
