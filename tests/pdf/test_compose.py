"""The booklet composer: real tagged WeasyPrint parts and an overlay, composed and read back."""

from __future__ import annotations

import io
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import weasyprint

from generator.pdf.compose import LINK_SCHEME, compose
from generator.safety.pdf import scan_pdf
from tests.pdf.pagefit import pdf_text_page

IDENTIFIER = bytes(range(16))
STYLE = "<style>@page { size: A5; margin: 0 } body { margin: 20mm }</style>"
FRONT = f"""<html lang="en"><head><title>Front</title>{STYLE}</head><body>
<h1 id="cover">Cover</h1><p>Welcome aboard</p><p><a href="{LINK_SCHEME}goal-b">See goal B</a></p>
<h1 id="contents" style="break-before: page">Contents</h1><p>Listing</p></body></html>"""
GOAL_A = f"""<html lang="de"><head>{STYLE}</head><body>
<h1 id="goal-a">Goal A</h1><h2>Steps A</h2><p>Alpha text <a href="#goal-a">top</a></p>
</body></html>"""
GOAL_B = f"""<html lang="en"><head>{STYLE}</head><body>
<h1 id="goal-b">Goal B</h1><p>Beta text</p><ul><li>one</li><li>two</li></ul>
<h2 id="cover" style="break-before: page">Notes B</h2><p>Beta more</p></body></html>"""
# One page per booklet page: the pair's words absolutely placed, in the parts' font (so its
# resource names are the parts' too: the composer must rename them).
OVERLAY_STYLE = (
    "<style>@page { size: A5; margin: 0 } body { margin: 0 } .page + .page { break-before: page }"
    "</style>"
)


def _overlay_page(n: int) -> str:
    return (
        '<div class="page" style="position: relative; height: 210mm">'
        '<p style="position: absolute; margin: 0; top: 150mm; left: 20mm">'
        f"Pairword{n} Ada Lovelace</p></div>"
    )


def _overlay_html(pages: int) -> str:
    body = "".join(_overlay_page(n) for n in range(1, pages + 1))
    return f'<html lang="en"><head>{OVERLAY_STYLE}</head><body>{body}</body></html>'


def _pdf(html: str) -> pikepdf.Pdf:
    data = weasyprint.HTML(string=html).write_pdf(pdf_tags=True, pdf_identifier=b"\0" * 16)
    return pikepdf.open(io.BytesIO(data))


@pytest.fixture(scope="module")
def parts() -> Iterator[list[pikepdf.Pdf]]:
    pdfs = [_pdf(FRONT), _pdf(GOAL_A), _pdf(GOAL_B)]
    assert [len(p.pages) for p in pdfs] == [2, 1, 2]
    yield pdfs
    for pdf in pdfs:
        pdf.close()


@pytest.fixture(scope="module")
def overlay() -> pikepdf.Pdf:
    return _pdf(_overlay_html(5))


def _compose(parts: list[pikepdf.Pdf], overlay: pikepdf.Pdf | None, target: Path) -> Path:
    compose(
        parts,
        overlay,
        target,
        info={"/Title": "Booklet for Ada", "/Keywords": "pair"},
        identifier=IDENTIFIER,
        outline_titles={"Goal A": "Goal A (chosen)", "Notes B": "Notes on B"},
    )
    return target


@pytest.fixture(scope="module")
def booklet(
    parts: list[pikepdf.Pdf], overlay: pikepdf.Pdf, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return _compose(parts, overlay, tmp_path_factory.mktemp("compose") / "booklet.pdf")


@pytest.fixture()
def result(booklet: Path) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(booklet) as pdf:
        yield pdf


def _page_index(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: n for n, page in enumerate(pdf.pages)}


def _numbers(tree: Any) -> dict[int, Any]:
    nums = tree.Nums
    keys = [int(nums[n]) for n in range(0, len(nums), 2)]
    assert keys == sorted(set(keys)), "ParentTree keys are ascending and unique"
    return {int(nums[n]): nums[n + 1] for n in range(0, len(nums), 2)}


def _mcids(page: pikepdf.Page) -> list[int]:
    found = []
    for instruction in pikepdf.parse_content_stream(page):
        operands = getattr(instruction, "operands", [])
        is_bdc = str(getattr(instruction, "operator", "")) == "BDC" and len(operands) == 2
        if is_bdc and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
            found.append(int(operands[1].MCID))
    return found


def _elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    stack = list(pdf.Root.StructTreeRoot.K)
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Dictionary):
            yield element
            kids = element.get("/K")
            stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids]


