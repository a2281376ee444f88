"""Canary: the generated docs tree also builds with Zensical, Material for MkDocs' successor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.validate.check import check_repository
from generator.website.generate import generate_docs
from tests.fixtures import make_repo

ZENSICAL = Path(sys.executable).parent / "zensical"


def test_generated_tree_builds_with_zensical(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    catalog = check_repository(root).catalog
    assert catalog is not None
    config = generate_docs(catalog, root / "build")
    # Known difference: Zensical wants site_dir inside the config's folder; MkDocs does not.
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
    site = root / "build" / "zensical-site"
    page = (site / "goals/mentee/shadow-a-colleague/index.html").read_text()
    assert "<title>Shadow a colleague in another team - Bridges Scheme</title>" in page
    assert "assets/brand.css" in page  # extra_css from the generated config
    assert "bridges@lakeside.example" in page  # the overrides/ footer partial
    assert "hb-statement" in page  # the generated Markdown, rendered
    assert (site / "worksheets/index.html").is_file() and (site / "tags/index.html").is_file()
