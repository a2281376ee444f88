"""Schema results remembered between builds (generator/validate/cache.py): unchanged files
skip the schema checks, yet every error is still reported, cross-file ones included."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.memo import read_json
from generator.validate.cache import CACHE_FILE
from generator.validate.check import check_repository
from generator.validate.remembered import OUTCOME_FILE
from tests.test_build import tree_digest


def remembered(root: Path) -> list[str]:
    keys = read_json(root / CACHE_FILE)
    assert isinstance(keys, list)
    return keys


def build(root: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["build", "--root", str(root), "--no-pdf"])
    return result.exit_code, result.output


def test_a_build_remembers_every_valid_document_and_validate_writes_nothing(
    repo_copy: Path,
) -> None:
    assert check_repository(repo_copy, build=False).ok  # `handbook validate`: no cache
    assert not (repo_copy / ".cache").exists()
    code, output = build(repo_copy)
    assert code == 0, output
    yaml_files = [p for p in (repo_copy / "content").rglob("*.yml")]
    # one key per distinct document (a translation is merged into the file it translates)
    assert 16 < len(set(remembered(repo_copy))) <= len(yaml_files)


def test_an_edited_file_is_checked_again_and_its_error_reported(repo_copy: Path) -> None:
    code, output = build(repo_copy)
    assert code == 0, output
    before = tree_digest(repo_copy / "site")
    keys = set(remembered(repo_copy))
    goal = repo_copy / "content/goals/mentee/find-a-sponsor.yml"
    text = goal.read_text(encoding="utf-8")
    goal.write_text(text.replace("\nhorizon: reach\n", "\nhorizon: forever\n"), encoding="utf-8")
    line = text[: text.index("\nhorizon: reach")].count("\n") + 2
    for _ in range(2):  # the invalid file is never remembered: the second run reports it too
        code, output = build(repo_copy)
        assert code == 1, output
        assert f"content/goals/mentee/find-a-sponsor.yml:{line}:10: $.horizon: 'forever'" in output
        assert tree_digest(repo_copy / "site") == before
        assert set(remembered(repo_copy)) < keys  # the edited file's old key is dropped
    goal.write_text(text, encoding="utf-8")
    (repo_copy / OUTCOME_FILE).unlink()  # else the first build's whole outcome is read back
    assert check_repository(repo_copy, cache=True).ok
    assert set(remembered(repo_copy)) == keys


def test_a_remembered_file_cannot_hide_a_new_cross_file_error(repo_copy: Path) -> None:
    assert check_repository(repo_copy, cache=True).ok
    # learn-new-skills.yml is unchanged (and remembered valid), but a goal it names is gone
    (repo_copy / "content/goals/mentee/solve-complex-problems.yml").unlink()
    outcome = check_repository(repo_copy, cache=True)
    assert not outcome.ok
    where = [
        (p.file, p.path)
        for p in outcome.problems
        if "related goal 'solve-complex-problems' does not exist" in p.message
    ]
    assert ("content/goals/mentee/learn-new-skills.yml", "$.related[1]") in where


def test_keys_tell_apart_what_the_schema_tells_apart() -> None:
    from generator.load.documents import Document
    from generator.load.yaml_safe import Loaded
    from generator.validate.cache import document_key

    def key(data: object, kind: str = "goal") -> str | None:
        return document_key(Document("content/x.yml", kind, Loaded(data, ""), ""))

    values = [1, "1", 1.0, True, None, [1], {"a": 1}]
    keys = [key({"order": v}) for v in values]
    assert None not in keys and len(set(keys)) == len(values)
    assert key({"order": 1}, "smart") != key({"order": 1})
    assert key({1: "a"}) is None  # written {"1": "a"} in JSON: never remembered
    assert key({"a": (1,)}) is None and key({"a": float("nan")}) is None
