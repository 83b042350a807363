"""A child's summary table: one row per clip and metric, with the session date and age.

This is what the CSV export writes, and what trends over time, flags and a child's PDF
(the next steps) are to be built on: :func:`child_rows` gives every measurement of a child
in date order.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass

from motorobs.web.ages import age_on
from motorobs.web.models import Child
from motorobs.web.reading import OutputMissing, read_metrics
from motorobs.web.storage import Storage

COLUMNS = ("child", "session_date", "age_days", "corrected_age_days", "clip_id", "file",
           "state", "metric", "side", "value", "unit", "coverage", "status", "reason")


@dataclass(frozen=True)
class SummaryRow:
    child: str
    session_date: str
    age_days: int
    corrected_age_days: int | None
    clip_id: int
    file: str
    state: str
    metric: str = ""
    side: str | None = None
    value: float | None = None
    unit: str = ""
    coverage: float | None = None
    status: str = ""
    reason: str | None = None


def child_rows(child: Child, storage: Storage) -> list[SummaryRow]:
    """Every clip x metric of ``child`` (loaded with its sessions, clips and jobs), oldest
    session first; a clip without metrics (queued, running, failed) has one row with its
    state and, if it failed, the reason."""
    rows = []
    for session in sorted(child.sessions, key=lambda s: s.date):
        age = age_on(child.birth_date, child.due_date, session.date)
        for clip in session.clips:
            state = clip.job.state if clip.job else "queued"
            base = dict(child=child.code, session_date=session.date.isoformat(),
                        age_days=age.chronological_days,
                        corrected_age_days=age.corrected_days, clip_id=clip.id,
                        file=clip.original_name, state=state)
            metrics = []
            if state == "done":
                try:
                    metrics = read_metrics(storage.result_dir(clip.stored_name))["metrics"]
                except (OutputMissing, KeyError):
                    metrics = []
            if not metrics:
                rows.append(SummaryRow(**base, reason=clip.job.reason if clip.job else None))
            for m in metrics:
                rows.append(SummaryRow(**base, metric=m.get("name", ""), side=m.get("side"),
                                       value=m.get("value"), unit=m.get("unit", ""),
                                       coverage=m.get("coverage"), status=m.get("status", ""),
                                       reason=m.get("reason")))
    return rows


def rows_to_csv(rows: list[SummaryRow]) -> str:
    """The rows as CSV text with a header line (:data:`COLUMNS`)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in asdict(row).items()})
    return out.getvalue()


def _cell(value: object) -> object:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with ``'``."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
