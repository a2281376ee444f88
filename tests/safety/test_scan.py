"""The post-build safety scan: silent on a real build, and names every planted hostile file.

One real build of the default catalog (site and PDFs) per module; each test plants one hostile
file or edit into a copy of it and checks the finding names that file (and line, for text).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

from generator.safety.scan import Finding, Verdict, scan_output
from tests.conftest import REPO

THEME_DIRS = (REPO / "overrides",)


@pytest.fixture(scope="module")
def built(full_build: Path) -> Path:
    return full_build / "site"


@pytest.fixture(scope="module")
def remembered(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The verdicts of a full scan of the clean build. Each test scans its changed copy with
    them, as an unchanged rebuild does: every planted file must be found all the same."""
    memory = tmp_path_factory.mktemp("memory") / "scan.json"
    assert scan_output(built, theme_dirs=THEME_DIRS, memory=memory) == []
    return memory


@pytest.fixture()
def site(built: Path, remembered: Path, tmp_path: Path) -> Path:
    shutil.copyfile(remembered, tmp_path / "scan.json")
    return Path(shutil.copytree(built, tmp_path / "site"))


def scan(site: Path, **options: frozenset[str]) -> list[Finding]:
    """The scan a rebuild runs: with the verdicts remembered from the clean build."""
    return scan_output(site, theme_dirs=THEME_DIRS, memory=site.parent / "scan.json", **options)


def goal_page(site: Path) -> Path:
    return sorted(site.glob("goals/*/*/index.html"))[0]


def plant_line(page: Path, snippet: str) -> tuple[str, int]:
    """Put `snippet` on a line of its own before </body>; returns (relative path, line)."""
    text = page.read_text(encoding="utf-8")
    head, tail = text.rsplit("</body>", 1)
    page.write_text(f"{head}\n{snippet}\n</body>{tail}", encoding="utf-8")
    site = next(p for p in page.parents if p.name == "site")
    return page.relative_to(site).as_posix(), head.count("\n") + 2


def test_clean_build_has_no_findings(built: Path) -> None:
    assert len(list(built.rglob("*.pdf"))) >= 40  # the PDFs really are part of the scan
    assert scan_output(built, theme_dirs=THEME_DIRS) == []  # in full, nothing remembered


def test_theme_overrides_are_needed_for_their_inline_script(built: Path) -> None:
    # Without overrides/ the project's own scripts are unknown: the allow-list is real. They
    # are its inline script and its goal-list filter (the file and every page loading it).
    findings = scan_output(built)
    assert findings and all(
        "inline script" in f.what or "hb-filter.js" in f.file + f.what for f in findings
    )
    assert any(f.file == "assets/javascripts/hb-filter.js" for f in findings)


