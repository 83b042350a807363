"""A child's summary table: one row per clip and metric, with the session date and age,
and the therapist's marks and notes (``summary.csv``). Trends, flags and the child's PDF are
:mod:`motorobs.web.childtrends`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass

from motorobs.trends.marks import find_mark
from motorobs.web.ages import age_on
from motorobs.web.models import Child
from motorobs.web.reading import OutputMissing, read_metrics
from motorobs.web.review import clip_key, clip_marks, clip_notes
from motorobs.web.storage import Storage

COLUMNS = ("child", "session_date", "age_days", "corrected_age_days", "clip_id", "file",
           "state", "metric", "side", "value", "unit", "coverage", "status", "reason",
           "marked", "mark_reason", "marked_by", "marked_at", "notes")


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
    marked: bool = False
    mark_reason: str = ""
    marked_by: str = ""
    marked_at: str = ""
    notes: str = ""
    """The clip's notes, ``text (by, at)``, joined with `` | ``."""


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
                        file=clip.original_name, state=state,
                        notes=" | ".join(f"{n.text} ({n.by}, {n.at})"
                                         for n in clip_notes(clip)))
            marks = clip_marks(clip)
            metrics = []
            if state == "done":
                try:
                    metrics = read_metrics(storage.result_dir(clip.stored_name))["metrics"]
                except (OutputMissing, KeyError):
                    metrics = []
            if not metrics:
                rows.append(SummaryRow(**base, reason=clip.job.reason if clip.job else None))
            for m in metrics:
                mark = find_mark(marks, clip_key(clip), m.get("name", ""), m.get("side"))
                rows.append(SummaryRow(**base, metric=m.get("name", ""), side=m.get("side"),
                                       value=m.get("value"), unit=m.get("unit", ""),
                                       coverage=m.get("coverage"), status=m.get("status", ""),
                                       reason=m.get("reason"), marked=mark is not None,
                                       mark_reason=mark.reason if mark else "",
                                       marked_by=mark.by if mark else "",
                                       marked_at=mark.at if mark else ""))
    return rows


def rows_to_csv(rows: list[SummaryRow]) -> str:
    """The rows as CSV text with a header line (:data:`COLUMNS`)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in asdict(row).items()})
    return out.getvalue()


def csv_cell(value: object) -> object:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with ``'``."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
