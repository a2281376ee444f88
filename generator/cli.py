"""The `handbook` command line: parses options, calls one stage, maps errors to exit codes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator import __version__
from generator.outputs import PAPERS
from generator.problems import ContentInvalid, HandbookError, environment_error
from generator.validate.report import REPORTER_BY_NAME

if TYPE_CHECKING:  # the commands import what they run: `handbook build` starts sooner
    from generator.catalog.model import Catalog
    from generator.pdf.shards import Shard


class HandbookGroup(click.Group):
    """The one failure path: every error leaves as a HandbookError (a ClickException), printed
    once by click; environment faults say what to do; only real bugs say "This is a bug"."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            raise HandbookError("interrupted; nothing was published") from None
        except OSError as exc:
            if ctx.params.get("traceback"):
                raise
            raise environment_error(exc) from exc
        except Exception as exc:
            if ctx.params.get("traceback"):
                raise
            raise HandbookError(
                f"{type(exc).__name__}: {exc}\n"
                "This is a bug in the handbook tool; run again with --traceback and report it."
            ) from exc


def _root_callback(ctx: click.Context, _param: click.Parameter, value: Path | None) -> Path:
    """--root after the command name wins; else the one before it; else the current folder."""
    if value is not None:
        return value
    parent = ctx.find_root().params.get("root")
    return parent if isinstance(parent, Path) else Path(".")


ROOT_HELP = "The catalog repository (the folder holding content/).  [default: .]"
root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    callback=_root_callback,
    help=ROOT_HELP,
)


@click.group(
    cls=HandbookGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="handbook")
@click.option("--traceback", is_flag=True, help="Show the full stack trace of unexpected errors.")
@click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None, help=ROOT_HELP
)
def main(traceback: bool, root: Path | None) -> None:
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
    "github: ::error annotations for pull requests. "
    "gitlab: code-quality report (Code Climate JSON) for merge requests.",
)
def validate(root: Path, fmt: str) -> None:
    """Check every file in content/ against the schemas and the catalog's rules.

    Reports all problems at once. Exit 0 when valid (warnings allowed), 1 when any error.
    """
    from generator.validate.check import check_repository

    outcome = check_repository(root, build=False)
    output = REPORTER_BY_NAME[fmt](outcome.problems)
    if output:
        click.echo(output)
    if not outcome.ok:
        sys.exit(1)


def require_catalog(root: Path, *, cache: bool = False, digest: bytes | None = None) -> Catalog:
    """The valid Catalog, or ContentInvalid after printing the problems (`cache`, `digest`: see
    check_repository)."""
    from generator.validate.check import check_repository

    outcome = check_repository(root, cache=cache, digest=digest)
    if outcome.problems:  # the problems, then one summary line (ContentInvalid's or none)
        report = REPORTER_BY_NAME["text"](outcome.problems).splitlines()
        click.echo("\n".join(report[:-1] if not outcome.ok else report), err=True)
    if not outcome.ok or outcome.catalog is None:
        raise ContentInvalid(outcome.problems)
    return outcome.catalog


class ProgressBar:
    """A click progress bar that appears on the first report (the total is known only then)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int, item: str) -> None:
        if self.bar is None:
            self.bar = click.progressbar(
                length=total,
                label=self.label,
                show_pos=True,
                item_show_func=lambda s: s,
                file=sys.stderr,
            )
            self.bar.__enter__()
        self.bar.update(done - self.done, item)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


# `handbook build`'s bars, in the order of BuildProgress: the site's pages generated as
# Markdown, rendered and written by MkDocs on every core, then the worksheets and the book.
BUILD_BARS = ("Generating pages", "Rendering pages", "Writing pages", "Worksheets", "Book")

engine_option = click.option(
    "--engine",
    type=click.Choice(["mkdocs", "zensical"]),
    default="mkdocs",
    show_default=True,
    help="Site engine: MkDocs with Material, or Zensical (Material's successor).",
)


def _shard_callback(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> Shard | None:
    if value is None:
        return None
    try:
        from generator.pdf.shards import Shard

        return Shard.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


paper_option = click.option(
    "--paper",
    type=click.Choice(PAPERS),
    multiple=True,
    help="Paper size of the PDFs (repeatable). Default: `paper` in organization.yml.",
)


F = TypeVar("F", bound=Callable[..., Any])


def output_folder_option(default: str, help: str) -> Callable[[F], F]:
    """`-o/--output`: the folder a command writes its PDFs to."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help,
    )


