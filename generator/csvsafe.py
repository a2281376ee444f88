"""CSV that spreadsheets open as text: every CSV the tool writes goes through `csv_text`.

Catalog text comes from many contributors, and a spreadsheet program runs a cell that starts
with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(...)` leaks data or lures a click). Per
OWASP's "CSV Injection" advice such a cell (and one starting with tab, CR or LF, which some
programs skip before looking for a formula) gets a leading single quote `'`, so it is shown as
the text it is. Nothing else is stripped or escaped. Every field is quoted (csv.QUOTE_ALL), so
embedded quotes are doubled and the output never depends on which fields happen to need quotes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: str) -> str:
    """The value with a leading `'` when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """A header row and one row per mapping, every cell made safe and quoted; LF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(row[c]) for c in columns])
    return buffer.getvalue()


DELIMITERS = (",", ";", "\t")  # Excel saves "CSV" with the list separator: ";" in much of Europe


def column_name(header: str) -> str:
    """A header cell as the column it names: case, outer spaces and inner spaces or hyphens
    aside ("Start Date" and "start-date" are start_date), as a spreadsheet user types it."""
    return re.sub(r"[\s-]+", "_", header.strip()).lower()


def delimiter_for(header: str, wanted: Sequence[str]) -> str:
    """The delimiter of a CSV whose first line is `header`: the one that finds the most of
    the `wanted` column names (a comma when none finds more). Reading only: the tool writes
    commas."""

    def found(delimiter: str) -> int:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
            columns = {column_name(c) for c in cells}
        except csv.Error:
            return 0
        return sum(name in columns for name in wanted)

    return max(DELIMITERS, key=found)  # max keeps the first of equals: the comma
