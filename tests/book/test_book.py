"""The handbook as a book: the default catalog's PDF read back with poppler and pypdf.

The books read here are those `handbook build` published in the shared full builds, English and
German (tests/conftest.py, SOURCE_DATE_EPOCH as here), with the book cache that build kept."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

from generator.book import render
from generator.book.plan import plan_book
from generator.book.render import BookRenderer, render_book
from generator.catalog.model import Catalog
from generator.outputs import book_path
from generator.safety.scan import scan_output
from generator.validate.check import check_repository
from tests import shared_builds
from tests.conftest import copy_repository
from tests.fixtures import pdf_text

EPOCH = shared_builds.EPOCH  # 2026-01-01, the shared builds' date


@pytest.fixture(scope="module", autouse=True)
def fixed_date() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        yield


@pytest.fixture(scope="module")
def books(full_build: Path) -> Path:
    """The shared full build: both paper sizes of the default catalog's book in site/book/,
    rendered by `handbook build` with its cache in .cache/book/. Read only."""
    assert sorted(p.name for p in (full_build / "site/book").iterdir()) == [
        "handbook-en-a4.pdf",
        "handbook-en-letter.pdf",
    ]
    return full_build


def pdf(books: Path, catalog: Catalog, paper: str = "a4") -> Path:
    return books / "site" / book_path(catalog.organization.language, paper)


def book_cache(books: Path, tmp_path: Path) -> Path:
    """A copy of the cache the build kept for its books."""
    return shutil.copytree(books / ".cache/book", tmp_path / "cache")


def page_texts(path: Path) -> list[str]:
    return pdf_text(path, layout=True).split("\f")[:-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_page_count_and_paper_sizes(books: Path, default_catalog: Catalog) -> None:
    a4, letter = (PdfReader(pdf(books, default_catalog, p)) for p in ("a4", "letter"))
    pages = len(default_catalog.goals) + 6  # at least a page per goal, cover, contents, ...
    assert pages <= len(a4.pages) <= 4 * pages
    assert [round(float(x)) for x in a4.pages[0].mediabox[2:]] == [595, 842]
    assert [round(float(x)) for x in letter.pages[0].mediabox[2:]] == [612, 792]
    assert "/StructTreeRoot" in a4.trailer["/Root"]  # tagged for screen readers


def word_boxes(path: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """Every word on a page and its box in points from the top left (pdftotext -bbox)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)'
    found = re.findall(pattern, out)
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in found]


def test_the_letter_edition_is_the_a4_layout_centred_on_its_sheet(
    books: Path, default_catalog: Catalog
) -> None:
    a4, letter = (pdf(books, default_catalog, p) for p in ("a4", "letter"))
    count = len(PdfReader(a4).pages)
    assert len(PdfReader(letter).pages) == count  # the same pages: the same page numbers
    dx, dy = (215.9 - 210) / 2 * 72 / 25.4, (297 - 279.4) / 2 * 72 / 25.4  # mm -> pt
    for page in (1, 2, 3, count):
        old, new = word_boxes(a4, page), word_boxes(letter, page)
        assert [w[0] for w in old] == [w[0] for w in new] and old, page
        for (_, x0, y0, *_), (_, x1, y1, right, bottom) in zip(old, new, strict=True):
            assert abs(x1 - (x0 + dx)) < 0.1 and abs(y1 - (y0 - dy)) < 0.1
            assert 0 < x1 < right < 612 and 0 < y1 < bottom < 792  # nothing cut off


@pytest.mark.parametrize("paper", ["a4", "letter"])  # Letter: the last chapters run on
def test_contents_list_every_page_title_with_its_page_number(
    books: Path, default_catalog: Catalog, paper: str
) -> None:
    texts = page_texts(pdf(books, default_catalog, paper))
    contents = "\n".join(texts[1:4])
    book = plan_book(default_catalog)
    entries = []
    for e in book.toc:  # in the order the contents print them
        entries += [(e.title, e.key)] if e.key else [(c.title, c.key) for c in e.children]
    headings = {p.key: re.search(r"<h1[^>]*>(.*?)</h1>", p.html) for p in book.pages}
    assert len(entries) == len(book.pages)
    position = 0
    for title, key in entries:
        pattern = re.escape(title.unescape()) + r"[ .]*?(\d+)\s*$"
        match = re.compile(pattern, re.MULTILINE).search(contents, position)
        assert match, f"{title!r} is not in the contents with a page number"
        position = match.end()
        heading = headings[key]
        assert heading is not None
        text = html.unescape(re.sub("<[^>]+>", "", heading[1]))
        assert text in texts[int(match[1]) - 1], f"{text!r} is not on page {match[1]}"
    for goal in default_catalog.goals:  # every goal's title, on the page the contents name
        assert goal.title in contents


