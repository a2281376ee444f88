"""Canary: the generated docs tree also builds with Zensical, Material for MkDocs' successor.

Known differences from MkDocs (Zensical 0.0.x), none of which needs a change in the generator:
- site_dir must lie inside the config's folder, so the test points it at build/zensical-site
  (MkDocs writes ../site);
- Zensical has its own search (search.json instead of search/search_index.json), its own
  JavaScript and CSS bundles, and writes no sitemap.xml.gz;
- the page HTML, the overrides/ partials, extra_css, nav titles and escaping match MkDocs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.catalog.model import Catalog
from generator.validate.check import check_repository
from generator.website.generate import generate_docs
from tests.conftest import copy_repository
from tests.fixtures import make_repo
from tests.website.payloads import PACKS, poison_repository
from tests.website.test_safety import scan
from tests.website.test_site import assert_table_cells_searchable_apart

ZENSICAL = Path(sys.executable).parent / "zensical"


def zensical_build(root: Path) -> tuple[Catalog, Path]:
    """Generate the docs tree and build it with `zensical build --strict`; returns the site."""
    catalog = check_repository(root).catalog
    assert catalog is not None
    config = generate_docs(catalog, root / "build", source_links=True).config_path
    text = config.read_text().replace("site_dir: ../site", "site_dir: zensical-site")
    config.write_text(text)
    result = subprocess.run(
        [str(ZENSICAL), "build", "--strict", "-f", str(config)],
        cwd=root / "build",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return catalog, root / "build" / "zensical-site"


@pytest.mark.parametrize("fixture", ["second-org", "default"])
def test_generated_tree_builds_with_zensical(tmp_path: Path, fixture: str) -> None:
    dest = tmp_path / "repo"
    root = copy_repository(dest) if fixture == "default" else make_repo(fixture, dest)
    catalog, site = zensical_build(root)
    org = catalog.organization
    for goal in catalog.goals:
        page = (site / f"goals/{goal.audience}/{goal.id}/index.html").read_text()
        assert f"<title>{goal.title} - {org.program_name}</title>" in page
        assert "assets/brand.css" in page  # extra_css from the generated config
        assert org.contact_email in page  # the overrides/ footer partial
        assert "hb-statement" in page  # the generated Markdown, rendered
        assert 'class="md-path"' in page  # breadcrumbs
    for url in ("", "smart/", "measuring/", "worksheets/", "tags/"):
        assert (site / url / "index.html").is_file(), url
    assert (site / "assets/fonts/Lato-Regular.ttf").is_file()
    if fixture == "second-org":
        assert_table_cells_searchable_apart(site / "search.json")


def test_zensical_build_of_hostile_text_has_no_active_content(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    poison_repository(root, " ".join(PACKS[-1]))  # the attribute-breakout payloads
    _, site = zensical_build(root)
    found, _ = scan(site)
    assert not found, found
