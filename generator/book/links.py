"""Links and ids of one site page, rewritten for the book.

Each page becomes a section of one HTML document, so every `id` is prefixed with its page's key
(two goal pages both have a "why-it-matters" heading), and every link is resolved the way a
browser would on the site, then turned into what paper can show:

- a page of the book (with or without `#fragment`): an in-document link ending in a page-number
  slot (`page_slot`) that render.py fills in after layout;
- http(s) and mailto: kept, and the address printed after the text (`data-url`);
- a file of the site (a worksheet PDF): its path as text, since paper cannot open it;
- anything else: its text only, recorded in `unresolved`.

The fragment is re-serialized from its parse with every text and attribute value escaped, so
what comes out is well-formed whatever came in.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup

_BASE = "https://site.invalid/"  # resolves relative links exactly as a browser on the site
EXTERNAL = frozenset({"http", "https", "mailto"})


def page_key(md_path: str) -> str:
    """The anchor of a site page in the book: goals/mentee/x.md -> p-goals-mentee-x."""
    return "p-" + md_path.removesuffix(".md").replace("/", "-")


def page_slot(href: str, align: str = "") -> Markup:
    """Where the page number of an in-book link goes (render.py fills it in after layout);
    align="end": the number ends where its slot does (the contents' column of numbers)."""
    attributes = f' data-align="{escape(align)}"' if align else ""
    return Markup(f'<span class="hb-pn" data-ref="{escape(href)}"{attributes}></span>')


def readable_url(url: str) -> str:
    """An address as a reader types it: mailto: dropped (the rest is printed as it is)."""
    return url.removeprefix("mailto:")


class Relinker(HTMLParser):
    def __init__(self, key: str, url: str, pages: dict[str, str]) -> None:
        """key: this page's anchor; url: its URL path on the site; pages: URL path -> key."""
        super().__init__(convert_charrefs=True)
        self.key = key
        self.url = url
        self.pages = pages
        self.out: list[str] = []
        self.unresolved: list[str] = []
        self._link: str | None = None  # the open <a> as written: "a", "span" or "" (a file)
        self._slot: str | None = None  # the open <a>'s in-book target, if it prints a page

    def rewrite(self, html: str) -> Markup:
        self.feed(html)
        self.close()
        return Markup("".join(self.out))

    def _target(self, href: str) -> tuple[str, str]:
        """(kind, value): ("page", "#anchor"), ("external", url), ("file", path) or ("text", "")."""
        parts = urlsplit(href.strip())
        if parts.scheme:
            return ("external", href.strip()) if parts.scheme.lower() in EXTERNAL else ("text", "")
        resolved = urlsplit(urljoin(_BASE + self.url, href.strip()))
        if f"{resolved.scheme}://{resolved.netloc}/" != _BASE:
            return "text", ""  # "//host/x": another host after all
        path = resolved.path.removeprefix("/")
        if path in self.pages:
            key = self.pages[path]
            return "page", f"#{key}--{resolved.fragment}" if resolved.fragment else f"#{key}"
        if path and not path.endswith("/"):
            return "file", path
        return "text", ""

    def _link_start(self, values: dict[str, str | None], classes: list[str]) -> str:
        """Rewrites an <a>'s attributes in place; returns the tag to write ("" for none)."""
        href = values.pop("href") or ""
        kind, value = self._target(href)
        if kind == "file":
            self.out.append(f'<span class="hb-file">{escape(value)}</span>')
            return ""
        if kind == "text":
            self.unresolved.append(f"{self.url or 'index'}: {href}")
            return "span"
        values["href"] = value
        if kind == "page":
            classes.append("hb-xref")
            if "hb-tag" not in classes:  # a tag's index entry is named, not paged
                self._slot = value
        else:
            values["data-url"] = readable_url(value)
            classes.append("hb-ext")
        return "a"

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], end: str) -> None:
        if self._link == "":
            return  # inside a file link: its text is replaced by the path
        values = dict(attrs)
        classes = (values.pop("class", None) or "").split()
        if tag == "a" and "href" in values:
            tag = self._link = self._link_start(values, classes)
            if not tag:
                return
        elif tag == "a":
            self._link = "a"
        if "id" in values:
            values["id"] = f"{self.key}--{values['id']}"
        if classes:
            values["class"] = " ".join(classes)
        attributes = "".join(f' {escape(n)}="{escape(v or "")}"' for n, v in values.items())
        self.out.append(f"<{tag}{attributes}{end}>")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, " /")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            tag, self._link = self._link, None
            if not tag:
                return
            if self._slot is not None:
                self.out.append(page_slot(self._slot))
                self._slot = None
        elif self._link == "":
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self._link != "":
            self.out.append(escape(data, quote=False))
