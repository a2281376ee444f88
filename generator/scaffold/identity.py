"""The organization's identity in a new repository: the admin's values, or neutral placeholders.

`handbook new` never leaves the sample organization's name, contact, website or logo behind:
it writes what the admin gave (options, or answers when run in a terminal) or the placeholders
below, which `handbook validate` reports until they are replaced.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.problems import HandbookError
from generator.safety.logo import load_logo

PLACEHOLDER_NAME = "Your Organization"
PLACEHOLDER_PROGRAM = "Mentoring Program"
PLACEHOLDER_CONTACT = "Mentoring Program Team"
PLACEHOLDER_EMAIL = "mentoring@example.org"
PLACEHOLDER_LOGO = "assets/logo.svg"
# A plain mark with no name in it: nothing that reads as another organization's brand.
PLACEHOLDER_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 60 60" width="60" height="60">
  <title>Logo placeholder</title>
  <rect x="2" y="2" width="56" height="56" rx="10" fill="#1f5f7a"/>
  <circle cx="30" cy="30" r="14" fill="none" stroke="#ffffff" stroke-width="4"/>
</svg>
"""


@dataclass(frozen=True)
class Identity:
    """Who runs the program; None means "not given" (the placeholder, or the prompt's answer)."""

    name: str | None = None
    program_name: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    website: str | None = None
    logo: Path | None = None


def set_line(text: str, key: str, value: str, indent: str = "") -> str:
    """Replace one `key: value` line at `indent`, keeping comments and layout (JSON is YAML)."""
    line = f"{indent}{key}: {json.dumps(value, ensure_ascii=False)}"
    new, count = re.subn(rf"(?m)^{indent}{key}: .*$", lambda _: line, text, count=1)
    if count != 1:
        raise HandbookError(f"organization.yml has no '{key}:' line to set")
    return new


def _drop_line(text: str, key: str) -> str:
    return re.sub(rf"(?m)^{key}: .*\n", "", text, count=1)


def apply_identity(dest: Path, identity: Identity) -> str:
    """Write the identity into dest/content/organization.yml (and the logo); the name shown."""
    org_file = dest / "content" / "organization.yml"
    org = org_file.read_text(encoding="utf-8")
    name = identity.name or PLACEHOLDER_NAME
    for key, value in (("name", name), ("short_name", name), ("logo_alt", name)):
        org = set_line(org, key, value)
    org = set_line(org, "program_name", identity.program_name or PLACEHOLDER_PROGRAM)
    org = set_line(org, "name", identity.contact_name or PLACEHOLDER_CONTACT, indent="  ")
    org = set_line(org, "email", identity.contact_email or PLACEHOLDER_EMAIL, indent="  ")
    if identity.website:
        org = set_line(org, "website", identity.website)
    else:
        org = _drop_line(org, "website")  # optional: better none than the sample's
    org = set_line(org, "logo", _write_logo(dest / "content", identity.logo))
    org_file.write_text(org, encoding="utf-8")
    return name


def _write_logo(content: Path, logo: Path | None) -> str:
    """Replace the sample logo with the admin's file or the placeholder; its path in content/."""
    (content / PLACEHOLDER_LOGO).unlink(missing_ok=True)
    if logo is None:
        (content / PLACEHOLDER_LOGO).write_text(PLACEHOLDER_SVG, encoding="utf-8")
        return PLACEHOLDER_LOGO
    # The build's own check, now rather than at the first build; the type comes from the content.
    target = "assets/" + load_logo(logo, f"--logo {logo}").file_name
    shutil.copyfile(logo, content / target)
    return target
