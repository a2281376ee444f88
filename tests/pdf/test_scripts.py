"""Any script in a worksheet: Japanese, Arabic and emoji titles print with a font that has their
glyphs (installed Noto fonts), subset, right-to-left where the text is; validate warns when no
installed font has the glyphs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from generator.pdf.direction import mark_right_to_left
from generator.pdf.render import render_worksheets
from generator.validate.check import check_repository
from tests.conftest import REPO
from tests.fixtures import make_repo, pdf_text

JAPANESE = "毎週ひとつのスキルを練習する"
ARABIC = "تعلم مهارة جديدة كل أسبوع"
EMOJI = "Practise one skill 🎯"
MAX_BYTES = 1024 * 1024
WORD_BOX = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)<'
HEADER_BOTTOM = 40  # pt: the running header (which repeats the title) ends above this


def _with_title(root: Path, title: str) -> Path:
    goal = root / "content/goals/mentee/alpha.yml"
    text = goal.read_text(encoding="utf-8")
    goal.write_text(text.replace("title: Practise one skill", f'title: "{title}"'), "utf-8")
    return root


def _render(root: Path, out: Path) -> Path:
    outcome = check_repository(root)
    assert outcome.catalog is not None, outcome.problems
    (pdf,) = render_worksheets(outcome.catalog, out, papers=("a4",), goal_ids=("alpha",))
    return pdf


def _fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def _drawn_characters(pdf: Path) -> dict[str, set[str]]:
    """Per embedded font, the characters its ToUnicode map gives for glyphs other than .notdef;
    and under "notdef" what any font maps glyph 0 to (WeasyPrint maps only glyphs it drew)."""
    found: dict[str, set[str]] = {"notdef": set()}
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            chars = found.setdefault(str(font["/BaseFont"]), set())
            for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                for gid, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                    char = bytes.fromhex(text).decode("utf-16-be")
                    (found["notdef"] if int(gid, 16) == 0 else chars).update(char)
    return found


@pytest.mark.parametrize(
    ("title", "font"),
    [(JAPANESE, "Noto-Sans-CJK-JP"), (ARABIC, "Noto-Sans-Arabic"), (EMOJI, "Noto-Color-Emoji")],
    ids=["japanese", "arabic", "emoji"],
)
def test_title_prints_with_a_font_that_has_its_glyphs(
    tmp_path: Path, title: str, font: str
) -> None:
    pdf = _render(_with_title(make_repo("minimal", tmp_path / "repo"), title), tmp_path / "out")
    fonts = _fonts(pdf)
    embedded = [line for line in fonts.splitlines() if font in line]
    assert embedded, fonts
    assert all(re.match(r"[A-Z]{6}\+", line) for line in embedded), fonts  # subset
    assert pdf.stat().st_size < MAX_BYTES
    # poppler wraps a right-to-left line in embedding marks (U+202B ... U+202C): drop them
    text = "".join(c for c in pdf_text(pdf) if unicodedata.category(c) != "Cf")
    drawn = _drawn_characters(pdf)
    assert set(title.split()) <= set(text.split()), text[:300]
    assert not drawn.pop("notdef")
    by_noto = set().union(*(chars for name, chars in drawn.items() if "Noto" in name))
    assert {c for c in title if not c.isascii()} <= by_noto
    # the emoji font draws the emoji only: Lato keeps the digits of the page numbers
    assert not (set("0123456789") & by_noto)


def test_arabic_title_is_set_right_to_left(tmp_path: Path) -> None:
    """Aligned to the right margin; a Japanese title stays at the left one."""
    edges = {}
    for name, title in (("ar", ARABIC), ("ja", JAPANESE)):
        repo = _with_title(make_repo("minimal", tmp_path / name), title)
        pdf = _render(repo, tmp_path / f"out-{name}")
        bbox = subprocess.run(
            ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        words = set(title.split())
        boxes = [  # the title's words below the running header; poppler lists Arabic reversed
            (float(x0), float(x1))
            for x0, y0, x1, word in re.findall(WORD_BOX, bbox)
            if float(y0) > HEADER_BOTTOM and (word in words or word[::-1] in words)
        ]
        assert boxes, bbox[:500]
        edges[name] = (min(x0 for x0, _ in boxes), max(x1 for _, x1 in boxes))
    width = 595.3  # A4, with 15 mm (42.5 pt) side margins
    assert edges["ar"][1] == pytest.approx(width - 42.5, abs=2), edges
    assert edges["ja"][0] == pytest.approx(42.5, abs=2), edges
    assert edges["ar"][0] > width / 2 - 100  # the short title does not start at the left


def test_dir_auto_follows_the_first_strong_character() -> None:
    html = ElementTree.fromstring(
        "<body><h1>שלום world</h1><p>Hello <b>سلام</b></p><td><b dir='ltr'>x</b> مرحبا</td>"
        "<div>مرحبا<p>text</p></div><p dir='ltr'>سلام</p><li>123 عربي</li></body>"
    )
    assert mark_right_to_left(html) == 3
    assert [e.get("dir") for e in html.iter() if e.tag in ("h1", "p", "td", "li")] == [
        "rtl", None, "rtl", None, "ltr", "rtl",
    ]  # fmt: skip
    assert html.find("div").get("dir") is None  # a container keeps its layout


def _validate(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "validate", "--root", str(root)],
        capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO), **env},
    )  # fmt: skip


def test_validate_warns_at_the_field_when_no_font_has_the_glyphs(repo_copy: Path) -> None:
    """With fontconfig offering no fonts, a Japanese title in the German translation and an
    Arabic organization name are warned about at their file:line and field; with the Noto
    fonts installed (the set-up), nothing is."""
    org = repo_copy / "content/organization.yml"
    text = org.read_text(encoding="utf-8").replace("language: en", "language: de")
    org.write_text(text.replace("name: Harbor & Pine Credit Union", f'name: "{ARABIC}"'), "utf-8")
    translation = repo_copy / "content/translations/de/goals/mentee/find-a-sponsor.yml"
    text = translation.read_text(encoding="utf-8")
    translation.write_text(text.replace("title: Eine Fürsprecherin", f"title: {JAPANESE} Eine"))
    empty = repo_copy.parent / "no-fonts"
    empty.mkdir()
    config = empty / "fonts.conf"
    config.write_text(
        f"<?xml version='1.0'?><fontconfig><dir>{empty}</dir>"
        f"<cachedir>{empty / 'cache'}</cachedir></fontconfig>"
    )
    result = _validate(repo_copy, {"FONTCONFIG_FILE": str(config)})
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stdout.splitlines() if "no installed font" in line]
    assert len(warnings) == 2, result.stdout
    assert warnings[0].startswith("content/organization.yml:4:7: $.name: warning:"), warnings
    assert "U+062A ARABIC LETTER TEH" in warnings[0]
    where = "content/translations/de/goals/mentee/find-a-sponsor.yml:2:8: $.title: warning:"
    assert warnings[1].startswith(where), warnings
    assert "HIRAGANA" in warnings[1] and "fonts-noto-cjk" in warnings[1]

    installed = _validate(repo_copy, {})
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "no installed font" not in installed.stdout
