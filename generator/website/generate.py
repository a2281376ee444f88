"""Generate the docs tree (Markdown, brand CSS, logo, fonts) and the MkDocs config."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Callable, Sequence
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
    WorksheetFile,
    book_path,
    worksheet_files,
)
from generator.resources import theme_overrides
from generator.safety.logo import catalog_logo
from generator.templating import render_bounded, template_environment
from generator.website.brand import brand_css
from generator.website.escape import finalize, md_html, md_text
from generator.website.theme import theme_language

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
# and each audience page lists its goals as links grouped by tag (no cards).
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


def _link(from_md: str, target: str, directory_urls: bool) -> Markup:
    to = page_url(target, directory_urls) if target.endswith(".md") else target
    here = page_url(from_md, directory_urls)
    folder = here if directory_urls else posixpath.dirname(here)
    rel = posixpath.relpath("/" + to, "/" + folder) if to else "."
    if to.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return Markup(rel)


def href(from_md: str, target: str) -> Markup:
    """A relative link from one page to a page (.md) or a file, valid on any host and sub-path."""
    return _link(from_md, target, True)


def href_offline(from_md: str, target: str) -> Markup:
    """The same link in the offline copy, whose pages are files (x.html), not folders."""
    return _link(from_md, target, False)


def goal_page(goal: Goal) -> str:
    return f"goals/{goal.audience}/{goal.id}.md"


def audience_page(audience: str) -> str:
    return f"goals/{audience}/index.md"


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


def _write(path: Path, data: bytes, written: set[Path]) -> None:
    """Write only when the bytes changed, so MkDocs' and the preview's watchers see real edits."""
    written.add(path)
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _prune(folder: Path, keep: set[Path]) -> None:
    """Remove files a previous generation wrote that this one did not (e.g. a deleted goal)."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _worksheet_groups(catalog: Catalog, ui: Callable[[str], str]) -> list[dict[str, Any]]:
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
    for audience in AUDIENCES:
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


def render_pages(catalog: Catalog, directory_urls: bool = True) -> dict[str, str]:
    """Every Markdown page of the site by its path in the docs tree."""
    env = _environment(catalog.root)
    ctx = _Context(catalog)
    org = catalog.organization
    welcome = next((p for p in catalog.pages if p.slug == "welcome"), None)
    guide_pages = [p for p in catalog.pages if p.slug != "welcome"]
    all_kpis: list[Kpi] = [*catalog.measurement.kpis, *(k for g in catalog.goals for k in g.kpis)]

    def kpi_table(kpis: list[Kpi]) -> Markup:
        return Markup(render_bounded(env.get_template("kpi_table.md"), kpis=kpis, **common))

    common: dict[str, Any] = {
        "catalog": catalog,
        "org": org,
        "ui": ctx.ui,
        "href": href if directory_urls else href_offline,
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
    }
    common["kpi_table"] = kpi_table

    def render(template: str, page: str, **extra: Any) -> None:
        pages[page] = render_bounded(env.get_template(template), page=page, **common, **extra)

    pages: dict[str, str] = {}
    render("index.md", "index.md", welcome=welcome, guide_pages=guide_pages)
    for p in guide_pages:
        render("page.md", f"guide/{p.slug}.md", content_page=p)
    example = catalog.goal(catalog.smart.worked_example)  # a published goal (selection.py)
    render("smart.md", "smart.md", smart=catalog.smart, example=example)
    large = large_catalog(catalog)
    for audience in common["audiences"]:
        goals = catalog.goals_for(audience)
        render(
            "audience.md",
            audience_page(audience),
            audience=audience,
            goals=goals,
            grouped=by_tag(goals) if large else None,
            untagged=[g for g in goals if not g.tags],
        )
    downloads: dict[str, list[WorksheetFile]] = {}
    for f in worksheet_files(catalog):
        if f.kind == "goal":
            downloads.setdefault(f.key, []).append(f)
    for goal in catalog.goals:
        render("goal.md", goal_page(goal), goal=goal, downloads=downloads[goal.id])
    render("measuring.md", "measuring.md", measurement=catalog.measurement, all_kpis=all_kpis)
    render("worksheets.md", "worksheets.md", groups=_worksheet_groups(catalog, ctx.ui))
    render("tags.md", "tags.md", tags=by_tag(catalog.goals))
    return pages


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
    nav.append({title(ui("site.nav.tags")): "tags.md"})
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
            "website": org.website or "",
            "generator": False,
        },
    }
    if not directory_urls:  # the offline copy: the worker shim from our files, not a CDN
        config["extra"]["polyfills"] = [OFFLINE_SHIM]
    overrides = theme_overrides(root)
    config["theme"]["custom_dir"] = posixpath.relpath(overrides.as_posix(), build_dir.as_posix())
    return config


def generate_docs(catalog: Catalog, build_dir: Path, directory_urls: bool = True) -> Path:
    """Write build_dir/docs/ and build_dir/mkdocs.yml; returns the config path."""
    docs = build_dir / "docs"
    written: set[Path] = set()
    pages = render_pages(catalog, directory_urls)
    for rel, text in pages.items():
        _write(docs / rel, text.encode("utf-8"), written)
    logo = catalog_logo(catalog)  # rewritten from its content; named by its sniffed type
    logo_name = logo.file_name
    _write(docs / "assets" / logo_name, logo.data, written)
    fonts = Path(font_lato.__file__).parent / "files"
    for name in FONT_FILES.values():
        _write(docs / "assets" / "fonts" / name, (fonts / name).read_bytes(), written)
    _write(
        docs / "assets" / "brand.css", brand_css(catalog.organization, FONT_FILES).encode(), written
    )
    _write(docs / "assets" / "handbook.css", (ASSETS / "handbook.css").read_bytes(), written)
    if not directory_urls:
        for rel in VENDOR_FILES:
            _write(docs / rel, (VENDOR / rel).read_bytes(), written)
    config = mkdocs_config(catalog, build_dir, logo_name, directory_urls)
    config["nav"] = _nav(catalog, pages)
    config_path = build_dir / "mkdocs.yml"
    text = "# Generated by `handbook build` from content/ - do not edit.\n" + yaml.safe_dump(
        config, sort_keys=False, allow_unicode=True
    )
    _write(config_path, text.encode("utf-8"), written)
    _prune(docs, written)
    return config_path
