"""Marks: a therapist's note that one measurement is not to be trusted.

A marked measurement leaves the trends and the flags but stays in ``trends.csv`` and the
report, shown as marked with its reason, who marked it and when. For the command line, a CSV
file with a header line and the columns ``clip, metric, reason, by, at`` and optionally
``side`` (``left``/``right`` for a per-hand metric; empty = both hands). ``metric`` is the
metric's name in ``metrics.json`` (see ``motorobs metrics``), ``at`` a date (YYYY-MM-DD) or
date and time (ISO 8601).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from motorobs.trends.childmap import clip_name
from motorobs.trends.csvinput import TrendsInputError, read_rows
from motorobs.trends.headlines import HEADLINE_METRICS

MARK_COLUMNS = ("clip", "metric", "reason", "by", "at")


@dataclass(frozen=True)
class Mark:
    """One measurement marked untrustworthy."""

    clip: str
    metric: str
    side: str | None
    """``None``: every side of the metric."""
    reason: str
    by: str
    at: str
    """When it was marked (ISO 8601 date or date-time, as given)."""

    def covers(self, clip: str, metric: str, side: str | None) -> bool:
        """Whether this mark applies to ``metric`` (``side``) of ``clip``."""
        return (self.clip, self.metric) == (clip, metric) and self.side in (None, side)


@dataclass(frozen=True)
class Note:
    """A therapist's note on a clip (the web app keeps them; the PDFs show them)."""

    clip: str
    text: str
    by: str
    at: str
    """When it was written (ISO 8601)."""


def find_mark(marks: Collection[Mark], clip: str, metric: str, side: str | None) -> Mark | None:
    """The first of ``marks`` covering ``metric`` (``side``) of ``clip``, or ``None``."""
    return next((m for m in marks if m.covers(clip, metric, side)), None)


def read_marks(path: Path, clips: Collection[str]) -> list[Mark]:
    """The marks in the CSV file ``path``; ``clips`` are the clips of the child map.

    Raises
    ------
    TrendsInputError
        Listing every problem (``FILE:LINE: ...``): a missing column or value, a clip not in
        the child map, a metric that is not a trend metric, a bad side or time.
    """
    path = Path(path)
    problems, marks = [], []
    for row in read_rows(path, MARK_COLUMNS, optional=("side",)):
        cells = row.cells
        where = f"{path}:{row.line}"
        empty = [c for c in MARK_COLUMNS if not cells.get(c)]
        if empty:
            problems.append(f"{where}: {', '.join(empty)} empty; a mark needs the clip, the "
                            "metric, the reason, who marked it and when.")
            continue
        clip, metric, side = clip_name(cells["clip"]), cells["metric"], cells.get("side") or None
        if clip not in clips:
            problems.append(f"{where}: clip {clip!r} is not in the child map; use the clip "
                            "name as written there.")
        if metric not in HEADLINE_METRICS:
            problems.append(f"{where}: {metric!r} is not a trend metric; use one of "
                            f"{', '.join(sorted(HEADLINE_METRICS))}.")
        if side not in (None, "left", "right"):
            problems.append(f"{where}: side {side!r} must be left, right or empty (both).")
        try:
            datetime.fromisoformat(cells["at"])
        except ValueError:
            problems.append(f"{where}: at {cells['at']!r} is not a date or time; write "
                            "YYYY-MM-DD or YYYY-MM-DDTHH:MM.")
        marks.append(Mark(clip, metric, side, cells["reason"], cells["by"], cells["at"]))
    if problems:
        raise TrendsInputError(problems)
    return marks
