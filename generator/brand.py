"""The organization's colours, decided once for the site, the PDFs and the report.

organization.yml gives two colours. Where one is drawn as text on a page, or carries text, the
shade used is derived here (keeping the hue) so it reaches WCAG AA; every output reads the same
`Palette`, so a web page, a worksheet and the book never disagree about a brand colour.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.catalog.model import Organization
from generator.colour import BLACK, WHITE, mix, readable, text_on
from generator.problems import HandbookError

# Material's page backgrounds: white, and slate's hsla(225, 15%, 14%).
SLATE_BG = "#1e2129"
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class Palette:
    primary: str  # as given: bars, rules, the site's header
    primary_light: str
    primary_dark: str
    on_primary: str  # text drawn on the primary colour
    accent: str  # as given: borders and marks
    accent_text: str  # accent as text on white paper / the light scheme
    accent_text_dark: str  # accent as text on the slate scheme
    on_accent_text: str
    on_accent_text_dark: str
    heading: str  # primary as text on white (headings, labels in print)
    link: str  # links on white
    link_dark: str  # links on slate


def palette(org: Organization) -> Palette:
    """Every shade the outputs use. Colours were validated as #rrggbb before they get here;
    checked again because they go into CSS verbatim and validation may be read back from
    .cache/ (a forged schema cache once put `#1f5f7a;}*{...}` into brand.css)."""
    p, a = org.primary, org.accent
    for name, value in (("primary", p), ("accent", a)):
        if not _HEX.fullmatch(value):
            raise HandbookError(
                f"content/organization.yml: colors.{name} {value[:40]!r} is not a #rrggbb colour"
            )
    accent_text, accent_dark = readable(a, WHITE), readable(a, SLATE_BG)
    return Palette(
        primary=p,
        primary_light=mix(p, WHITE, 0.25),
        primary_dark=mix(p, BLACK, 0.25),
        on_primary=text_on(p),
        accent=a,
        accent_text=accent_text,
        accent_text_dark=accent_dark,
        on_accent_text=text_on(accent_text),
        on_accent_text_dark=text_on(accent_dark),
        heading=readable(p, WHITE),
        link=readable(mix(p, BLACK, 0.1), WHITE),
        link_dark=readable(mix(p, WHITE, 0.55), SLATE_BG),
    )


def print_variables(org: Organization) -> str:
    """The CSS variables print.css (worksheets, book) draws with."""
    c = palette(org)
    return (
        f":root {{ --primary: {c.primary}; --accent: {c.accent}; --heading: {c.heading};"
        f" --accent-text: {c.accent_text}; --on-primary: {c.on_primary}; }}\n"
    )
