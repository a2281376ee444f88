"""Renaming the words mentor, mentee and program to the organization's own terms, per language.

`terms` in organization.yml gives each term's forms per language (`mentee: {en: {singular:
apprentice, plural: apprentices, article: an}, de: {singular: Azubi, plural: Azubis}}`); the old
form without a language (`mentee: {singular: learner, plural: learners}`) is English. The build
renames the default words of the language it publishes (its UI strings and its translations use
their own words), so German output never gets English forms: a term without forms for the
published language keeps that language's default words, and validation says so.
English fixes the article ("a mentee" becomes "an apprentice"); German renames the singular,
the plural and the genitive (des Mentors, des Programms).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.catalog.model import Terms

TERMS = ("mentor", "mentee", "program")


@dataclass(frozen=True)
class Forms:
    singular: str
    plural: str
    article: str | None = None  # English: "a" or "an" (default: from the first letter)
    genitive: str | None = None  # German: des Mentors (default: singular + "s")


# Each language's own words for the terms: what its UI strings and translations say.
DEFAULT_WORDS: dict[str, dict[str, Forms]] = {
    "en": {
        "mentor": Forms("mentor", "mentors", "a"),
        "mentee": Forms("mentee", "mentees", "a"),
        "program": Forms("program", "programs", "a"),
    },
    "de": {
        "mentor": Forms("Mentor", "Mentoren", genitive="Mentors"),
        "mentee": Forms("Mentee", "Mentees", genitive="Mentees"),
        "program": Forms("Programm", "Programme", genitive="Programms"),
    },
}
# URLs and e-mail addresses are matched first so that they are never rewritten.
_KEEP = r"(?P<keep>(?:https?|mailto):[^\s)>\]]+|[\w.+-]+@[\w.-]+)"


def _forms(value: dict[str, Any]) -> Forms:
    return Forms(value["singular"], value["plural"], value.get("article"), value.get("genitive"))


def forms_for(term: dict[str, Any], language: str) -> Forms | None:
    """A term's forms in `language` from organization.yml, or None when it gives none."""
    if "singular" in term:  # the form without languages: English
        return _forms(term) if language == "en" else None
    value = term.get(language)
    return _forms(value) if isinstance(value, dict) else None


def terms_for(terms: dict[str, Any], language: str) -> dict[str, Forms]:
    """The forms the build uses in `language`: the organization's, else the language's own."""
    defaults = DEFAULT_WORDS.get(language, DEFAULT_WORDS["en"])
    return {t: forms_for(terms[t], language) or defaults[t] for t in TERMS}


def renames(forms: Forms | None, default: Forms) -> bool:
    """True when `forms` gives other words than the language's own."""
    words = (default.singular, default.plural)
    return forms is not None and (forms.singular, forms.plural) != words


def model_terms(forms: dict[str, Forms]) -> Terms:
    m, e, p = (forms[t] for t in TERMS)
    return Terms(m.singular, m.plural, e.singular, e.plural, p.singular, p.plural)


def _match_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def english_article(forms: Forms) -> str:
    return forms.article or ("an" if forms.singular[:1].lower() in "aeiou" else "a")


def term_renamer(language: str, forms: dict[str, Forms]) -> Callable[[str], str]:
    """A function that rewrites `language`'s default words, keeping capitalization."""
    defaults = DEFAULT_WORDS.get(language)
    if defaults is None or not any(renames(forms[t], defaults[t]) for t in TERMS):
        return lambda text: text  # no default words known, or nothing renamed
    table: dict[str, tuple[str, str]] = {}  # word -> (replacement, term if singular)
    for term in TERMS:
        old, new = defaults[term], forms[term]
        if old.genitive:
            table[old.genitive.lower()] = (new.genitive or new.singular + "s", "")
        table[old.plural.lower()] = (new.plural, "")
        table[old.singular.lower()] = (new.singular, term)
    words = "|".join(sorted(map(re.escape, table), key=len, reverse=True))
    article = r"(?:(?P<article>\b[Aa]n?)(?P<space>[ \t]+))?" if language == "en" else ""
    pattern = re.compile(rf"{_KEEP}|{article}\b(?P<word>{words})\b", re.IGNORECASE)

    def swap(m: re.Match[str]) -> str:
        word = m.group("word")
        if word is None:
            return m.group(0)
        replacement, singular_of = table[word.lower()]
        renamed = _match_case(word, replacement)
        found = m.groupdict().get("article")
        if not found:
            return renamed
        if singular_of:
            found = _match_case(found, english_article(forms[singular_of]))
        return f"{found}{m.group('space')}{renamed}"

    return lambda text: pattern.sub(swap, text)
