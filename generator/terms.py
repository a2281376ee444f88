"""Renaming the words mentor, mentee and program to the organization's own terms."""

from __future__ import annotations

import re
from collections.abc import Callable

from generator.catalog.model import Terms

DEFAULT_TERMS = Terms("mentor", "mentors", "mentee", "mentees", "program", "programs")
# URLs and e-mail addresses are matched first so that they are never rewritten.
_WORDS = re.compile(
    r"(?P<keep>(?:https?|mailto):[^\s)>\]]+|[\w.+-]+@[\w.-]+)"
    r"|\b(?P<word>mentors|mentor|mentees|mentee|programs|program)\b",
    re.IGNORECASE,
)


def _match_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def term_renamer(terms: Terms) -> Callable[[str], str]:
    """A function that rewrites the default terms in a text, keeping capitalization."""
    if terms == DEFAULT_TERMS:
        return lambda text: text
    table = {
        "mentor": terms.mentor,
        "mentors": terms.mentors,
        "mentee": terms.mentee,
        "mentees": terms.mentees,
        "program": terms.program,
        "programs": terms.programs,
    }

    def rename(text: str) -> str:
        def swap(m: re.Match[str]) -> str:
            word = m.group("word")
            return m.group(0) if word is None else _match_case(word, table[word.lower()])

        return _WORDS.sub(swap, text)

    return rename
