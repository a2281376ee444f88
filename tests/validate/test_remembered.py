"""The last valid outcome, read back while nothing validation reads has changed; any change to
content/, overrides/ or the options, and any error, means validating again."""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path

from generator.memo import read_sealed
from generator.validate import remembered
from generator.validate.check import check_repository
from tests.fixtures import TouchWhenUnpickled

GOAL = "content/goals/mentee/find-a-sponsor.yml"


def titles(root: Path) -> dict[str, str]:
    outcome = check_repository(root, cache=True)
    assert outcome.ok and outcome.catalog is not None, outcome.problems
    return {goal.id: goal.title for goal in outcome.catalog.goals}


def plant_title(root: Path, goal_id: str, title: str) -> None:
    """Change the remembered Catalog (keeping its digest), as only reading it back would show."""
    data = read_sealed(root / remembered.OUTCOME_FILE)
    assert data is not None
    digest, outcome = data[:32], pickle.loads(data[32:])
    goals = tuple(
        dataclasses.replace(g, title=title) if g.id == goal_id else g for g in outcome.catalog.goals
    )
    outcome.catalog = dataclasses.replace(outcome.catalog, goals=goals)
    remembered.remember(root, digest, outcome)


def test_an_unchanged_repository_is_read_back_and_any_edit_validated_again(
    repo_copy: Path,
) -> None:
    assert titles(repo_copy)["find-a-sponsor"] == "Find a sponsor"
    assert (repo_copy / remembered.OUTCOME_FILE).is_file()
    plant_title(repo_copy, "find-a-sponsor", "Read back")
    assert titles(repo_copy)["find-a-sponsor"] == "Read back"  # nothing changed: not validated
    goal = repo_copy / GOAL
    goal.write_text(goal.read_text().replace("title: Find a sponsor", "title: Find a champion"))
    assert titles(repo_copy)["find-a-sponsor"] == "Find a champion"  # validated again
    plant_title(repo_copy, "find-a-sponsor", "Read back")
    (repo_copy / "overrides" / "extra.html").write_text("{# a new override #}")
    assert titles(repo_copy)["find-a-sponsor"] == "Find a champion"  # overrides/ counts too
    plant_title(repo_copy, "find-a-sponsor", "Read back")
    outcome = check_repository(repo_copy, cache=True, language="de")  # other options
    assert outcome.catalog is not None
    assert {g.id: g.title for g in outcome.catalog.goals}["find-a-sponsor"] != "Read back"


def test_errors_are_never_read_back(repo_copy: Path) -> None:
    titles(repo_copy)
    goal = repo_copy / GOAL
    good = goal.read_text()
    goal.write_text(good.replace("horizon: ", "horizon: someday\nold_horizon: ", 1))
    for _ in range(2):
        outcome = check_repository(repo_copy, cache=True)
        assert not outcome.ok and outcome.catalog is None
        assert any(p.file == GOAL for p in outcome.problems)
    goal.write_text(good)
    assert titles(repo_copy)["find-a-sponsor"] == "Find a sponsor"


def test_a_link_placed_in_overrides_is_reported(repo_copy: Path) -> None:
    titles(repo_copy)
    os.symlink("/etc/hostname", repo_copy / "overrides" / "linked.html")
    outcome = check_repository(repo_copy, cache=True)
    assert not outcome.ok
    assert [p.file for p in outcome.problems if p.is_error] == ["overrides/linked.html"]


def test_an_unreadable_file_is_ignored(repo_copy: Path) -> None:
    titles(repo_copy)
    path = repo_copy / remembered.OUTCOME_FILE
    path.write_bytes(path.read_bytes()[:100])  # truncated
    assert titles(repo_copy)["find-a-sponsor"] == "Find a sponsor"
    path.write_bytes(b"")
    assert titles(repo_copy)["find-a-sponsor"] == "Find a sponsor"


def test_a_planted_outcome_is_never_unpickled(repo_copy: Path, tmp_path: Path) -> None:
    """The file's digest prefix is computable from public inputs: a planted file with the
    right prefix was unpickled (code ran). Without this machine's seal it is ignored."""
    titles(repo_copy)
    path = repo_copy / remembered.OUTCOME_FILE
    data = read_sealed(path)
    assert data is not None
    marker = tmp_path / "ran"
    path.write_bytes(data[:32] + pickle.dumps(TouchWhenUnpickled(marker)))  # right digest, no seal
    assert titles(repo_copy)["find-a-sponsor"] == "Find a sponsor"  # validated again
    assert not marker.exists()
    assert read_sealed(path) is not None  # and remembered again, sealed