# --- pages and text ---------------------------------------------------------------------------


def test_pages_in_order_with_the_overlay_text_on_its_own_page(booklet: Path) -> None:
    with pikepdf.open(booklet) as pdf:
        assert len(pdf.pages) == 5
        boxes = {tuple(round(float(v), 2) for v in p.MediaBox) for p in pdf.pages}
        assert boxes == {(0, 0, 419.53, 595.28)}  # A5
    base = ["Cover Welcome aboard", "Contents Listing", "Goal A Steps A Alpha text",
            "Goal B Beta text", "Notes B Beta more"]  # fmt: skip
    for n, words in enumerate(base, 1):
        text = pdf_text_page(booklet, n)
        assert words in text, (n, text)
        assert f"Pairword{n} Ada Lovelace" in text, (n, text)
        others = [f"Pairword{m} " for m in range(1, 6) if m != n]
        assert not any(other in text for other in others), (n, text)


def test_overlay_resources_renamed_beside_the_base_pages(result: pikepdf.Pdf) -> None:
    fonts = result.pages[2].Resources.Font
    base = [name for name in fonts if not name.startswith("/ov")]
    ours = [name for name in fonts if name.startswith("/ov")]
    # The overlay uses one of the parts' fonts under the same name: kept apart by renaming.
    assert ours and {f"/ov{name[1:]}" for name in base} >= set(ours)
    used = {str(i.operands[0]) for i in pikepdf.parse_content_stream(result.pages[2], "Tf")}
    assert used == set(fonts.keys())


def test_without_overlay_pages_draw_as_the_parts_do(
    parts: list[pikepdf.Pdf], tmp_path: Path
) -> None:
    plain = _compose(parts, None, tmp_path / "plain.pdf")
    with tempfile.TemporaryDirectory() as tmp:
        for n, (part, page) in enumerate([(0, 1), (0, 2), (1, 1), (2, 1), (2, 2)], 1):
            source = Path(tmp) / f"part{part}.pdf"
            parts[part].save(source)
            assert _raster(plain, n, tmp) == _raster(source, page, tmp), n
    assert "Pairword" not in pdf_text_page(plain, 1)


def _raster(pdf: Path, page: int, folder: str) -> bytes:
    out = Path(folder) / "raster"
    args = ["pdftoppm", "-r", "72", "-gray", "-f", str(page), "-l", str(page), "-singlefile"]
    subprocess.run([*args, str(pdf), str(out)], check=True)
    return out.with_suffix(".pgm").read_bytes()


def test_overlay_draws_as_if_laid_out_with_the_page(
    parts: list[pikepdf.Pdf], overlay: pikepdf.Pdf, booklet: Path, tmp_path: Path
) -> None:
    """Goal A's page composed equals the page rendered fresh with the pair's words in it."""
    page = '<div style="position: absolute; top: 0; left: 0; width: 148mm; height: 210mm">'
    fresh = GOAL_A.replace("</body>", f"{page}{_overlay_page(3)}</div></body>")
    target = tmp_path / "fresh.pdf"
    weasyprint.HTML(string=fresh).write_pdf(target, pdf_tags=True)
    assert _raster(booklet, 3, str(tmp_path)) == _raster(target, 1, str(tmp_path))
    assert _raster(booklet, 3, str(tmp_path)) != _raster(booklet, 4, str(tmp_path))


# --- document-wide: outline, destinations, links, metadata -------------------------------------


