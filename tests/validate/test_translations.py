"""Translations: content/translations/<lang>/ replaces text, reports what is left untranslated."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.validate.check import check_repository
from tests.fixtures import make_repo

ALPHA_DE = """\
title: Eine Fähigkeit üben
summary: Ein kleines Ziel für die Tests.
smart:
  statement: "Übe {skill} {minutes} Minuten pro Woche."
  fields:
    skill:
      label: Fähigkeit
"""


@pytest.fixture()
def german(tmp_path: Path) -> Path:
    root = make_repo("minimal", tmp_path / "repo")
    org = root / "content/organization.yml"
    org.write_text(org.read_text().replace("language: en", "language: de"))
    (root / "content/locales").mkdir()
    (root / "content/locales/de.yml").write_text("site:\n  nav:\n    home: Startseite\n")
    overlay = root / "content/translations/de/goals/mentee/alpha.yml"
    overlay.parent.mkdir(parents=True)
    overlay.write_text(ALPHA_DE)
    return root


def test_translation_replaces_text_and_keeps_structure(german: Path) -> None:
    outcome = check_repository(german)
    assert outcome.ok, outcome.problems
    assert outcome.catalog is not None
    alpha = outcome.catalog.goal("alpha")
    assert alpha.title == "Eine Fähigkeit üben"
    assert alpha.smart.placeholders[0].label == "Fähigkeit"
    assert alpha.smart.placeholders[1].label == "Minutes"  # untranslated: base text
    assert alpha.milestones[0].due == "P1W"  # structure comes from the base file
    assert outcome.catalog.ui("site.nav.home") == "Startseite"


def test_untranslated_fields_are_reported_as_warnings(german: Path) -> None:
    messages = {(p.file, p.severity.value, p.message) for p in check_repository(german).problems}
    assert any(
        f == "content/goals/mentee/alpha.yml" and s == "warning" and "have no 'de' translation" in m
        for f, s, m in messages
    )
    assert any(
        f == "content/smart.yml" and s == "warning" and "not translated to 'de'" in m
        for f, s, m in messages
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("titel: Tippfehler\n", "'titel' is not in content/goals/mentee/alpha.yml"),
        ("id: beta\n", "'id' is not text; change it in the base file"),
        ("tags: [a, b, c]\n", "'tags' is not text"),
        ("conversation_starters: Text\n", "not in content/goals/mentee/alpha.yml"),
        ("check_in_questions: Text\n", "must have the same shape"),
    ],
    ids=["unknown-key", "id-changed", "tags-changed", "absent-in-base", "wrong-shape"],
)
def test_translation_mistakes_are_errors_in_the_translation_file(
    german: Path, line: str, expected: str
) -> None:
    overlay = german / "content/translations/de/goals/mentee/alpha.yml"
    overlay.write_text(ALPHA_DE + line)
    outcome = check_repository(german)
    assert not outcome.ok
    errors = [p for p in outcome.problems if p.is_error]
    assert [(p.file, p.line) for p in errors] == [(overlay.relative_to(german).as_posix(), 8)]
    assert expected in errors[0].message


def test_translation_of_a_missing_file_is_an_error(german: Path) -> None:
    orphan = german / "content/translations/de/goals/mentee/gone.yml"
    orphan.write_text("title: Weg\n")
    problems = [p for p in check_repository(german).problems if p.is_error]
    assert [p.message for p in problems] == [
        "translates content/goals/mentee/gone.yml, which does not exist"
    ]


def test_too_long_translated_text_is_reported_at_the_translation(german: Path) -> None:
    overlay = german / "content/translations/de/goals/mentee/alpha.yml"
    overlay.write_text(ALPHA_DE.replace("Ein kleines Ziel für die Tests.", "x" * 401))
    errors = [p for p in check_repository(german).problems if p.is_error]
    assert [(p.file, p.line, p.path) for p in errors] == [
        ("content/translations/de/goals/mentee/alpha.yml", 2, "$.summary")
    ]
