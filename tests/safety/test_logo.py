"""The logo is judged by content: hostile SVGs, polyglots and huge images are never published."""

from __future__ import annotations

import io
import random
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from defusedxml.ElementTree import fromstring
from PIL import Image
from pypdf import PdfReader

from generator.cli import main
from generator.pdf.render import render_worksheets
from generator.safety import logo as logo_module
from generator.safety.logo import LogoError, load_logo, normalize_logo
from generator.safety.svg import ATTRIBUTES, ELEMENTS, SVG_NS, XML_NS
from generator.validate.check import check_repository
from tests.conftest import REPO
from tests.fixtures import make_repo, pdf_text
from tests.website.sitetools import build

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
OPEN = SVG + ' viewBox="0 0 10 10">'

# Each hostile SVG and the words of the message that refuses it (None: accepted, made inert).
HOSTILE: dict[str, tuple[str, str | None]] = {
    "xslt-processing-instruction": (
        '<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="data:text/xsl,x"?>'
        + OPEN
        + "<rect/></svg>",
        "processing instructions (<?xml-stylesheet",
    ),
    "doctype-entity": (
        '<!DOCTYPE svg [<!ENTITY x "&lt;script&gt;alert(1)&lt;/script&gt;">]>'
        + OPEN
        + "<text>&x;</text></svg>",
        "<!DOCTYPE>",
    ),
    "external-entity": (
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + OPEN
        + "<text>&x;</text></svg>",
        "<!DOCTYPE>",
    ),
    "script": (OPEN + "<script>alert(1)</script></svg>", "<script>"),
    "xhtml-script": (
        OPEN + '<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>',
        "<script>",
    ),
    "foreign-object": (
        OPEN + '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:1"/>'
        "</foreignObject></svg>",
        "<foreignObject>",
    ),
    "onload": (SVG + ' onload="alert(1)"><rect/></svg>', "event handlers (onload="),
    "onclick-upper-case": (OPEN + '<rect ONCLICK="alert(1)"/></svg>', "event handlers"),
    "anchor-javascript": (
        OPEN + '<a href="javascript:alert(1)"><rect width="5" height="5"/></a></svg>',
        "<a>",
    ),
    "xlink-href-javascript": (
        OPEN + '<linearGradient id="g" xlink:href="javascript:alert(1)"/></svg>',
        "links (href=",
    ),
    "use-external": (OPEN + '<use href="https://evil.example/x.svg#a"/></svg>', "<use>"),
    "image-external": (OPEN + '<image href="https://evil.example/track.png"/></svg>', "<image>"),
    "style-element-import": (
        OPEN + "<style>@import url(https://evil.example/x.css); rect{fill:red}</style></svg>",
        "<style>",
    ),
    "style-attribute-css-escape": (
        OPEN + '<rect style="fill: \\75 rl(https://evil.example/a)"/></svg>',
        "CSS escapes",
    ),
    "style-attribute-url": (
        OPEN + '<rect style="fill:red; background-image: url(https://evil.example/a)"/></svg>',
        "url(#id)",
    ),
    "style-attribute-comment-split": (
        OPEN + '<rect style="fill: u/**/rl(https://evil.example/a)"/></svg>',
        "CSS escapes, comments",
    ),
    "style-attribute-expression": (
        OPEN + '<rect style="width: expression(alert(1))"/></svg>',
        "expression()",
    ),
    "animate-sets-href": (
        OPEN + '<a><animate attributeName="href" to="javascript:alert(1)"/></a></svg>',
        "<a>",
    ),
    "animate-alone": (
        OPEN + '<rect><animate attributeName="fill" to="url(https://e.example/x)"/></rect></svg>',
        "<animate>",
    ),
    "set-handler": (OPEN + '<set attributeName="onmouseover" to="alert(1)"/></svg>', "<set>"),
    "data-url-fill": (
        OPEN + '<rect fill="url(data:image/svg+xml;base64,PHN2Zz4=)"/></svg>',
        "url(#id)",
    ),
    "upper-case-url": (OPEN + '<rect fill="URL(//evil.example/p.svg#p)"/></svg>', "url(#id)"),
    "external-mask": (OPEN + '<g mask="url(https://evil.example/m.svg#m)"/></svg>', "url(#id)"),
    "javascript-paint": (OPEN + '<rect fill="javascript:alert(1)"/></svg>', "alert()"),
    "xml-base": (SVG + ' xml:base="https://evil.example/"><rect/></svg>', "xml:base"),
    "fe-image": (
        OPEN + '<filter id="f"><feImage href="https://evil.example/x.png"/></filter></svg>',
        "<feImage>",
    ),
    "foreign-namespace-href": (
        OPEN.replace("<svg ", '<svg xmlns:x="urn:x" ') + '<rect x:href="javascript:1"/></svg>',
        "links (href=",
    ),
    "html-root": ('<html><body onload="alert(1)"><svg/></body></html>', "root element is <html>"),
    # Accepted: nothing active survives the rebuild.
    "comment-hiding-markup": (
        OPEN + '<!-- --><!--<script>alert(1)</script>--><rect width="5" height="5"/></svg>',
        None,
    ),
    "cdata-markup-as-text": (
        OPEN + "<text><![CDATA[<script>alert(1)</script>]]></text></svg>",
        None,
    ),
    "editor-namespace-carrying-markup": (
        OPEN.replace("<svg ", '<svg xmlns:x="urn:x" ')
        + '<x:thing onload="alert(1)"><script>alert(1)</script></x:thing>'
        + '<rect x:note="&lt;script&gt;" width="5" height="5"/></svg>',
        None,
    ),
}


