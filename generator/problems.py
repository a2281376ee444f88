"""Problems found in the catalog: values collected by every stage and reported once."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One finding, pointing at a file position and a JSON path inside that file."""

    file: str  # relative to the repository root, with forward slashes
    line: int  # 1-based; 0 when the whole file is meant
    col: int  # 1-based; 0 when the whole file is meant
    path: str  # JSON path such as "$.smart.fields.skill" ("$" for the whole document)
    message: str
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class HandbookError(Exception):
    """An error the command line turns into a clear message and an exit code."""

    exit_code = 1

    def format_message(self) -> str:
        return str(self)


class ContentInvalid(HandbookError):
    """The catalog has errors; they were (or will be) reported."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{sum(p.is_error for p in problems)} error(s) in the catalog")
        self.problems = problems


class BuildFailed(HandbookError):
    """A renderer failed (MkDocs or WeasyPrint); the previous site/ is untouched."""
