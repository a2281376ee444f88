"""UI strings ship complete with the package; a catalog overrides keys one by one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.load.locales import reference_keys, shipped_languages, shipped_strings
from tests.fixtures import make_repo
from tests.website.sitetools import build, visible_text


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("language", shipped_languages())
def test_every_shipped_language_has_every_key(language: str) -> None:
    assert set(shipped_strings(language)) == reference_keys()
    assert all(value.strip() for value in shipped_strings(language).values())


def test_a_catalog_overrides_one_string_and_keeps_the_rest(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    (root / "content/locales").mkdir()
    (root / "content/locales/en.yml").write_text("site:\n  nav:\n    home: Start here\n")
    site = build(root)
    text = visible_text((site / "index.html").read_text())
    assert "Start here" in text
    assert shipped_strings("en")["site.nav.tags"] in text  # the rest is the shipped English


def test_a_language_the_tool_does_not_ship_fills_gaps_from_english(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    org = root / "content/organization.yml"
    org.write_text(org.read_text().replace("language: en", "language: fr"))
    assert "language: fr" in org.read_text()
    (root / "content/locales").mkdir()
    (root / "content/locales/fr.yml").write_text("site:\n  nav:\n    home: Accueil\n")
    code, output = run("validate", "--root", str(root))
    assert code == 0, output
    assert "content/locales/fr.yml" in output and "missing for 'fr' use English" in output
    site = build(root)
    page = (site / "index.html").read_text()
    assert 'lang="fr"' in page and "Accueil" in visible_text(page)


def test_an_unknown_language_without_strings_is_an_error_at_language(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    org = root / "content/organization.yml"
    org.write_text(org.read_text().replace("language: en", "language: fr"))
    code, output = run("validate", "--root", str(root))
    assert code == 1
    assert "content/organization.yml:" in output and "no UI strings for language 'fr'" in output


def test_a_language_the_theme_lacks_still_builds_with_a_warning(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    org = root / "content/organization.yml"
    org.write_text(org.read_text().replace("language: en", "language: qq"))
    (root / "content/locales").mkdir()
    (root / "content/locales/qq.yml").write_text("site:\n  nav:\n    home: Qhome\n")
    code, output = run("validate", "--root", str(root))
    assert code == 0 and "no interface strings for 'qq'" in output
    site = build(root)
    assert "Qhome" in visible_text((site / "index.html").read_text())
