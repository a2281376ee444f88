"""The brand stylesheet: colours as CSS variables and the self-hosted font."""

from __future__ import annotations

from generator.brand import palette
from generator.catalog.model import Organization
from generator.colour import AA_TEXT, WHITE, contrast_ratio, mix, readable

# What an outlined button's text sits on: white or slate under Material; Zensical tints it,
# 5% black over white and 12% of the text colour over its darker slate (#0b0c0f).
BUTTON_BG = "#f2f2f2"
BUTTON_BG_DARK = "#252629"
ZENSICAL_SLATE_BG = "#0b0c0f"  # Zensical's slate page: hsl(225deg 15% 5%)
TINT = 0.1  # Material's and Zensical's `--md-accent-fg-color--transparent`: 10% of the colour


def on_own_tint(colour: str, page: str) -> str:
    """A shade of `colour` that reads (WCAG AA) on a 10% tint of itself over `page`."""
    shade = colour
    for _ in range(8):  # each step darkens (lightens) the tint too, a little: a few suffice
        tint = mix(shade, page, 1 - TINT)
        if contrast_ratio(shade, tint) >= AA_TEXT:
            break
        shade = readable(shade, tint)
    return shade


def brand_css(org: Organization, fonts: dict[str, str], zensical: bool = False) -> str:
    """CSS for Material's custom palette; colours were validated as #rrggbb before they get here.
    `zensical`: also the rules only Zensical's theme needs."""
    c = palette(org)
    button, button_dark = readable(c.heading, BUTTON_BG), readable(c.link_dark, BUTTON_BG_DARK)
    return f"""/* Generated from content/organization.yml */
@font-face {{ font-family: "Lato"; font-style: normal; font-weight: 400; font-display: swap;
  src: url("fonts/{fonts["regular"]}") format("truetype"); }}
@font-face {{ font-family: "Lato"; font-style: normal; font-weight: 700; font-display: swap;
  src: url("fonts/{fonts["bold"]}") format("truetype"); }}
@font-face {{ font-family: "Lato"; font-style: italic; font-weight: 400; font-display: swap;
  src: url("fonts/{fonts["italic"]}") format("truetype"); }}
:root {{
  --md-text-font: "Lato";
  --hb-primary: {c.primary};
  --hb-accent: {c.accent};
}}
[data-md-color-primary="custom"] {{
  --md-primary-fg-color: {c.primary};
  --md-primary-fg-color--light: {c.primary_light};
  --md-primary-fg-color--dark: {c.primary_dark};
  --md-primary-bg-color: {c.on_primary};
  --md-primary-bg-color--light: {c.on_primary}b3;
}}
[data-md-color-scheme="default"][data-md-color-accent="custom"] {{
  --md-accent-fg-color: {c.accent_text};
  --md-accent-fg-color--transparent: {c.accent_text}1a;
  --md-accent-bg-color: {c.on_accent_text};
}}
[data-md-color-scheme="slate"][data-md-color-accent="custom"] {{
  --md-accent-fg-color: {c.accent_text_dark};
  --md-accent-fg-color--transparent: {c.accent_text_dark}1a;
  --md-accent-bg-color: {c.on_accent_text_dark};
}}
[data-md-color-scheme="default"] {{
  --md-typeset-a-color: {c.link};
}}
[data-md-color-scheme="slate"] {{
  --md-typeset-a-color: {c.link_dark};
}}
/* Material draws an outlined button's text in the primary colour, unreadable on slate and, for
   a pale primary, on white: a shade of it that reads on the button, in either scheme. */
[data-md-color-scheme="default"] .md-typeset .md-button:not(.md-button--primary, :focus, :hover) {{
  color: {button};
}}
[data-md-color-scheme="slate"] .md-typeset .md-button:not(.md-button--primary, :focus, :hover) {{
  color: {button_dark};
}}
""" + (_zensical_css(c.accent_text, c.accent_text_dark) if zensical else "")


def _zensical_css(accent: str, accent_dark: str) -> str:
    """Zensical marks the current page in its menu with accent text on a 10% accent tint: 4.0:1
    for the default accent. A shade of the accent that reads on its own tint, in each scheme."""
    light, dark = on_own_tint(accent, WHITE), on_own_tint(accent_dark, ZENSICAL_SLATE_BG)
    selector = ".md-nav--primary .md-nav__item .md-nav__link--active"
    return f"""[data-md-color-scheme="default"] {selector} {{
  color: {light};
}}
[data-md-color-scheme="slate"] {selector} {{
  color: {dark};
}}
"""
