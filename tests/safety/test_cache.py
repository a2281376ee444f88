"""The worksheet cache cannot publish what the build did not make."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from generator.cli import main
from generator.pdf import render
from tests.fixtures import TouchWhenUnpickled, make_repo


def hostile_pdf(path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_open_action(JavaScript("app.alert('cached')"))
    with path.open("wb") as out:
        writer.write(out)


def test_a_poisoned_cache_entry_fails_the_build_and_the_old_site_stays(tmp_path: Path) -> None:
    root = make_repo("minimal", tmp_path / "repo")
    args = ["build", "--root", str(root), "--paper", "a4"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    before = {p: p.read_bytes() for p in (root / "site").rglob("*.pdf")}
    cached = sorted((root / ".cache" / "worksheets").glob("*.pdf"))
    assert cached
    for entry in cached:  # what a restored CI cache could hold under the right names
        hostile_pdf(entry)
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 1
    assert "safety scan" in second.output and "JavaScript" in second.output
    assert {p: p.read_bytes() for p in (root / "site").rglob("*.pdf")} == before


def test_handbook_book_refuses_a_poisoned_book_cache_entry(tmp_path: Path) -> None:
    """`handbook book` copied .cache/book/<key>.pdf to its output unscanned."""
    root = make_repo("minimal", tmp_path / "repo")
    out = tmp_path / "book-out"
    args = ["book", "--root", str(root), "--paper", "a4", "-o", str(out)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    before = {p: p.read_bytes() for p in out.rglob("*.pdf")}
    cached = sorted((root / ".cache" / "book").glob("*.pdf"))
    assert cached and before
    for entry in cached:
        hostile_pdf(entry)
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 1, second.output
    assert "safety scan" in second.output and "JavaScript" in second.output
    assert {p: p.read_bytes() for p in out.rglob("*.pdf")} == before
    assert sorted(p.name for p in out.iterdir()) == ["book"]  # no staging folder left


def test_a_forged_schema_cache_cannot_put_css_into_brand_css(tmp_path: Path) -> None:
    """Validation's schema results are read back from .cache/; a key added there for an
    organization.yml with a colour that is no colour put its text into brand.css verbatim.
    Now a file without the machine's seal is not believed, and brand.py checks each colour
    even when a sealed file (a leaked key) vouches for it."""
    import json

    from generator.load.documents import load_documents
    from generator.memo import read_json, replace_json
    from generator.validate.cache import CACHE_FILE, document_key

    root = make_repo("minimal", tmp_path / "repo")
    args = ["build", "--root", str(root), "--no-pdf"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    org = root / "content" / "organization.yml"
    colour = '"#1f5f7a;}*{background:#f00}x{x:"'
    org.write_text(org.read_text().replace('"#1f5f7a"', colour, 1))
    docs = [d for d in load_documents(root).documents if d.rel == "content/organization.yml"]
    remembered = read_json(root / CACHE_FILE)
    assert isinstance(remembered, list) and remembered
    keys = [*remembered, document_key(docs[0])]
    (root / CACHE_FILE).write_text(json.dumps(keys))  # planted: no seal
    planted = CliRunner().invoke(main, args)
    assert planted.exit_code == 1, planted.output
    assert "content/organization.yml:" in planted.output  # validated: the schema refused it
    replace_json(root / CACHE_FILE, keys)  # sealed, as only this machine's user can
    sealed = CliRunner().invoke(main, args)
    assert sealed.exit_code == 1, sealed.output
    assert "colors.primary" in sealed.output and "is not a #rrggbb colour" in sealed.output
    assert "background:#f00" not in (root / "site/assets/brand.css").read_text()


def test_planted_compiled_templates_are_never_loaded(repo_copy: Path, tmp_path: Path) -> None:
    """Jinja unpickles a cached template's header: a file planted in .cache/templates/ (a
    pull request, a shared CI cache) ran code on the build machine. Unsealed, it is ignored."""
    import pickle

    from jinja2.bccache import bc_magic

    args = ["build", "--root", str(repo_copy), "--no-pdf"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    kept = sorted((repo_copy / ".cache" / "templates").iterdir())
    assert len(kept) > 10  # the theme's templates were compiled and kept
    marker = tmp_path / "ran"
    payload = bc_magic + pickle.dumps(TouchWhenUnpickled(marker))
    for path in kept:
        path.write_bytes(payload)
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    assert not marker.exists()
    assert (
        pickle.loads(payload[len(bc_magic) :]) == 0 and marker.exists()
    )  # the payload does run when loaded


def test_the_cache_key_changes_with_the_fonts_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    render.renderer_fingerprint.cache_clear()
    original = render.renderer_fingerprint()
    fonts = tmp_path / "fonts"
    shutil.copytree(render.FONT_DIR, fonts)
    regular = fonts / "Lato-Regular.ttf"
    regular.write_bytes(regular.read_bytes() + b"\0")
    monkeypatch.setattr(render, "FONT_DIR", fonts)
    render.renderer_fingerprint.cache_clear()
    try:
        assert render.renderer_fingerprint() != original
    finally:
        monkeypatch.undo()
        render.renderer_fingerprint.cache_clear()
    assert render.renderer_fingerprint() == original
