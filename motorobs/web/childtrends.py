"""A child's trends, flags, home programme and review in the app: what the child's page, its
PDF and its exports show, built by :mod:`motorobs.trends` from what the app stores.

The app's clips are the trends' clips (named ``"<uploaded name> #<clip id>"``), its dates
give the child map, its marks, notes and goals are the therapist's review. Nothing here
computes a trend, a flag or a PDF itself: :func:`motorobs.trends.sessions.build_sessions`,
:func:`motorobs.trends.flags.evaluate_flags`, :func:`motorobs.trends.programme.weekly_practice`
and :mod:`motorobs.trends.pdf` do.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from motorobs.trends.age import AgeError, session_age
from motorobs.trends.childmap import ChildMapEntry
from motorobs.trends.flags import Flag, Rules, evaluate_flags, load_rules
from motorobs.trends.goals import Goal
from motorobs.trends.marks import Note
from motorobs.trends.pdf import child_report_html, clip_report_html
from motorobs.trends.programme import ProgrammeWeek, weekly_practice
from motorobs.trends.results import ClipRecord, clip_record
from motorobs.trends.sessions import SESSION_COLUMNS, build_sessions
from motorobs.web.models import Child, Clip
from motorobs.web.reading import OutputMissing, read_metrics, summary_sentences
from motorobs.web.review import clip_key, clip_marks, clip_notes
from motorobs.web.storage import Storage
from motorobs.web.summary import csv_cell

REPORT_JSON = "report.json"
TRENDS_COLUMNS = ("clip_id", *SESSION_COLUMNS, "notes")
"""Columns of a child's ``trends.csv``: the app's clip id, the sessions table of
``motorobs trends`` (:data:`motorobs.trends.sessions.SESSION_COLUMNS`) and the clip's notes
(``text (by, at)``, several joined with `` | ``)."""


@dataclass
class ChildTrends:
    """A child's trends and everything around them (plain data, built in a database
    session and used after it)."""

    code: str
    frame: pd.DataFrame
    """The child's sessions table (one row per analysed clip x headline metric)."""
    flags: list[Flag]
    rules: Rules
    programme: list[ProgrammeWeek]
    notes: list[Note]
    clip_ids: dict[str, int]
    """Clip name in the trends -> the app's clip id."""
    summaries: dict[str, list[str]] = field(default_factory=dict)
    """Clip name -> its report's summary sentences."""
    waiting: int = 0
    """Clips not analysed (yet): not in the trends."""
    problem: str | None = None
    """Why there are no trends (dates that give no age), else ``None``."""

    def clip_rows(self, clip_id: int) -> pd.DataFrame:
        names = [k for k, v in self.clip_ids.items() if v == clip_id]
        return self.frame[self.frame["clip"].isin(names)]

    def report_html(self) -> str:
        """The child's PDF as HTML: trends, flags, home programme, notes and marks."""
        return child_report_html(self.code, self.frame, self.flags, self.rules.version,
                                 notes=self.notes, programme=self.programme)

    def clip_report_html(self, clip_id: int) -> str:
        rows = self.clip_rows(clip_id)
        name = rows["clip"].iloc[0]
        return clip_report_html(self.code, rows, self.summaries.get(name, []),
                                [n for n in self.notes if n.clip == name])

    def to_csv(self) -> str:
        """``trends.csv``: :data:`TRENDS_COLUMNS`, spreadsheet formulas defused."""
        notes: dict[str, list[str]] = {}
        for n in self.notes:
            notes.setdefault(n.clip, []).append(f"{n.text} ({n.by}, {n.at})")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(TRENDS_COLUMNS)
        for row in self.frame.to_dict("records"):
            cells = [self.clip_ids[row["clip"]], *(row[c] for c in SESSION_COLUMNS),
                     " | ".join(notes.get(row["clip"], []))]
            writer.writerow([csv_cell(_plain(c)) for c in cells])
        return out.getvalue()

    def to_api(self) -> dict[str, Any]:
        """``GET /api/children/{id}/trends``."""
        rows = [{k: _plain(v) for k, v in r.items()} for r in self.frame.to_dict("records")]
        for row in rows:
            row["clip_id"] = self.clip_ids[row["clip"]]
        return json.loads(json.dumps({
            "child": self.code, "problem": self.problem, "waiting": self.waiting,
            "rules_version": self.rules.version, "sessions": rows,
            "flags": [f.to_dict() for f in self.flags],
            "programme": [{"week": w.week, "clips": list(w.clips), "activities": [
                {"activity": a.activity, "recorded_min": round(a.recorded_min, 2),
                 "measured": a.measured, "not_measured": list(a.not_measured),
                 "goal_min_per_day": a.goal_min_per_day, "below_goal": a.below_goal}
                for a in w.activities]} for w in self.programme],
            "notes": [n.__dict__ for n in self.notes]}))


def _plain(value: Any) -> Any:
    """A table cell as JSON and CSV want it: NaN -> ``None``, numpy scalars -> Python."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _record(clip: Clip, storage: Storage) -> tuple[ClipRecord, list[str]] | None:
    """The analysed clip's record and summary sentences (``None``: not analysed)."""
    if clip.job is None or clip.job.state != "done":
        return None
    folder = storage.result_dir(clip.stored_name)
    try:
        metrics = read_metrics(folder)
    except OutputMissing:
        return None
    try:
        report = json.loads((folder / REPORT_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        report = None  # postures are then left out
    return (clip_record(clip_key(clip), metrics, report if isinstance(report, dict) else None),
            summary_sentences(metrics))


def child_trends(child: Child, storage: Storage) -> ChildTrends:
    """The trends of ``child`` (inside a database session: its sessions, clips, jobs, marks,
    notes and goals are read)."""
    entries, records, marks, notes, ids, summaries, waiting = [], {}, [], [], {}, {}, 0
    problem = None
    for session in child.sessions:
        for clip in session.clips:
            read = _record(clip, storage)
            if read is None:
                waiting += 1
                continue
            try:
                age = session_age(session.date, child.birth_date, child.due_date)
            except AgeError as exc:
                problem = f"No trends: {exc}"
                continue
            name = clip_key(clip)
            entries.append(ChildMapEntry(name, child.code, age, 0))
            records[name], summaries[name] = read
            ids[name] = clip.id
            marks += clip_marks(clip)
            notes += clip_notes(clip)
    goals = [Goal(child.code, g.activity, g.minutes_per_day) for g in child.goals]
    rules = load_rules()
    frame = build_sessions(entries, records, marks).frame
    flags = evaluate_flags(frame, rules, goals)
    programme = weekly_practice(entries, records, marks, goals)
    return ChildTrends(child.code, frame, flags, rules, programme, notes, ids, summaries,
                       waiting, problem)
