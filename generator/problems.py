"""Problems found in the catalog: values collected by every stage and reported once."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import StrEnum

import click


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


class HandbookError(click.ClickException):
    """The one error type users see: a clear message (with file:line:col when known), exit 1.

    Every command ends through click's handling of ClickException, so a message is printed once,
    to standard error, with every control or bidi character escaped.
    """

    exit_code = 1

    def __init__(self, message: str, *, file: str = "", line: int = 0, col: int = 0) -> None:
        super().__init__(message)
        self.file, self.line, self.col = file, line, col

    def format_message(self) -> str:
        from generator.safety.text import printable

        where = f"{self.file}:{self.line}:{self.col}: " if self.line else ""
        where = where or (f"{self.file}: " if self.file else "")
        # Line by line: our messages may list several lines; what they quote is escaped.
        return "\n".join(printable(line) for line in (where + self.message).split("\n"))


class ContentInvalid(HandbookError):
    """The catalog has errors; the problems were reported, this is the one-line summary."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = sum(p.is_error for p in problems)
        super().__init__(
            f"the catalog is invalid: {errors} error(s), {len(problems) - errors} warning(s)"
        )
        self.problems = problems


class BuildFailed(HandbookError):
    """A renderer failed (MkDocs or WeasyPrint); the previous site/ is untouched."""


_REMEDY_BY_ERRNO = {
    errno.ENOSPC: "the disk is full; free some space and run again",
    errno.EDQUOT: "the disk quota is exceeded; free some space and run again",
    errno.EROFS: "the file system is read-only; choose a writable folder (e.g. --site-dir)",
    errno.EACCES: "permission denied; check the owner and permissions of this path",
    errno.EPERM: "operation not permitted; check the owner and permissions of this path",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.EISDIR: "this is a folder where a file was expected",
    errno.EMFILE: "too many open files; raise the limit (ulimit -n) and run again",
}


def environment_error(exc: OSError) -> HandbookError:
    """An operating-system fault as a HandbookError that says what is wrong and what to do."""
    text = str(exc)
    if "cannot load library" in text or "libpango" in text or "libgobject" in text:
        return HandbookError(
            "WeasyPrint cannot load Pango, the text engine it needs for PDFs "
            f"({text.splitlines()[0][:200]}). Install it: `make runtime-deps`, or "
            "`apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`."
        )
    remedy = _REMEDY_BY_ERRNO.get(exc.errno or 0, exc.strerror or text)
    where = exc.filename if exc.filename is not None else ""
    return HandbookError(f"{where}: {remedy}" if where else remedy)