HOSTILE_HTML = [
    ("inline script", "<script>alert(1)</script>", "inline script"),
    ("theme script with code", '<script src="{bundle}">alert(1)</script>', "inline code"),
    ("script from elsewhere", '<script src="https://evil.example/a.js"></script>', "outside"),
    ("script from a site file", '<script src="../../../catalog.json"></script>', "not a theme"),
    ("event handler", '<p onclick="alert(1)">hi</p>', "event handler"),
    ("svg handler", '<svg><circle onload="alert(1)"/></svg>', "event handler"),
    (
        "javascript href, entities",
        '<a href=" &#x6A;ava&#x09;script&colon;alert(1)">x</a>',
        "javascript",
    ),
    ("javascript href, case", "<a href='JaVaScRiPt:alert(1)'>x</a>", "javascript"),
    ("vbscript form action", '<form action="vbscript:msgbox(1)"></form>', "vbscript"),
    ("data src", '<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">', "data: URL"),
    ("data href", '<a href="data:text/html,<script>alert(1)</script>">x</a>', "data: URL"),
    ("external image", '<img src="https://evil.example/x.png" alt="">', "another host"),
    ("protocol-relative image", '<img src="/\\evil.example/x.png" alt="">', "another host"),
    (
        "external srcset",
        '<img src="a.png" srcset="a.png 1x, https://evil.example/b.png 2x">',
        "another host",
    ),
    (
        "external stylesheet",
        '<link rel="stylesheet" href="https://evil.example/a.css">',
        "another host",
    ),
    ("external icon", '<link rel="icon" href="//evil.example/i.png">', "another host"),
    (
        "style attribute url",
        '<p style="background:url(https://evil.example/x.png)">x</p>',
        "another host",
    ),
    (
        "style element import",
        '<style>@import "https://evil.example/a.css";</style>',
        "another host",
    ),
    ("iframe", '<iframe src="page.html"></iframe>', "embeds"),
    ("object", '<object data="x.swf"></object>', "embeds"),
    ("base", '<base href="https://evil.example/">', "embeds"),
    ("srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "srcdoc"),
    (
        "meta refresh",
        '<meta http-equiv="Refresh" content="0;url=https://evil.example/">',
        "refresh",
    ),
    ("comment trick", "<!--> <script>alert(1)</script> -->", "comment"),
    ("cdata trick", "<![CDATA[><img src=x onerror=alert(1)>]]>", "comment or declaration"),
    (
        "end tag trick",
        '<script src="x.js"></script/x><img src=x onerror=alert(1)></script>',
        "script",
    ),
    (
        "markup in title",
        '<title><a title="</title><img src=x onerror=alert(1)>"></title>',
        "raw-text",
    ),
    (
        "svg animation",
        '<svg><a><set attributeName="href" to="javascript:alert(1)"/></a></svg>',
        "animation",
    ),
]


@pytest.mark.parametrize(
    ("snippet", "expected"), [h[1:] for h in HOSTILE_HTML], ids=[h[0] for h in HOSTILE_HTML]
)
def test_hostile_html_is_found(site: Path, snippet: str, expected: str) -> None:
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js")).name
    snippet = snippet.replace("{bundle}", f"../../../assets/javascripts/{bundle}")
    rel, line = plant_line(goal_page(site), snippet)
    findings = scan(site)
    assert findings, snippet
    assert {f.file for f in findings} == {rel}
    assert any(f.line == line and expected in f.what for f in findings), findings


def test_links_to_other_hosts_and_allowed_hosts_pass(site: Path) -> None:
    plant_line(goal_page(site), '<a href="https://example.org/read">more</a>')
    plant_line(goal_page(site), '<img src="https://cdn.example.org/x.png" alt="">')
    assert [f.what for f in scan(site)] == [
        "resource from another host: 'https://cdn.example.org/x.png'"
    ]
    assert scan(site, allowed_hosts=frozenset({"cdn.example.org"})) == []


def test_css_file_with_external_url(site: Path) -> None:
    css = site / "assets" / "handbook.css"
    lines = css.read_text(encoding="utf-8").count("\n")
    with css.open("a", encoding="utf-8") as out:
        out.write('\n.x { background: u\\72l( "https://evil.example/x.png" ) }\n')
    assert [(f.file, f.line) for f in scan(site)] == [("assets/handbook.css", lines + 2)]


def test_svg_with_script(site: Path) -> None:
    logo = site / "assets" / "logo.svg"
    logo.write_text(
        logo.read_text(encoding="utf-8").replace("</svg>", "<script>alert(1)</script></svg>")
    )
    findings = scan(site)
    assert [f.file for f in findings] == ["assets/logo.svg"]
    assert "script" in findings[0].what


def test_script_file_not_from_the_theme(site: Path) -> None:
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js"))
    bundle.write_bytes(bundle.read_bytes() + b";alert(1)")
    files = {f.file for f in scan(site)}
    assert bundle.relative_to(site).as_posix() in files
    assert "index.html" in files  # every page loading it is refused too


def test_unsafe_file_names(site: Path) -> None:
    (site / "shell.php").write_text("<?php system($_GET['c']); ?>")
    (site / "notes.txt").write_text("<html><script>alert(1)</script></html>")  # sniffed as HTML
    findings = scan(site)
    assert {f.file for f in findings} == {"shell.php", "notes.txt"}


def rewrite_pdf(site: Path, change: object) -> tuple[str, bytes]:
    """Apply `change(writer)` to a built worksheet; returns its relative path and new bytes."""
    pdf = sorted(site.glob("worksheets/*/*.pdf"))[0]
    writer = PdfWriter(clone_from=pdf)
    change(writer)  # type: ignore[operator]
    out = io.BytesIO()
    writer.write(out)
    pdf.write_bytes(out.getvalue())
    return pdf.relative_to(site).as_posix(), out.getvalue()


def pdf_findings(site: Path, rel: str) -> list[str]:
    findings = scan(site)
    assert {f.file for f in findings} == {rel}
    return [f"{f.where}: {f.what}" for f in findings]


def test_pdf_with_javascript_on_opening(site: Path) -> None:
    def change(writer: PdfWriter) -> None:
        writer.add_open_action(JavaScript("app.alert(1)"))
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert(2)"),
            }
        )

    rel, _ = rewrite_pdf(site, change)
    found = pdf_findings(site, rel)
    assert any(w.startswith("/Root/Names/JavaScript") and "JavaScript" in w for w in found)
    assert any(w.startswith("/Root (object") and "opening" in w for w in found)