def _outline(pdf: pikepdf.Pdf) -> list[tuple[str, int, list[Any]]]:
    pages = _page_index(pdf)
    names = _destinations(pdf)

    def walk(items: list[Any]) -> list[tuple[str, int, list[Any]]]:
        out = []
        for item in items:
            dest = item.destination
            dest = names[str(dest)] if isinstance(dest, str | pikepdf.String) else dest
            out.append((item.title, pages[dest[0].objgen], walk(item.children)))
        return out

    with pdf.open_outline() as outline:
        return walk(outline.root)


def test_outlines_concatenated_retitled_and_leading_to_their_pages(result: pikepdf.Pdf) -> None:
    assert _outline(result) == [
        ("Cover", 0, []),
        ("Contents", 1, []),
        ("Goal A (chosen)", 2, [("Steps A", 2, [])]),
        ("Goal B", 3, [("Notes on B", 4, [])]),
    ]
    assert int(result.Root.Outlines.Count) == 6  # all open: every item visible


def _destinations(pdf: pikepdf.Pdf) -> dict[str, Any]:
    pairs = pdf.Root.Names.Dests.Names
    keys = [bytes(pairs[n]) for n in range(0, len(pairs), 2)]
    assert keys == sorted(keys), "a name tree's keys are sorted"
    return {str(pairs[n]): pairs[n + 1] for n in range(0, len(pairs), 2)}


def test_named_destinations_merged_first_wins(result: pikepdf.Pdf) -> None:
    pages = _page_index(result)
    found = {name: pages[dest[0].objgen] for name, dest in _destinations(result).items()}
    # Goal B's sheet defines "cover" too: the front matter's (first) wins.
    assert found == {"contents": 1, "cover": 0, "goal-a": 2, "goal-b": 3}


def _links(pdf: pikepdf.Pdf) -> list[tuple[int, Any]]:
    return [(n, a) for n, page in enumerate(pdf.pages) for a in page.get("/Annots") or []]


def test_anchor_links_become_internal_links_to_the_merged_destination(
    result: pikepdf.Pdf, booklet: Path
) -> None:
    pages, names = _page_index(result), _destinations(result)
    lands = {n: pages[names[str(link.Dest)][0].objgen] for n, link in _links(result)}
    assert lands == {0: 3, 2: 2}  # the front's link to goal B; goal A's link to its top
    assert all("/A" not in link for _n, link in _links(result))
    assert str(result.pages[0].Annots[0].Contents) == "goal-b"
    assert scan_pdf("booklet.pdf", booklet) == []  # no URI of an unknown scheme left


def test_a_link_to_a_missing_name_is_refused(parts: list[pikepdf.Pdf], tmp_path: Path) -> None:
    broken = _pdf(GOAL_A.replace('href="#goal-a"', f'href="{LINK_SCHEME}goal-z"'))
    with pytest.raises(ValueError, match="'goal-z'"):
        compose([broken, parts[2]], None, tmp_path / "x.pdf", info={}, identifier=IDENTIFIER)
    assert not (tmp_path / "x.pdf").exists()


def test_an_overlay_of_another_length_is_refused(parts: list[pikepdf.Pdf], tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="overlay has 4 pages, the parts 5"):
        _compose(parts, _pdf(_overlay_html(4)), tmp_path / "x.pdf")


def test_an_overlay_of_another_paper_is_refused(parts: list[pikepdf.Pdf], tmp_path: Path) -> None:
    a4 = _pdf(_overlay_html(5).replace("size: A5", "size: A4"))
    with pytest.raises(ValueError, match=r"overlay page 1 measures \(0.0, 0.0, 595.28, 841.89\)"):
        _compose(parts, a4, tmp_path / "x.pdf")


def test_metadata_from_the_first_part_with_info_and_identifier(result: pikepdf.Pdf) -> None:
    assert str(result.trailer.Info.Title) == "Booklet for Ada"
    assert str(result.trailer.Info.Keywords) == "pair"
    assert str(result.trailer.Info.Producer).startswith("WeasyPrint")
    assert [bytes(v) for v in result.trailer.ID] == [IDENTIFIER, IDENTIFIER]
    assert str(result.Root.Lang) == "en"
    languages = {str(kid.get("/Lang", "")) for kid in result.Root.StructTreeRoot.K[0].K}
    assert languages == {"", "de"}  # Goal A's sheet is in German: its elements say so
    assert result.Root.MarkInfo.Marked is True
    assert result.Root.ViewerPreferences.DisplayDocTitle is True


