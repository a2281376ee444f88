"""CSS checks: every url(), src(), @import and URL-like string must stay on the site.

The text is tokenized the way CSS reads it (comments dropped, strings whole, escapes such as
`u\\72l(` decoded), so escapes and comments cannot hide a `url(https://...)`.
"""

from __future__ import annotations

import re

from generator.safety.urls import SCRIPT_SCHEMES, host, normalize, resource_problem, scheme

_ESCAPE = r"\\[0-9a-fA-F]{1,6}[ \t\n\r\f]?|\\[^\n0-9a-fA-F]"
_TOKEN = re.compile(
    rf"""
    (?P<comment>/\*.*?(?:\*/|\Z))
    | (?P<string>"(?:[^"\\\n]|\\.|\\\n)*"?|'(?:[^'\\\n]|\\.|\\\n)*'?)
    | (?P<name>(?:[\w-]|{_ESCAPE})+)(?P<call>\()?
      (?(call)[ \t\n\r\f]*(?P<bare>(?:[^)"'\\ \t\n\r\f]|{_ESCAPE})+)?)
    """,
    re.X | re.S,
)
_URL_FUNCTIONS = frozenset({"url", "src"})
_ACTIVE = frozenset({"expression", "behavior", "-moz-binding"})


def unescape(text: str) -> str:
    """CSS escapes decoded; escaped line breaks become spaces so line numbers stay right."""

    def one(match: re.Match[str]) -> str:
        body = match.group(0)[1:]
        if body and body[0] in "0123456789abcdefABCDEF":
            code = int(body.strip(), 16)
            char = chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
            return " " if char in "\n\r\f" else char
        return "" if body == "\n" else body

    return re.sub(_ESCAPE + r"|\\\n", one, text)


def css_problems(text: str, allowed_hosts: frozenset[str]) -> list[tuple[int, str]]:
    """(line offset from the start of `text`, message) for each refused item."""
    found: list[tuple[int, str]] = []
    url_argument = False  # the next string is the argument of url( or src(
    for match in _TOKEN.finditer(text):
        if match.group("string") is not None:
            value = unescape(match.group("string")[1:].rstrip(match.group("string")[0]))
            problem = _string_problem(value, allowed_hosts, url_argument)
            url_argument = False
        elif match.group("name") is not None:
            name = match.group("name").lower()
            name = unescape(name) if "\\" in name else name
            url_argument = bool(match.group("call")) and name in _URL_FUNCTIONS
            problem = f"CSS {name}" if name in _ACTIVE else None
            if url_argument and match.group("bare"):
                problem = resource_problem(
                    unescape(match.group("bare")), allowed_hosts, data_ok=True
                )
                url_argument = False
        else:
            continue
        if problem:
            found.append((text.count("\n", 0, match.start()), problem))
    return found


def _string_problem(value: str, allowed_hosts: frozenset[str], url_argument: bool) -> str | None:
    if url_argument:
        return resource_problem(value, allowed_hosts, data_ok=True)
    # A bare string is a URL only for @import and image-set(); check those that look absolute.
    url = normalize(value)
    kind = scheme(url)
    if kind in SCRIPT_SCHEMES:
        return f"{kind}: URL"
    absolute = url.startswith("//") or (kind is not None and url[len(kind) + 1 :][:2] == "//")
    if kind != "data" and absolute and host(url) not in allowed_hosts:
        return f"resource from another host: {value.strip()[:80]!r}"
    return None
