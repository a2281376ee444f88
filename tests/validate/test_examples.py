"""Data-driven validator tests: each example file is dropped into a copy of a small valid catalog.

negative/<case>.yml starts with `# target: PATH` and `# expect: PATH:LINE: message`; the validator
must exit 1 and print that location and message. positive/<case>.yml must validate.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.fixtures import make_repo

HERE = Path(__file__).parent
NEGATIVE = sorted((HERE / "examples" / "negative").glob("*.yml"))
POSITIVE = sorted((HERE / "examples" / "positive").glob("*.yml"))


def _directive(text: str, name: str) -> str:
    for line in text.splitlines()[:3]:
        if line.startswith(f"# {name}: "):
            return line.removeprefix(f"# {name}: ")
    raise AssertionError(f"example has no '# {name}:' line")


def place_example(example: Path, tmp_path: Path) -> Path:
    """A copy of the minimal catalog with the example written at its target path."""
    root = make_repo("minimal", tmp_path / "repo")
    raw = example.read_bytes()
    target = _directive(raw.decode("utf-8-sig"), "target")
    (root / target).parent.mkdir(parents=True, exist_ok=True)
    (root / target).write_bytes(raw)
    return root


def run_validate(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", "--root", str(root), *args])
    return result.exit_code, result.output


def test_minimal_fixture_is_valid(tmp_path: Path) -> None:
    code, output = run_validate(make_repo("minimal", tmp_path / "repo"))
    assert code == 0, output


def test_there_are_at_least_forty_bad_input_cases() -> None:
    assert len(NEGATIVE) + len(SPECIAL_CASES) >= 40


@pytest.mark.parametrize("example", NEGATIVE, ids=[p.stem for p in NEGATIVE])
def test_negative_example_is_reported_at_its_line(example: Path, tmp_path: Path) -> None:
    root = place_example(example, tmp_path)
    expect = _directive(example.read_text(encoding="utf-8"), "expect")
    location, _, message = expect.partition(": ")
    code, output = run_validate(root)
    assert code == 1, output
    matching = [line for line in output.splitlines() if line.startswith(location + ":")]
    assert matching, f"no problem reported at {location}:\n{output}"
    assert any(message in line for line in matching), f"expected {message!r}:\n{output}"
    assert "Traceback" not in output


@pytest.mark.parametrize("example", POSITIVE, ids=[p.stem for p in POSITIVE])
def test_positive_example_validates(example: Path, tmp_path: Path) -> None:
    root = place_example(example, tmp_path)
    code, output = run_validate(root)
    assert code == 0, output


A = "content/goals/mentee/alpha.yml"


def _non_utf8(root: Path) -> None:
    (root / A).write_bytes((root / A).read_bytes().replace(b"Practise one", b"Pr\xe4ctise one"))


def _nul_byte(root: Path) -> None:
    (root / A).write_bytes((root / A).read_bytes().replace(b"horizon", b"hori\x00zon"))


def _huge_file(root: Path) -> None:
    (root / A).write_bytes(b"id: alpha\n" + b"# padding padding padding\n" * 400_000)


def _symlinked_goal(root: Path) -> None:
    (root / "content/goals/mentee/beta.yml").symlink_to("/etc/hostname")


def _symlinked_folder(root: Path) -> None:
    (root / "content/goals/mentee/linked").symlink_to(root.parent)


def _svg_with_script(root: Path) -> None:
    (root / "content/assets/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    )


def _svg_with_handler(root: Path) -> None:
    (root / "content/assets/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
    )


def _logo_symlink(root: Path) -> None:
    (root / "content/assets/logo.svg").unlink()
    (root / "content/assets/logo.svg").symlink_to("/etc/hostname")


def _missing_smart(root: Path) -> None:
    (root / "content/smart.yml").unlink()


def _yaml_extension(root: Path) -> None:
    (root / A).rename(root / "content/goals/mentee/alpha.yaml")


def _wrong_folder(root: Path) -> None:
    (root / "content/goals/mentees").mkdir()
    (root / "content/goals/mentees/gamma.yml").write_text("id: gamma\n")


def _page_without_title(root: Path) -> None:
    (root / "content/pages/welcome.md").write_text("Hello without a title.\n")


def _locale_unknown_key(root: Path) -> None:
    (root / "content/locales").mkdir(exist_ok=True)
    (root / "content/locales/de.yml").write_text("site:\n  nav:\n    hmoe: Hallo\n")


SPECIAL_CASES = {
    "non-utf8": (_non_utf8, f"{A}:4:", "not valid UTF-8"),
    "nul-byte": (_nul_byte, f"{A}:6:", "NUL byte"),
    "ten-megabyte-file": (_huge_file, f"{A}:1:", "the limit is"),
    "symlinked-goal-file": (_symlinked_goal, "content/goals/mentee/beta.yml", "symbolic links"),
    "symlinked-folder": (_symlinked_folder, "content/goals/mentee/linked", "symbolic links"),
    "svg-logo-with-script": (_svg_with_script, "content/organization.yml:7:", "<script>"),
    "svg-logo-with-handler": (_svg_with_handler, "content/organization.yml:7:", "event handlers"),
    "logo-is-symlink": (_logo_symlink, "content/organization.yml:7:", "symbolic link"),
    "required-file-missing": (_missing_smart, "content/smart.yml", "required file is missing"),
    "yaml-extension": (_yaml_extension, "content/goals/mentee/alpha.yaml", ".yml, not .yaml"),
    "goal-in-unknown-folder": (_wrong_folder, "content/goals/mentees/gamma.yml", "belong in"),
    "page-without-title": (_page_without_title, "content/pages/welcome.md:1:", "# Title"),
    "locale-unknown-key": (
        _locale_unknown_key,
        "content/locales/de.yml:3:5",
        "unknown UI string 'site.nav.hmoe'; did you mean 'site.nav.home'?",
    ),
}


@pytest.mark.parametrize("name", sorted(SPECIAL_CASES))
def test_special_bad_input_is_reported(name: str, tmp_path: Path) -> None:
    breaker, location, message = SPECIAL_CASES[name]
    root = make_repo("minimal", tmp_path / "repo")
    breaker(root)
    code, output = run_validate(root)
    assert code == 1, output
    hits = [line for line in output.splitlines() if line.startswith(location)]
    assert any(message in h for h in hits), f"expected {location} ... {message!r}:\n{output}"
    assert "Traceback" not in output