# --- structure tree ---------------------------------------------------------------------------


def _assert_marks_mapped(pdf: pikepdf.Pdf) -> None:
    """Every MCID in a page's content maps, in ParentTree[page's /StructParents], to an element
    on that page; and every element is on a page of the document."""
    tree = _numbers(pdf.Root.StructTreeRoot.ParentTree)
    for n, page in enumerate(pdf.pages):
        assert int(page.StructParents) == n
        marks = tree[n]
        mcids = _mcids(page)
        assert sorted(mcids) == list(range(len(marks))), n  # unique, each one mapped
        for mcid in mcids:
            assert marks[mcid].Pg.objgen == page.obj.objgen, (n, mcid)
    pages = _page_index(pdf)
    assert all(e.Pg.objgen in pages for e in _elements(pdf) if "/Pg" in e)


def test_every_marked_content_maps_to_an_element_of_its_page(result: pikepdf.Pdf) -> None:
    _assert_marks_mapped(result)


def test_a_reader_finds_the_text_in_tagged_order(booklet: Path) -> None:
    """Poppler's structure-tree reading: each page's elements, then the pair's words."""
    shown = subprocess.run(["pdfinfo", "-struct-text", str(booklet)], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    quoted = [line.strip().strip('"') for line in shown.splitlines() if line.strip()[:1] == '"']
    text = " ".join(quoted)
    assert text.startswith("Cover Welcome aboard See goal B Pairword1 Ada Lovelace Contents")
    assert "Alpha text  top Pairword3 Ada Lovelace Goal B" in text
    assert text.endswith("Notes B Beta more Pairword5 Ada Lovelace")


def test_a_part_used_twice_gets_its_own_pages_and_elements(
    parts: list[pikepdf.Pdf], tmp_path: Path
) -> None:
    goal = parts[1]
    target = _compose([goal, parts[2], goal], None, tmp_path / "twice.pdf")
    with pikepdf.open(target) as pdf:
        assert len({page.obj.objgen for page in pdf.pages}) == 4
        _assert_marks_mapped(pdf)
        _assert_annotations_agree(pdf)
        document = pdf.Root.StructTreeRoot.K[0]
        assert [_page_index(pdf)[kid.Pg.objgen] for kid in document.K].count(3) == 3
    assert "Goal A" in pdf_text_page(target, 4)
    again = _compose([goal, parts[2], goal], None, tmp_path / "again.pdf")
    assert again.read_bytes() == target.read_bytes()


def test_overlay_marks_follow_the_base_pages_marks(
    parts: list[pikepdf.Pdf], overlay: pikepdf.Pdf, result: pikepdf.Pdf
) -> None:
    sources = [(part, n) for part in parts for n in range(len(part.pages))]
    overlay_marks = _numbers(overlay.Root.StructTreeRoot.ParentTree)
    tree = _numbers(result.Root.StructTreeRoot.ParentTree)
    for n, (part, index) in enumerate(sources):
        base = _numbers(part.Root.StructTreeRoot.ParentTree)[index]
        assert len(overlay_marks[n]) > 0 and len(tree[n]) == len(base) + len(overlay_marks[n])


def test_document_holds_every_element_page_by_page(result: pikepdf.Pdf) -> None:
    root = result.Root.StructTreeRoot
    (document,) = root.K
    assert document.S == "/Document" and document.P.objgen == root.objgen
    pages = _page_index(result)
    order = [pages[kid.Pg.objgen] for kid in document.K]
    assert order == sorted(order) and set(order) == set(range(5))
    for kid in document.K:
        assert kid.P.objgen == document.objgen
    last = {page: kid for page, kid in zip(order, document.K, strict=True)}
    # The overlay's element (the only /Div) closes each page's elements.
    assert [str(last[n].S) for n in range(5)] == ["/Div"] * 5
    assert sum(str(kid.S) == "/Div" for kid in document.K) == 5
    assert all(pages[e.Pg.objgen] in range(5) for e in _elements(result) if "/Pg" in e)


def _assert_annotations_agree(pdf: pikepdf.Pdf) -> None:
    """Annotations keyed after the pages; each /OBJR on its annotation's page, its parent
    element the one ParentTree gives for the annotation's /StructParent."""
    tree = _numbers(pdf.Root.StructTreeRoot.ParentTree)
    assert int(pdf.Root.StructTreeRoot.ParentTreeNextKey) == max(tree) + 1
    links = _links(pdf)
    keys = sorted(int(link.StructParent) for _n, link in links)
    assert keys == list(range(len(pdf.pages), len(pdf.pages) + len(links)))
    objr = [e for e in _elements(pdf) if e.get("/Type") == "/OBJR"]
    assert len(objr) == len(links)
    annotation_page = {link.objgen: n for n, link in links}
    for reference in objr:
        assert annotation_page[reference.Obj.objgen] == _page_index(pdf)[reference.Pg.objgen]
        owner = tree[int(reference.Obj.StructParent)]
        assert any(
            k.objgen == reference.objgen for k in owner.K if isinstance(k, pikepdf.Dictionary)
        )


def test_annotations_and_their_struct_parents_agree(result: pikepdf.Pdf) -> None:
    assert len(_links(result)) == 2
    _assert_annotations_agree(result)


def test_form_fields_of_every_part_are_fillable(tmp_path: Path) -> None:
    def form(name: str) -> pikepdf.Pdf:
        html = f'<html lang="en"><body><p>{name}: <input name="{name}"></p></body></html>'
        data = weasyprint.HTML(string=html).write_pdf(pdf_tags=True, pdf_forms=True)
        return pikepdf.open(io.BytesIO(data))

    target = _compose([form("mentor"), form("mentee")], None, tmp_path / "forms.pdf")
    with pikepdf.open(target) as pdf:
        fields = {str(field.T): field for field in pdf.Root.AcroForm.Fields}
        assert list(fields) == ["mentor", "mentee"]
        for n, name in enumerate(fields):
            assert [str(a.T) for a in pdf.pages[n].Annots] == [name]
        _assert_annotations_agree(pdf)


# --- file-level -------------------------------------------------------------------------------


def test_the_file_passes_qpdf_check(booklet: Path, result: pikepdf.Pdf) -> None:
    assert result.check_pdf_syntax() == []
    check = subprocess.run(["qpdf", "--check", str(booklet)], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout
    written = [o for o in result.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type")]
    assert sum(o.Type == "/Page" for o in written) == 5  # no overlay page left behind
    assert sum(o.Type == "/StructTreeRoot" for o in written) == 1
    assert all(
        "/FlateDecode" in str(stream.get("/Filter"))
        for page in result.pages for stream in page.Contents
    )  # fmt: skip


def test_same_inputs_give_the_same_bytes_wherever_written(
    parts: list[pikepdf.Pdf], overlay: pikepdf.Pdf, booklet: Path, tmp_path: Path
) -> None:
    again = _compose(parts, overlay, tmp_path / "elsewhere" / "other-name.pdf")
    assert booklet.parent != again.parent
    assert again.read_bytes() == booklet.read_bytes()


def test_parts_and_overlay_are_left_as_they_were(
    parts: list[pikepdf.Pdf], overlay: pikepdf.Pdf, tmp_path: Path
) -> None:
    def saved(pdf: pikepdf.Pdf) -> bytes:
        buffer = io.BytesIO()
        pdf.save(buffer, static_id=True)
        return buffer.getvalue()

    before = [saved(pdf) for pdf in (*parts, overlay)]
    _compose([*parts, parts[1]], None, tmp_path / "twice.pdf")  # a twin made of a part
    _compose(parts, overlay, tmp_path / "one.pdf")
    _compose(parts, overlay, tmp_path / "two.pdf")
    assert [saved(pdf) for pdf in (*parts, overlay)] == before
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()
