"""`--engine mkdocs|zensical`: the same generated tree gives the same pages, both scanned."""

from __future__ import annotations

import html
import posixpath
import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.outputs import OFFLINE_ZIP
from generator.safety.scan import scan_output
from generator.website.engines import zensical_command
from generator.website.serve import rebuild
from tests.fixtures import make_repo
from tests.website.sitetools import build


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))


DOWNLOADS = ("worksheets", "book", OFFLINE_ZIP)


def broken_links(site: Path) -> list[tuple[str, str]]:
    """(page, link) for every relative href or src in a page that leads to no file (PDFs and
    the offline zip are left out: a --no-pdf build has none; their folder must exist)."""
    broken = []
    for page in pages(site):
        text = html.unescape((site / page).read_text(encoding="utf-8"))
        for link in set(re.findall(r'(?:href|src)="([^"]*)"', text)):
            path = link.split("#", 1)[0].split("?", 1)[0]
            if not path or re.match(r"^[a-z][a-z0-9+.-]*:", path):  # anchors, other hosts
                continue
            target = (site / posixpath.dirname(page) / path).resolve()
            if target.suffix in (".pdf", ".zip"):  # a download: where the build puts them
                top = site.resolve()
                if target.is_relative_to(top) and target.relative_to(top).parts[0] in DOWNLOADS:
                    continue
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append((page, link))
    return sorted(broken)


def test_both_engines_build_the_default_catalog_to_the_same_pages(repo_copy: Path) -> None:
    zensical_command()  # installed: the project depends on it
    # `handbook build` runs the safety scan before publishing: exit 0 means it passed.
    mkdocs_site = build(repo_copy, "--engine", "mkdocs")
    kept = repo_copy.parent / "mkdocs-site"
    shutil.copytree(mkdocs_site, kept)
    zensical_site = build(repo_copy, "--engine", "zensical")
    assert len(pages(kept)) > 20
    assert pages(zensical_site) == pages(kept)
    # Every link between pages and to downloads works in both (Zensical rewrites raw-HTML links
    # from the page's source folder; the generator writes them so for it).
    assert not broken_links(kept)
    assert not broken_links(zensical_site)
    assert (zensical_site / "search.json").is_file()  # Zensical's own search index
    assert (zensical_site / "catalog.json").read_bytes() == (kept / "catalog.json").read_bytes()
    # Each engine's scripts are allowed only for its own build: the allow-list is not a union.
    overrides = [repo_copy / "overrides"]
    assert not scan_output(zensical_site, theme_dirs=overrides, engine="zensical")
    assert scan_output(zensical_site, theme_dirs=overrides, engine="mkdocs")
    assert scan_output(kept, theme_dirs=overrides, engine="zensical")
    # A failing Zensical build says so and leaves the previous site as it was.
    before = (zensical_site / "index.html").read_bytes()
    (repo_copy / "mkdocs.yml").write_text("theme:\n  name: material\nnav: [unclosed\n")
    result = CliRunner().invoke(
        main, ["build", "--root", str(repo_copy), "--no-pdf", "--engine", "zensical"]
    )
    assert result.exit_code == 1, result.output
    assert "Zensical could not build the site" in result.output
    assert (zensical_site / "index.html").read_bytes() == before


def test_serve_rebuilds_with_zensical(tmp_path: Path) -> None:
    """`handbook serve --engine zensical` runs this rebuild on every change (serve.py)."""
    root = make_repo("second-org", tmp_path / "repo")
    preview = tmp_path / "preview"
    assert rebuild(root, preview, "zensical")
    page = preview / "goals/mentee/alpha/index.html"
    assert "Practise one skill" in page.read_text()
    (preview / "stale.html").write_text("from an earlier build")
    goal = root / "content/goals/mentee/alpha.yml"
    goal.write_text(goal.read_text().replace("title: Practise one skill", "title: Practise two"))
    assert rebuild(root, preview, "zensical")
    assert "Practise two" in page.read_text()
    assert not (preview / "stale.html").exists()  # the engine owns the folder, like MkDocs


def test_a_mkdocs_configuration_error_gives_mkdocs_reason(tmp_path: Path) -> None:
    """MkDocs logs why it aborts ("plugin is not installed") and raises only "Aborted with a
    configuration error!": the message carries the reason, and the previous site stays."""
    root = make_repo("second-org", tmp_path / "repo")
    site = build(root, "--engine", "mkdocs")
    before = (site / "index.html").read_bytes()
    config = root / "mkdocs.yml"
    text = config.read_text()
    assert "\nplugins:\n" in text
    config.write_text(text.replace("\nplugins:\n", "\nplugins:\n  - no-such-plugin\n", 1))
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--no-pdf"])
    assert result.exit_code == 1, result.output
    assert 'The "no-such-plugin" plugin is not installed' in result.output, result.output
    assert (site / "index.html").read_bytes() == before
