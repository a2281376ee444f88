"""An SVG rebuilt from an allow-list: parsed without DTDs, written back with nothing active in it.

The output is a new document made only of the elements and attributes listed here, so whatever
the parser let through but the lists do not name (processing instructions, comments, DOCTYPEs,
foreign namespaces, unknown attributes) never reaches the published file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import defusedxml
from defusedxml.ElementTree import DefusedXMLParser

SVG_NS = "http://www.w3.org/2000/svg"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_DEPTH = 64

SHAPES = {"path", "rect", "circle", "ellipse", "line", "polyline", "polygon"}
TEXTUAL = {"text", "tspan", "title", "desc"}  # elements whose text (and children's tails) is kept
FILTERS = {
    "filter",
    "feBlend",
    "feColorMatrix",
    "feComposite",
    "feDropShadow",
    "feFlood",
    "feGaussianBlur",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
}
ELEMENTS = {
    *SHAPES,
    *TEXTUAL,
    *FILTERS,
    "svg",
    "g",
    "defs",
    "symbol",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "pattern",
}
# Dropped with their content: they never render (editor state, RDF licence blocks).
IGNORED = {"metadata"}
# Refused by name, in any namespace, so the contributor learns why rather than losing a part.
ACTIVE = {
    "script",
    "foreignObject",
    "use",
    "image",
    "feImage",
    "a",
    "style",
    "iframe",
    "embed",
    "object",
    "animate",
    "animateMotion",
    "animateTransform",
    "animateColor",
    "set",
    "handler",
    "listener",
    "cursor",
    "textPath",
}

# CSS properties that SVG also accepts as attributes; a style= attribute is turned into these.
PRESENTATION = {
    "alignment-baseline",
    "baseline-shift",
    "clip-path",
    "clip-rule",
    "color",
    "color-interpolation",
    "color-interpolation-filters",
    "direction",
    "display",
    "dominant-baseline",
    "fill",
    "fill-opacity",
    "fill-rule",
    "filter",
    "flood-color",
    "flood-opacity",
    "font-family",
    "font-size",
    "font-size-adjust",
    "font-stretch",
    "font-style",
    "font-variant",
    "font-weight",
    "letter-spacing",
    "lighting-color",
    "mask",
    "opacity",
    "overflow",
    "paint-order",
    "shape-rendering",
    "stop-color",
    "stop-opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "text-anchor",
    "text-decoration",
    "text-rendering",
    "unicode-bidi",
    "vector-effect",
    "visibility",
    "word-spacing",
    "writing-mode",
}
ATTRIBUTES = {
    *PRESENTATION,
    # identity and geometry
    "id",
    "class",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "fr",
    "dx",
    "dy",
    "d",
    "points",
    "width",
    "height",
    "viewBox",
    "preserveAspectRatio",
    "transform",
    "rotate",
    "textLength",
    "lengthAdjust",
    "pathLength",
    # gradients, clips, masks, patterns
    "offset",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "clipPathUnits",
    "maskUnits",
    "maskContentUnits",
    "patternUnits",
    "patternContentUnits",
    "patternTransform",
    # filter primitives (no feImage, which loads a URL)
    "filterUnits",
    "primitiveUnits",
    "in",
    "in2",
    "result",
    "stdDeviation",
    "mode",
    "type",
    "values",
    "operator",
    "k1",
    "k2",
    "k3",
    "k4",
    "radius",
}
XML_ATTRIBUTES = {"space", "lang"}

# Functions a value may call: colours and transforms. url() only as a same-document reference.
FUNCTIONS = {
    "rgb",
    "rgba",
    "hsl",
    "hsla",
    "matrix",
    "translate",
    "scale",
    "rotate",
    "skewx",
    "skewy",
}
_FUNCTION = re.compile(r"([A-Za-z_-][\w-]*)\s*\(")
_LOCAL_REF = re.compile(r"""url\(\s*(['"]?)#[A-Za-z_][\w.:-]*\1\s*\)""", re.IGNORECASE)
# CSS escapes (\75 rl), comments, at-rules and blocks let a value say what a filter cannot see.
_CSS_TRICKS = re.compile(r"[\\@{}]|/\*")


class UnsafeSvg(ValueError):
    """Why the SVG cannot be published; the text is shown to the contributor."""


def _local(name: str) -> tuple[str, str]:
    """('namespace', 'local') of an ElementTree name such as '{ns}local'."""
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name


def check_value(attribute: str, value: str) -> None:
    """Refuse a value that could load something: only colour/transform functions and url(#id)."""
    if _CSS_TRICKS.search(value):
        raise UnsafeSvg(
            f"SVG attribute {attribute}= contains CSS escapes, comments or at-rules"
            f" ({value[:60]!r})"
        )
    for match in _FUNCTION.finditer(value):
        name = match.group(1).lower()
        if name == "url":
            if not _LOCAL_REF.match(value, match.start()):
                raise UnsafeSvg(
                    f"SVG attribute {attribute}= may only use url(#id) for a gradient,"
                    f" clip or mask in the same file ({value[:60]!r})"
                )
        elif name not in FUNCTIONS:
            raise UnsafeSvg(f"SVG attribute {attribute}= uses {name}(), which is not allowed")


def style_properties(style: str) -> dict[str, str]:
    """A style= attribute as presentation attributes; other properties are dropped."""
    check_value("style", style)
    properties: dict[str, str] = {}
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not name and not value:
            continue
        if not colon:
            raise UnsafeSvg(f"SVG style= part {declaration.strip()[:40]!r} is not 'name: value'")
        value = re.sub(r"\s*!\s*important$", "", value, flags=re.IGNORECASE)
        if name in PRESENTATION and value:
            properties[name] = value
    return properties


def _attributes(tag: str, source: ET.Element) -> dict[str, str]:
    """The element's allowed attributes, checked; refuses the ones that are active."""
    kept: dict[str, str] = {}
    style: dict[str, str] = {}
    for name, value in source.attrib.items():
        ns, local = _local(name)
        lowered = local.lower()
        if lowered.startswith("on"):
            raise UnsafeSvg(f"SVG must not contain event handlers ({local}= on <{tag}>)")
        if lowered == "href":
            raise UnsafeSvg(f"SVG must not contain links (href= on <{tag}>)")
        if ns == XML_NS:
            if local == "base":
                raise UnsafeSvg("SVG must not contain xml:base")
            if local in XML_ATTRIBUTES:
                check_value(f"xml:{local}", value)
                kept[name] = value
        elif ns:
            continue  # editor data (inkscape:, sodipodi:): never rendered
        elif local == "style":
            style = style_properties(value)
        elif local in ATTRIBUTES:
            check_value(local, value)
            kept[local] = value
    kept.update(style)  # CSS wins over presentation attributes, as in a browser
    return kept


def _rebuild(source: ET.Element, depth: int) -> ET.Element | None:
    """A fresh copy of `source` made of allowed parts only; None for parts that never render."""
    ns, tag = _local(source.tag)
    if tag in ACTIVE:
        raise UnsafeSvg(f"SVG must not contain <{tag}> elements")
    if (ns not in ("", SVG_NS)) or tag in IGNORED:
        return None
    if tag not in ELEMENTS:
        raise UnsafeSvg(f"SVG uses <{tag}>, which logos may not contain")
    if depth > MAX_DEPTH:
        raise UnsafeSvg(f"SVG nests elements more than {MAX_DEPTH} deep")
    element = ET.Element(tag, _attributes(tag, source))
    textual = tag in TEXTUAL
    element.text = source.text if textual else None
    for child in source:
        copy = _rebuild(child, depth + 1)
        if copy is not None:
            copy.tail = child.tail if textual else None
            element.append(copy)
    return element


class _Builder(ET.TreeBuilder):
    """Keeps the tree builder's result and remembers every processing instruction it saw."""

    def __init__(self) -> None:
        super().__init__()
        self.instructions: list[str] = []

    def pi(self, target: str, data: str | None = None) -> ET.Element:
        self.instructions.append(target)
        return super().pi(target, data)


def parse(data: bytes) -> ET.Element:
    """The document's root, parsed with no DTD, entities or external references."""
    builder = _Builder()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except defusedxml.DTDForbidden as exc:
        raise UnsafeSvg(
            "SVG must not contain a <!DOCTYPE> (delete that line; the logo does not need it)"
        ) from exc
    except (defusedxml.EntitiesForbidden, defusedxml.ExternalReferenceForbidden) as exc:
        raise UnsafeSvg("SVG must not declare or load entities") from exc
    except ET.ParseError as exc:
        raise UnsafeSvg(f"SVG is not well-formed XML ({exc})") from exc
    if builder.instructions:
        raise UnsafeSvg(
            f"SVG must not contain processing instructions (<?{builder.instructions[0]} ...?>)"
        )
    return root


def clean_svg(data: bytes) -> bytes:
    """The SVG rebuilt from the allow-list, in the SVG namespace only; raises UnsafeSvg."""
    source = parse(data)
    ns, tag = _local(source.tag)
    if tag != "svg" or ns not in ("", SVG_NS):
        raise UnsafeSvg(f"not an SVG image (its root element is <{tag}>)")
    root = _rebuild(source, 0)
    assert root is not None  # the root is an <svg>, which is always kept
    root.attrib = {"xmlns": SVG_NS, **root.attrib}
    return ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"