def assert_inert(data: bytes) -> None:
    """The rebuilt SVG: SVG namespace only, allowed names only, nothing that runs or loads."""
    text = data.decode("utf-8")
    assert "<?" not in text and "<!" not in text  # no PI, DOCTYPE, comment or CDATA
    assert not re.search(r"<script|\son\w+\s*=|href|javascript:|data:|\\|@import", text, re.I)
    refs = [u.lower().replace("&quot;", "") for u in re.findall(r"url\([^)]*\)", text, re.I)]
    assert all(u.startswith("url(#") for u in refs), refs
    root = fromstring(data, forbid_dtd=True)
    for element in root.iter():
        assert element.tag.startswith("{" + SVG_NS + "}"), element.tag
        assert element.tag.split("}")[1] in ELEMENTS
        for name in element.attrib:
            assert name in ATTRIBUTES or name in {f"{{{XML_NS}}}space", f"{{{XML_NS}}}lang"}, name


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_svg_is_refused_or_made_inert(case: str) -> None:
    source, refusal = HOSTILE[case]
    if refusal is None:
        logo = normalize_logo(source.encode(), "content/assets/logo.svg")
        assert (logo.kind, logo.file_name) == ("svg", "logo.svg")
        assert_inert(logo.data)
        return
    with pytest.raises(LogoError) as info:
        normalize_logo(source.encode(), "content/assets/logo.svg")
    assert str(info.value).startswith("logo content/assets/logo.svg: "), info.value
    assert refusal in str(info.value)


def test_cdata_markup_stays_text() -> None:
    source = HOSTILE["cdata-markup-as-text"][0].encode()
    data = normalize_logo(source, "x.svg").data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;</text>" in data


def test_editor_export_keeps_its_drawing_and_loses_the_rest() -> None:
    """An Inkscape-style file: styles become attributes, url(#id) stays, editor data goes."""
    source = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!-- Created with Inkscape -->\n'
        '<svg xmlns="http://www.w3.org/2000/svg"'
        ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"'
        ' xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"'
        ' width="40" height="20"'
        ' version="1.1" inkscape:version="1.3" sodipodi:docname="logo.svg" data-name="Layer 1">'
        '<sodipodi:namedview id="nv" pagecolor="#ffffff"/><metadata><rdf:RDF'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>'
        '<defs><linearGradient id="g"><stop offset="0" style="stop-color:#1f5f7a;stop-opacity:1"/>'
        '<stop offset="1" stop-color="#b8621b"/></linearGradient></defs>'
        '<g inkscape:label="Layer 1" inkscape:groupmode="layer" transform="translate(1, 2)">'
        '<rect width="30" height="10" fill="red" style="fill:url(#g);stroke:#000 !important;'
        '-inkscape-font-specification:Lato"/>'
        '<text xml:space="preserve" x="2" y="18">A<tspan font-weight="bold">B</tspan>C</text>'
        "</g></svg>"
    )
    data = normalize_logo(source.encode(), "logo.svg").data
    assert_inert(data)
    text = data.decode()
    assert '<stop offset="0" stop-color="#1f5f7a" stop-opacity="1" />' in text
    assert '<rect width="30" height="10" fill="url(#g)" stroke="#000" />' in text
    assert (
        '<text xml:space="preserve" x="2" y="18">A<tspan font-weight="bold">B</tspan>C</text>'
        in (text)
    )
    assert "inkscape" not in text and "sodipodi" not in text and "metadata" not in text
    assert normalize_logo(data, "again.svg").data == data  # the rebuild is a fixed point


def test_default_logo_survives_normalization() -> None:
    source = (REPO / "content/assets/logo.svg").read_bytes()
    logo = normalize_logo(source, "content/assets/logo.svg")
    assert_inert(logo.data)

    def shape(data: bytes) -> list[tuple[str, dict[str, str], str]]:
        return [
            (e.tag.split("}")[-1], dict(e.attrib), (e.text or "").strip())
            for e in ET.fromstring(data).iter()
        ]

    assert shape(logo.data) == shape(source)  # every element, attribute and text kept