@main.command()
@root_option
@click.option(
    "--no-pdf", is_flag=True, help="Skip the PDF worksheets (faster; links stay in place)."
)
@paper_option
@click.option(
    "--fillable",
    is_flag=True,
    help="Also publish every sheet as a PDF form (worksheets/fillable/), as `fillable: true` does.",
)
@click.option(
    "--no-offline",
    is_flag=True,
    help="Skip the offline copy (site/handbook-offline.zip); --no-pdf skips it too.",
)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder.  [default: ROOT/site]",
)
@engine_option
def build(
    root: Path,
    no_pdf: bool,
    paper: tuple[str, ...],
    fillable: bool,
    no_offline: bool,
    site_dir: Path | None,
    engine: str,
) -> None:
    """Validate content/, then build the handbook site, PDF worksheets, the handbook as a book
    (site/book/) and its offline copy (site/handbook-offline.zip) into site/.

    The new site replaces site/ only when everything succeeded; on any error the previous site/
    is left untouched. Writes site/catalog.json too. Same input, byte-identical output
    (dates from SOURCE_DATE_EPOCH when set).
    """
    from generator.build import BuildSettings
    from generator.build import build as run_build
    from generator.progress import BuildProgress, SiteProgress
    from generator.validate.remembered import validation_digest
    from generator.website.ahead import started_ahead, tree_key

    settings = BuildSettings(
        root=root.resolve(),
        site_dir=(site_dir or root / "site").resolve(),
        pdf=not no_pdf,
        papers=paper or None,
        fillable=fillable,
        engine=engine,
        offline=not (no_pdf or no_offline),
    )
    inputs = validation_digest(root)  # unchanged inputs: Zensical starts now (ahead.py)
    with started_ahead(root, engine, tree_key(inputs, settings)) as started:
        catalog = require_catalog(root, cache=True, digest=inputs)
        bars = [ProgressBar(label) for label in BUILD_BARS]
        generated, rendered, written = bars[:3]
        site = SiteProgress(generated, rendered, written, lambda line: click.echo(line, err=True))
        try:
            out = run_build(catalog, settings, BuildProgress(site, *bars[3:]), started)
        finally:
            for bar in bars:
                bar.close()
    click.echo(f"Built {len(catalog.goals)} goals into {out}")


@main.command()
@root_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@engine_option
def serve(root: Path, host: str, port: int, engine: str) -> None:
    """Live preview at http://HOST:PORT/: rebuilds when content/, overrides/ or templates change.

    Validation errors are printed and shown in the browser; the server keeps running.
    PDFs are not rendered while serving (use `handbook worksheets` or `handbook build`).
    """
    from generator.website.serve import serve as run_serve

    run_serve(root.resolve(), host, port, engine)


@main.command()
@root_option
@click.option(
    "--goal", "goals", multiple=True, metavar="ID", help="Only this goal's worksheet (repeatable)."
)
@click.option(
    "--roster",
    type=click.Path(path_type=Path),  # read_roster checks it: a regular file, before opening
    help="CSV with columns mentor, mentee, start_date, optional goals: one set per pair.",
)
@click.option(
    "--shard",
    metavar="I/N",
    callback=_shard_callback,
    help="With --roster: render only shard I of N (a stable split by pair; writes a manifest).",
)
@click.option(
    "--merge-shards",
    is_flag=True,
    help="Check the shard folders given as arguments (every pair once, files intact) and "
    "merge their PDFs into the output folder.",
)
@click.argument(
    "shard_dirs", nargs=-1, type=click.Path(file_okay=False, exists=True, path_type=Path)
)
@click.option("--fillable", is_flag=True, help="Make the worksheets fillable PDF forms.")
@click.option(
    "--ics",
    is_flag=True,
    help="With --roster: also write calendars/<pair>.ics (check-ins, milestones, surveys) and "
    "calendars/program-team.ics.",
)
@paper_option
@output_folder_option("worksheets-out", "Folder to write the PDFs to.")
def worksheets(
    root: Path,
    goals: tuple[str, ...],
    roster: Path | None,
    shard: Shard | None,
    merge_shards: bool,
    shard_dirs: tuple[Path, ...],
    fillable: bool,
    ics: bool,
    paper: tuple[str, ...],
    output: Path,
) -> None:
    """Render only the PDF worksheets (all of them, some goals', or per mentoring pair).

    Big rosters split over CI jobs: `--roster pairs.csv --shard I/N -o out-I` in each job, then
    `--merge-shards out-1 ... out-N -o out` in a final one.
    """
    from generator.pdf.shards import merge_shards as run_merge  # no WeasyPrint: merge jobs

    if ics and roster is None:
        raise click.UsageError("--ics needs --roster (calendars are made per pair)")
    if shard_dirs and not merge_shards:
        raise click.UsageError("folders as arguments are only for --merge-shards")
    if shard is not None and roster is None:
        raise click.UsageError("--shard needs --roster")
    if merge_shards:
        merged = run_merge(shard_dirs, output, root.resolve())
        click.echo(
            f"Checked {len(shard_dirs)} shard(s); merged {len(merged)} file(s) into {output}"
        )
        return
    from generator.pdf.render import render_worksheets
    from generator.pdf.roster import render_roster

    catalog = require_catalog(root)
    unknown = [g for g in goals if g not in {x.id for x in catalog.goals}]
    if unknown:
        raise click.BadParameter(
            f"no enabled goal with id {', '.join(unknown)}", param_hint="--goal"
        )
    bar = ProgressBar("Roster sheets" if roster is not None else "Worksheets")
    try:
        if roster is not None:
            written = render_roster(
                catalog,
                roster,
                output,
                papers=paper or None,
                fillable=fillable,
                progress=bar,
                shard=shard,
                ics=ics,
            )
        else:
            written = render_worksheets(
                catalog,
                output,
                papers=paper or None,
                fillable=fillable,
                goal_ids=goals or None,
                progress=bar,
            )
    finally:
        bar.close()
    click.echo(f"Wrote {len(written)} file(s) to {output}")


