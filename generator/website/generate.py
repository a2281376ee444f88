"""Generate the docs tree (Markdown, brand CSS, logo, fonts) and the MkDocs config."""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import font_lato
import yaml
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from generator.catalog.model import AUDIENCES, Catalog, Goal, Kpi, Milestone
from generator.dates import Duration
from generator.outputs import (
    BOOKLETS,
    FORM_KINDS,
    OFFLINE_ZIP,
    RETURNS_TEMPLATE,
    WorksheetFile,
    book_path,
    worksheet_files,
)
from generator.pool import pool_map, shared
from generator.progress import Progress
from generator.resources import theme_overrides
from generator.safety.logo import catalog_logo
from generator.templating import OVERRIDES, render_bounded, template_environment
from generator.website.brand import brand_css
from generator.website.escape import finalize, md_html, md_text
from generator.website.incremental import MANIFEST, PageManifest, digest, files_digest
from generator.website.theme import theme_language

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
ASSETS = Path(__file__).parent / "assets"
# The offline copy's Web Worker shim for file:// (iframe-worker, MIT, by Material's author).
# Material's offline plugin would load it from a CDN unless a polyfill path names it.
VENDOR = Path(__file__).parent / "vendor"
OFFLINE_SHIM = "assets/javascripts/iframe-worker/shim.js"
VENDOR_FILES = (OFFLINE_SHIM, "assets/javascripts/iframe-worker/LICENSE")
FONT_FILES = {"regular": "Lato-Regular.ttf", "bold": "Lato-Bold.ttf", "italic": "Lato-Italic.ttf"}
# Above this many goals the site switches to its large-catalog layout: Material repeats the
# whole navigation in every page, so per-goal nav entries make each page's weight grow with the
# catalog (1,200 goals: pages 5x heavier than at 150). Instead the nav lists audiences only,
# each audience page lists its goals as one filterable list of links (no cards), and every tag
# gets its own page (tags/<tag>/), so the tags page is a short index, not every goal again.
NAV_GOAL_LIMIT = 200


def large_catalog(catalog: Catalog) -> bool:
    """Whether the catalog gets the large-catalog layout (see NAV_GOAL_LIMIT)."""
    return len(catalog.goals) > NAV_GOAL_LIMIT


def by_tag(goals: Sequence[Goal]) -> list[tuple[str, list[Goal]]]:
    """(tag, goals with that tag) sorted by tag; goals keep their order; untagged left out."""
    tags: dict[str, list[Goal]] = {}
    for goal in goals:
        for tag in goal.tags:
            tags.setdefault(tag, []).append(goal)
    return sorted(tags.items())


def _environment(root: Path) -> SandboxedEnvironment:
    # Markdown output: autoescape is HTML-only, so `finalize` escapes for Markdown *and* HTML.
    return template_environment(root, TEMPLATES, autoescape=False, finalize=finalize)


def page_url(md_path: str, directory_urls: bool = True) -> str:
    """A page's URL: goals/mentee/x.md -> goals/mentee/x/ (or goals/mentee/x.html without
    directory URLs, as the offline copy is built)."""
    stem = md_path.removesuffix(".md")
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


# Zensical resolves relative links in a page's raw HTML against the page's source folder (as
# for Markdown links) and rewrites them for its URL; MkDocs leaves raw HTML alone. So for
# Zensical our links start from goals/mentee/ for goals/mentee/x.md, not from its URL.
def _link(from_md: str, target: str, directory_urls: bool, source_links: bool = False) -> Markup:
    to = page_url(target, directory_urls) if target.endswith(".md") else target
    here = page_url(from_md, directory_urls)
    folder = here if directory_urls else posixpath.dirname(here)
    if source_links:
        folder = posixpath.dirname(from_md)
    rel = posixpath.relpath("/" + to, "/" + folder) if to else "."
    if to.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return Markup(rel)


def goal_page(goal: Goal) -> str:
    return f"goals/{goal.audience}/{goal.id}.md"


def audience_page(audience: str) -> str:
    return f"goals/{audience}/index.md"


def tag_page(tag: str) -> str:
    """A tag's own page (large catalogs only; tags are lowercase words and hyphens)."""
    return f"tags/{tag}.md"


def tags_page(large: bool) -> str:
    """The tags page: an index beside the tags' own pages in a large catalog (same URL, tags/:
    a page's folder then matches its URL's, which Zensical expects of links in raw HTML)."""
    return "tags/index.md" if large else "tags.md"