def _png(size: tuple[int, int], mode: str = "RGB", **save: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else 0).save(out, "PNG", **save)
    return out.getvalue()


def test_png_magic_then_html_is_refused() -> None:
    polyglot = b"\x89PNG\r\n\x1a\n<html><script>alert(document.cookie)</script></html>"
    with pytest.raises(LogoError, match=r"logo content/assets/logo.html: not a valid PNG image"):
        normalize_logo(polyglot, "content/assets/logo.html")


def test_real_png_with_html_appended_comes_out_as_a_clean_png() -> None:
    polyglot = _png((8, 8)) + b"<html><script>alert(document.cookie)</script></html>"
    logo = normalize_logo(polyglot, "content/assets/logo.html")
    assert (logo.kind, logo.file_name, logo.mime) == ("png", "logo.png", "image/png")
    assert b"<script" not in logo.data and b"html" not in logo.data
    assert Image.open(io.BytesIO(logo.data)).size == (8, 8)


def test_huge_png_is_refused_naming_size_and_limit() -> None:
    data = _png((20000, 20000), mode="1")  # a bomb: tiny on disk, 400 Mpx decoded
    assert len(data) < 100_000
    with pytest.raises(LogoError) as info:
        normalize_logo(data, "content/assets/logo.png")
    assert "20000x20000 pixels; the limit is 4096x4096" in str(info.value)


def test_metadata_is_stripped_and_output_is_deterministic() -> None:
    exif = Image.Exif()
    exif[0x013B] = "<script>alert(1)</script>"  # Artist
    exif[0x0112] = 6  # orientation: shown turned 90 degrees
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "blue").save(out, "JPEG", exif=exif, comment=b"secret comment")
    logo_module._normalize_cached.cache_clear()
    first = normalize_logo(out.getvalue(), "photo.png")
    logo_module._normalize_cached.cache_clear()
    second = normalize_logo(out.getvalue(), "photo.png")
    assert first.data == second.data
    assert (first.kind, first.file_name) == ("jpeg", "logo.jpg")
    assert b"script" not in first.data and b"secret" not in first.data and b"Exif" not in first.data
    image = Image.open(io.BytesIO(first.data))
    assert image.size == (20, 40)  # turned upright before the orientation tag was dropped
    assert not image.getexif()


def test_png_text_chunks_are_dropped_and_transparency_kept() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    palette = Image.new("P", (4, 4), 0)
    palette.info["transparency"] = 0
    out = io.BytesIO()
    palette.save(out, "PNG", pnginfo=info, transparency=0)
    data = out.getvalue()
    logo = normalize_logo(data, "logo.png")
    assert b"script" not in logo.data and b"tEXt" not in logo.data
    assert Image.open(io.BytesIO(logo.data)).convert("RGBA").getpixel((0, 0))[3] == 0


def test_webp_keeps_its_type() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (16, 16), (10, 20, 30, 128)).save(out, "WEBP", lossless=True)
    logo = normalize_logo(out.getvalue(), "logo.gif")
    assert (logo.kind, logo.file_name, logo.mime) == ("webp", "logo.webp", "image/webp")
    assert Image.open(io.BytesIO(logo.data)).format == "WEBP"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a\x01\x00\x01\x00", "not a PNG, JPEG, WebP or SVG image"),
        (b"%PDF-1.7\n", "not a PNG, JPEG, WebP or SVG image"),
        (_png((64, 64))[:60], "not a valid PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "not a valid JPEG image"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "not a valid WebP image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect></svg>", "not well-formed XML"),
        (b"<svg>" + b" " * (1024 * 1024), "larger than 1024 KB"),
    ],
    ids=["gif", "pdf", "truncated-png", "broken-jpeg", "broken-webp", "broken-svg", "too-big"],
)
def test_unusable_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(LogoError, match=re.escape(message)):
        normalize_logo(data, "logo")


def test_truncated_image_fails_even_after_weasyprint_loosened_pillow() -> None:
    import weasyprint  # noqa: F401  (its import lets Pillow pad truncated images)
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES
    out = io.BytesIO()
    Image.effect_noise((64, 64), 50).save(out, "JPEG")
    with pytest.raises(LogoError, match="not a valid JPEG image"):
        normalize_logo(out.getvalue()[:-200], "logo.jpg")
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # left as WeasyPrint wants it


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP", "SVG"])
def test_corrupted_files_are_refused_or_normalized_never_crash(kind: str) -> None:
    """Bytes changed at random: every outcome is a clean logo or a LogoError, nothing else."""
    if kind == "SVG":
        good = (REPO / "content/assets/logo.svg").read_bytes()
    else:
        out = io.BytesIO()
        Image.effect_noise((48, 32), 40).convert("RGB").save(out, kind)
        good = out.getvalue()
    rng = random.Random(kind)
    for _ in range(150):
        data = bytearray(good)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            logo = normalize_logo(bytes(data), "logo")
        except LogoError as exc:
            assert str(exc).startswith("logo logo: ")
        else:
            if logo.kind == "svg":
                assert_inert(logo.data)
            else:
                assert Image.open(io.BytesIO(logo.data)).size in ((48, 32), (32, 48))


