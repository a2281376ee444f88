"""The logo: a file inside content/ that generator.safety.logo can turn into a safe image."""

from __future__ import annotations

from pathlib import Path

from generator.safety.logo import LogoError, load_logo


def check_logo(root: Path, logo: str) -> str | None:
    """Why `logo` (relative to content/) is unusable: missing, outside content/, unsafe; or None."""
    content = (root / "content").resolve()
    path = root / "content" / logo
    if path.is_symlink():
        return f"logo '{logo}' is a symbolic link; copy the image into content/"
    target = path.resolve()
    if not target.is_relative_to(content):
        return f"logo '{logo}' is outside content/; put the image in content/assets/"
    if not target.is_file():
        return f"logo file content/{logo} does not exist"
    try:
        load_logo(target, f"content/{logo}")  # what the build will publish, checked the same way
    except LogoError as exc:
        return str(exc)
    return None
