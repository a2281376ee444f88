"""Safety scan verdicts remembered between builds: an unchanged page is not scanned again.

Only "passed" is remembered, under a digest of everything the verdict reads besides the
site's script files: the file's path and bytes, the scanner's own source, the tool's, Python's,
pikepdf's and defusedxml's versions, the engine, the allowed hosts and the theme's inline
script patterns (which change with the installed templates and the project's overrides).
With each verdict go the site files it rested on (the scripts a page loads); a remembered
verdict counts only while each of them is still byte-identical to the theme's file, checked
against this build's folder. Script files themselves, and the offline copy's search script
(checked against another file), are always scanned. Findings are never remembered, so they are
reported on every run. See memo.py for how the file is read and replaced.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from pathlib import Path

from generator import __version__
from generator.memo import package_version, read_json, replace_json
from generator.safety.context import Context

# A passed file: the SHA-256 of its bytes, and the site files its verdict rested on.
Verdict = tuple[bytes, tuple[str, ...]]


def memory_file(root: Path, name: str) -> Path:
    """The file of verdicts remembered between builds of one output: "site" or "offline"."""
    return root / ".cache" / "scan" / f"{name}.json"


@functools.cache
def scanner_digest() -> bytes:
    """The scanner's own source and the versions it runs on (read once per process)."""
    digest = hashlib.sha256()
    versions = [__version__, sys.version, package_version("pikepdf"), package_version("defusedxml")]
    digest.update("\0".join(versions).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _environment(context: Context, engine: str) -> bytes:
    digest = hashlib.sha256(scanner_digest())
    digest.update("\0".join([engine, *sorted(context.allowed_hosts)]).encode())
    digest.update(b"\0" + context.theme.inline.pattern.encode())
    return digest.digest()


class Memory:
    """The verdicts the last build remembered (read once), and those this build keeps."""

    def __init__(self, path: Path | None, context: Context, engine: str) -> None:
        self.path = path
        self.context = context
        self.environment = _environment(context, engine) if path else b""
        known = read_json(path) if path else None
        self.known: dict[str, list[str]] = {}
        if isinstance(known, dict):
            self.known = {
                key: rests
                for key, rests in known.items()
                if isinstance(rests, list) and all(isinstance(r, str) for r in rests)
            }
        self.kept: dict[str, list[str]] = {}

    def _key(self, rel: str, digest: bytes) -> str:
        key = hashlib.sha256(self.environment + rel.encode("utf-8", "surrogatepass") + b"\0")
        key.update(digest)
        return key.hexdigest()

    def recall(self, rel: str, digest: bytes) -> Verdict | None:
        """The remembered verdict on these bytes at `rel`, if every file it rested on is still
        the theme's file in this build's folder."""
        if self.path is None:
            return None
        rests = self.known.get(self._key(rel, digest))
        if rests is None or any(self.context.theme_file_problem(r) for r in rests):
            return None
        return digest, tuple(rests)

    def keep(self, rel: str, verdict: Verdict) -> None:
        """Remember a verdict of this build (written by save)."""
        if self.path is not None:
            self.kept[self._key(rel, verdict[0])] = sorted(verdict[1])

    def save(self) -> None:
        """Replace the file with this build's verdicts (those of files no longer in the site
        are dropped), when they differ."""
        if self.path is not None and self.kept != self.known:
            replace_json(self.path, self.kept)