def tag_link(link: Callable[[str, str], Markup], from_md: str, tag: str, large: bool) -> Markup:
    """Where a tag chip leads: its own page in a large catalog, else its part of tags.md."""
    if large:
        return link(from_md, tag_page(tag))
    return link(from_md, tags_page(False)) + Markup(f"#tag-{tag}")


@dataclass
class _Context:
    catalog: Catalog

    def ui(self, key: str) -> str:
        return self.catalog.ui(key)

    def human_duration(self, text: str) -> str:
        d = Duration.parse(text)
        parts = [
            (d.years, "year"),
            (d.months, "month"),
            (d.weeks, "week"),
            (d.days, "day"),
        ]
        return ", ".join(
            f"{n} {self.ui(f'site.unit.{unit}' if n == 1 else f'site.unit.{unit}s')}"
            for n, unit in parts
            if n
        )

    def format_date(self, day: dt.date) -> str:
        return day.isoformat()

    def milestone_when(self, ms: Milestone) -> str:
        start = self.catalog.organization.start_date
        after = f"{self.human_duration(ms.due)} {self.ui('site.goal.after_start')}"
        if start is None:
            return after
        return f"{self.format_date(Duration.parse(ms.due).after(start))} ({after})"

    def statement(self, goal: Goal) -> Markup:
        out = []
        for part in goal.smart.parts:
            if part.placeholder is None:
                out.append(md_text(part.text))
            else:
                label = md_text(part.placeholder.label)
                out.append(Markup(f'<span class="hb-blank" title="{label}">{label}</span>'))
        return Markup("<p>") + Markup("").join(out) + Markup("</p>")


def _write(path: Path, data: bytes, written: set[Path]) -> bool:
    """Write only when the bytes changed, so MkDocs' and the preview's watchers see real edits
    and unchanged files keep their time stamps; whether it wrote."""
    written.add(path)
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _prune(folder: Path, keep: set[Path]) -> bool:
    """Remove files a previous generation wrote that this one did not (e.g. a deleted goal);
    whether it removed any."""
    removed = False
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            path.unlink()
            removed = True
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
            removed = True
    return removed


def _worksheet_groups(
    catalog: Catalog, ui: Callable[[str], str], per_goal: bool = True
) -> list[dict[str, Any]]:
    files = worksheet_files(catalog)
    paths: dict[tuple[str, str], dict[str, str]] = {}
    for f in files:
        paths.setdefault((f.kind, f.key), {})[f.paper + (":fillable" if f.fillable else "")] = (
            f.path
        )
    w = catalog.worksheets
    form_titles = {
        "agreement": w.agreement.title,
        "check-in-log": w.check_in_log.title,
        "midpoint-reflection": w.midpoint_reflection.title,
        "closure-reflection": w.closure_reflection.title,
        "evaluation": w.evaluation.title,
    }
    groups = [
        {
            "title": ui("site.worksheets.program"),
            "anchor": "program-sheets",
            "rows": [{"title": form_titles[k], "paths": paths[("form", k)]} for k in FORM_KINDS],
        },
        {
            "title": ui("site.worksheets.kpi_sheet"),
            "anchor": "kpi-sheet",
            "rows": [
                {
                    "title": ui("site.worksheets.kpi_sheet"),
                    "paths": paths[("kpi-sheet", "kpi-sheet")],
                }
            ],
        },
        {
            "title": ui("site.worksheets.booklets"),
            "anchor": "booklets",
            "rows": [
                {"title": ui(f"site.worksheets.booklet.{b}"), "paths": paths[("booklet", b)]}
                for b in BOOKLETS
                if ("booklet", b) in paths
            ],
        },
    ]
    for audience in AUDIENCES if per_goal else ():
        goals = catalog.goals_for(audience)
        if goals:
            groups.append(
                {
                    "title": ui(f"site.audience.{audience}.title"),
                    "anchor": f"goals-{audience}",
                    "rows": [{"title": g.title, "paths": paths[("goal", g.id)]} for g in goals],
                }
            )
    return groups


@dataclass(frozen=True)
class PageJob:
    """One page of the docs tree: its template, arguments and the key of its inputs."""

    page: str
    template: str
    key: str
    args: dict[str, Any]


