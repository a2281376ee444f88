"""The brand stylesheet: colours as CSS variables and the self-hosted font."""

from __future__ import annotations

from generator.catalog.model import Organization
from generator.colour import BLACK, WHITE, mix, readable, text_on

# Material's page backgrounds: white, and slate's hsla(225, 15%, 14%). Text in a brand colour is
# shifted (keeping its hue) until it reaches WCAG AA 4.5:1 on the page it sits on.
SLATE_BG = "#1e2129"


def brand_css(org: Organization, fonts: dict[str, str]) -> str:
    """CSS for Material's custom palette; colours were validated as #rrggbb before they get here."""
    p, a = org.primary, org.accent
    accent_light, accent_slate = readable(a, WHITE), readable(a, SLATE_BG)
    return f"""/* Generated from content/organization.yml */
@font-face {{ font-family: "Lato"; font-style: normal; font-weight: 400; font-display: swap;
  src: url("fonts/{fonts["regular"]}") format("truetype"); }}
@font-face {{ font-family: "Lato"; font-style: normal; font-weight: 700; font-display: swap;
  src: url("fonts/{fonts["bold"]}") format("truetype"); }}
@font-face {{ font-family: "Lato"; font-style: italic; font-weight: 400; font-display: swap;
  src: url("fonts/{fonts["italic"]}") format("truetype"); }}
:root {{
  --md-text-font: "Lato";
  --hb-primary: {p};
  --hb-accent: {a};
}}
[data-md-color-primary="custom"] {{
  --md-primary-fg-color: {p};
  --md-primary-fg-color--light: {mix(p, WHITE, 0.25)};
  --md-primary-fg-color--dark: {mix(p, BLACK, 0.25)};
  --md-primary-bg-color: #ffffff;
  --md-primary-bg-color--light: #ffffffb3;
}}
[data-md-color-scheme="default"][data-md-color-accent="custom"] {{
  --md-accent-fg-color: {accent_light};
  --md-accent-fg-color--transparent: {accent_light}1a;
  --md-accent-bg-color: {text_on(accent_light)};
}}
[data-md-color-scheme="slate"][data-md-color-accent="custom"] {{
  --md-accent-fg-color: {accent_slate};
  --md-accent-fg-color--transparent: {accent_slate}1a;
  --md-accent-bg-color: {text_on(accent_slate)};
}}
[data-md-color-scheme="default"] {{
  --md-typeset-a-color: {readable(mix(p, BLACK, 0.1), WHITE)};
}}
[data-md-color-scheme="slate"] {{
  --md-typeset-a-color: {readable(mix(p, WHITE, 0.55), SLATE_BG)};
}}
/* Material draws an outlined button's text in the primary colour, unreadable on slate. */
[data-md-color-scheme="slate"] .md-typeset .md-button:not(.md-button--primary, :focus, :hover) {{
  color: var(--md-typeset-a-color);
}}
"""
