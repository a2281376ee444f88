"""The same tree in two checkouts at different paths gives byte-identical PDFs and cache keys."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from generator.pdf.render import render_worksheets
from generator.validate.check import check_repository
from tests.fixtures import make_repo


def test_pdfs_do_not_depend_on_the_checkout_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    digests = []
    for where in ("a/repo", "some/other/deeper/place/repo"):
        root = make_repo("minimal", tmp_path / where)
        catalog = check_repository(root).catalog
        assert catalog is not None
        files = render_worksheets(
            catalog, root / "out", papers=("a4",), goal_ids=("alpha",), cache_dir=root / ".cache"
        )
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files})
        digests.append({p.name for p in (root / ".cache").glob("*.pdf")})
    assert digests[0] == digests[2]  # the PDFs
    assert digests[1] == digests[3]  # the cache keys


def test_the_book_does_not_depend_on_the_checkout_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The book names the logo relative to the repository, as the worksheets do: the same
    tree gives the same book, and the same cache key, wherever it lies."""
    from generator.book.render import render_book

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    books, keys = [], []
    for where in ("a/repo", "some/other/deeper/place/repo"):
        root = make_repo("minimal", tmp_path / where)
        catalog = check_repository(root).catalog
        assert catalog is not None
        files = render_book(catalog, root / "out", papers=("a4",), cache_dir=root / ".cache")
        books.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in files})
        keys.append(sorted(p.name for p in (root / ".cache").rglob("*.pdf")))
    assert books[0] == books[1]
    assert keys[0] == keys[1] and keys[0]