def _shared_key(catalog: Catalog, directory_urls: bool, source_links: bool) -> str:
    """What every page reads besides its own data: organization (terms included), UI strings,
    the templates (ours and overrides/handbook/), this package's page code and the layout."""
    code = [Path(__file__).read_bytes(), (Path(__file__).parent / "escape.py").read_bytes()]
    return digest(
        code,
        files_digest(TEMPLATES, catalog.root / OVERRIDES),
        directory_urls,
        source_links,
        large_catalog(catalog),
        catalog.organization,
        sorted(catalog.strings.items()),
    )


def page_jobs(
    catalog: Catalog, directory_urls: bool = True, source_links: bool = False
) -> list[PageJob]:
    """Every page of the site with the key of the inputs its template reads."""
    welcome = next((p for p in catalog.pages if p.slug == "welcome"), None)
    guide_pages = [p for p in catalog.pages if p.slug != "welcome"]
    large = large_catalog(catalog)  # then goals' KPIs and sheets stay on the goals' pages
    goal_kpis = [] if large else [k for g in catalog.goals for k in g.kpis]
    all_kpis: list[Kpi] = [*catalog.measurement.kpis, *goal_kpis]
    shared = _shared_key(catalog, directory_urls, source_links)
    goal_keys = {g.id: digest(g) for g in catalog.goals}
    whole = digest(
        shared, catalog.smart, catalog.measurement, catalog.worksheets, catalog.pages, goal_keys
    )
    # Page templates in overrides/handbook/ may read any part of the catalog: key every page
    # on all of it then (an unchanged rebuild still renders nothing).
    custom = (catalog.root / OVERRIDES).is_dir()

    def key(*parts: object) -> str:
        return whole if custom else digest(shared, *parts)

    jobs: list[PageJob] = []

    def add(template: str, page: str, page_key: str, **args: Any) -> None:
        jobs.append(PageJob(page, template, page_key, args))

    add("index.md", "index.md", whole, welcome=welcome, guide_pages=guide_pages)
    for p in guide_pages:
        add("page.md", f"guide/{p.slug}.md", key(p, [x.title for x in guide_pages]), content_page=p)
    example = catalog.goal(catalog.smart.worked_example)  # a published goal (selection.py)
    add(
        "smart.md",
        "smart.md",
        key(catalog.smart, goal_keys[example.id]),
        smart=catalog.smart,
        example=example,
    )
    for audience in AUDIENCES:
        goals = catalog.goals_for(audience)
        if goals:
            add(
                "audience.md",
                audience_page(audience),
                key(audience, [goal_keys[g.id] for g in goals]),
                audience=audience,
                goals=goals,
            )
    downloads: dict[str, list[WorksheetFile]] = {}
    for f in worksheet_files(catalog):
        if f.kind == "goal":
            downloads.setdefault(f.key, []).append(f)
    for goal in catalog.goals:
        related = [(r.id, r.title, r.audience) for r in map(catalog.goal, goal.related)]
        add(
            "goal.md",
            goal_page(goal),
            key(goal_keys[goal.id], related, downloads[goal.id]),
            goal=goal,
            downloads=downloads[goal.id],
        )
    add("measuring.md", "measuring.md", whole, measurement=catalog.measurement, all_kpis=all_kpis)
    groups = _worksheet_groups(catalog, catalog.ui, per_goal=not large)
    add("worksheets.md", "worksheets.md", whole, groups=groups)
    tagged = by_tag(catalog.goals)
    if large:
        add("tags.md", tags_page(True), key([(t, len(gs)) for t, gs in tagged]), tags=tagged)
        for tag, members in tagged:
            add(
                "tag.md",
                tag_page(tag),
                key(tag, [goal_keys[g.id] for g in members]),
                tag=tag,
                goals=members,
            )
    else:
        add(
            "tags.md",
            "tags.md",
            key([[goal_keys[g.id] for g in gs] for _, gs in tagged]),
            tags=tagged,
        )
    return jobs


