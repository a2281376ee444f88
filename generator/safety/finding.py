"""One thing the safety scan refused, named by file and position."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """A refused item: `file` relative to the scanned folder (forward slashes)."""

    file: str
    line: int  # 1-based line in a text file; 0 for a PDF or the file as a whole
    where: str  # the element and attribute, CSS rule, or PDF object path ("/Root/OpenAction")
    what: str

    def __str__(self) -> str:
        position = f"{self.file}:{self.line}" if self.line else self.file
        return (
            f"{position}: {self.where}: {self.what}" if self.where else f"{position}: {self.what}"
        )
