"""A filled fillable sheet shows its values in poppler, MuPDF, Ghostscript and PDFium: drawn by
the form filler, and (where the viewer does so by design) drawn by the viewer itself."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, NameObject

from generator.outputs import worksheet_files
from generator.pdf.render import Renderer, job_for, run_jobs
from generator.validate.check import check_repository
from tests.fixtures import make_repo, pdf_text

TYPED = "Zoë Quartz 42"
VALUES = {
    "participant.code": TYPED,
    "participant.role": "/mentor",  # a radio group
    "evaluation.rating.useful": "/on",  # a checkbox
}
DPI = 216  # a ticked 8 pt box is some 24 px wide: room for a clear pixel count
Raster = Callable[[Path], Image.Image]
GS_BATCH = ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dPrinted=false"]  # draw as on screen


def _png(args: list[str]) -> Image.Image:
    png = subprocess.run(args, capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def poppler(pdf: Path, *options: str) -> Image.Image:
    return _png(["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", *options, "-png", str(pdf)])


def mupdf(pdf: Path) -> Image.Image:
    return _png(["mutool", "draw", "-q", "-r", str(DPI), "-F", "png", "-o", "-", str(pdf), "1"])


def ghostscript(pdf: Path, *options: str) -> Image.Image:
    device = ["-sDEVICE=pnggray", f"-r{DPI}", "-dFirstPage=1", "-dLastPage=1", *options]
    return _png(["gs", *GS_BATCH, *device, "-sOutputFile=-", str(pdf)])


def pdfium(pdf: Path) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    document.init_forms()  # without a form environment PDFium draws no widget at all
    image: Image.Image = document[0].render(scale=DPI / 72, may_draw_forms=True).to_pil()
    document.close()
    return image.convert("L")


VIEWERS: dict[str, Raster] = {
    "poppler": poppler,
    "mupdf": mupdf,
    "ghostscript": ghostscript,
    "pdfium": pdfium,
}


def text_of(viewer: str, pdf: Path, tmp: Path) -> str | None:
    """The page text as the viewer draws it, annotations included (None: no text output)."""
    if viewer == "poppler":  # poppler draws the form's appearances into a plain PDF
        subprocess.run(["pdftocairo", "-pdf", str(pdf), str(tmp / "flat.pdf")], check=True)
        return pdf_text(tmp / "flat.pdf")
    if viewer == "mupdf":
        args = ["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(pdf), "1"]
    elif viewer == "ghostscript":
        args = ["gs", *GS_BATCH, "-sDEVICE=txtwrite", "-sOutputFile=-", str(pdf)]
    else:
        return None
    return subprocess.run(args, capture_output=True, check=True).stdout.decode()


def fill(source: Path, target: Path, mode: str) -> None:
    """Fill as a form filler does. Modes: "filler" draws every filled field; "viewer" leaves them
    without /AP and sets NeedAppearances; "states" leaves only text to the viewer and keeps the
    buttons' on/off appearances (what most fillers do, e.g. pypdf by default)."""
    writer = PdfWriter(clone_from=PdfReader(source))
    for page in writer.pages:
        writer.update_page_form_field_values(page, VALUES, auto_regenerate=False)
        for widget in (ref.get_object() for ref in page["/Annots"]):
            field = widget["/Parent"].get_object() if "/Parent" in widget else widget
            undrawn = mode == "viewer" or (mode == "states" and field["/FT"] == "/Tx")
            if undrawn and field["/T"] in VALUES:
                del widget["/AP"]
    if mode != "filler":
        form = writer._root_object["/AcroForm"]
        form[NameObject("/NeedAppearances")] = BooleanObject(True)
    writer.write(target)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The minimal catalog's fillable evaluation (a text field, a radio group, a checkbox)."""
    out = tmp_path_factory.mktemp("viewers")
    catalog = check_repository(make_repo("minimal", out / "repo")).catalog
    assert catalog is not None
    files = [f for f in worksheet_files(catalog, ("a4",)) if f.key == "evaluation"]
    jobs = [job_for(catalog, f) for f in files]
    (blank,), _ = run_jobs(Renderer(catalog, fillable=True), jobs, out / "pdf", None, None)
    sheets = {"blank": blank}
    for mode in MODES:
        fill(blank, out / f"{mode}.pdf", mode)
        sheets[mode] = out / f"{mode}.pdf"
    return sheets


