"""Messages an admin can act on: colours, indentation, dates, links to disabled goals."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

ORG = "content/organization.yml"
SPONSOR = "content/goals/mentee/find-a-sponsor.yml"


def validate(root: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["validate", "--root", str(root)])
    return result.exit_code, result.output.splitlines()


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_colour_error_names_the_rrggbb_form(repo_copy: Path) -> None:
    edit(repo_copy, ORG, 'primary: "#1f5f7a"', "primary: dark blue")
    code, lines = validate(repo_copy)
    assert code == 1
    assert lines[:-1] == [
        f"{ORG}:15:12: $.colors.primary: 'dark blue' is not valid here: Header and headings"
        " colour, written `#rrggbb` (six hexadecimal digits, e.g. `#1f5f7a`)."
    ]


def test_an_indentation_mistake_says_indentation_and_the_expected_column(repo_copy: Path) -> None:
    edit(repo_copy, SPONSOR, "\ntags:", "\n  tags:")
    code, lines = validate(repo_copy)
    assert code == 1
    [problem] = [line for line in lines if line.startswith(SPONSOR)]
    line = (repo_copy / SPONSOR).read_text().splitlines().index(
        "  tags: [sponsorship, advancement, visibility]"
    ) + 1
    assert problem.startswith(
        f"{SPONSOR}:{line}:3: $: wrong indentation: the line starts at column 3;"
        " expected column 1 to line up with the lines above"
    ), problem


def test_a_date_in_another_format_is_one_error(repo_copy: Path) -> None:
    edit(repo_copy, ORG, 'start_date: "2027-02-01"', "start_date: 01/02/2027")
    code, lines = validate(repo_copy)
    assert code == 1
    assert lines == [
        f"{ORG}:20:15: $.program.start_date: '01/02/2027' is not valid here: When pairs start,"
        ' as a quoted ISO date ("2027-02-01") between 1970-01-01 and 2200-12-31; omit for'
        " relative dates.",
        "1 error(s), 0 warning(s): the catalog is invalid.",
    ]


def test_related_naming_a_disabled_goal_is_a_warning(repo_copy: Path) -> None:
    edit(repo_copy, ORG, "disabled_goals: []", "disabled_goals: [map-career-path]")
    code, lines = validate(repo_copy)
    assert code == 0
    related = (
        (repo_copy / SPONSOR)
        .read_text()
        .splitlines()
        .index("related: [grow-professional-network, map-career-path, nurture-high-potentials]")
    )
    assert (
        f"{SPONSOR}:{related + 1}:38: $.related[1]: warning: related goal 'map-career-path' is"
        " disabled, so the link is left out; remove it here or enable the goal"
    ) in lines, lines


def test_a_light_primary_warns_and_says_the_header_text_turns_black(repo_copy: Path) -> None:
    edit(repo_copy, ORG, 'primary: "#1f5f7a"', 'primary: "#ffd54f"')
    code, lines = validate(repo_copy)
    assert code == 0
    [warning] = [line for line in lines if line.startswith(f"{ORG}:15:")]
    assert "white text on #ffd54f has a contrast of 1.4" in warning
    assert "the header's text will be black instead" in warning


def test_a_pattern_error_states_the_rule_not_only_what_the_field_is(repo_copy: Path) -> None:
    """A field's own description replaced the shared rule's (`$ref` siblings win), so a bad id
    or name said only "Identifier; must equal the file name" or "Full name of the organization"
    and not which characters are allowed."""
    edit(repo_copy, ORG, "name: ", 'name: Acme "Mentoring" #')
    edit(repo_copy, "content/smart.yml", "worked_example: ", "worked_example: Learn_Skills #")
    code, lines = validate(repo_copy)
    assert code == 1
    [name] = [line for line in lines if line.startswith(f"{ORG}:") and "$.name:" in line]
    assert 'without < > or "' in name, name
    [example] = [line for line in lines if "$.worked_example:" in line]
    assert "lowercase letters, digits and single hyphens" in example, example
