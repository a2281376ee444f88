"""Renamed terms with grammar: articles, plurals and per-language forms; German stays German."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.terms import term_renamer, terms_for
from tests.website.sitetools import build, visible_text

ORG = "content/organization.yml"
DEFAULT = "mentee: {singular: mentee, plural: mentees}"
EN = "mentee: {singular: apprentice, plural: apprentices}"
PER_LANGUAGE = (
    "mentee:\n    en: {singular: apprentice, plural: apprentices, article: an}\n"
    "    de: {singular: Azubi, plural: Azubis}"
)


def _org(root: Path, mentee: str, language: str = "en") -> None:
    path = root / ORG
    text = path.read_text().replace(DEFAULT, mentee)
    path.write_text(text.replace("\nlanguage: en\n", f"\nlanguage: {language}\n"))


def _site_text(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): visible_text(p.read_text()) for p in site.rglob("*.html")
    }


def test_the_article_follows_the_new_word() -> None:
    simple = {"singular": "mentor", "plural": "mentors"}
    group = {"singular": "user group", "plural": "user groups", "article": "a"}
    terms = {
        "mentor": simple,
        "mentee": {"singular": "apprentice", "plural": "apprentices"},
        "program": {"en": group},
    }
    rename = term_renamer("en", terms_for(terms, "en"))
    assert rename("Goals a mentee sets with a mentor. A mentee, AN MENTEE; many mentees.") == (
        "Goals an apprentice sets with a mentor. An apprentice, AN APPRENTICE; many apprentices."
    )
    assert rename("an program for a mentee at https://x.example/mentee") == (
        "a user group for an apprentice at https://x.example/mentee"
    )


@pytest.mark.parametrize("form", [EN, PER_LANGUAGE], ids=["english-form", "per-language"])
def test_no_page_says_a_apprentice(repo_copy: Path, form: str) -> None:
    _org(repo_copy, form)
    pages = _site_text(build(repo_copy))
    wrong = sorted(name for name, text in pages.items() if re.search(r"\ba apprentice", text, re.I))
    assert not wrong, wrong
    assert any(re.search(r"\ban apprentice\b", text) for text in pages.values())
    assert "Apprentice goals" in pages["index.html"]


def test_german_output_keeps_german_words_without_german_forms(repo_copy: Path) -> None:
    _org(repo_copy, EN, "de")
    result = CliRunner().invoke(main, ["validate", "--root", str(repo_copy)])
    assert result.exit_code == 0, result.output
    line = (repo_copy / ORG).read_text().splitlines().index(f"  {EN}") + 1
    assert (
        f"{ORG}:{line}:3: $.terms.mentee: warning: no 'de' forms, so the 'de' site keeps "
        "'Mentee'/'Mentees'; add de: {singular: ..., plural: ...}"
    ) in result.output
    pages = _site_text(build(repo_copy))
    assert "Ziele für Mentees" in pages["index.html"]
    assert not [n for n, t in pages.items() if re.search(r"apprentice", t, re.I)]


def test_german_forms_rename_the_german_words(repo_copy: Path) -> None:
    _org(repo_copy, PER_LANGUAGE, "de")
    result = CliRunner().invoke(main, ["validate", "--root", str(repo_copy)])
    assert result.exit_code == 0 and "(0 warning(s))" in result.output, result.output
    pages = _site_text(build(repo_copy))
    assert "Ziele für Azubis" in pages["index.html"]
    for name, text in pages.items():
        assert not re.search(r"\b(Mentees?|apprentices?)\b", text, re.I), (name, text[:200])
