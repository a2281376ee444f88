"""Where a `handbook build --no-pdf` spends its time, phase by phase, in one process.

Run: .venv/bin/python -m benchmarks.phases [--goals 2000] [--engine mkdocs|zensical]
Phases: validation (check_repository; then as an unchanged `build` runs it, with the schema
results of the first run remembered), our Markdown generation (clean, then unchanged), the
engine's build (MkDocs: on one core, then on every core), the safety scan, then build_site as
`handbook build` runs it (a small site with the scan of pages beside the engine, a large one on
every core) and what the final scan still has to do, catalog.json, and the offline copy's
engine build (which a --no-pdf build skips). Peak memory is this process's (the scan's
workers are forked).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from benchmarks.synthetic import REPO, synthetic_catalog

T = TypeVar("T")


def timed(label: str, work: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = work()
    print(f"{label:<34} {time.perf_counter() - start:>8.1f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--goals", type=int, default=2000)
    parser.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs")
    parser.add_argument("--offline", action="store_true", help="time the offline copy too")
    args = parser.parse_args()
    from generator.build import refuse_unsafe_output
    from generator.export import catalog_to_json
    from generator.validate.check import check_repository
    from generator.website.build import build_site, run_engine
    from generator.website.generate import generate_docs
    from generator.website.mkdocs_parallel import Parallel
    from generator.website.offline import build_offline_site

    with tempfile.TemporaryDirectory() as tmp:
        root = synthetic_catalog(Path(tmp) / "cat", args.goals, REPO)
        print(f"{args.goals} goals, engine {args.engine}")
        catalog = timed("validate (check_repository)", lambda: check_repository(root).catalog)
        assert catalog is not None
        check_repository(root, cache=True)  # fills .cache/validation, as a first build does
        timed("validate (schema cache, unchanged)", lambda: check_repository(root, cache=True))
        build = root / "build"
        done = timed("generate Markdown (clean)", lambda: generate_docs(catalog, build))
        timed("generate Markdown (unchanged)", lambda: generate_docs(catalog, build))
        site = root / "site"
        timed(
            f"{args.engine} build",
            lambda: run_engine(catalog, args.engine, done.config_path, site),
        )
        timed("safety scan", lambda: refuse_unsafe_output(site, root, args.engine))
        shutil.rmtree(site)
        if args.engine == "mkdocs":  # the page loops on every core (mkdocs_parallel.py)
            timed(
                "mkdocs build on every core",
                lambda: run_engine(catalog, "mkdocs", done.config_path, site, parallel=Parallel()),
            )
            shutil.rmtree(site)
        # What `handbook build` does with a small site (or with --offline beside it): the scan
        # reads pages while the engine writes them. A large one is built on every core then.
        passed = timed(
            f"{args.engine} build + prescan",
            lambda: build_site(catalog, build, site, args.engine, prescan=True),
        )
        timed(
            "safety scan after the prescan",
            lambda: refuse_unsafe_output(site, root, args.engine, passed),
        )
        timed("catalog.json", lambda: catalog_to_json(catalog))
        if args.offline:
            offline = Path(tmp) / "offline-site"
            timed(
                "offline copy (generate + mkdocs)",
                lambda: build_offline_site(catalog, build / "offline", offline),
            )
            shutil.rmtree(offline)
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"site {size / 1e6:.1f} MB, {done.pages} pages, peak {peak:.0f} MiB (this process)")


if __name__ == "__main__":
    main()
