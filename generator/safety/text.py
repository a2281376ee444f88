"""Characters that make text read differently from its source, found in content and escaped in
every message the tool prints.

Controls (C0 but tab and line ends, DEL, C1) and bidirectional overrides, embeddings and isolates
are errors: they can hide or reorder what a reviewer reads (the "Trojan Source" class). Zero-width
characters and other invisible marks are warnings: they have honest uses (ZWJ in emoji and in
some scripts, ZWNJ in Persian) but also hide differences between two strings that look the same.
"""

from __future__ import annotations

import re
import unicodedata

from generator.problems import Problem, Severity

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
INVISIBLE = re.compile("[\u200b-\u200f\u2060-\u2064\u061c\u2028\u2029\ufeff]")
_ESCAPE = re.compile(f"{FORBIDDEN.pattern}|{INVISIBLE.pattern}|[\t\n\r]")
MAX_REPORTED = 5  # per file and kind: one finding is enough to act on; a flood helps nobody


def _name(char: str) -> str:
    return unicodedata.name(char, "control character")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return {9: "\\t", 10: "\\n", 13: "\\r"}.get(code) or (
        f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    )


def printable(text: str) -> str:
    """`text` with every control, bidi and invisible character written as an escape (\\x1b)."""
    return _ESCAPE.sub(_escaped, text)


def text_problems(text: str, rel: str) -> list[Problem]:
    """Forbidden characters (errors) and invisible ones (warnings) in a file, at line:col."""
    problems: list[Problem] = []
    for pattern, severity, advice in (
        (FORBIDDEN, Severity.ERROR, "remove it"),
        (INVISIBLE, Severity.WARNING, "remove it unless the script needs it"),
    ):
        for n, match in enumerate(pattern.finditer(text)):
            if n == MAX_REPORTED:
                problems.append(
                    Problem(rel, 0, 0, "$", f"more {severity.value}s of this kind", severity)
                )
                break
            start = match.start()
            line = text.count("\n", 0, start) + 1
            col = start - (text.rfind("\n", 0, start) + 1) + 1
            char = match.group()
            problems.append(
                Problem(
                    rel,
                    line,
                    col,
                    "$",
                    f"invisible or control character U+{ord(char):04X} ({_name(char)}): {advice}",
                    severity,
                )
            )
    return problems
