"""The offline copy: the site generated for `file://` and packed as one deterministic zip.

The engine's own `offline` plugin (Material's, or Zensical's built-in one: the same engine as
the site) does the engine's part: it inlines the search index into a script
(`search/search_index.js`, Zensical's `search.js`) so search runs without a server. The
repository's mkdocs.yml enables it only when HANDBOOK_OFFLINE is set (both engines read the
`!ENV` tag), so the published site keeps its directory URLs. The pages themselves are
generated a second time with links to `x.html` files (build/offline/), since the engines do not
rewrite links inside HTML.
"""

from __future__ import annotations

import datetime as dt
import shutil
import stat
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from generator.catalog.model import Catalog
from generator.outputs import RETURNS_TEMPLATE
from generator.problems import BuildFailed
from generator.website.build import generate_tree, run_engine

if TYPE_CHECKING:
    from generator.safety.scan import Verdict

ZIP_FOLDER = "handbook"  # the one folder the zip unpacks to
STORED = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ttf", ".woff", ".woff2"})


OFFLINE_ENV = {"HANDBOOK_OFFLINE": "true"}
SEARCH_SCRIPT = {"mkdocs": "search/search_index.js", "zensical": "search.js"}  # inlined index


def check_offline_site(site_dir: Path, engine: str) -> None:
    """The offline site must carry its inlined search index (the offline plugin's work)."""
    if not (site_dir / SEARCH_SCRIPT[engine]).is_file():
        raise BuildFailed(
            "the offline copy would have no search: add the offline plugin to mkdocs.yml's "
            "`plugins:` as `- offline:` with `enabled: !ENV [HANDBOOK_OFFLINE, false]`"
        )


def build_offline_site(
    catalog: Catalog, build_dir: Path, site_dir: Path, engine: str = "mkdocs"
) -> None:
    """The site for file:// into site_dir, generated in build_dir (e.g. build/offline/)."""
    generated = generate_tree(catalog, build_dir, directory_urls=False, engine=engine)
    run_engine(catalog, engine, generated.config_path, site_dir, OFFLINE_ENV)
    check_offline_site(site_dir, engine)


def zip_folder(folder: Path, target: Path, epoch: int) -> None:
    """A zip of folder under ZIP_FOLDER/: sorted entries, one timestamp, fixed modes."""
    # Zip dates cannot precede 1980.
    stamp = max(dt.datetime.fromtimestamp(epoch, dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    files = sorted((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file())
    with zipfile.ZipFile(target, "w") as archive:
        for rel, path in files:
            name = f"{ZIP_FOLDER}/{rel}"
            info = zipfile.ZipInfo(name, stamp.timetuple()[:6])
            info.create_system = 3  # Unix, so the modes below mean the same everywhere
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            stored = path.suffix.lower() in STORED  # already compressed
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=None if stored else 9)


def pack_offline_zip(
    catalog: Catalog, site: Path, staging: Path, target: Path, engine: str = "mkdocs"
) -> dict[str, Verdict]:
    """The built offline site plus the staged downloads, scanned, zipped to `target`.
    Only what the scan passed is zipped. Returns the verdicts on the PDFs: the site holds the
    same files."""
    from generator.build import refuse_unsafe_output
    from generator.dates import source_date_epoch

    for file in sorted([*staging.rglob("*.pdf"), staging / RETURNS_TEMPLATE]):  # work offline too
        (site / file.relative_to(staging)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, site / file.relative_to(staging))
    clean: dict[str, Verdict] = {}
    refuse_unsafe_output(site, catalog.root, engine, clean_pdfs=clean, memory="offline")
    zip_folder(site, target, int(source_date_epoch(catalog.root) or 0))
    return clean