def rects(pdf: Path) -> dict[str, tuple[float, ...]]:
    """Each filled field's widget rectangle on page 1 (a radio group: the chosen button)."""
    out: dict[str, tuple[float, ...]] = {}
    for widget in (ref.get_object() for ref in PdfReader(pdf).pages[0]["/Annots"]):
        field = widget["/Parent"].get_object() if "/Parent" in widget else widget
        name = str(field["/T"])
        chosen = widget.get("/AS") in (None, VALUES.get(name))
        if name in VALUES and chosen:
            out[name] = tuple(float(v) for v in widget["/Rect"])
    assert set(out) == set(VALUES)
    return out


def region(image: Image.Image, rect: tuple[float, ...], inset: float) -> Image.Image:
    """The part of a page image under a widget rectangle, shrunk by inset points."""
    x1, x2 = sorted(v * DPI / 72 for v in rect[0::2])
    y1, y2 = sorted(image.height - v * DPI / 72 for v in rect[1::2])
    pad = inset * DPI / 72
    return image.crop((round(x1 + pad), round(y1 + pad), round(x2 - pad), round(y2 - pad)))


def ink(image: Image.Image, rect: tuple[float, ...]) -> int:
    """Dark pixels inside a widget rectangle, 1 pt in from its edge (the box's own border)."""
    return sum(region(image, rect, 1).histogram()[:128])


def drawn(viewer: str, sheets: dict[str, Path], mode: str) -> dict[str, bool]:
    """Which filled fields the viewer draws: typed text of some 200 px more ink than the blank
    sheet; a tick or dot covering a seventh of its box (a speck of a mark does not count)."""
    blank, filled = VIEWERS[viewer](sheets["blank"]), VIEWERS[viewer](sheets[mode])
    shown = {}
    for name, rect in rects(sheets["filler"]).items():
        width, height = region(blank, rect, 1).size
        enough = 200 if name == "participant.code" else width * height / 7
        shown[name] = ink(filled, rect) - ink(blank, rect) >= enough
    return shown


MODES = ("filler", "viewer", "states")
ALL = dict.fromkeys(VALUES, True)
TEXT_ONLY = {"participant.code": True, "participant.role": False, "evaluation.rating.useful": False}
NO_RADIO = {"participant.code": True, "participant.role": False, "evaluation.rating.useful": True}
# What each viewer draws when appearances are left to it (README, "Worksheet fields"): all four
# build typed text from /DA (Helvetica, so every glyph exists); only MuPDF builds radio dots;
# Ghostscript ("not implemented") and PDFium build no button. Under NeedAppearances poppler
# redraws buttons itself, even those with appearances, and draws ticks but no radio dots.
LEFT_TO_VIEWER = {
    "viewer": {"poppler": NO_RADIO, "mupdf": ALL, "ghostscript": TEXT_ONLY, "pdfium": TEXT_ONLY},
    "states": {"poppler": NO_RADIO, "mupdf": ALL, "ghostscript": ALL, "pdfium": ALL},
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_filler_appearances_show_in_every_viewer(
    viewer: str, sheets: dict[str, Path], tmp_path: Path
) -> None:
    assert drawn(viewer, sheets, "filler") == ALL
    text = text_of(viewer, sheets["filler"], tmp_path)
    assert text is None or TYPED in text


@pytest.mark.parametrize("mode", LEFT_TO_VIEWER)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_appearances_left_to_the_viewer(
    viewer: str, mode: str, sheets: dict[str, Path], tmp_path: Path
) -> None:
    assert drawn(viewer, sheets, mode) == LEFT_TO_VIEWER[mode][viewer]
    text = text_of(viewer, sheets[mode], tmp_path)
    assert text is None or TYPED in text


@pytest.mark.parametrize("viewer", ["ghostscript", "poppler"])
def test_unticked_buttons_draw_nothing_extra(viewer: str, sheets: dict[str, Path]) -> None:
    """An off button shows exactly the printed box: no second box on top (Ghostscript did)."""
    hidden: dict[str, Raster] = {
        "ghostscript": lambda pdf: ghostscript(pdf, "-dShowAnnots=false"),
        "poppler": lambda pdf: poppler(pdf, "-hide-annotations"),
    }
    shown, bare = VIEWERS[viewer](sheets["blank"]), hidden[viewer](sheets["blank"])
    for name, rect in rects(sheets["filler"]).items():
        if name != "participant.code":
            outside = region(shown, rect, -1).tobytes()
            assert outside == region(bare, rect, -1).tobytes(), name
