"""Schema results of unchanged documents, remembered between builds.

An unchanged rebuild skips the JSON Schema checks of every document an earlier build found
valid. Only "valid" is remembered, under a digest of everything the check reads: the
document's kind and parsed data (after translations and --language), the bytes of every
schema, the checker's source, the tool's and jsonschema's versions and which optional format
checkers are installed. Anything else is a miss and checked in full; errors are never
remembered, so they are reported on every run with their positions. The cross-file rules
(semantic.py) always run over every document, so a remembered file cannot hide a new
cross-file error. A cache that cannot be read is ignored; one that cannot be written is
left as it was.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from functools import cache
from pathlib import Path

from generator import __version__
from generator.load.documents import Document
from generator.memo import package_version, read_json, replace_json
from generator.problems import Problem
from generator.schemas import schema_dir

CACHE_FILE = Path(".cache") / "validation" / "schema-valid.json"
# Optional packages jsonschema's format checker uses when installed ("uri" needs one of them).
_FORMAT_PACKAGES = ("rfc3987", "rfc3986_validator", "rfc3339_validator", "idna", "jsonpointer")


@cache
def environment_digest() -> bytes:
    """What, besides a document, decides its schema check's result."""
    digest = hashlib.sha256()
    digest.update(f"{__version__}\0{sys.version}\0{package_version('jsonschema')}\0".encode())
    for name in _FORMAT_PACKAGES:
        digest.update(f"{name}={importlib.util.find_spec(name) is not None}\0".encode())
    checker = Path(__file__).with_name("schema_check.py")
    for path in [checker, *sorted(schema_dir().glob("*.schema.json"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def _plain(value: object) -> bool:
    """Whether JSON text stands for exactly this value (no tuples, no keys that are not text:
    {1: x} and {"1": x} would both be written {"1": x})."""
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return value is None or isinstance(value, (str, int, float))


def document_key(doc: Document) -> str | None:
    """The digest a document's result is remembered under; None when its data is not plain
    JSON (such a document is always checked)."""
    assert doc.loaded is not None
    if not _plain(doc.loaded.data):
        return None
    try:
        data = json.dumps(doc.loaded.data, ensure_ascii=False, allow_nan=False)
    except ValueError:  # NaN or infinity
        return None
    digest = hashlib.sha256(environment_digest())
    digest.update(f"\0{doc.kind}\0".encode() + data.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _read(path: Path) -> set[str]:
    keys = read_json(path)
    return {k for k in keys if isinstance(k, str)} if isinstance(keys, list) else set()


def check_schemas_cached(root: Path, docs: list[Document]) -> list[list[Problem]]:
    """check_schemas for each document, skipping those remembered valid; remembers the rest."""
    path = root / CACHE_FILE
    known = _read(path)
    keys = [document_key(doc) for doc in docs]
    missed = [i for i, key in enumerate(keys) if key is None or key not in known]
    results: list[list[Problem]] = [[] for _ in docs]
    if missed:
        from generator.validate.schema_check import check_schemas  # jsonschema: 0.1 s to import

        for i, problems in zip(missed, check_schemas([docs[i] for i in missed]), strict=True):
            results[i] = problems
    valid = {key for key, problems in zip(keys, results, strict=True) if key and not problems}
    if valid != known:
        replace_json(path, sorted(valid))
    return results