def test_site_page_titles_are_all_in_the_contents(books: Path, default_catalog: Catalog) -> None:
    from generator.website.generate import _nav, render_pages

    contents = " ".join(page_texts(pdf(books, default_catalog))[1:4])
    nav = _nav(default_catalog, render_pages(default_catalog))

    def titles(items: list[object]) -> list[str]:
        out: list[str] = []
        for item in items:
            ((title, target),) = item.items()  # type: ignore[attr-defined]
            out += [title] + (titles(target) if isinstance(target, list) else [])
        return out

    welcome = next(p.title for p in default_catalog.pages if p.slug == "welcome")
    for title in titles(nav):
        title = welcome if title == default_catalog.ui("site.nav.home") else title
        assert title.replace("&amp;", "&") in contents, title


def test_a_large_catalog_book_still_holds_every_goal_page(
    default_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.book.links import page_key
    from generator.website import generate

    monkeypatch.setattr(generate, "NAV_GOAL_LIMIT", 10)  # the site's nav lists audiences only
    book = plan_book(default_catalog)
    titles = [c.title.unescape() for e in book.toc for c in e.children]
    for goal in default_catalog.goals:
        assert page_key(generate.goal_page(goal)) in {p.key for p in book.pages}
        assert goal.title in titles


def test_evidence_urls_are_printed(books: Path, default_catalog: Catalog) -> None:
    text = squeeze(pdf_text(pdf(books, default_catalog)))
    urls = [e.source.url for g in default_catalog.goals for e in g.evidence if e.source.url]
    assert urls
    for url in urls:
        assert squeeze(url) in text, url


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_internal_links_land_on_a_page_of_the_book(
    books: Path, default_catalog: Catalog, paper: str
) -> None:
    assert plan_book(default_catalog).unresolved == []
    reader = PdfReader(pdf(books, default_catalog, paper))
    internal = external = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            link = annot.get_object()
            action = link.get("/A")
            if action is not None and action.get_object().get("/S") == "/URI":
                uri = str(action.get_object()["/URI"])
                assert uri.startswith(("https://", "http://", "mailto:")), uri
                external += 1
                continue
            dest = link.get("/Dest")
            assert dest is not None, link
            target = reader.named_destinations[str(dest)] if isinstance(dest, str) else dest
            number = reader.get_destination_page_number(
                target if isinstance(target, Destination) else Destination("", *target)
            )
            assert 0 <= number < len(reader.pages)
            top = float(target.top if isinstance(target, Destination) else target[3])
            assert 0 < top <= float(reader.pages[number].mediabox.top)  # on the sheet
            internal += 1
    assert internal > 2 * len(default_catalog.goals)  # contents, cards, related goals
    assert external > 0


def test_cross_references_print_page_numbers(books: Path, default_catalog: Catalog) -> None:
    text = pdf_text(pdf(books, default_catalog))
    assert re.search(re.escape(default_catalog.ui("book.page_ref")) + r" \d+\)", text)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_cross_references_name_the_page_their_target_starts_on(
    books: Path, default_catalog: Catalog, paper: str
) -> None:
    texts = page_texts(pdf(books, default_catalog, paper))
    ref = re.escape(default_catalog.ui("book.page_ref"))
    checked = 0
    for goal in default_catalog.goals:  # goal cards and related goals: "Title (p. 12)"
        pattern = re.escape(squeeze(goal.title)) + r"\(" + ref + r"(\d+)\)"
        for number in re.findall(pattern, squeeze("".join(texts))):
            header = next(line for line in texts[int(number) - 1].splitlines() if line.strip())
            assert squeeze(header).endswith(squeeze(goal.title)), (goal.title, number)  # its h1
            checked += 1
    assert checked > len(default_catalog.goals)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_every_page_after_the_cover_carries_its_number(
    books: Path, default_catalog: Catalog, paper: str
) -> None:
    label = default_catalog.ui("worksheet.page")
    for number, text in enumerate(page_texts(pdf(books, default_catalog, paper))[1:], 2):
        assert re.search(rf"{re.escape(label)} {number}\s*$", text), number


def test_a_short_guess_of_the_page_count_lays_the_book_out_again(
    books: Path, default_catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(render, "digits_for", lambda _book: 1)  # slots too narrow for "48"
    (path,) = render_book(default_catalog, tmp_path, papers=("a4",))
    assert page_texts(path) == page_texts(pdf(books, default_catalog))


def test_fonts_are_embedded(books: Path, default_catalog: Catalog) -> None:
    out = subprocess.run(
        ["pdffonts", str(pdf(books, default_catalog))], capture_output=True, text=True, check=True
    ).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        assert re.search(r"\byes\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$", row), row


def inked_share(image: Image.Image) -> float:
    """How far down the text area a rasterized page carries ink (0.0: blank)."""
    gray = image.convert("L")
    top, bottom = int(gray.height * 0.08), int(gray.height * 0.9)  # within the page margins
    inked = [
        y for y in range(top, bottom) if any(gray.getpixel((x, y)) < 160 for x in range(gray.width))
    ]
    return (inked[-1] - top) / (bottom - top) if inked else 0.0


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_no_chapter_spills_a_few_lines_onto_a_page_of_their_own(
    books: Path, default_catalog: Catalog, paper: str, tmp_path: Path
) -> None:
    path = pdf(books, default_catalog, paper)
    contents = "\n".join(page_texts(path)[1:4])
    starts = {int(n) for n in re.findall(r"(\d+)\s*$", contents, re.MULTILINE)}
    subprocess.run(["pdftoppm", "-r", "20", "-gray", str(path), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p*.pgm"))
    assert len(pages) > len(default_catalog.goals)
    for number, image in enumerate(pages, 1):
        share = inked_share(Image.open(image))
        # A short chapter may fill a page of its own; a chapter's last few lines may not.
        assert share > render.NEAR_EMPTY or number in starts, (number, share)


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_last_page_is_not_near_empty(
    books: Path, default_catalog: Catalog, paper: str, tmp_path: Path
) -> None:
    path = pdf(books, default_catalog, paper)
    last = len(PdfReader(path).pages)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "30",
            "-png",
            "-f",
            str(last),
            "-l",
            str(last),
            str(path),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    share = inked_share(Image.open(next(tmp_path.glob("p*.png"))))
    assert share > 0, "the last page is blank"
    assert share > render.NEAR_EMPTY, "the last page holds only a few lines"


def test_safety_scan_passes(books: Path, tmp_path: Path) -> None:
    shutil.copytree(books / "site/book", tmp_path / "site/book")  # the books alone
    assert scan_output(tmp_path / "site") == []


def test_same_input_same_bytes_and_an_unchanged_rebuild_comes_from_the_cache(
    books: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same input: the built repository's own catalog (the book's HTML names the logo by
    # its absolute path, so a checkout elsewhere is not the same input)
    catalog = check_repository(books).catalog
    assert catalog is not None
    both = ("a4", "letter")
    render_book(catalog, tmp_path / "fresh", papers=both)  # no cache: rendered anew
    for paper in both:
        fresh = (tmp_path / "fresh" / book_path("en", paper)).read_bytes()
        assert fresh == pdf(books, catalog, paper).read_bytes(), paper

    def refuse(*_args: object) -> None:
        raise AssertionError("rendered again although nothing changed")

    monkeypatch.setattr(BookRenderer, "write", refuse)
    monkeypatch.setattr(render, "refit", refuse)
    render_book(catalog, tmp_path / "again", papers=both, cache_dir=book_cache(books, tmp_path))
    for paper in both:
        again = (tmp_path / "again" / book_path("en", paper)).read_bytes()
        assert again == pdf(books, catalog, paper).read_bytes()


def test_a_changed_goal_misses_the_cache(books: Path, tmp_path: Path) -> None:
    root = copy_repository(tmp_path / "repo")
    goal = next((root / "content/goals/mentee").glob("*.yml"))
    goal.write_text(goal.read_text().replace("title: ", "title: Renamed ", 1))
    catalog = check_repository(root).catalog
    assert catalog is not None
    renderer = BookRenderer(catalog)
    written: list[str] = []

    def write(target: Path, key: str) -> None:
        written.append(key)
        target.write_bytes(b"%PDF-")

    renderer.write = write  # type: ignore[method-assign]
    renderer.render(("a4",), tmp_path / "out", book_cache(books, tmp_path))
    assert written, "a changed catalog was served from the cache"


def test_german_edition(german_build: Path) -> None:
    book = german_build / "site/book"
    assert sorted(p.name for p in book.iterdir()) == [
        "handbook-de-a4.pdf",
        "handbook-de-letter.pdf",
    ]
    text = pdf_text(book / "handbook-de-a4.pdf")
    assert "Inhalt" in text and "Das Handbuch" in text
    assert re.search(r"\(S\. \d+\)", text)  # German page references


def test_the_cover_names_the_edition_date_and_no_date_without_one(
    books: Path, default_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    cover = page_texts(pdf(books, default_catalog))[0]
    assert f"{default_catalog.ui('book.edition')} 2026-01-01" in cover  # SOURCE_DATE_EPOCH
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # no commit, no epoch: not "1970-01-01"
    assert render.edition_date(default_catalog.root) == ""
    html = BookRenderer(default_catalog).html()
    assert "1970" not in html and 'class="edition"' not in html
