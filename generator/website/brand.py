"""The brand stylesheet: colours as CSS variables and the self-hosted font."""

from __future__ import annotations

from generator.catalog.model import Organization


def _mix(colour: str, other: str, share: float) -> str:
    """`colour` moved `share` of the way towards `other` (both #rrggbb)."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def brand_css(org: Organization, fonts: dict[str, str]) -> str:
    """CSS for Material's custom palette; colours were validated as #rrggbb before they get here."""
    p, a = org.primary, org.accent
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
  --md-primary-fg-color--light: {_mix(p, "#ffffff", 0.25)};
  --md-primary-fg-color--dark: {_mix(p, "#000000", 0.25)};
  --md-primary-bg-color: #ffffff;
  --md-primary-bg-color--light: #ffffffb3;
}}
[data-md-color-accent="custom"] {{
  --md-accent-fg-color: {a};
  --md-accent-fg-color--transparent: {a}1a;
  --md-accent-bg-color: #ffffff;
}}
[data-md-color-scheme="default"] {{
  --md-typeset-a-color: {_mix(p, "#000000", 0.1)};
}}
[data-md-color-scheme="slate"] {{
  --md-typeset-a-color: {_mix(p, "#ffffff", 0.55)};
}}
"""
