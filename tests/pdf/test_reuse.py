"""Pair booklets from shared parts look and read like a fresh render (generator/pdf/reuse.py).

Compared page by page with a fresh WeasyPrint render of the same pair: the same words in the
same places and the same rasterized pixels up to glyph-width rounding (benchmarks/look.py), the
same metadata, bookmarks, links and tags. The control test shows the comparison tells pairs apart.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest

from benchmarks.look import same_look
from generator.catalog.model import Catalog
from generator.pdf.fontshare import embedded_fonts
from generator.pdf.render import Job, Pair, Renderer
from generator.pdf.reuse import BookletParts
from generator.pdf.roster import _pair_jobs, render_roster
from generator.validate.check import check_repository
from tests.fixtures import make_repo

ADA = Pair("Alexandra Mentor", "Bob Mentee", "2027-03-01")
ZOE = Pair("Zoë Ångström", "Chris O'Neil", "2027-05-17")
ARABIC = "بنك هاربر آند باين"


def fresh_and_composed(
    renderer: Renderer, parts: BookletParts, pair: Pair, paper: str, folder: Path
) -> tuple[Job, Path, Path]:
    (job,) = _pair_jobs(renderer.catalog, 1, pair, (paper,))
    fresh, composed = folder / "fresh.pdf", folder / "composed.pdf"
    html = renderer.html(job)
    key = renderer.key(job, html)
    renderer.write(job, html, fresh, key)
    assert parts.write(job, composed), "the booklet was not composed"
    return job, fresh, composed


@pytest.fixture(scope="module")
def renderer(default_catalog: Catalog) -> Renderer:
    return Renderer(default_catalog)


@pytest.fixture(scope="module")
def parts(renderer: Renderer) -> BookletParts:
    return BookletParts(renderer)


@pytest.fixture(scope="module")
def booklets(
    renderer: Renderer, parts: BookletParts, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[Pair, str], tuple[Job, Path, Path]]:
    """fresh_and_composed of the default catalog, each pair and paper made once for the module
    (several tests read the same booklets). Read only."""
    made: dict[tuple[Pair, str], tuple[Job, Path, Path]] = {}

    def get(pair: Pair, paper: str) -> tuple[Job, Path, Path]:
        if (pair, paper) not in made:
            folder = tmp_path_factory.mktemp("booklet")
            made[pair, paper] = fresh_and_composed(renderer, parts, pair, paper, folder)
        return made[pair, paper]

    return get


@pytest.mark.parametrize(("pair", "paper"), [(ADA, "a4"), (ZOE, "letter")], ids=["a4", "letter"])
def test_a_composed_booklet_looks_like_a_fresh_render(
    booklets: Callable[[Pair, str], tuple[Job, Path, Path]], pair: Pair, paper: str, tmp_path: Path
) -> None:
    _, fresh, composed = booklets(pair, paper)
    assert same_look(fresh, composed, tmp_path) == []
    text = subprocess.run(
        ["pdftotext", str(composed), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert pair.mentee in text and pair.mentor in text and pair.start in text


def test_german_sheets_with_a_right_to_left_organization_name(
    repo_copy: Path, tmp_path: Path
) -> None:
    """Umlauts (composite glyphs in the shared font program), German labels, and an Arabic
    name in every page's header and footer (set right to left, in a fallback font)."""
    org = repo_copy / "content/organization.yml"
    text = org.read_text(encoding="utf-8").replace("language: en", "language: de")
    org.write_text(text.replace("name: Harbor & Pine Credit Union", f'name: "{ARABIC}"'), "utf-8")
    outcome = check_repository(repo_copy)
    assert outcome.catalog is not None, outcome.problems
    renderer = Renderer(outcome.catalog)
    _, fresh, composed = fresh_and_composed(renderer, BookletParts(renderer), ZOE, "a4", tmp_path)
    assert same_look(fresh, composed, tmp_path) == []


def test_the_comparison_tells_two_pairs_apart(
    renderer: Renderer,
    parts: BookletParts,
    booklets: Callable[[Pair, str], tuple[Job, Path, Path]],
    tmp_path: Path,
) -> None:
    _, fresh, _ = booklets(ADA, "a4")
    (other,) = _pair_jobs(renderer.catalog, 1, ZOE, ("a4",))
    assert parts.write(other, tmp_path / "other.pdf")
    problems = same_look(fresh, tmp_path / "other.pdf", tmp_path)
    assert any("other words" in p for p in problems)


