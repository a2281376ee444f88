"""MkDocs on every core: `mkdocs.commands.build.build` step by step, its two per-page loops split
over the forked workers of `pool_map`.

MkDocs renders one page at a time on one core. Here the same steps run in the same order with
the same plugin events; only the loops over pages differ:

1. Markdown to HTML (`_populate_page`): workers render slices of the pages and hand back what
   the other pages and the later steps read (content, meta, toc, title, anchors); the parent
   sets it on its own pages, so navigation titles, prev/next links and anchor checks see every
   page as in a serial build.
2. Templates and writing (`_build_page`): workers, forked again after `on_env`, the static
   files and the static templates, render and write their pages and hand back the search
   entries their pages added; the parent appends them in page order, so search_index.json
   (written by the search plugin's `on_post_build` in the parent, like everything after the
   loops: anchor checks, the offline plugin) is the serial build's, byte for byte.

Log records a worker's pages raise (warnings in strict mode) are handed back and logged again
in the parent, in page order, so they fail the build as in a serial build. Workers are forked,
so they inherit the loaded config, files, navigation and theme without pickling. Only plugins
whose per-page state is known (search, offline) are supported; any other plugin or hook, or a
small site (below PARALLEL_MIN_PAGES), builds with MkDocs' own `build`.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.pool import pool_map, shared
from generator.problems import BuildFailed
from generator.progress import SiteProgress

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from generator.safety.scan import PageCheck, Verdict

# Pages from which splitting MkDocs over the cores pays for forking and handing pages back
# (benchmarks/parallel_site.py, whole `handbook build --no-pdf` on both cores against one core
# with the prescan beside it, 2-core machine near idle). Once the workers also scanned their
# pages: 25 pages (the default catalog, the smallest site) 0.94-1.00x the time, 69 pages
# 0.85x. Before that: 25 pages 1.07x, 69 pages 0.99x, 129 pages 0.82x.
PARALLEL_MIN_PAGES = 20
CHUNK = 8  # pages a worker takes at a time: fewer round trips, still even at the end

# Plugins whose per-page events keep state only in the search index (handed back below).
# An unknown plugin could keep any state in a worker, where it would be lost.
_SEARCH_PLUGINS = {
    "material.plugins.search.plugin.SearchPlugin": "entries",
    "mkdocs.contrib.search.SearchPlugin": "_entries",
}
_STATELESS_PLUGINS = {"material.plugins.offline.plugin.OfflinePlugin"}

Records = list[tuple[str, int, str]]  # logger name, level, message
# What a rendered page carries for the others: markdown, meta, content, toc, the title from
# the first heading, its anchors, and its links to anchors of other pages (by source path).
Rendered = tuple[Any, ...]


def _qualified(plugin: object) -> str:
    return f"{type(plugin).__module__}.{type(plugin).__qualname__}"


def supported(config: MkDocsConfig) -> bool:
    """Every plugin of the config is one whose per-page state this build carries across."""
    names = {_qualified(p) for p in config.plugins.values()}
    return names <= _SEARCH_PLUGINS.keys() | _STATELESS_PLUGINS


def worth_it(config_path: Path) -> bool:
    """The generated tree beside config_path (docs/) has enough pages to build in parallel."""
    pages = sum(1 for _ in (config_path.parent / "docs").rglob("*.md"))
    return pages >= PARALLEL_MIN_PAGES


def _search_lists(config: MkDocsConfig) -> list[list[Any]]:
    """The search plugins' entry lists (one list per enabled search plugin)."""
    lists = []
    for plugin in config.plugins.values():
        attribute = _SEARCH_PLUGINS.get(_qualified(plugin))
        index = getattr(plugin, "search_index", None)
        if attribute and index is not None:
            lists.append(getattr(index, attribute))
    return lists


