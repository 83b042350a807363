"""Reading the small CSV files a therapist writes (child map, goals, marks).

Every problem is reported as ``FILE:LINE: what is wrong; what to do``, all problems of a
file at once, in one :class:`TrendsInputError`.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from motorobs.errors import MotorobsError


class TrendsInputError(MotorobsError):
    """An input file of ``motorobs trends`` has problems (each named with file and line)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class CsvRow:
    """One data row: its 1-based line number in the file and its stripped cells."""

    line: int
    cells: dict[str, str]


def read_rows(path: Path, required: Sequence[str],
              optional: Sequence[str] = ()) -> list[CsvRow]:
    """The data rows of ``path`` (UTF-8, a header line; blank lines skipped).

    Raises
    ------
    TrendsInputError
        If the file is missing or unreadable, or lacks a required column.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise TrendsInputError([f"{path}: cannot be read ({exc}); give a UTF-8 CSV file."]
                               ) from exc
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise TrendsInputError([
            f"{path}:1: the header lacks the column(s) {', '.join(missing)}; the first line "
            f"must name the columns {', '.join(required)}"
            + (f" (optional: {', '.join(optional)})" if optional else "") + "."])
    rows = []
    for record in reader:
        cells = {(k or "").strip(): (v or "").strip() for k, v in record.items()
                 if isinstance(v, str)}
        if any(cells.values()):
            rows.append(CsvRow(reader.line_num, cells))
    return rows


def parse_date(path: Path, row: CsvRow, column: str, problems: list[str],
               required: bool = True) -> date | None:
    """``row[column]`` as a date (``YYYY-MM-DD``); a problem is appended if it is not one
    (or is empty while ``required``)."""
    text = row.cells.get(column, "")
    if not text:
        if required:
            problems.append(f"{path}:{row.line}: {column} is empty; write the date as "
                            "YYYY-MM-DD.")
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"{path}:{row.line}: {column} {text!r} is not a date; write it as "
                        "YYYY-MM-DD (e.g. 2025-03-14).")
        return None