def test_deep_nesting_is_refused() -> None:
    deep = OPEN + "<g>" * 200 + "</g>" * 200 + "</svg>"
    with pytest.raises(LogoError, match="more than 64 deep"):
        normalize_logo(deep.encode(), "logo.svg")


def _organization_line(root: Path) -> int:
    lines = (root / "content/organization.yml").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("logo:"))


def test_hostile_logo_fails_validate_at_the_logo_line(repo_copy: Path) -> None:
    site = build(repo_copy)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (repo_copy / "content/assets/logo.svg").write_text(HOSTILE["xslt-processing-instruction"][0])
    line = _organization_line(repo_copy)
    for command in (["validate"], ["build", "--no-pdf"]):
        result = CliRunner().invoke(main, [*command, "--root", str(repo_copy)])
        assert result.exit_code == 1, result.output
        expected = f"content/organization.yml:{line}:"
        hits = [x for x in result.output.splitlines() if x.startswith(expected)]
        assert any("processing instructions" in h for h in hits), result.output
        assert "Traceback" not in result.output
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before  # the failed build left the previous site alone


def test_default_logo_is_published_normalized(repo_copy: Path) -> None:
    site = build(repo_copy)
    published = site / "assets" / "logo.svg"
    expected = load_logo(repo_copy / "content/assets/logo.svg").data
    assert published.read_bytes() == expected
    assert published.read_bytes() != (repo_copy / "content/assets/logo.svg").read_bytes()
    assert 'src="assets/logo.svg"' in (site / "index.html").read_text()


def test_png_named_html_is_published_as_png(repo_copy: Path) -> None:
    """A valid PNG with HTML after it, named logo.html: published as logo.png, HTML gone."""
    content = repo_copy / "content"
    (content / "assets/logo.svg").unlink()
    polyglot = _png((32, 32)) + b"<html><script>alert(document.cookie)</script></html>"
    (content / "assets/logo.html").write_bytes(polyglot)
    organization = content / "organization.yml"
    organization.write_text(
        organization.read_text().replace("logo: assets/logo.svg", "logo: assets/logo.html")
    )
    site = build(repo_copy)
    assert not [p for p in site.rglob("logo.*") if p.suffix != ".png"]
    published = (site / "assets/logo.png").read_bytes()
    assert published.startswith(b"\x89PNG") and b"<script" not in published
    assert 'src="assets/logo.png"' in (site / "index.html").read_text()


def _goal_pdf(repo: Path, out: Path) -> Path:
    """The validated catalog's goal 'alpha' worksheet, rendered for real."""
    outcome = check_repository(repo)
    assert outcome.catalog is not None, outcome.problems
    [pdf] = render_worksheets(outcome.catalog, out, papers=("a4",), goal_ids=("alpha",))
    return pdf


def test_pdf_prints_the_normalized_logo(tmp_path: Path) -> None:
    """A PNG saved as logo.svg: the PDF gets the checked PNG, typed by content, and shows it."""
    repo = make_repo("minimal", tmp_path / "repo")
    (repo / "content/assets/logo.svg").write_bytes(_png((30, 12)) + b"<html>trailer</html>")
    pdf = _goal_pdf(repo, tmp_path / "out")
    resources = PdfReader(pdf).pages[0]["/Resources"]
    images = [
        x.get_object()
        for x in resources.get("/XObject", {}).values()
        if x.get_object()["/Subtype"] == "/Image"
    ]
    assert [(i["/Width"], i["/Height"]) for i in images] == [(30, 12)]


def test_pdf_prints_what_was_checked_not_the_file(tmp_path: Path) -> None:
    """WeasyPrint draws SVG elements by local name in any namespace; the rebuilt logo has none."""
    repo = make_repo("minimal", tmp_path / "repo")
    (repo / "content/assets/logo.svg").write_text(
        SVG + ' xmlns:x="urn:x" viewBox="0 0 200 40" width="200" height="40">'
        '<x:text x="0" y="15" font-size="12">RAWONLY</x:text>'
        '<text x="0" y="35" font-size="12">CHECKED</text></svg>'
    )
    text = pdf_text(_goal_pdf(repo, tmp_path / "out"))
    assert "CHECKED" in text and "RAWONLY" not in text