class _Renderer:
    """Renders page jobs with the shared template context (built once per generation)."""

    def __init__(self, catalog: Catalog, directory_urls: bool, source_links: bool = False) -> None:
        self.env = _environment(catalog.root)
        ctx = _Context(catalog)
        org = catalog.organization
        large = large_catalog(catalog)

        def link(from_md: str, target: str) -> Markup:
            return _link(from_md, target, directory_urls, source_links)

        self.common: dict[str, Any] = {
            "catalog": catalog,
            "large": large,
            "tag_href": lambda page, tag: tag_link(link, page, tag, large),
            "tags_page": tags_page(large),
            "org": org,
            "ui": ctx.ui,
            "href": link,
            "goal_page": goal_page,
            "audience_page": audience_page,
            "human_duration": ctx.human_duration,
            "format_date": ctx.format_date,
            "milestone_when": ctx.milestone_when,
            "statement": ctx.statement,
            "rich": lambda text: md_html(text.html),  # sanitized when the Catalog was built
            "audiences": [a for a in AUDIENCES if catalog.goals_for(a)],
            "papers": org.paper,
            "book_files": [(paper, book_path(org.language, paper)) for paper in org.paper],
            "offline_zip": OFFLINE_ZIP,
            "returns_template": RETURNS_TEMPLATE,
        }

        def kpi_table(kpis: list[Kpi]) -> Markup:  # a plain function: the sandbox calls it
            template = self.env.get_template("kpi_table.md")
            return Markup(render_bounded(template, kpis=kpis, **self.common))

        self.common["kpi_table"] = kpi_table

    def render(self, job: PageJob) -> str:
        template = self.env.get_template(job.template)
        return render_bounded(template, page=job.page, **self.common, **job.args)


def render_pages(catalog: Catalog, directory_urls: bool = True) -> dict[str, str]:
    """Every Markdown page of the site by its path in the docs tree."""
    renderer = _Renderer(catalog, directory_urls)
    return {job.page: renderer.render(job) for job in page_jobs(catalog, directory_urls)}


def html_text(text: str) -> str:
    """Text for a config value that MkDocs themes print without escaping (nav titles, the site
    description, palette toggle labels): HTML-escaped here so it can only ever be text."""
    return str(Markup.escape(text))


def _nav(catalog: Catalog, pages: dict[str, str], every_goal: bool = False) -> list[Any]:
    """The site's navigation; every_goal: goal pages listed even in the large-catalog layout
    (the book follows this order and must hold every page)."""
    ui = catalog.ui
    title = html_text

    nav: list[Any] = [{title(ui("site.nav.home")): "index.md"}]
    guide = [{title(p.title): f"guide/{p.slug}.md"} for p in catalog.pages if p.slug != "welcome"]
    nav.append({title(ui("site.nav.guide")): [*guide, {title(catalog.smart.title): "smart.md"}]})
    for audience in AUDIENCES:
        goals = catalog.goals_for(audience)
        if goals:
            section = [{title(ui("site.nav.overview")): audience_page(audience)}]
            if every_goal or not large_catalog(catalog):  # else reached from the audience page
                section += [{title(g.title): goal_page(g)} for g in goals]
            nav.append({title(ui(f"site.audience.{audience}.title")): section})
    nav.append({title(catalog.measurement.title): "measuring.md"})
    nav.append({title(ui("site.nav.worksheets")): "worksheets.md"})
    nav.append({title(ui("site.nav.tags")): tags_page(large_catalog(catalog))})
    return nav


def mkdocs_config(
    catalog: Catalog, build_dir: Path, logo_name: str, directory_urls: bool = True
) -> dict[str, Any]:
    """The generated config: branding from organization.yml, the rest inherited from mkdocs.yml."""
    org = catalog.organization
    root = catalog.root
    config: dict[str, Any] = {
        "INHERIT": posixpath.relpath((root / "mkdocs.yml").as_posix(), build_dir.as_posix()),
        "site_name": org.program_name,
        # site_name needs no escaping: the schema keeps < > " out of brand names, and our
        # overrides escape it where Material would put it into an attribute or the title.
        "site_description": html_text(org.tagline or org.program_name),
        "docs_dir": "docs",
        "use_directory_urls": directory_urls,  # the links our templates write assume it
        "site_dir": posixpath.relpath((root / "site").as_posix(), build_dir.as_posix()),
        "copyright": f"{org.name}",
        "theme": {
            "name": "material",
            "language": theme_language(org.language),
            "logo": f"assets/{logo_name}",
            "favicon": f"assets/{logo_name}",
            "palette": [
                {
                    "media": "(prefers-color-scheme: light)",
                    "scheme": "default",
                    "primary": "custom",
                    "accent": "custom",
                    "toggle": {
                        "icon": "material/brightness-7",
                        "name": html_text(catalog.ui("site.to_dark")),
                    },
                },
                {
                    "media": "(prefers-color-scheme: dark)",
                    "scheme": "slate",
                    "primary": "custom",
                    "accent": "custom",
                    "toggle": {
                        "icon": "material/brightness-4",
                        "name": html_text(catalog.ui("site.to_light")),
                    },
                },
            ],
        },
        "extra_css": ["assets/brand.css", "assets/handbook.css"],
        "extra": {
            "contact": {"name": org.contact_name, "email": org.contact_email},
            "contact_label": catalog.ui("site.footer.contact"),
            "table_label": catalog.ui("site.table"),
            "not_found": catalog.ui("site.not_found"),
            "website": org.website or "",
            "generator": False,
        },
    }
    if not directory_urls:  # the offline copy: the worker shim from our files, not a CDN
        config["extra"]["polyfills"] = [OFFLINE_SHIM]
    overrides = theme_overrides(root)
    config["theme"]["custom_dir"] = posixpath.relpath(overrides.as_posix(), build_dir.as_posix())
    return config