class _Capture(logging.Handler):
    """In a worker: keeps the records of MkDocs' loggers to hand them to the parent."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: Records = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


_CAPTURE = _Capture()


@contextmanager
def _captured() -> Iterator[Records]:
    """Records logged under `mkdocs` meanwhile, when in a worker (else they are logged as
    usual and the list stays empty)."""
    records: Records = []
    if os.getpid() == shared()["parent"]:
        yield records
        return
    logger = logging.getLogger("mkdocs")
    if logger.handlers != [_CAPTURE]:  # a worker's copies of the parent's handlers stay out
        logger.handlers = [_CAPTURE]
        logger.propagate = False
    _CAPTURE.records = records
    yield records


def failure(exc: Exception) -> BuildFailed:
    """The message a failed MkDocs run gives, as an error that travels from a worker (a
    BuildError on a worker's page says what it is, where MkDocs' own build says "Aborted")."""
    from mkdocs.exceptions import MkDocsException

    if isinstance(exc, MkDocsException):
        return BuildFailed(f"MkDocs could not build the site: {exc}")
    return BuildFailed(f"MkDocs could not build the site: {type(exc).__name__}: {exc}")


def _render(index: int) -> tuple[Rendered, Records]:
    """Markdown to HTML for one page, in a worker: what the parent's page needs from it."""
    from mkdocs.commands.build import _populate_page

    job = shared()
    page: Page = job["pages"][index]
    with _captured() as records:
        try:
            _populate_page(page, job["config"], job["files"])
        except Exception as exc:  # a plain message travels (a Jinja error may not unpickle)
            raise failure(exc) from None
    links = {f.src_uri: anchors for f, anchors in (page.links_to_anchors or {}).items()}
    rendered = (
        page.markdown,
        page.meta,
        page.content,
        page.toc,
        page._title_from_render,
        page.present_anchor_ids,
        links if page.links_to_anchors is not None else None,
    )
    return rendered, records


def _install(page: Page, rendered: Rendered, files: Files) -> None:
    markdown, meta, content, toc, title, anchors, links = rendered
    page.markdown, page.meta, page.content, page.toc = markdown, meta, content, toc
    page._title_from_render, page.present_anchor_ids = title, anchors
    if links is not None:
        page.links_to_anchors = {files.src_uris[uri]: a for uri, a in links.items()}


def _write(index: int) -> tuple[list[list[Any]], Records, tuple[str, Verdict | None]]:
    """Template, plugins and file for one page, in a worker; the search entries it added, and
    the page's path with what the job's `check` made of the file written (None without one)."""
    from mkdocs.commands.build import _build_page

    job = shared()
    page: Page = job["pages"][index]
    lists = _search_lists(job["config"])
    before = [len(entries) for entries in lists]
    with _captured() as records:
        try:
            _build_page(page, job["config"], job["doc_files"], job["nav"], job["env"])
        except Exception as exc:
            raise failure(exc) from None
    added = []
    for entries, start in zip(lists, before, strict=True):
        added.append(entries[start:])
        del entries[start:]  # the parent appends them (also when this runs in the parent)
    check: PageCheck | None = job["check"]
    rel = page.file.dest_uri
    verdict = check(rel, Path(page.file.abs_dest_path).read_bytes()) if check else None
    return added, records, (rel, verdict)


def _replay(records: Records) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, "%s", message)


@dataclass(frozen=True)
class Parallel:
    """How a build on every core may help the rest of `handbook build`.

    `check`: each page's worker scans the page it wrote, while the bytes are warm (see
    scan.PageCheck). `templates`: a folder where Jinja keeps the theme's compiled templates
    between builds (compiling Material's templates costs 0.2 s on one core, before the page
    workers can start); Jinja checks each template's source before using what it kept.
    `progress`: the pages rendered and written, as the parent receives them.
    `fork`: False runs the same steps in this process (a pool worker beside another job), for
    the progress they report.
    """

    check: PageCheck | None = None
    templates: Path | None = None
    progress: SiteProgress | None = None
    fork: bool = True


