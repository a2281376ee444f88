"""UI strings: complete sets ship with the package; a catalog overrides single keys.

`generator/locales/<lang>.yml` holds every string of the site and the worksheets for each
shipped language (en, de). `content/locales/<lang>.yml` in a catalog holds only the keys the
organization words differently; it is merged over the shipped set key by key. A key the
package does not know is an error at its line (a typo would otherwise silently do nothing), so
a missing key can never reach the renderer: for a language the package does not ship, the
catalog's file provides the strings and English fills any gap (each gap is a warning).
"""

from __future__ import annotations

import functools
from pathlib import Path

from generator.load.yaml_safe import flatten_keys, load_yaml

PACKAGE_LOCALES = Path(__file__).resolve().parents[1] / "locales"
REFERENCE = "en"


def shipped_languages() -> tuple[str, ...]:
    """Languages with a complete set of strings in the package."""
    return tuple(sorted(p.stem for p in PACKAGE_LOCALES.glob("*.yml")))


@functools.cache
def shipped_strings(language: str) -> dict[str, str]:
    """The package's strings for a language, flattened ("site.nav.home" -> "Home")."""
    path = PACKAGE_LOCALES / f"{language}.yml"
    if not path.is_file():
        return {}
    data = load_yaml(path.read_text(encoding="utf-8")).data
    return {".".join(map(str, k)): str(v) for k, v in flatten_keys(data).items()}


def reference_keys() -> frozenset[str]:
    """Every key a locale may set: those of the shipped English strings."""
    return frozenset(shipped_strings(REFERENCE))


def merged_strings(language: str, overrides: dict[str, str]) -> dict[str, str]:
    """English, then the shipped language, then the catalog's overrides, key by key."""
    return {**shipped_strings(REFERENCE), **shipped_strings(language), **overrides}
