"""The safety scan every build runs over its staging folder before the new site goes live.

`scan_output(folder)` reads every file and returns what a browser or PDF viewer could run or
fetch from elsewhere; an empty list means the folder may be published. What it refuses:

- HTML (and SVG, XML, and any file whose first bytes look like markup): scripts other than the
  theme's own, inline event handlers, `srcdoc`, `javascript:`/`vbscript:` URLs anywhere and
  `data:` URLs in links and loaded resources, frames, objects, embeds, `<base>`, meta refresh,
  and resources (`src`, `srcset`, `<link rel=stylesheet|icon|...>`, CSS `url()`/`@import` in
  style elements and attributes) from any host not in `allowed_hosts`. Plain links to other
  hosts are navigation and stay allowed. SVG and XML files may hold no script at all, no
  foreignObject and no href off the site. See markup.py for how parser tricks are closed.
- Theme scripts: inline scripts must be one of the bare `<script>` snippets in Material's
  installed templates or the project's overrides (Jinja values only as JSON strings or plain
  paths; see theme.py). Material's `<script id="__config" type="application/json">` must be
  valid JSON, and its `search` worker, like every `<script src>` and every `.js` file in the
  folder, must be byte-identical to the theme's file at that path. Hashing the snippets from a
  build was rejected: the inline scripts contain the page's relative base URL, so each depth
  of page gives another text; matching the template's text keeps the allow-list in step with
  whatever Material version is installed, with nothing to regenerate. The offline copy's
  search index script (`search/search_index.js`, Zensical's `search.js`) passes only as
  `var __index = ` followed by exactly the bytes of the valid JSON index beside it (Zensical
  ends the statement with `;`).
- CSS files: the same `url()`/`@import` rules (CSS `data:` URLs are allowed: images only).
- PDFs: JavaScript, /OpenAction actions, /AA, /Launch, embedded files and attachments,
  /GoToR, /GoToE, /ImportData, /SubmitForm, rich media, XFA, and /URI links other than
  http(s) and mailto, anywhere in the object graph (see pdf.py).
- Names: control characters, server-side or executable extensions (.php, .shtml, .exe...),
  .htaccess and friends, symbolic links and special files.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath

from generator.pool import pool_list, shared
from generator.safety.context import Context
from generator.safety.css import css_problems
from generator.safety.finding import Finding
from generator.safety.markup import decode, scan_markup
from generator.safety.memory import Memory, Verdict, scanner_digest
from generator.safety.theme import Theme, engine_templates, load_theme

__all__ = ["Finding", "PageCheck", "Verdict", "prescan", "scan_output"]

MARKUP_KINDS = {".html": "html", ".htm": "html", ".xhtml": "html", ".svg": "svg", ".xml": "xml"}
SCRIPT_SUFFIXES = frozenset({".js", ".mjs"})
REFUSED_SUFFIXES = frozenset(
    {".php", ".php3", ".php4", ".php5", ".php7", ".phps", ".pht", ".phtml", ".phar", ".shtml",
     ".shtm", ".stm", ".cgi", ".pl", ".asp", ".aspx", ".ashx", ".asmx", ".jsp", ".jspx", ".exe",
     ".dll", ".bat", ".cmd", ".ps1", ".sh", ".hta", ".swf", ".jar", ".msi", ".scr", ".vbs", ".wsf"}
)  # fmt: skip
REFUSED_NAMES = frozenset({".htaccess", ".htpasswd", ".user.ini", "web.config"})
MAX_UNZIPPED = 64 * 1024 * 1024
# The offline plugins' search index scripts and the JSON index each must repeat: Material's
# and Zensical's.
OFFLINE_INDEXES = {"search/search_index.js": "search/search_index.json", "search.js": "search.json"}
OFFLINE_INDEX_PREFIX = b"var __index = "


def _context(
    folder: Path, allowed_hosts: frozenset[str], theme_dirs: Sequence[Path], engine: str
) -> Context:
    theme = _theme(theme_dirs, engine)
    return Context(folder, frozenset(h.lower() for h in allowed_hosts), theme)


def _theme(theme_dirs: Sequence[Path], engine: str) -> Theme:
    return load_theme(tuple(Path(d).resolve() for d in theme_dirs), engine_templates(engine))


def prepare(theme_dirs: Sequence[Path], engine: str) -> None:
    """Read now what every scan of `engine`'s output reads first, and keeps for the process:
    the theme's allow-list (0.1 s: every template of the theme) and the scanner's own digest.
    For a build that would otherwise only wait (Zensical runs in another process)."""
    _theme(theme_dirs, engine)
    scanner_digest()


def scan_output(
    folder: Path,
    *,
    allowed_hosts: frozenset[str] = frozenset(),
    theme_dirs: Sequence[Path] = (),
    engine: str = "mkdocs",
    passed: Mapping[str, Verdict] | None = None,
    clean_pdfs: dict[str, Verdict] | None = None,
    memory: Path | None = None,
    fork: bool = True,
) -> list[Finding]:
    """Everything in `folder` a browser or PDF viewer could run or fetch from another host.

    `allowed_hosts`: hosts (lower case) that pages may load resources from.
    `theme_dirs`: the theme's custom_dir (the project's overrides/), trusted like Material's
    own templates for inline scripts and script files.
    `engine`: which engine built the folder ("mkdocs" or "zensical"): only that engine's
    installed theme templates and scripts are trusted.
    `passed`: files this build already scanned clean while the engine wrote them (`PageCheck`,
    `prescan`), by path; a file whose bytes still match is not scanned again.
    `clean_pdfs`: filled with the verdict on every PDF that passed (a PDF is copied unchanged
    into the offline copy, so the site's scan can skip it).
    `memory`: the file of verdicts remembered between builds (see memory.py): a file that
    passed an earlier build unchanged is not scanned again; this build's verdicts replace it.
    Every other file is scanned here, on every core unless `fork` is false (a caller with
    threads of its own, such as the preview server, must not fork).
    """
    context = _context(folder, allowed_hosts, theme_dirs, engine)
    remembered = Memory(memory, context, engine)
    found: list[Finding] = []
    files = list(_files(folder, found))
    for rel, _ in files:
        found += _name_problems(rel)
    if any(path.suffix.lower() == ".pdf" for _, path in files):
        import generator.safety.pdf  # noqa: F401  (before forking: workers inherit pikepdf)
    passed = passed or {}
    verdicts: dict[str, Verdict] = {}
    unknown = []
    for rel, path in files:
        digest = None
        if rel in passed or remembered.path:
            digest = hashlib.sha256(path.read_bytes()).digest()
            if (known := _known(rel, digest, passed, remembered)) is not None:
                verdicts[rel] = known
                continue
        unknown.append((rel, path, digest))
    least = PARALLEL_MIN_FILES if fork else len(unknown) + 1
    results = pool_list(_scan_shared, unknown, min_parallel=least, shared={"context": context})
    for (rel, _, _), (problems, verdict) in zip(unknown, results, strict=True):
        found += problems
        if not problems:
            verdicts[rel] = verdict
    for rel, verdict in verdicts.items():
        if _rememberable(rel):
            remembered.keep(rel, verdict)
        if clean_pdfs is not None and rel.lower().endswith(".pdf"):
            clean_pdfs[rel] = verdict
    remembered.save()
    return sorted(found)


def _rememberable(rel: str) -> bool:
    """Script files and the offline search script are scanned on every build."""
    return rel not in OFFLINE_INDEXES and PurePosixPath(rel).suffix.lower() not in SCRIPT_SUFFIXES


def _known(
    rel: str, digest: bytes, passed: Mapping[str, Verdict], remembered: Memory
) -> Verdict | None:
    """The verdict on a file this build or an earlier one already scanned, if its bytes match."""
    earlier = passed.get(rel)
    if earlier is not None and earlier[0] == digest:
        return earlier
    if not _rememberable(rel):
        return None
    return remembered.recall(rel, digest)


# Seconds a page must be unchanged before the prescan reads it. Short: MkDocs writes a page
# with one write, and a page read half-written only costs a second scan (its digest differs);
# at 0.5 s a small site's pages were all written within the last settle time, none prescanned.
PRESCAN_SETTLE = 0.05
PRESCAN_POLL = 0.1  # seconds between looks at the folder when nothing new has settled


def prescan(check: PageCheck, done: Path) -> dict[str, Verdict]:
    """Scan the files an engine writes into `check`'s folder while it runs (until `done`
    exists).

    Returns the verdict on every file that passed (or was remembered passed, see PageCheck),
    by path, for scan_output(passed=...). It only saves time: a file read half-written,
    changed later or with findings is scanned again in full by scan_output, which alone
    decides. PDFs and the offline copy's search script (checked against another file) are left
    to scan_output.
    """
    folder = check.context.folder
    passed: dict[str, Verdict] = {}
    seen: set[str] = set()
    while not done.exists():
        now = time.time()
        progressed = False
        try:
            files = list(_files(folder, []))
        except OSError:  # a file the engine replaced while we listed the folder
            files = []
        for rel, path in files:
            if rel in seen or rel in OFFLINE_INDEXES or path.suffix.lower() == ".pdf":
                continue
            try:
                if now - path.stat().st_mtime < PRESCAN_SETTLE:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            seen.add(rel)
            progressed = True
            if (verdict := check(rel, data)) is not None:
                passed[rel] = verdict
            if done.exists():
                break
        if not progressed:
            _wait_for(done, PRESCAN_POLL)
    return passed


class PageCheck:
    """One file as the engine wrote it, scanned ahead of scan_output: its verdict when it passed
    (for scan_output(passed=...)), else None (scan_output reports it). A file remembered from
    an earlier build (`memory`, see memory.py) is not scanned. Picklable only by fork: a
    build's workers inherit it. Allowed hosts: none."""

    def __init__(
        self,
        folder: Path,
        theme_dirs: Sequence[Path] = (),
        engine: str = "mkdocs",
        memory: Path | None = None,
    ) -> None:
        self.context = _context(folder, frozenset(), theme_dirs, engine)
        self.memory = Memory(memory, self.context, engine)

    def __call__(self, rel: str, data: bytes) -> Verdict | None:
        digest = hashlib.sha256(data).digest()
        if _rememberable(rel) and (known := self.memory.recall(rel, digest)):
            return known
        problems, verdict = _judge(rel, data, digest, self.context)
        return None if problems else verdict