def build(config: MkDocsConfig, helpers: Parallel | None = None) -> dict[str, Verdict]:
    """`mkdocs.commands.build.build(config)` (not dirty, not serving) with the per-page loops
    on every core; writes the same files. Returns the pages `helpers.check` passed, for
    scan_output(passed=...)."""
    from mkdocs import utils
    from mkdocs.commands.build import _build_extra_template, _build_theme_template
    from mkdocs.exceptions import Abort, BuildError
    from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    helpers = helpers or Parallel()
    log = logging.getLogger("mkdocs.commands.build")
    logger = logging.getLogger("mkdocs")
    warning_counter = utils.CountHandler()
    warning_counter.setLevel(logging.WARNING)
    if config.strict:
        logger.addHandler(warning_counter)
    inclusion = InclusionLevel.is_included
    try:
        start = time.monotonic()
        config = config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        log.info("Cleaning site directory")
        utils.clean_directory(config.site_dir)
        log.info(f"Building documentation to directory: {config.site_dir}")

        files = get_files(config)
        env = config.theme.get_env()
        if helpers.templates is not None:
            helpers.templates.mkdir(parents=True, exist_ok=True)
            env.bytecode_cache = sealed_bytecode_cache(helpers.templates)
        files.add_files_from_theme(env, config)
        files = config.plugins.on_files(files, config=config)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        nav = config.plugins.on_nav(nav, config=config, files=files)

        doc_files = files.documentation_pages(inclusion=inclusion)
        for file in doc_files:
            if file.page is None and file.inclusion.is_not_in_nav():  # type: ignore[no-untyped-call]
                Page(None, file, config)
        pages: list[Page] = [file.page for file in doc_files if file.page is not None]
        assert len(pages) == len(doc_files)
        job = {"config": config, "files": files, "pages": pages, "parent": os.getpid()}
        job["check"], job["fork"] = helpers.check, helpers.fork
        progress = helpers.progress or SiteProgress()
        rendering = zip(pages, _map(_render, pages, job), strict=True)
        for n, (page, (rendered, records)) in enumerate(rendering, 1):
            _install(page, rendered, files)
            _replay(records)
            if progress.rendered:
                progress.rendered(n, len(pages), page.file.src_uri)

        env = config.plugins.on_env(env, config=config, files=files)
        files.copy_static_files(inclusion=inclusion)
        for template in config.theme.static_templates:
            _build_theme_template(template, env, files, config, nav)
        for template in config.extra_templates:
            _build_extra_template(template, files, config, nav)

        lists = _search_lists(config)
        job = {**job, "doc_files": doc_files, "nav": nav, "env": env}
        passed: dict[str, Verdict] = {}
        for n, (added, records, (rel, verdict)) in enumerate(_map(_write, pages, job), 1):
            for entries, new in zip(lists, added, strict=True):
                entries.extend(new)
            _replay(records)
            if verdict is not None:
                passed[rel] = verdict
            if progress.written:
                progress.written(n, len(pages), rel)

        log_level = config.validation.links.anchors
        for page in pages:
            page.validate_anchor_links(files=files, log_level=log_level)
        config.plugins.on_post_build(config=config)

        if counts := warning_counter.get_counts():
            msg = ", ".join(f"{v} {k.lower()}s" for k, v in counts)
            raise Abort(f"Aborted with {msg} in strict mode!")
        log.info(f"Documentation built in {time.monotonic() - start:.2f} seconds")
        return passed
    except Exception as e:
        config.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            log.error(str(e))
            raise Abort("Aborted with a BuildError!") from e
        raise
    finally:
        logger.removeHandler(warning_counter)


def sealed_bytecode_cache(folder: Path) -> Any:
    """Jinja's FileSystemBytecodeCache with each file sealed (see memo.py): Jinja unpickles a
    cached template's header and runs its code, so a file planted in the folder must not
    count."""
    from jinja2 import FileSystemBytecodeCache
    from jinja2.bccache import Bucket

    from generator.memo import read_sealed, replace_sealed

    class Sealed(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            data = read_sealed(Path(self._get_cache_filename(bucket)))
            if data is not None:
                bucket.bytecode_from_string(data)

        def dump_bytecode(self, bucket: Bucket) -> None:
            replace_sealed(Path(self._get_cache_filename(bucket)), bucket.bytecode_to_string())

    return Sealed(str(folder))


def _map(func: Any, pages: Sequence[Page], job: dict[str, Any]) -> Iterator[Any]:
    """func(index) for every page, in page order, on every core (workers forked now) unless the
    job says not to fork."""
    least = 2 if job["fork"] else len(pages) + 1
    results = pool_map(func, range(len(pages)), min_parallel=least, shared=job, chunksize=CHUNK)
    gc.freeze()  # workers' collections then skip the inherited heap (no copy-on-write faults)
    try:
        with closing(results):
            yield from results
    finally:
        gc.unfreeze()
