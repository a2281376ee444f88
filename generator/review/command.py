"""Run a review and write its artifacts folder (report.md, report.json, page images)."""

from __future__ import annotations

from pathlib import Path

from generator.atomic import check_replaceable, staged_folder
from generator.review.diff import run_review
from generator.review.report import to_json, to_markdown


def diff_report(
    root: Path, base: str | None, fmt: str, artifacts: Path, artifacts_url: str | None = None
) -> str:
    """The report in `fmt` (markdown | json); both reports and the PNGs go to `artifacts`,
    which is replaced as a whole only when the review succeeded."""
    check_replaceable(artifacts, root, kind="diff artifacts")
    with staged_folder(artifacts, root) as staging:
        review = run_review(root, base, staging, ignore=artifacts)
        markdown = to_markdown(review, artifacts_url)
        data = to_json(review)
        (staging / "report.md").write_text(markdown, encoding="utf-8")
        (staging / "report.json").write_text(data, encoding="utf-8")
    return markdown if fmt == "markdown" else data
