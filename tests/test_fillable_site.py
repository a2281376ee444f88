"""The site offers the fillable set exactly when the build makes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from generator.cli import main
from generator.load.locales import shipped_strings
from generator.outputs import RETURNS_TEMPLATE
from tests.fixtures import make_repo
from tests.website.sitetools import visible_text

EN = shipped_strings("en")


def build(root: Path, *extra: str) -> Path:
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--paper", "a4", *extra])
    assert result.exit_code == 0, result.output
    return root / "site"


@pytest.fixture(scope="module")
def printable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal catalog's repository built printable only (its organization.yml does not ask
    for forms). Read only."""
    root = make_repo("minimal", tmp_path_factory.mktemp("printable") / "repo")
    build(root)
    return root


def test_a_printable_build_says_nothing_about_filling_on_screen(printable: Path) -> None:
    site = printable / "site"
    text = visible_text((site / "worksheets/index.html").read_text())
    assert EN["site.worksheets.intro"] in text
    assert EN["site.worksheets.fill_on_screen"] not in text and "on screen" not in text
    assert not (site / "worksheets/fillable").exists()


def test_fillable_builds_publish_both_sets_and_link_the_forms(tmp_path: Path) -> None:
    site = build(make_repo("minimal", tmp_path / "repo"), "--fillable")
    page = (site / "worksheets/index.html").read_text()
    assert EN["site.worksheets.fill_on_screen"] in visible_text(page)
    printable = site / "worksheets/a4/agreement.pdf"
    form = site / "worksheets/fillable/a4/agreement.pdf"
    assert "fillable/a4/agreement.pdf" in page
    assert not PdfReader(printable).get_fields()
    assert PdfReader(form).get_fields()
    assert len(PdfReader(form).pages) == len(PdfReader(printable).pages)


def test_the_typed_returns_template_is_published_beside_the_worksheets(
    printable: Path, tmp_path: Path
) -> None:
    root = printable
    site = root / "site"
    published = (site / RETURNS_TEMPLATE).read_text(encoding="utf-8")
    written = tmp_path / "template.csv"
    result = CliRunner().invoke(main, ["collect", "--root", str(root), "--template", str(written)])
    assert result.exit_code == 0, result.output
    assert published == written.read_text(encoding="utf-8")
    header = published.splitlines()[0]
    assert header.startswith('"source","sheet_kind"')
    assert "goal.alpha." in header  # the minimal catalog's goal
    page = (site / "worksheets/index.html").read_text()
    assert 'href="returns-template.csv"' in page  # the page is worksheets/index.html
    assert EN["site.worksheets.returns_download"] in visible_text(page)
