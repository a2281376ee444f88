"""Brand colours are decided once (generator/brand.py) and every output draws with that decision."""

from __future__ import annotations

import dataclasses

import pytest

from generator.brand import SLATE_BG, palette, print_variables
from generator.catalog.model import Catalog, Organization
from generator.colour import AA_TEXT, BLACK, WHITE, contrast_ratio
from generator.pdf.render import Renderer
from generator.website.brand import brand_css

LIGHT = ("#ffd54f", "#ffe0b2")  # a pale yellow primary, a pale orange accent: unreadable on white
DARK = ("#1f5f7a", "#b8621b")  # the default catalog's colours


@pytest.mark.parametrize(("primary", "accent"), [LIGHT, DARK])
def test_every_shade_drawn_as_text_reaches_aa(
    primary: str, accent: str, default_catalog: Catalog
) -> None:
    c = palette(_org(default_catalog, primary, accent))
    assert c.primary == primary and c.accent == accent  # fills and rules keep the brand as given
    assert contrast_ratio(c.heading, WHITE) >= AA_TEXT
    assert contrast_ratio(c.accent_text, WHITE) >= AA_TEXT
    assert contrast_ratio(c.accent_text_dark, SLATE_BG) >= AA_TEXT
    assert contrast_ratio(c.link, WHITE) >= AA_TEXT
    assert contrast_ratio(c.link_dark, SLATE_BG) >= AA_TEXT


def test_a_light_primary_gets_black_text_on_it_and_a_darker_heading(
    default_catalog: Catalog,
) -> None:
    light, dark = (palette(_org(default_catalog, *c)) for c in (LIGHT, DARK))
    assert light.on_primary == BLACK
    assert light.heading != LIGHT[0]
    assert dark.on_primary == WHITE
    assert dark.heading == DARK[0]  # readable as given: unchanged


def test_site_and_print_use_the_same_decision(default_catalog: Catalog) -> None:
    catalog = dataclasses.replace(default_catalog, organization=_org(default_catalog, *LIGHT))
    c = palette(catalog.organization)
    site = brand_css(catalog.organization, {"regular": "r", "bold": "b", "italic": "i"})
    css = Renderer(catalog).css_text["a4"]
    assert f"--md-accent-fg-color: {c.accent_text};" in site
    assert f"--md-primary-bg-color: {c.on_primary};" in site
    assert print_variables(catalog.organization) in css
    assert f"--heading: {c.heading};" in css and f"--on-primary: {c.on_primary};" in css
    assert "h1, h2, h3 { color: var(--heading);" in css  # headings print in the readable shade


def _org(catalog: Catalog, primary: str, accent: str) -> Organization:
    return dataclasses.replace(catalog.organization, primary=primary, accent=accent)
