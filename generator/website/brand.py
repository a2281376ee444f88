"""The brand stylesheet: colours as CSS variables and the self-hosted font."""

from __future__ import annotations

from generator.brand import palette
from generator.catalog.model import Organization
from generator.colour import readable

# What an outlined button's text sits on: white or slate under Material; Zensical tints it,
# 5% black over white and 12% of the text colour over its darker slate (#0b0c0f).
BUTTON_BG = "#f2f2f2"
BUTTON_BG_DARK = "#252629"


def brand_css(org: Organization, fonts: dict[str, str]) -> str:
    """CSS for Material's custom palette; colours were validated as #rrggbb before they get here."""
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
"""