@main.command()
@root_option
@paper_option
@output_folder_option("book-out", "Folder to write book/handbook-LANG-PAPER.pdf to.")
def book(root: Path, paper: tuple[str, ...], output: Path) -> None:
    """Render only the handbook as a book: every page of the site in one branded PDF."""
    import shutil
    import tempfile

    from generator.book.render import render_book
    from generator.build import refuse_unsafe_output

    catalog = require_catalog(root)
    bar = ProgressBar("Book")
    output.mkdir(parents=True, exist_ok=True)
    # A book may come from .cache/book, which is not ours to trust: like `build`, it is
    # scanned before it is published, from a folder of its own, so no refused PDF is left.
    staging = Path(tempfile.mkdtemp(prefix=".book-staging-", dir=output))
    try:
        try:
            made = render_book(
                catalog,
                staging,
                papers=paper or None,
                cache_dir=root.resolve() / ".cache" / "book",
                progress=bar,
            )
        finally:
            bar.close()
        refuse_unsafe_output(staging, root)  # the scan `build` runs, on the book alone
        written = []
        for path in made:
            target = output / path.relative_to(staging)
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)
            written.append(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    click.echo(f"Wrote {len(written)} PDF(s) to {output}")


@main.command()
@root_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="json: the whole catalog (schemas/export.schema.json). csv: one row per goal.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write.  [default: standard output]",
)
def export(root: Path, fmt: str, output: Path | None) -> None:
    """Export the validated catalog for other tools (HR systems, mentoring platforms)."""
    from generator.atomic import check_output_file
    from generator.export import EXPORTER_BY_NAME

    if output is not None:
        check_output_file(output, root)
    catalog = require_catalog(root)
    text = EXPORTER_BY_NAME[fmt](catalog)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


IDENTITY_PROMPTS = {
    "name": "Organization name",
    "program_name": "Program name",
    "contact_name": "Contact (team or person)",
    "contact_email": "Contact e-mail",
    "website": "Website (https://..., empty for none)",
}


def _identity(given: dict[str, Any], logo: Path | None) -> Any:
    """The identity from the options; in a terminal, missing values are asked for."""
    from generator.scaffold.identity import Identity

    values = dict(given)
    if sys.stdin.isatty():
        for key, prompt in IDENTITY_PROMPTS.items():
            if not values.get(key):
                values[key] = click.prompt(prompt, default="", show_default=False) or None
    return Identity(**values, logo=logo)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--update",
    is_flag=True,
    help="Refresh the tool's files (schemas/, CI, editor settings, pre-commit config, "
    "requirements.txt) of the existing repository DIRECTORY from this version; list the changes.",
)
@click.option("--name", help="The organization's name.")
@click.option("--program-name", help="The mentoring program's name (the site's title).")
@click.option("--contact-name", help="Who participants contact (team or person).")
@click.option("--contact-email", help="The contact's e-mail address.")
@click.option("--website", help="The organization's https:// website.")
@click.option(
    "--logo",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Logo file (PNG, JPEG, WebP or SVG); default: a neutral placeholder.",
)
@click.option("--language", help="Language code of a shipped locale (e.g. en, de).")
@click.option(
    "--tool-requirement",
    metavar="SPEC",
    help="How the repository installs this tool: a pip requirement (`mentoring-handbook==1.2.0`,"
    " `mentoring-handbook @ git+https://...@TAG`) or a wheel file to copy into tools/."
    "  [default: where the running tool came from]",
)
def new(
    directory: Path,
    update: bool,
    logo: Path | None,
    language: str | None,
    tool_requirement: str | None,
    **identity: str | None,
) -> None:
    """Create a catalog repository in DIRECTORY from the default catalog.

    It holds content/, overrides/, mkdocs.yml, a README for admins, CODEOWNERS, and the tool's
    files: schemas/, CI for GitHub (.github/workflows/handbook.yml) and GitLab (.gitlab-ci.yml),
    .pre-commit-config.yaml, .vscode/settings.json and requirements.txt, which installs the same
    tool that ran `new` (a package version, a git commit, or a wheel copied into tools/).
    Identity values not given are asked for in a terminal, else neutral placeholders are written
    (`handbook validate` warns until they are replaced). It validates and builds as it is.
    """
    from generator.scaffold.new import create_repository, update_repository
    from generator.scaffold.source import from_requirement, running_source

    source = from_requirement(tool_requirement) if tool_requirement else running_source()
    if update:
        if any(identity.values()) or logo or language:
            raise click.UsageError(
                "--update changes only the tool's files; edit the identity in"
                " content/organization.yml"
            )
        changes = update_repository(directory, source)
        for change in changes:
            if change.status != "unchanged":
                click.echo(str(change))
        unchanged = sum(c.status == "unchanged" for c in changes)
        click.echo(f"{len(changes) - unchanged} file(s) changed, {unchanged} unchanged.")
        return
    create_repository(directory, source, _identity(identity, logo), language=language)
    here = directory.resolve() == Path.cwd().resolve()
    start = (
        "Created the repository here. Next:"
        if here
        else f"Created {directory}. Next: cd {directory},"
    )
    click.echo(f"{start} follow README.md (set-up), then handbook validate && handbook serve")


