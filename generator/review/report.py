"""The Review as Markdown for a pull-request comment, or as JSON (schemas/diff.schema.json).

Everything a contributor wrote is escaped for GitHub-flavoured Markdown before it reaches the
comment: HTML becomes entities, Markdown punctuation is backslash-escaped (so no link, image or
autolink forms), and `@` gets a zero-width space so nobody is mentioned by a catalog edit.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import Any

from generator.review.changes import FieldChange, ItemChanges, LanguageChanges
from generator.review.diff import Review

CONTEXT_WORDS = 8  # unchanged words shown around a change
MAX_FIELD_WORDS = 400  # a longer diff is cut (the full text is in the JSON)
PUNCTUATION = re.compile(r"([!\"#$%'()*+,\-./:;=?\[\\\]^_`{|}~])")
ZWSP = "\u200b"


def escape(text: str) -> str:
    """Contributor text as inert GitHub Markdown: shown as written, never markup or mention."""
    text = " ".join(text.split())  # one line: no headings, lists, tables or code blocks
    text = PUNCTUATION.sub(r"\\\1", text)  # first, so the entities below stay whole
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "@" + ZWSP)


def code(text: str) -> str:
    """A code span (literal on GitHub: no markup, no mention), fenced past any backtick run."""
    text = " ".join(text.split())
    fence = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def word_diff(before: str, after: str) -> str:
    """Changed words as ~~removed~~ **added**, with a little unchanged context around them."""
    old, new = before.split(), after.split()
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    opcodes = matcher.get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            words = old[i1:i2]
            head = words[:CONTEXT_WORDS] if n > 0 else []
            tail = words[-CONTEXT_WORDS:] if n < len(opcodes) - 1 else []
            if len(words) > len(head) + len(tail):
                out += [escape(" ".join(head)), "…", escape(" ".join(tail))]
            else:
                out.append(escape(" ".join(words)))
            continue
        if i2 > i1:
            out.append(f"~~{escape(' '.join(old[i1:i2]))}~~")
        if j2 > j1:
            out.append(f"**{escape(' '.join(new[j1:j2]))}**")
    words = " ".join(part for part in out if part).split(" ")
    if len(words) > MAX_FIELD_WORDS:
        words = [*words[:MAX_FIELD_WORDS], "… (cut; see the JSON report)"]
    return " ".join(words)


def _names(ids: Iterable[str], titles: dict[str, str]) -> str:
    return ", ".join(f"{escape(titles.get(i, i))} ({code(i)})" for i in ids)


def _item_lines(kind: str, items: ItemChanges) -> list[str]:
    lines = []
    if items.added:
        lines.append(f"- {kind} added: {_names(items.added, items.titles)}")
    if items.removed:
        lines.append(f"- {kind} removed: {_names(items.removed, items.titles)}")
    for old, new in items.renamed:
        lines.append(
            f"- {kind} renamed: {code(old)} → {code(new)} ({escape(items.titles.get(new, new))})"
        )
    if items.disabled:
        lines.append(f"- {kind} disabled: {_names(items.disabled, items.titles)}")
    return lines


def _field_lines(changes: list[FieldChange], language: str, several: bool) -> list[str]:
    tag = f" ({language})" if several else ""
    return [f"  - {code(c.field)}{tag}: {word_diff(c.before, c.after)}" for c in changes]


def _changed_blocks(
    languages: list[LanguageChanges], attr: str, label: str, several: bool
) -> list[str]:
    """Per goal (or page), its changed fields in every language."""
    lines: list[str] = []
    order: list[str] = []
    for lang in languages:
        order += [k for k in getattr(lang, attr).changed if k not in order]
    for key in order:
        title = next(getattr(lang, attr).titles.get(key) for lang in languages)
        lines.append(f"- {label} {escape(title or key)} ({code(key)}):")
        shown: list[FieldChange] = []
        for lang in languages:
            changes = _unseen(getattr(lang, attr).changed.get(key, []), shown)
            lines += _field_lines(changes, lang.language, several)
            shown += changes
    return lines


def _unseen(changes: list[FieldChange], shown: list[FieldChange]) -> list[FieldChange]:
    """Changes another language did not already show (a URL or number is the same in all)."""
    return [c for c in changes if c not in shown]


def to_markdown(review: Review, artifacts_url: str | None = None) -> str:
    """The pull-request comment (one line when nothing changes for readers)."""
    base = f"{code(review.base[:12])} ({escape(review.base_label)})"
    if review.nothing:
        return f"Nothing changes for readers or printers compared with {base}.\n"
    several = len(review.languages) > 1
    main = review.languages[0]
    out = ["### Handbook diff", "", f"Compared with {base} → the working tree."]
    if review.base_invalid:
        out += ["", "**The base is invalid; diff against an empty catalog.**"]
    out += [f"_{escape(note)}_" for note in review.notes]
    look = _look_closely(review)
    if look:
        out += ["", "#### Look closely", "", *look]
    items = _item_lines("Goal", main.goals) + _item_lines("Page", main.pages)
    items += _changed_blocks(review.languages, "goals", "Goal changed:", several)
    items += _changed_blocks(review.languages, "pages", "Page changed:", several)
    shown: dict[str, list[FieldChange]] = {}
    for lang in review.languages:
        for name, changes in lang.sections.items():
            changes = _unseen(changes, shown.setdefault(name, []))
            if changes:
                label = "UI strings" if name == "strings" else f"{name} settings"
                items.append(f"- {escape(label)} changed:")
                items += _field_lines(changes, lang.language, several)
                shown[name] += changes
    if items:
        out += ["", "#### Content", "", *items]
    site = main.site_pages
    site_lines = [
        f"- {what}: {', '.join(code(p) for p in site[what])}"
        for what in ("added", "removed", "changed")
        if site[what]
    ]
    if site_lines:
        out += ["", f"#### Site pages ({escape(review.language)})", "", *site_lines]
    if review.worksheets:
        out += ["", "#### Worksheets", "", *_worksheet_table(review, artifacts_url)]
    return "\n".join(out) + "\n"


def _look_closely(review: Review) -> list[str]:
    lines = [
        f"- New link host {code(h)}: {code(url)} in {code(where)}"
        for h, url, where in review.link_hosts
    ]
    if review.logo:
        lines.append(f"- The logo changed: {code(review.logo)}")
    lines += [f"- New or changed file in content/: {code(p)} ({s})" for s, p in review.assets]
    lines += [f"- Code, not content (owners review): {code(p)} ({s})" for s, p in review.code]
    for p in review.warnings:
        where = f"{p.file}:{p.line}" if p.line else p.file
        lines.append(f"- New warning: {code(where)} {escape(p.message)}")
    return lines


def _worksheet_table(review: Review, artifacts_url: str | None) -> list[str]:
    rows = [
        "| Worksheet | Pages before → after | Changed pages (before / after) |",
        "|---|---|---|",
    ]
    for w in review.worksheets:
        before = str(w.pages_before) if w.pages_before else "new"
        after = str(w.pages_after) if w.pages_after else "removed"
        pages = f"{_page_list(w.changed_before)} / {_page_list(w.changed_after)}"
        rows.append(f"| {code(w.path)} | {before} → {after} | {pages} |")
    if any(w.images for w in review.worksheets):
        where = (
            f"[the diff artifacts]({artifacts_url})"
            if artifacts_url and re.match(r"https://[^\s()<>]+\Z", artifacts_url)
            else "the diff artifacts"
        )
        rows += ["", f"Before/after images of the changed pages are in {where}."]
    return rows


def _page_list(pages: list[int]) -> str:
    return ", ".join(map(str, pages)) if pages else "none"


def to_data(review: Review) -> dict[str, Any]:
    """The Review as plain data (schemas/diff.schema.json)."""

    def items(c: ItemChanges) -> dict[str, Any]:
        return {
            "added": c.added,
            "removed": c.removed,
            "renamed": [{"from": a, "to": b} for a, b in c.renamed],
            "disabled": c.disabled,
            "changed": {k: [_field(f) for f in v] for k, v in c.changed.items()},
        }

    return {
        "base": review.base,
        "base_label": review.base_label,
        "base_invalid": review.base_invalid,
        "nothing_changed": review.nothing,
        "language": review.language,
        "languages": [
            {
                "language": lang.language,
                "goals": items(lang.goals),
                "pages": items(lang.pages),
                "sections": {k: [_field(f) for f in v] for k, v in lang.sections.items()},
                "site_pages": lang.site_pages,
            }
            for lang in review.languages
        ],
        "worksheets": [
            {
                "path": w.path,
                "pages_before": w.pages_before,
                "pages_after": w.pages_after,
                "changed_before": w.changed_before,
                "changed_after": w.changed_after,
                "images": w.images,
            }
            for w in review.worksheets
        ],
        "look_closely": {
            "link_hosts": [{"host": h, "url": u, "where": w} for h, u, w in review.link_hosts],
            "logo": review.logo,
            "assets": [{"status": s, "path": p} for s, p in review.assets],
            "code": [{"status": s, "path": p} for s, p in review.code],
            "warnings": [
                {"file": p.file, "line": p.line, "message": p.message} for p in review.warnings
            ],
        },
        "notes": review.notes,
    }


def _field(change: FieldChange) -> dict[str, str]:
    return {"field": change.field, "before": change.before, "after": change.after}


def to_json(review: Review) -> str:
    return json.dumps(to_data(review), indent=2, ensure_ascii=False) + "\n"