def _wait_for(done: Path, seconds: float) -> None:
    """Sleep `seconds`, or less once `done` exists: the build waits for the prescan to stop."""
    deadline = time.monotonic() + seconds
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.01)


PARALLEL_MIN_FILES = 40  # a default site has ~130 files; a few files scan faster in one process


def _scan_shared(item: tuple[str, Path, bytes | None]) -> tuple[list[Finding], Verdict]:
    """A file's findings and verdict; its digest when the parent already took it."""
    rel, path, digest = item
    data = path.read_bytes()
    digest = digest or hashlib.sha256(data).digest()
    if path.suffix.lower() == ".pdf":
        from generator.safety.pdf import scan_pdf  # pikepdf only when there are PDFs

        return scan_pdf(rel, path), (digest, ())
    return _judge(rel, data, digest, shared()["context"])


def _judge(rel: str, data: bytes, digest: bytes, context: Context) -> tuple[list[Finding], Verdict]:
    """The findings on a file that is not a PDF (`digest`: of its bytes), and the verdict to
    keep if there are none."""
    context.consulted = set()
    problems = _scan_bytes(rel, data, context)
    return problems, (digest, tuple(sorted(context.consulted)))


def _files(folder: Path, found: list[Finding]) -> Iterator[tuple[str, Path]]:
    """(relative path, path) of every regular file; links and special files become findings.

    Directory entries carry their type (no stat per file): listing a 1,000-goal site takes
    milliseconds, which the prescan does many times while the engine writes."""
    pending = [("", folder)]
    while pending:
        prefix, base = pending.pop(0)
        with os.scandir(base) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        subdirs = []
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_symlink():
                found.append(Finding(rel, 0, "", "symbolic link"))
            elif entry.is_dir(follow_symlinks=False):
                found += [f for f in _name_problems(rel) if f.what.startswith("name")]
                subdirs.append((rel + "/", base / entry.name))
            elif not entry.is_file(follow_symlinks=False):
                found.append(Finding(rel, 0, "", "special file"))
            else:
                yield rel, base / entry.name
        pending[:0] = subdirs  # depth first, in name order, as os.walk lists them


