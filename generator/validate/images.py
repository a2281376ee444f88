"""The logo: a PNG, JPEG or SVG file inside content/, and an SVG with nothing active in it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

MAX_LOGO_BYTES = 1024 * 1024
_SVG_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "embed", "object", "use", "image", "a"}
_URL_IN_STYLE = re.compile(r"url\s*\(|expression\s*\(|@import", re.IGNORECASE)


def image_type(data: bytes) -> str | None:
    """'png', 'jpeg' or 'svg' from the file's bytes (not its name); None otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096].lower():
        return "svg"
    return None


def svg_problem(data: bytes) -> str | None:
    """Why an SVG could run script or load something when the site serves it; None when clean."""
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        return "SVG logo must not contain a DOCTYPE or entities"
    try:
        tree = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"SVG logo is not well-formed XML ({exc})"
    for element in tree.iter():
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in _SVG_FORBIDDEN_TAGS:
            return f"SVG logo must not contain <{tag}> elements"
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                return f"SVG logo must not contain event handlers ({local}=)"
            if local == "href" or _URL_IN_STYLE.search(value):
                return "SVG logo must not reference other files or URLs"
        if tag == "style" and element.text and _URL_IN_STYLE.search(element.text):
            return "SVG logo must not reference other files or URLs"
    return None


def check_logo(root: Path, logo: str) -> str | None:
    """Why `logo` (relative to content/) is unusable: missing, outside content/, unsafe; or None."""
    content = (root / "content").resolve()
    path = root / "content" / logo
    if path.is_symlink():
        return f"logo '{logo}' is a symbolic link; copy the image into content/"
    target = path.resolve()
    if not target.is_relative_to(content):
        return f"logo '{logo}' is outside content/; put the image in content/assets/"
    if not target.is_file():
        return f"logo file content/{logo} does not exist"
    if target.stat().st_size > MAX_LOGO_BYTES:
        return f"logo is larger than {MAX_LOGO_BYTES // 1024} KB"
    data = target.read_bytes()
    kind = image_type(data)
    if kind is None:
        return f"logo content/{logo} is not a PNG, JPEG or SVG image"
    if kind == "svg":
        return svg_problem(data)
    return None
