"""Override templates get plain data only, and a runaway template fails instead of hanging."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import templating
from generator.cli import main
from tests.fixtures import make_repo

READERS = {
    "root-read-text": "{{ catalog.root.joinpath('/etc/passwd').read_text() }}",
    "root-itself": "{{ catalog.root }}",
    "logo-bytes": "{{ org.logo.read_bytes() }}",
    "root-via-attr-filter": "{{ (catalog | attr('root')).read_text() }}",
    "page-source-path": "{{ catalog.pages[0].__class__.__module__ }}",
    "dunder-globals": "{{ ui.__globals__ }}",
    "format-escape": "{{ '{0.__class__.__init__.__globals__}'.format(catalog) }}",
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
}


def build(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--no-pdf"])
    return result.exit_code, result.output


@pytest.mark.parametrize("template", list(READERS.values()), ids=list(READERS))
def test_an_override_cannot_reach_paths_or_python_internals(tmp_path: Path, template: str) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    first = build(root)
    assert first[0] == 0, first[1]
    before = (root / "site/tags/index.html").read_bytes()
    overrides = root / "overrides/handbook"
    overrides.mkdir(parents=True)
    (overrides / "tags.md").write_text("# Tags\n\n" + template + "\n")
    code, output = build(root)
    assert code == 1, output
    assert "template failed" in output and "root:x:0:0" not in output
    assert (root / "site/tags/index.html").read_bytes() == before


def test_an_override_still_reads_the_catalog_as_data(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    overrides = root / "overrides/handbook"
    overrides.mkdir(parents=True)
    (overrides / "tags.md").write_text(
        "# Tags\n\n{% for g in catalog.goals_for('mentee') %}{{ g.title | upper }} "
        "{{ loop.index }}; {% endfor %}{{ org.name }} {{ catalog.goals | length }}\n"
    )
    code, output = build(root)
    assert code == 0, output
    text = (root / "site/tags/index.html").read_text()
    assert "1;" in text and "2;" in text


def test_a_template_that_writes_without_end_fails_on_the_output_bound(tmp_path: Path) -> None:
    root = make_repo("second-org", tmp_path / "repo")
    overrides = root / "overrides/handbook"
    overrides.mkdir(parents=True)
    (overrides / "tags.md").write_text(
        "# Tags\n\n{% for a in range(100000) %}{% for b in range(100) %}"
        "{{ 'xxxxxxxxxx' }}{% endfor %}{% endfor %}\n"
    )
    code, output = build(root)
    assert code == 1 and "more than" in output and "characters" in output


def test_a_template_that_loops_silently_fails_on_the_time_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(templating, "MAX_SECONDS", 2)  # the bound, shortened for the test
    root = make_repo("second-org", tmp_path / "repo")
    overrides = root / "overrides/handbook"
    overrides.mkdir(parents=True)
    (overrides / "tags.md").write_text(
        "# Tags\n\n{% for a in range(100000) %}{% for b in range(100000) %}"
        "{% endfor %}{% endfor %}\n"
    )
    code, output = build(root)
    assert code == 1 and "longer than 2 s" in output
