"""URL checks as a browser reads the value: control characters and backslashes normalized."""

from __future__ import annotations

import re

# WHATWG URL parsing strips leading/trailing C0 controls and spaces and drops tabs and newlines
# anywhere, so "java\tscript:" and " javascript:" are still javascript: URLs.
_STRIP = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_HOST = re.compile(r"//([^/?#]*)")
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "mocha"})


def normalize(value: str) -> str:
    """The URL a browser would parse: outer controls/spaces off, tabs/newlines out, \\ as /."""
    return re.sub(r"[\t\n\r]", "", value.strip(_STRIP)).replace("\\", "/")


def scheme(value: str) -> str | None:
    """The lower-case scheme of a normalized URL, or None for a relative one."""
    match = _SCHEME.match(value)
    return match.group(1).lower() if match else None


def host(value: str) -> str | None:
    """The lower-case host of a normalized absolute or protocol-relative URL, else None."""
    rest = value[len(scheme(value) or "") + 1 :] if scheme(value) else value
    match = _HOST.match(rest)
    if not match:
        return None
    netloc = match.group(1).rsplit("@", 1)[-1]
    return re.sub(r":\d*$", "", netloc).strip("[]").rstrip(".").lower()


def is_local(value: str) -> bool:
    """A path inside the same site: no scheme and no `//host`."""
    return scheme(value) is None and not value.startswith("//")


def resource_problem(raw: str, allowed_hosts: frozenset[str], *, data_ok: bool) -> str | None:
    """Why a URL the page loads by itself is refused, or None when it stays on the site."""
    value = normalize(raw)
    kind = scheme(value)
    if kind in SCRIPT_SCHEMES:
        return f"{kind}: URL"
    if kind == "data":
        return None if data_ok else "data: URL"
    if is_local(value):
        return None
    if kind in (None, "http", "https") and host(value) in allowed_hosts:
        return None
    return f"resource from another host: {raw.strip()[:80]!r}"


def link_problem(raw: str) -> str | None:
    """Why a navigation URL (a plain link) is refused: only script and data schemes are."""
    kind = scheme(normalize(raw))
    if kind in SCRIPT_SCHEMES or kind == "data":
        return f"{kind}: URL"
    return None


def srcset_urls(value: str) -> list[str]:
    """The URLs of a srcset: comma-separated candidates, each a URL and an optional size."""
    return [part.split()[0] for part in value.split(",") if part.split()]
