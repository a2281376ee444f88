"""The CI templates of `handbook new` run `handbook diff` and keep one comment up to date."""

from __future__ import annotations

from pathlib import Path

import yaml

FILES = Path(__file__).resolve().parents[2] / "generator" / "scaffold" / "files"


def test_github_workflow_posts_one_diff_comment_and_uploads_the_preview() -> None:
    workflow = yaml.safe_load((FILES / ".github/workflows/handbook.yml").read_text())
    job = workflow["jobs"]["diff"]
    assert job["if"] == "github.event_name == 'pull_request'"
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = job["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    runs = "\n".join(step.get("run", "") for step in steps)
    assert 'handbook diff "$BASE" --artifacts diff-artifacts' in runs
    assert "${{" not in runs  # event data reaches the shell only through env
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert "diff-artifacts" in upload["with"]["path"] and "preview-site" in upload["with"]["path"]
    script = steps[-1]["with"]["script"]
    assert "<!-- handbook-diff -->" in script and "updateComment" in script
    assert "pull_request_target" not in str(workflow.get(True, workflow.get("on")))


def test_gitlab_job_posts_one_note_with_a_project_token() -> None:
    job = yaml.safe_load((FILES / ".gitlab-ci.yml").read_text())["handbook-diff"]
    assert job["variables"]["GIT_DEPTH"] == 0
    script = "\n".join(job["script"])
    assert 'handbook diff "$CI_MERGE_REQUEST_DIFF_BASE_SHA"' in script
    assert "HANDBOOK_DIFF_TOKEN" in script and "<!-- handbook-diff -->" in script
    assert job["artifacts"]["paths"] == ["diff-artifacts/", "preview-site/"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
