"""Results remembered between builds in files under `.cache/` (the schema checks of
validate/cache.py, the whole validation of validate/remembered.py, the safety scan of
safety/memory.py, the theme's compiled templates): read leniently, replaced at once.

A file that cannot be read, or holds something else, reads as nothing remembered; one that
cannot be written is left as it was. Either way the next build only does more work.

Each file is sealed: it starts with an HMAC-SHA256 of its contents under a key of this
machine's user (`key_file`, made on first use, readable by that user alone), and a file whose
seal does not match reads as nothing remembered. These files say what to trust (a schema
check passed, a page was scanned clean) or hold code (a pickled validation outcome, Jinja's
compiled templates, whose header Jinja unpickles): one planted in `.cache/`, committed to a
pull request or restored from a shared CI cache, would otherwise be believed or run. The PDFs
of the worksheet and book caches are not sealed: they are scanned before they are published,
and a CI cache restores them on another machine.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import importlib.util
import json
import os
from pathlib import Path

SEAL_BYTES = 32


def package_version(module: str, distribution: str | None = None) -> str:
    """The version of the distribution installing `module` (named `distribution` when that
    differs), read off its dist-info folder's name (importing importlib.metadata or the module
    itself would cost more than the check it saves)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return "missing"
    name = distribution or module
    site = Path(spec.origin).parents[1]
    found = sorted(p.name for p in site.glob(f"{name}-*.dist-info"))
    if found:
        return found[-1]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def key_file() -> Path:
    """Where this machine's user keeps the key that seals remembered results."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mentoring-handbook" / "memo.key"


@functools.cache
def _key() -> bytes:
    """The user's sealing key, made on first use (the first of concurrent builds wins). Where
    none can be kept, a key of this process alone: nothing is remembered across runs."""
    path = key_file()
    try:
        key = path.read_bytes()
        if len(key) == SEAL_BYTES:
            return key
    except OSError:
        pass
    fresh = os.urandom(SEAL_BYTES)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(fresh)
        with contextlib.suppress(FileExistsError):  # never replace another build's new key
            os.link(tmp, path)
        key = path.read_bytes()
        return key if len(key) == SEAL_BYTES else fresh
    except OSError:
        return fresh
    finally:
        tmp.unlink(missing_ok=True)


def _seal(data: bytes) -> bytes:
    return hmac.new(_key(), data, hashlib.sha256).digest()


def read_sealed(path: Path) -> bytes | None:
    """The contents of a sealed file, or None when it is missing or its seal does not match."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    seal, contents = data[:SEAL_BYTES], data[SEAL_BYTES:]
    return contents if hmac.compare_digest(seal, _seal(contents)) else None


def replace_sealed(path: Path, data: bytes) -> None:
    """Replace the file with `data`, sealed (see replace_bytes)."""
    replace_bytes(path, _seal(data) + data)


def read_json(path: Path) -> object:
    """The JSON value in the sealed file `path`, or None (missing, unsealed, not JSON)."""
    data = read_sealed(path)
    try:
        return None if data is None else json.loads(data.decode("utf-8"))
    except ValueError:
        return None


def replace_json(path: Path, value: object) -> None:
    """Replace the file with `value` as sealed JSON (see replace_bytes)."""
    replace_sealed(path, json.dumps(value, sort_keys=True).encode("utf-8"))


def replace_bytes(path: Path, data: bytes) -> None:
    """Replace the file at once (a concurrent build reads the old or the new one)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
