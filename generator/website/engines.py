"""The static-site engines that turn the generated docs tree into HTML: MkDocs and Zensical.

Both get the same build/mkdocs.yml and build/docs/ and write into `site_dir`; the build then
scans and publishes that folder the same way. `build(engine, config_path, site_dir)`.

- mkdocs: in process, strict (any MkDocs warning fails the build); with `parallel`, on
  every core (mkdocs_parallel.py: the same steps and files as MkDocs' own build).
- zensical: Material's successor, run as `zensical build --strict` in a subprocess. Zensical
  requires site_dir inside the config's folder, so it builds into build/.zensical-site/ (its
  incremental cache stays in build/.cache/) and the result is moved into `site_dir`. It writes
  its own search index (search.json) and no sitemap.xml.gz; the pages are the same.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from generator.dates import source_date_epoch
from generator.problems import BuildFailed

if TYPE_CHECKING:
    from generator.safety.scan import Verdict
    from generator.website.mkdocs_parallel import Parallel

ENGINES = ("mkdocs", "zensical")
DEFAULT_ENGINE = "mkdocs"

# Material for MkDocs announces its maintenance mode on every build; that notice is not a
# problem with the catalog and must not fail a strict build.
_IGNORED = ("Material for MkDocs", "MkDocs 2.0", "maintenance mode")
_ZENSICAL_SITE = ".zensical-site"
_ZENSICAL_CONFIG = ".zensical.yml"
ZENSICAL_TIMEOUT = 1800  # seconds: a 10,000-goal site takes minutes, a hung one never ends


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not any(marker in message for marker in _IGNORED):
            self.messages.append(f"{record.levelname}: {message}")


def build_mkdocs(
    config_path: Path, site_dir: Path, parallel: Parallel | None = None
) -> dict[str, Verdict]:
    """`mkdocs build --strict` in process, into site_dir; with `parallel` on every core, when
    the config has only plugins mkdocs_parallel knows (else by MkDocs' own build). Returns the
    pages the workers scanned and passed (see mkdocs_parallel.Parallel)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.website import mkdocs_parallel

    collector = _Collector()
    mkdocs_logger = logging.getLogger("mkdocs")
    mkdocs_logger.addHandler(collector)
    try:
        config = load_config(str(config_path), site_dir=str(site_dir))
        passed: dict[str, Verdict] = {}
        if parallel is not None and mkdocs_parallel.supported(config):
            passed = mkdocs_parallel.build(config, parallel)
        else:
            build(config)
    except BuildFailed:
        raise  # a worker's failure, already worded as below
    except Exception as exc:  # a template error in overrides/ arrives as a Jinja exception
        failed = mkdocs_parallel.failure(exc)
        if collector.messages:  # the reason MkDocs logged before "Aborted with ..."
            failed = BuildFailed(f"{failed}\n  " + "\n  ".join(collector.messages))
        raise failed from exc
    finally:
        mkdocs_logger.removeHandler(collector)
    if collector.messages:
        raise BuildFailed("MkDocs reported problems:\n  " + "\n  ".join(collector.messages))
    return passed


def engine_environment(root: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """What an engine run adds to the environment: reproducible dates, and `extra`."""
    return {"SOURCE_DATE_EPOCH": source_date_epoch(root), **(extra or {})}


def zensical_command() -> Path:
    """The `zensical` script installed beside this Python (the project's environment)."""
    script = Path(sys.executable).parent / "zensical"
    if not script.is_file():
        raise BuildFailed(
            "--engine zensical needs Zensical: install it with `pip install zensical` "
            "into the environment that runs handbook"
        )
    return script


def _zensical_config(config_path: Path) -> Path:
    """A copy of the generated config whose site_dir lies inside its folder, as Zensical needs."""
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["site_dir"] = _ZENSICAL_SITE
    target = config_path.with_name(_ZENSICAL_CONFIG)
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return target


def _empty(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def zensical_output(config_path: Path) -> Path:
    """Where Zensical writes the site before it is moved into site_dir (build/.zensical-site)."""
    return config_path.parent / _ZENSICAL_SITE


class ZensicalRun:
    """`zensical build --strict` on a copy of the config, started in the background with the
    extra environment `env`; `finish` waits for it and moves its output into site_dir, `cancel`
    stops it. Its output goes to a file, so a chatty run never blocks on a full pipe."""

    def __init__(self, config_path: Path, env: Mapping[str, str]) -> None:
        command = zensical_command()
        config = _zensical_config(config_path)
        self.env = dict(env)
        self.built = zensical_output(config_path)
        self.started = time.monotonic()
        self.seconds: float | None = None  # how long the run took, once finished
        shutil.rmtree(self.built, ignore_errors=True)
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (closed by finish or cancel)
        self.process = subprocess.Popen(
            [str(command), "build", "--strict", "-f", str(config)],
            cwd=config.parent,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.env},
            start_new_session=True,  # its own process group: cancel stops all it started
        )

    def finish(self, site_dir: Path) -> None:
        """Wait for the run; its output moved into site_dir, or BuildFailed with its words."""
        try:
            code = self.process.wait(timeout=ZENSICAL_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.cancel()
            raise BuildFailed(f"Zensical did not finish within {ZENSICAL_TIMEOUT} s") from None
        self.seconds = time.monotonic() - self.started
        with self._log:
            self._log.seek(0)
            output = self._log.read().decode("utf-8", "replace").strip()
        if code != 0 or not (self.built / "index.html").is_file():
            raise BuildFailed(f"Zensical could not build the site:\n  {output}")
        _empty(site_dir)  # like MkDocs, the engine owns site_dir: nothing stale stays
        for child in sorted(self.built.iterdir()):
            shutil.move(str(child), str(site_dir / child.name))
        self.built.rmdir()

    def cancel(self) -> None:
        """Stop the run if it still goes on, and drop what it wrote."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._log.close()
        shutil.rmtree(self.built, ignore_errors=True)


def build_zensical(
    config_path: Path, site_dir: Path, parallel: Parallel | None = None
) -> dict[str, Verdict]:
    """`zensical build --strict` (see ZensicalRun) in this process's environment, waited for
    (Zensical runs its own threads: `parallel` changes nothing; nothing is scanned ahead)."""
    run = ZensicalRun(config_path, {})
    try:
        run.finish(site_dir)
    finally:
        run.cancel()
    return {}


_BUILDERS: dict[str, Callable[[Path, Path, Parallel | None], dict[str, Verdict]]] = {
    "mkdocs": build_mkdocs,
    "zensical": build_zensical,
}


def build(
    engine: str,
    config_path: Path,
    site_dir: Path,
    parallel: Parallel | None = None,
) -> dict[str, Verdict]:
    """Build the generated tree at config_path with `engine` into site_dir; with `parallel`
    MkDocs runs its build steps itself, on every core unless `parallel.fork` is false (in a
    worker beside another job). Returns the pages its workers scanned and passed."""
    try:
        builder = _BUILDERS[engine]
    except KeyError:
        raise BuildFailed(
            f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}"
        ) from None
    return builder(config_path, site_dir, parallel)
