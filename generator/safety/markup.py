"""HTML, SVG and XML checks: scripts, handlers, script URLs, frames and foreign resources.

html.parser decodes entities in attribute values, so `&#106;avascript&colon;` is seen as the
browser sees it. Where html.parser and browsers split markup differently (comments such as
`<!-->`, CDATA sections in HTML, `</ script>`, `</script/x>`, markup inside <style> or <title>),
the construct itself is refused, so nothing can hide from the scan behind a parser difference.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from generator.safety.context import Context
from generator.safety.css import css_problems
from generator.safety.finding import Finding
from generator.safety.urls import link_problem, resource_problem, srcset_urls

BANNED_TAGS = frozenset(
    {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal",
     "fencedframe", "noscript", "noembed", "noframes", "xmp", "plaintext", "foreignobject"}
)  # fmt: skip
# Attributes whose URL the browser fetches by itself (href too, except on links and areas).
RESOURCE_ATTRS = frozenset(
    {"src", "poster", "background", "data", "lowsrc", "dynsrc", "ping", "manifest",
     "codebase", "archive", "icon", "href", "xlink:href"}
)  # fmt: skip
LINK_ATTRS = frozenset({"href", "xlink:href", "action", "formaction", "cite", "longdesc"})
ANIMATION_VALUES = frozenset({"values", "to", "from", "by"})
# <link rel> values that only name another page; any other rel (stylesheet, icon, preload...)
# makes the browser fetch the href.
NAVIGATION_RELS = frozenset(
    {"canonical", "alternate", "next", "prev", "author", "license", "help", "me", "bookmark",
     "tag", "external", "nofollow", "noopener", "noreferrer", "search"}
)  # fmt: skip
RAW_TEXT = ("script", "style", "title", "textarea")

# Raw-text checks: every `<!` must be a doctype or a plain comment, `<?` only the XML
# declaration, and no end tag may start with a space (html.parser accepts `</ script>`).
_MARKUP_DECL = re.compile(r"<[!?]")
_DOCTYPE = re.compile(r"<!doctype[^<>\[]*>", re.I)
_COMMENT = re.compile(r"<!--(?!-?>)(?:[^<>-]|-(?!-))*-->")
_XML_DECL = re.compile(r"<\?xml\s[^<>?]*\?>")
_SPACED_END_TAG = re.compile(r"</\s")


class _Scanner(HTMLParser):
    def __init__(self, rel: str, kind: str, context: Context) -> None:
        super().__init__(convert_charrefs=True)
        self.rel = rel
        self.xml = kind != "html"  # SVG and XML: no scripts at all, no href off the site
        self.context = context
        self.found: list[Finding] = []
        self._raw: tuple[str, dict[str, str | None], int] | None = None
        self._raw_data: list[str] = []

    def flag(self, line: int, where: str, what: str) -> None:
        self.found.append(Finding(self.rel, line, where, what))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag in RAW_TEXT:
            self.set_cdata_mode(tag)  # browsers read <title> and <textarea> raw too
            self._raw = (tag, dict(attrs), self.getpos()[0])
            self._raw_data = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag == "script":
            self._script(dict(attrs), "", self.getpos()[0])

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._raw_data.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._raw is not None and tag == self._raw[0]:
            self._end_raw()

    def close(self) -> None:
        super().close()
        if self._raw is not None:  # unclosed <script>: a browser runs the rest of the file
            self._end_raw()

    def handle_pi(self, data: str) -> None:
        if not (self.xml and _XML_DECL.fullmatch(f"<?{data}>")):
            self.flag(self.getpos()[0], f"<?{data[:20]}", "processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.flag(self.getpos()[0], f"<![{data[:10]}", "CDATA or marked section")

    def _end_raw(self) -> None:
        assert self._raw is not None
        tag, attrs, line = self._raw
        text = "".join(self._raw_data)
        self._raw = None
        if tag == "script":
            self._script(attrs, text, line)
        elif "<" in text:  # html.parser and browsers disagree on where this element ends
            self.flag(line, f"<{tag}>", "markup inside a raw-text element")
        elif tag == "style":
            for offset, problem in css_problems(text, self.context.allowed_hosts):
                self.flag(line + offset, "<style>", problem)

    def _script(self, attrs: dict[str, str | None], text: str, line: int) -> None:
        where = "<script>"
        if self.xml:
            self.flag(line, where, "script in an SVG or XML file")
        elif attrs.get("src") is not None:
            problem = self.context.theme_script_problem(self.rel, attrs["src"] or "")
            if problem:
                self.flag(line, "<script src>", problem)
            if text.strip():
                self.flag(line, "<script src>", "script with both src and inline code")
        elif attrs.get("type") == "application/json" and attrs.get("id") == "__config":
            self._theme_config(text, line)
        elif not self.context.theme.allows_inline(text):
            self.flag(line, where, f"inline script that is not the theme's: {text.strip()[:60]!r}")

    def _theme_config(self, text: str, line: int) -> None:
        """Material's JSON settings: data, but its `search` names the worker script to run."""
        try:
            config = json.loads(text)
        except ValueError:
            self.flag(line, "<script id=__config>", "theme settings that are not JSON")
            return
        worker = config.get("search") if isinstance(config, dict) else None
        if worker is not None:
            problem = self.context.theme_script_problem(self.rel, str(worker))
            if problem:
                self.flag(line, "<script id=__config> search", problem)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag in BANNED_TAGS:
            self.flag(line, f"<{tag}>", "element that embeds or redirects content")
        values = {name: value or "" for name, value in attrs}
        if tag == "meta":
            self._meta(values, line)
        if tag in ("animate", "set") and (
            values.get("attributename", "").lower().lstrip().startswith(("on", "href", "xlink:"))
        ):
            self.flag(line, f"<{tag} attributeName>", "animation of a link or handler")
        loads_href = tag not in ("a", "area", "link") or self.xml
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            loads_href = not rels <= NAVIGATION_RELS
        for name, value in values.items():
            where = f"<{tag} {name}>"
            if name.startswith("on") or name == "srcdoc":
                self.flag(line, where, "inline event handler" if name != "srcdoc" else "srcdoc")
            elif name == "style":
                for _, problem in css_problems(value, self.context.allowed_hosts):
                    self.flag(line, where, problem)
            elif name in ("srcset", "imagesrcset"):
                for url in srcset_urls(value):
                    self._resource(line, where, url)
            elif name in RESOURCE_ATTRS and (loads_href or name not in LINK_ATTRS):
                self._resource(line, where, value)
            elif name in LINK_ATTRS or (name in ANIMATION_VALUES and tag != "meta"):
                for part in value.split(";") if name == "values" else [value]:
                    refused = link_problem(part)
                    if refused:
                        self.flag(line, where, refused)

    def _resource(self, line: int, where: str, value: str) -> None:
        problem = resource_problem(value, self.context.allowed_hosts, data_ok=False)
        if problem:
            self.flag(line, where, problem)

    def _meta(self, values: dict[str, str], line: int) -> None:
        equiv = values.get("http-equiv", "").strip().lower()
        if equiv in ("refresh", "set-cookie"):
            self.flag(line, f"<meta http-equiv={equiv}>", "meta refresh or cookie")
        charset = values.get("charset")
        if charset is not None and charset.strip().lower() not in ("utf-8", "utf8"):
            self.flag(line, "<meta charset>", f"character set {charset!r} (only UTF-8)")


