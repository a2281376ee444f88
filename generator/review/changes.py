"""What changed between two Catalogs for readers: goals, pages, other sections, links, warnings.

A Catalog is flattened into `field path -> text` (rich text by its Markdown source), so every
comparison is over plain strings and the report never depends on the model's layout.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator.catalog.model import Catalog, Goal, Page, RichText

# Derived from other fields (the statement split at its placeholders, the filled-in example) or
# pointing at the disk: a change there always shows in the field it comes from.
DERIVED = frozenset({"parts", "example", "source_file", "root", "logo"})
SECTIONS = ("organization", "smart", "measurement", "worksheets")


def flatten(value: Any, path: str = "") -> dict[str, str]:
    """`{"title": ..., "evidence[0].claim": ..., "why": <markdown>}` for any model value."""
    if isinstance(value, RichText):
        return {path: value.source}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, str] = {}
        for f in dataclasses.fields(value):
            if f.name not in DERIVED:
                out.update(flatten(getattr(value, f.name), f"{path}.{f.name}" if path else f.name))
        return out
    if isinstance(value, Mapping):
        return {
            k: v for key in sorted(value) for k, v in flatten(value[key], _key(path, key)).items()
        }
    if isinstance(value, (tuple, list)):
        if value and all(isinstance(v, str) for v in value):
            # One field per list: an inserted question then reads as one insertion, not as a
            # change of every question after it.
            short = path.endswith(("tags", "related", "paper"))
            return {path: (", " if short else " · ").join(value)}
        return {
            k: v for i, item in enumerate(value) for k, v in flatten(item, f"{path}[{i}]").items()
        }
    if value is None or isinstance(value, Path):
        return {}
    return {path: str(value)}


def _key(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str  # "" when the field is new
    after: str  # "" when the field is gone


def field_changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[FieldChange]:
    """Fields whose text differs, in the order of the newer side (removed ones last)."""
    keys = [*after, *(k for k in before if k not in after)]
    return [
        FieldChange(k, before.get(k, ""), after.get(k, ""))
        for k in keys
        if before.get(k, "") != after.get(k, "")
    ]


@dataclass
class ItemChanges:
    """Goals (or hand-written pages) added, removed, renamed, disabled and changed."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old id, new id)
    disabled: list[str] = field(default_factory=list)
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # id -> title (newest side)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.disabled or self.changed)


def compare_items(
    before: Mapping[str, Any], after: Mapping[str, Any], *, still_there: Iterable[str] = ()
) -> ItemChanges:
    """Compare goals or pages by id; `still_there`: ids whose file remains (hidden = disabled)."""
    out = ItemChanges()
    flat_before = {k: flatten(v) for k, v in before.items()}
    flat_after = {k: flatten(v) for k, v in after.items()}
    out.titles = {k: getattr(v, "title", k) for k, v in {**before, **after}.items()}
    gone = [k for k in before if k not in after]
    new = [k for k in after if k not in before]
    kept = set(still_there)
    for old in gone:
        twin = next((n for n in new if _same_content(flat_before[old], flat_after[n])), None)
        if twin is not None and old not in kept:
            out.renamed.append((old, twin))
            new.remove(twin)
        elif old in kept:
            out.disabled.append(old)
        else:
            out.removed.append(old)
    out.added = new
    for key in after:
        if key in before:
            changes = field_changes(flat_before[key], flat_after[key])
            if changes:
                out.changed[key] = changes
    return out


def _same_content(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    """Equal apart from the id (and the slug of a page)."""
    skip = {"id", "slug"}
    return {k: v for k, v in a.items() if k not in skip} == {
        k: v for k, v in b.items() if k not in skip
    }


def goals_by_id(catalog: Catalog | None) -> dict[str, Goal]:
    return {g.id: g for g in catalog.goals} if catalog else {}


def pages_by_slug(catalog: Catalog | None) -> dict[str, Page]:
    return {p.slug: p for p in catalog.pages} if catalog else {}


def goal_files(root: Path) -> set[str]:
    """Ids of every goal file at `root` (published or not)."""
    return {p.stem for p in (root / "content" / "goals").glob("*/*.yml")}


@dataclass
class LanguageChanges:
    """What one language's readers see change."""

    language: str
    goals: ItemChanges
    pages: ItemChanges
    sections: dict[str, list[FieldChange]]  # organization | smart | measurement | ... -> fields
    site_pages: dict[str, list[str]]  # added | removed | changed -> docs paths

    @property
    def empty(self) -> bool:
        return (
            self.goals.empty
            and self.pages.empty
            and not self.sections
            and not any(self.site_pages.values())
        )


def compare_catalogs(
    language: str,
    before: Catalog | None,
    after: Catalog,
    pages_before: Mapping[str, str],
    pages_after: Mapping[str, str],
) -> LanguageChanges:
    """Every reader-visible change of one language (before None: an empty catalog)."""
    goals = compare_items(
        goals_by_id(before), goals_by_id(after), still_there=goal_files(after.root)
    )
    pages = compare_items(pages_by_slug(before), pages_by_slug(after))
    sections: dict[str, list[FieldChange]] = {}
    for name in (*SECTIONS, "strings"):
        old = flatten(getattr(before, name)) if before else {}
        changes = field_changes(old, flatten(getattr(after, name)))
        if changes:
            sections[name] = changes
    site_pages = {
        "added": sorted(p for p in pages_after if p not in pages_before),
        "removed": sorted(p for p in pages_before if p not in pages_after),
        "changed": sorted(
            p for p in pages_after if p in pages_before and pages_before[p] != pages_after[p]
        ),
    }
    return LanguageChanges(language, goals, pages, sections, site_pages)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("href", "src") and v]


URL_FIELD = re.compile(r"(^|\.)(url|website)$")


def links(catalog: Catalog | None) -> dict[str, str]:
    """Every external URL the catalog publishes -> the first place it appears."""
    if catalog is None:
        return {}
    found: dict[str, str] = {}
    for where, value in _walk_text(catalog):
        urls: list[str] = []
        if isinstance(value, RichText):
            parser = _Links()
            parser.feed(value.html)
            urls = parser.urls
        elif URL_FIELD.search(where):
            urls = [value]
        for url in urls:
            if urlsplit(url).netloc:
                found.setdefault(url, where)
    return found


def _walk_text(value: Any, path: str = "") -> Iterable[tuple[str, Any]]:
    """(path, str or RichText) for every text of a model value, items named by their id."""
    if isinstance(value, (RichText, str)):
        yield path, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name not in DERIVED and f.name != "strings":
                yield from _walk_text(getattr(value, f.name), _key(path, f.name))
    elif isinstance(value, tuple):
        for i, item in enumerate(value):
            label = getattr(item, "id", None) or getattr(item, "slug", None) or i
            yield from _walk_text(item, f"{path}[{label}]")


def host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def new_link_hosts(before: Catalog | None, after: Catalog) -> list[tuple[str, str, str]]:
    """(host, url, where) for hosts the newer side links to and the older one did not."""
    old_hosts = {host(u) for u in links(before)}
    out: dict[str, tuple[str, str, str]] = {}
    for url, where in links(after).items():
        h = host(url)
        if h and h not in old_hosts and h not in out:
            out[h] = (h, url, where)
    return sorted(out.values())