PARALLEL_MIN_PAGES = 200  # fewer pages render faster than worker processes start


def _render_page(job: PageJob) -> bool:
    """Render and write one page in a worker; whether its bytes changed."""
    renderer: _Renderer = shared()["renderer"]
    path: Path = shared()["docs"] / job.page
    return _write(path, renderer.render(job).encode("utf-8"), set())


@dataclass(frozen=True)
class Generated:
    """What generate_docs did: the config it wrote and which pages it rendered and wrote."""

    config_path: Path
    pages: int
    rendered: tuple[str, ...]  # pages whose inputs changed (or that had no file)
    written: tuple[str, ...]  # pages whose bytes changed
    unchanged: bool  # no file of the tree (pages, assets, config) was written or removed


def generate_docs(
    catalog: Catalog,
    build_dir: Path,
    directory_urls: bool = True,
    source_links: bool = False,
    progress: Progress | None = None,
) -> Generated:
    """Write build_dir/docs/ and build_dir/mkdocs.yml, rendering only pages whose inputs changed
    (see incremental.py). `source_links`: links relative to each page's source folder, as
    Zensical reads raw HTML (see _link). `progress`: each page rendered (of those to render)."""
    docs = build_dir / "docs"
    written: set[Path] = set()
    jobs = page_jobs(catalog, directory_urls, source_links)
    manifest = PageManifest.load(build_dir / MANIFEST)
    stale = [job for job in jobs if not manifest.fresh(job.page, job.key, docs / job.page)]
    context = {"renderer": _Renderer(catalog, directory_urls, source_links), "docs": docs}
    # Forked workers render and write; only page names and "changed" travel back.
    results = []
    pages = pool_map(
        _render_page, stale, min_parallel=PARALLEL_MIN_PAGES, shared=context, chunksize=16
    )
    with closing(pages):
        for n, (job, rewritten) in enumerate(zip(stale, pages, strict=True), 1):
            results.append(rewritten)
            if progress:
                progress(n, len(stale), job.page)
    changed = [job.page for job, wrote in zip(stale, results, strict=True) if wrote]
    for job in jobs:
        written.add(docs / job.page)
        manifest.record(job.page, job.key, docs / job.page)
    logo = catalog_logo(catalog)  # rewritten from its content; named by its sniffed type
    logo_name = logo.file_name
    fonts = Path(font_lato.__file__).parent / "files"
    assets = {
        docs / "assets" / logo_name: logo.data,
        **{docs / "assets" / "fonts" / n: (fonts / n).read_bytes() for n in FONT_FILES.values()},
        docs / "assets" / "brand.css": brand_css(  # source_links: set for Zensical alone
            catalog.organization, FONT_FILES, zensical=source_links
        ).encode(),
        docs / "assets" / "handbook.css": (ASSETS / "handbook.css").read_bytes(),
    }
    if not directory_urls:
        assets.update({docs / rel: (VENDOR / rel).read_bytes() for rel in VENDOR_FILES})
    wrote = [_write(path, data, written) for path, data in assets.items()]
    config = mkdocs_config(catalog, build_dir, logo_name, directory_urls)
    config["nav"] = _nav(catalog, {})
    config_path = build_dir / "mkdocs.yml"
    text = "# Generated by `handbook build` from content/ - do not edit.\n" + yaml.safe_dump(
        config, sort_keys=False, allow_unicode=True
    )
    wrote.append(_write(config_path, text.encode("utf-8"), written))
    wrote.append(_prune(docs, written))
    manifest.save()
    log.info("generated %d of %d pages (%d changed)", len(stale), len(jobs), len(changed))
    unchanged = not changed and not any(wrote)
    return Generated(
        config_path, len(jobs), tuple(j.page for j in stale), tuple(changed), unchanged
    )