def _raw_problems(rel: str, text: str, xml: bool) -> list[Finding]:
    """Constructs html.parser reads differently from browsers, found in the raw text."""
    found = []
    for match in _MARKUP_DECL.finditer(text):
        start = match.start()
        if not (
            _COMMENT.match(text, start)
            or _DOCTYPE.match(text, start)
            or (xml and _XML_DECL.match(text, start))
        ):
            line = text.count("\n", 0, start) + 1
            found.append(
                Finding(rel, line, text[start : start + 12], "unusual comment or declaration")
            )
    for match in _SPACED_END_TAG.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append(
            Finding(rel, line, text[match.start() : match.start() + 12], "end tag with a space")
        )
    return found


def decode(rel: str, data: bytes) -> tuple[str, list[Finding]]:
    """UTF-8 text (a UTF-8 BOM allowed); anything else is refused, as browsers may guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), [Finding(rel, 0, "", "UTF-16 text")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return data.decode("utf-8", errors="replace"), [Finding(rel, line, "", "not UTF-8 text")]


def scan_markup(rel: str, data: bytes, kind: str, context: Context) -> list[Finding]:
    """Findings for one HTML (`kind` "html"), SVG ("svg") or XML ("xml") file."""
    text, found = decode(rel, data)
    found += _raw_problems(rel, text, kind != "html")
    scanner = _Scanner(rel, kind, context)
    scanner.feed(text)
    scanner.close()
    return found + scanner.found