@main.command()
@root_option
@click.argument("base", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown: for a pull-request comment. json: schemas/diff.schema.json.",
)
@click.option(
    "--artifacts",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for report.md, report.json and before/after PNGs of changed worksheet pages."
    "  [default: ROOT/.cache/review/artifacts]",
)
@click.option(
    "--artifacts-url",
    metavar="URL",
    help="An https:// address where the artifacts can be downloaded (linked from the report).",
)
def diff(
    root: Path, base: str | None, fmt: str, artifacts: Path | None, artifacts_url: str | None
) -> None:
    """Show what the working tree changes for readers and printers compared with BASE.

    BASE is any git revision; by default the merge base with the default branch (origin/HEAD,
    else main or master). Both sides are built with the real pipeline (caches reused, no
    network): goals and pages added, removed, renamed, disabled or changed (a word diff per
    field, in every language), worksheets whose pages change, and what to look at closely
    (new link hosts, the logo, new files, code files, new warnings).
    """
    from generator.review.command import diff_report

    require_catalog(root)
    target = artifacts or root / ".cache" / "review" / "artifacts"
    click.echo(diff_report(root, base, fmt, target, artifacts_url), nl=False)


@main.command()
@root_option
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Report folder to write (never inside the published site).",
)
@click.option(
    "--csv",
    "typed",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Typed-up paper sheets: a CSV with the template's columns (repeatable).",
)
@click.option("--include-comments", is_flag=True, help="Show free-text answers (never with names).")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date the idle-pairs check counts to.  [default: SOURCE_DATE_EPOCH's day, else today]",
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the CSV template for typed-up paper sheets to this file, and stop.",
)
@click.option(
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The published site folder, if not ROOT/site (the report is refused inside it).",
)
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The pairs CSV the sheets were made from: pairs that returned nothing are listed too.",
)
def collect(
    root: Path,
    inputs: tuple[Path, ...],
    output: Path | None,
    typed: tuple[Path, ...],
    include_comments: bool,
    as_of: Any,
    template: Path | None,
    site_dir: Path | None,
    roster: Path | None,
) -> None:
    """Read filled worksheets (PDF forms, files or folders) into a private program report.

    Writes OUTPUT/report.html, report.pdf, responses.csv, responses.json, kpis.csv and
    unreadable.csv. Files that cannot be used are listed with the reason; the rest still counts.
    """
    from generator.atomic import check_output_file
    from generator.report.collect import collect as run_collect
    from generator.report.fields import field_specs
    from generator.report.write import template_csv

    if template is not None:
        check_output_file(template, root)
    catalog = require_catalog(root)
    if template is not None:
        template.write_text(template_csv(field_specs(catalog)), encoding="utf-8")
        click.echo(f"Wrote the CSV template to {template}")
        return
    if output is None or not (inputs or typed):
        raise click.UsageError("give INPUT files or folders (or --csv) and -o REPORT_DIR")
    outcome = run_collect(
        catalog,
        list(inputs),
        output,
        typed=list(typed),
        include_comments=include_comments,
        as_of=as_of.date() if as_of else None,
        site_dirs=[site_dir] if site_dir else None,
        roster=roster,
    )
    click.echo(
        f"Counted {len(outcome.sheets)} sheet(s); {len(outcome.unreadable)} line(s) under "
        f"'Could not read'; report in {outcome.folder}"
    )
