"""`#rrggbb` colours: WCAG contrast, mixing, and the nearest shade that is readable."""

from __future__ import annotations

WHITE, BLACK = "#ffffff", "#000000"
AA_TEXT = 4.5  # WCAG 2 AA for normal text


def _channels(colour: str) -> list[int]:
    return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = _channels(colour)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two `#rrggbb` colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def mix(colour: str, other: str, share: float) -> str:
    """`colour` moved `share` of the way towards `other`."""
    pairs = zip(_channels(colour), _channels(other), strict=True)
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in pairs)


def readable(colour: str, background: str, ratio: float = AA_TEXT) -> str:
    """`colour` itself when it reaches `ratio` on `background`, else the least lightened (on a
    dark background) or darkened (on a light one) shade that does: the brand hue is kept."""
    if contrast_ratio(colour, background) >= ratio:
        return colour
    towards = WHITE if _luminance(background) < 0.18 else BLACK
    for step in range(1, 101):
        shade = mix(colour, towards, step / 100)
        if contrast_ratio(shade, background) >= ratio:
            return shade
    return towards


def text_on(background: str) -> str:
    """White when it reaches AA on `background` (Material's look), else the better of the two."""
    white = contrast_ratio(WHITE, background)
    return WHITE if white >= AA_TEXT or white >= contrast_ratio(BLACK, background) else BLACK