def test_metadata_bookmarks_and_links_are_the_fresh_ones(
    booklets: Callable[[Pair, str], tuple[Job, Path, Path]],
) -> None:
    _, fresh, composed = booklets(ZOE, "a4")
    with pikepdf.open(fresh) as a, pikepdf.open(composed) as b:
        for name in ("/Title", "/Keywords", "/Author"):
            assert str(b.docinfo[name]) == str(a.docinfo[name]), name
        assert bytes(b.trailer.ID[0]) == bytes(a.trailer.ID[0])
        assert outline(b) == outline(a)
        assert links(b) == links(a)
        assert "/StructTreeRoot" in b.Root and b.Root.MarkInfo.Marked
        assert str(b.Root.Lang) == str(a.Root.Lang)


def test_the_parts_share_one_font_program_per_face(
    booklets: Callable[[Pair, str], tuple[Job, Path, Path]],
) -> None:
    _, fresh, composed = booklets(ADA, "a4")
    with pikepdf.open(composed) as pdf:
        programs: dict[str, set[tuple[int, int]]] = {}
        for face, descriptor, _ in embedded_fonts(pdf.pages):
            programs.setdefault(face, set()).add(descriptor.FontFile2.objgen)
    # 11 parts each embed their own Lato subsets; one merged program serves them, and the
    # overlay (names, dates, page numbers) brings at most one more per face
    assert programs and all(len(found) <= 2 for found in programs.values()), programs
    assert composed.stat().st_size < 1.5 * fresh.stat().st_size


def outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
    found: list[tuple[int, str, int]] = []
    with pdf.open_outline() as tree:

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                dest = item.destination
                if isinstance(dest, str | pikepdf.String):
                    dest = resolve_name(pdf, str(dest))
                found.append((depth, item.title, pages[dest[0].objgen]))
                walk(item.children, depth + 1)

        walk(tree.root, 0)
    return found


def resolve_name(pdf: pikepdf.Pdf, name: str) -> pikepdf.Array:
    tree = pikepdf.NameTree(pdf.Root.Names.Dests)
    return tree[name]


def links(pdf: pikepdf.Pdf) -> list[tuple[int, int]]:
    """(page, target page) of every internal link."""
    pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
    found = []
    for n, page in enumerate(pdf.pages):
        for annot in page.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest")
            if dest is None and "/A" in annot:
                dest = annot.A.get("/D")
            if dest is None:
                continue
            if not isinstance(dest, pikepdf.Array):
                dest = resolve_name(pdf, str(dest))
            found.append((n, pages[dest[0].objgen]))
    return sorted(found)


@pytest.mark.parametrize(
    "pair",
    [
        Pair("Maximiliane Alexandra von Hohenberg", "Bob", "2027-03-01"),  # a blank's value: long
        Pair("佐藤 花子", "Bob", "2027-03-01"),  # set in a fallback font, not Lato
    ],
    ids=["long-name", "other-script"],
)
def test_booklets_the_overlay_cannot_match_are_left_to_a_fresh_render(
    renderer: Renderer, parts: BookletParts, pair: Pair, tmp_path: Path
) -> None:
    (job,) = _pair_jobs(renderer.catalog, 1, pair, ("a4",))
    assert not parts.write(job, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_fillable_booklets_are_never_composed(default_catalog: Catalog, tmp_path: Path) -> None:
    renderer = Renderer(default_catalog, fillable=True)
    (job,) = _pair_jobs(default_catalog, 1, ADA, ("a4",))
    assert not BookletParts(renderer).write(job, tmp_path / "x.pdf")


def test_a_roster_booklet_is_the_same_bytes_from_another_checkout(tmp_path: Path) -> None:
    """Composed booklets (cached parts, merged fonts) depend on the content, never on where the
    checkout lies or when it ran: two checkouts at different paths write the same bytes."""
    booklets = []
    for place in ("one", "two/deeper"):
        repo = make_repo("minimal", tmp_path / place / "repo")
        roster = tmp_path / place / "pairs.csv"
        roster.write_text(
            f"mentor,mentee,start_date,goals\n{ZOE.mentor},{ZOE.mentee},{ZOE.start},\n"
        )
        outcome = check_repository(repo)
        assert outcome.catalog is not None, outcome.problems
        (written,) = render_roster(
            outcome.catalog, roster, tmp_path / place / "out", papers=("a4",)
        )
        booklets.append(written.read_bytes())
        with pikepdf.open(written) as pdf:  # composed: several fonts (one per part) per face
            faces = [face for face, _, _ in embedded_fonts(pdf.pages)]
        assert len(faces) > len(set(faces))
        time.sleep(1.1)  # a clock in the bytes (a font's "modified" second) would show
    assert booklets[0] == booklets[1]
