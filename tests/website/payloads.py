"""A corpus of hostile strings and a way to put it into every field of a catalog repository.

The corpus is split into packs small enough that every payload reaches every field whole
(fields are at most 200 characters); each pack is one build.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.load.locales import PACKAGE_LOCALES
from generator.load.yaml_safe import load_yaml

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
# A plain word in front of every pack, so the browser test can search for all poisoned text.
MARKER = "zzpayload"


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
    """Poison every content file of the repository at root with the pack (MARKER first)."""
    pack = f"{MARKER} {pack}"
    content = root / "content"
    # UI strings ship with the package; an override of every key carries the payloads there too.
    override = content / "locales" / "en.yml"
    if not override.exists():
        override.parent.mkdir(parents=True, exist_ok=True)
        override.write_text((PACKAGE_LOCALES / "en.yml").read_text(encoding="utf-8"))
    for path in sorted(content.glob("**/*.yml")):
        data = load_yaml(path.read_text()).data
        poisoned = poison(data, pack, brand=path.name == "organization.yml")
        path.write_text(yaml.safe_dump(poisoned, allow_unicode=True, sort_keys=False))
    for page in content.glob("pages/*.md"):
        page.write_text(f"# {pack}\n\n" + "\n\n".join(PAYLOADS) + "\n\n" + page.read_text())