def test_pdf_names_with_escapes_are_still_found(site: Path) -> None:
    rel, data = rewrite_pdf(site, lambda w: w.add_open_action(JavaScript("app.alert(1)")))
    hidden = data.replace(b"/JavaScript", b"/Java#53cript").replace(b"/JS ", b"/J#53 ")
    assert b"/JavaScript" not in hidden
    (site / rel).write_bytes(hidden)
    assert any("JavaScript" in w for w in pdf_findings(site, rel))


def test_pdf_with_embedded_file(site: Path) -> None:
    rel, _ = rewrite_pdf(site, lambda w: w.add_attachment("payload.exe", b"MZ"))
    assert any("embedded file" in w for w in pdf_findings(site, rel))


def test_pdf_with_launch_action(site: Path) -> None:
    def change(writer: PdfWriter) -> None:
        action = DictionaryObject(
            {
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("calc.exe"),
            }
        )
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (0, 0, 50, 50)]),
                NameObject("/A"): action,
            }
        )
        writer.add_annotation(0, link)

    rel, _ = rewrite_pdf(site, change)
    assert any("/Annots" in w and "Launch" in w for w in pdf_findings(site, rel))


def test_pdf_uri_schemes(site: Path) -> None:
    def change(writer: PdfWriter) -> None:
        for n, uri in enumerate(("https://example.org/", "file:///etc/passwd")):
            action = DictionaryObject(
                {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject(uri)}
            )
            writer.add_annotation(0, DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(v + n) for v in (0, 0, 50, 50)]),
                NameObject("/A"): action,
            }))  # fmt: skip

    rel, _ = rewrite_pdf(site, change)
    assert [w.split(": ", 1)[1] for w in pdf_findings(site, rel)] == [
        "link to a file URI: 'file:///etc/passwd'"
    ]


def test_clean_pdfs_are_reported_and_a_changed_copy_is_scanned_again(site: Path) -> None:
    clean: dict[str, Verdict] = {}
    assert scan_output(site, theme_dirs=THEME_DIRS, clean_pdfs=clean) == []
    pdfs = {p.relative_to(site).as_posix() for p in site.rglob("*.pdf")}
    assert pdfs and set(clean) == pdfs  # every PDF of a clean build passed
    rel, _ = rewrite_pdf(site, lambda w: w.add_open_action(JavaScript("app.alert(1)")))
    again: dict[str, Verdict] = {}
    found = scan_output(site, theme_dirs=THEME_DIRS, passed=clean, clean_pdfs=again)
    assert {f.file for f in found} == {rel}  # its bytes changed: not skipped
    assert again == {p: v for p, v in clean.items() if p != rel}  # the changed one failed
