"""No catalog string can become active content anywhere in the built site.

A corpus of payloads goes into every free-text field of every content file (goals, SMART guide,
measurement, worksheets, hand-written pages, organization.yml, the locale file) and into the URL
fields as far as their schema lets it; the built site is then scanned for anything a browser
would run. The corpus is split into packs small enough that every payload reaches every field
whole (fields are at most 200 characters); each pack is one build.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator.load.yaml_safe import load_yaml
from tests.fixtures import make_repo
from tests.website.sitetools import build, visible_text

PAYLOADS = [
    "<script>alert('x1')</script>",
    "<img src=x onerror=alert('x2')>",
    "[a](javascript:alert('x3'))",
    "[b](&#106;avascript:alert('x4'))",
    "[c](jav&#x61;script&#58;alert('x9'))",
    "<a href='&#x6a;avascript:alert(10)'>d</a>",
    "[e](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![f](data:image/svg+xml,<svg onload=alert(11)>)",
    "<https://x.example/?q=1>",
    "text { onclick=alert('x5') }",
    "## Heading {: onclick=alert(12) }",
    "<div markdown=1 onmouseover=alert('x6')>**x**</div>",
    "{{ 7*7 }} {% raw %}",
    "<svg onload=alert('x7')>",
    "<iframe src=javascript:alert('x8')>",
    "<style>body{display:none}</style>",
    "| a | b |\n|---|---|\n| <b onclick=alert(13)>c</b> | d |",
    "*[HTML]: <img src=x onerror=alert(14)>",
    # Breaking out of an attribute value that a theme prints unescaped.
    '"><script>alert(16)</script>',
    '" onfocus="alert(17)" autofocus x="',
    "' onmouseover='alert(18)' x='",
]
# Schema-valid URLs that still try to break out of an href attribute.
HOSTILE_URL = "https://x.example/\"onmouseover='alert(15)'<script>"
# Machine values: enums, ids, durations and other fields the schemas constrain to a pattern.
MACHINE_KEYS = {
    "id", "audience", "horizon", "due", "type", "unit", "direction", "period", "key", "letter",
    "kind", "worked_example", "tags", "related", "disabled_goals", "logo", "language", "paper",
    "primary", "accent", "start_date", "duration", "cadence", "email", "singular", "plural",
    "width", "lines", "rows", "year", "meeting_minutes", "version", "order", "enabled",
}  # fmt: skip
URL_KEYS = {"url", "website"}
# organization.yml names are shown in the header unescaped by MkDocs themes; their schema
# forbids < > and ", so these fields get the payloads without those characters.
BRAND_KEYS = {"name", "short_name", "program_name"}
LIMIT = 190


def packs(payloads: list[str], size: int = 170) -> list[list[str]]:
    """Payloads in groups of at most `size` characters joined, so each group fits any field."""
    out: list[list[str]] = []
    for payload in payloads:
        if out and len(" ".join([*out[-1], payload])) <= size:
            out[-1].append(payload)
        else:
            out.append([payload])
    return out


PACKS = packs(PAYLOADS)


def poison(value: object, pack: str, *, key: str = "", brand: bool = False) -> object:
    """Every free-text string in a YAML document with the pack in front of its old value."""
    if isinstance(value, dict):
        return {k: poison(v, pack, key=k, brand=brand) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v, pack, key=key, brand=brand) for v in value]
    if not isinstance(value, str) or key in MACHINE_KEYS:
        return value
    if key in URL_KEYS:
        return HOSTILE_URL
    if key == "statement":  # braces are placeholder syntax there
        return (re.sub(r"[{}]", "", pack) + " " + value)[-LIMIT:]
    if brand and key in BRAND_KEYS:
        return re.sub(r"[<>\"\n]", " ", pack)[:110]
    return (pack + " " + value)[:LIMIT]


def poison_repository(root: Path, pack: str) -> None:
    content = root / "content"
    for path in sorted(content.glob("**/*.yml")):
        data = load_yaml(path.read_text()).data
        poisoned = poison(data, pack, brand=path.name == "organization.yml")
        path.write_text(yaml.safe_dump(poisoned, allow_unicode=True, sort_keys=False))
    for page in content.glob("pages/*.md"):
        page.write_text(f"# {pack}\n\n" + "\n\n".join(PAYLOADS) + "\n\n" + page.read_text())


class ActiveContent(HTMLParser):
    """Collects every script, handler and script-capable URL in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("iframe", "object", "embed", "style", "base", "frame", "meta") and not (
            tag == "meta" and "http-equiv" not in dict(attrs)
        ):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("srcdoc", "formaction"):
                self.found.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "xlink:href", "data") and value:
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.found.append(f"{tag} {name}={value}")
        if tag == "script":
            self._in_script = True
            self.scripts.append(dict(attrs).get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def scan(site: Path) -> tuple[list[str], set[str]]:
    """Active content per page, and the set of every script in the site."""
    found: list[str] = []
    scripts: set[str] = set()
    for page in sorted(site.rglob("*.html")):
        parser = ActiveContent()
        parser.feed(page.read_text())
        found += [f"{page.relative_to(site)}: {f}" for f in parser.found]
        scripts |= {re.sub(r"\s+", " ", s) for s in parser.scripts}
    return found, scripts


@pytest.fixture(scope="module")
def clean_scripts(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    site = build(make_repo("second-org", tmp_path_factory.mktemp("clean") / "repo"))
    found, scripts = scan(site)
    assert not found, found  # the scanner itself finds nothing in a normal site
    return scripts


def test_every_payload_reaches_every_field_whole() -> None:
    assert all(len(" ".join(p)) <= 170 for p in PACKS)
    assert [x for p in PACKS for x in p] == PAYLOADS


@pytest.mark.parametrize("pack", PACKS, ids=[f"pack{i}" for i in range(len(PACKS))])
def test_no_catalog_text_becomes_active_content(
    tmp_path: Path, clean_scripts: set[str], pack: list[str]
) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    poison_repository(root, " ".join(pack))
    site = build(root)
    found, scripts = scan(site)
    assert not found, found
    assert scripts == clean_scripts  # only Material's own scripts and ours, unchanged
    text = " ".join(visible_text((site / "goals/mentee/alpha/index.html").read_text()).split())
    assert " ".join(pack[0].split()) in text  # the payload is on the page, as text
    assert "49" not in text  # Jinja in content is never evaluated
    # Material's search shows index entries as HTML: they must hold no markup from the catalog.
    index = (site / "search/search_index.json").read_text()
    assert not re.search(r"<(script|img|svg|iframe|style|div|a)\b", index), index[:500]
