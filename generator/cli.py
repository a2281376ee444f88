"""The `handbook` command line: parses options, calls one stage, maps errors to exit codes."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from generator import __version__
from generator.problems import ContentInvalid, HandbookError
from generator.validate.check import check_repository
from generator.validate.report import REPORTER_BY_NAME

F = TypeVar("F", bound=Callable[..., Any])


def _clean_errors(func: F) -> F:
    """Turn HandbookError into a message and exit 1; other exceptions too, unless --traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            return func(*args, **kwargs)
        except HandbookError as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if ctx.find_root().params.get("traceback"):
                traceback.print_exc()
            else:
                click.echo(
                    f"Error: {type(exc).__name__}: {exc}\n"
                    "This is a bug in the handbook tool; run again with --traceback and report it.",
                    err=True,
                )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The catalog repository (the folder holding content/).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="handbook")
@click.option("--traceback", is_flag=True, help="Show the full stack trace of unexpected errors.")
def main(traceback: bool) -> None:
    """Build a mentoring handbook website and printable worksheets from a YAML goal catalog.

    Exit codes: 0 success, 1 invalid content or failed build, 2 usage error.
    """


@main.command()
@root_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTER_BY_NAME)),
    default="text",
    show_default=True,
    help="text: FILE:LINE:COL: $.path: message. json: machine-readable. "
    "github: ::error annotations for pull requests.",
)
@_clean_errors
def validate(root: Path, fmt: str) -> None:
    """Check every file in content/ against the schemas and the catalog's rules.

    Reports all problems at once. Exit 0 when valid (warnings allowed), 1 when any error.
    """
    outcome = check_repository(root)
    output = REPORTER_BY_NAME[fmt](outcome.problems)
    if output:
        click.echo(output)
    if not outcome.ok:
        sys.exit(1)


def require_catalog(root: Path) -> Any:
    """The valid Catalog, or ContentInvalid after printing the problems (shared by build commands)."""
    outcome = check_repository(root)
    if outcome.problems:
        click.echo(REPORTER_BY_NAME["text"](outcome.problems), err=True)
    if not outcome.ok:
        raise ContentInvalid(outcome.problems)
    return outcome.catalog
