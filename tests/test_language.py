"""A second language: `language: de` gives a German site and German worksheets.

The German build is the shared one (tests/conftest.py): the default catalog with `language: de`,
built in full by `handbook build`."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from tests.fixtures import pdf_text


def test_german_site_and_worksheets(german_build: Path) -> None:
    root = german_build
    result = CliRunner().invoke(main, ["validate", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "The catalog is valid (0 warning(s))." in result.output  # everything is translated
    site = root / "site"
    home = (site / "index.html").read_text()
    assert '<html lang="de"' in home and "Ziele für Mentees" in home and "Willkommen" in home
    smart = (site / "smart/index.html").read_text()
    assert "SMARTe Ziele formulieren" in smart and "Spezifisch" in smart
    text = pdf_text(site / "worksheets/a4/goal-learn-new-skills.pdf")
    assert "Neue Fähigkeiten lernen" in text
    assert "Unser SMART-Ziel" in text and "Seite 1 von" in text
    agreement = pdf_text(site / "worksheets/a4/agreement.pdf")
    assert "Mentoring-Vereinbarung" in agreement and "Vertraulichkeit" in agreement
    assert "Das Programm messen" in (site / "measuring/index.html").read_text()
    goal = (site / "goals/mentee/learn-new-skills/index.html").read_text()
    assert "Neue Fähigkeiten lernen" in goal and "Warum es wichtig ist" in goal
    assert "Fähigkeit" in text and "Unterschrift Mentee und Datum" in text