def _name_problems(rel: str) -> list[Finding]:
    name = rel.rsplit("/", 1)[-1]
    suffixes = {"." + part.lower() for part in name.split(".")[1:]}
    if any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in name):
        return [Finding(rel, 0, "", "name with control characters or bytes that are not UTF-8")]
    if name.lower() in REFUSED_NAMES or suffixes & REFUSED_SUFFIXES:
        return [Finding(rel, 0, "", "server-side or executable file type")]
    return []


def _is_offline_index(rel: str, data: bytes, folder: Path) -> bool:
    """Whether `data` is what an offline plugin writes: the site's own search index, byte for
    byte, assigned to one variable. JSON is data in JavaScript too: nothing runs."""
    if rel not in OFFLINE_INDEXES or not data.startswith(OFFLINE_INDEX_PREFIX):
        return False
    try:
        index = (folder / OFFLINE_INDEXES[rel]).read_bytes()
        json.loads(index)
    except (OSError, ValueError):
        return False
    return data[len(OFFLINE_INDEX_PREFIX) :] in (index, index + b";")


def _scan_bytes(rel: str, data: bytes, context: Context) -> list[Finding]:
    """The findings of a file that is not a PDF, from its bytes (the offline copy's search
    script is also compared with the search index beside it)."""
    suffix = PurePosixPath(rel).suffix.lower()
    if suffix in (".gz", ".svgz"):
        inner = ".svg" if suffix == ".svgz" else PurePosixPath(PurePosixPath(rel).stem).suffix
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                data = stream.read(MAX_UNZIPPED)
        except (OSError, EOFError):
            return [Finding(rel, 0, "", "not a readable gzip file")]
        suffix = inner.lower()
    if suffix in MARKUP_KINDS:
        return scan_markup(rel, data, MARKUP_KINDS[suffix], context)
    if suffix == ".css":
        text, found = decode(rel, data)
        problems = css_problems(text, context.allowed_hosts)
        return found + [Finding(rel, line + 1, "CSS", what) for line, what in problems]
    if suffix in SCRIPT_SUFFIXES:
        if context.theme.owns_file(rel, data) or _is_offline_index(rel, data, context.folder):
            return []
        return [Finding(rel, 0, "", "script file that is not the theme's")]
    if data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n\x0c").startswith(b"<"):
        return scan_markup(rel, data, "html", context)  # browsers may sniff it as HTML
    return []
