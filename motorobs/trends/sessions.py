"""The sessions table: one row per clip x headline metric, with ages and statuses.

Each row says what the clip measured (``value``, ``unit``, ``status``, ``reason``,
``coverage``), how it was filmed (``view``, ``posture``), the child's ages at the session,
any mark, and what the trend does with it (``role``):

* ``point``: status ``ok``, a scorable recording, not marked: ``trend_value`` = ``value``;
* ``gap``: the metric was not measured (status ``insufficient_data`` or ``not_applicable``,
  missing from the file, or the recording could not be scored): ``trend_value`` is NaN and
  ``gap_reason`` says why; a gap is never a zero;
* ``marked``: measured, but marked untrustworthy by a therapist: out of the trend and the
  flags, shown as marked;
* ``other_view``: filmed only from a camera view the metric cannot use: out of this
  metric's trend altogether (not even a gap).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from motorobs.trends.childmap import ChildMapEntry
from motorobs.trends.csvinput import TrendsInputError
from motorobs.trends.headlines import HEADLINES, Headline, view_excludes
from motorobs.trends.marks import Mark, find_mark
from motorobs.trends.results import ClipRecord

ROLES = ("point", "gap", "marked", "other_view")
SESSION_COLUMNS = (
    "child", "clip", "session_date", "chronological_days", "chronological_months",
    "corrected_days", "corrected_months", "age_months", "age_basis", "view", "posture",
    "metric", "side", "key", "label", "value", "unit", "status", "reason", "coverage",
    "role", "trend_value", "gap_reason", "marked", "mark_reason", "marked_by", "marked_at",
)
"""Columns of the sessions table (and of ``trends.csv``). Ages: ``*_days`` in days,
``*_months`` in calendar months (:mod:`motorobs.trends.age`); ``age_months`` is the age at
which norms are read (``age_basis``: corrected or chronological)."""


@dataclass(frozen=True)
class SessionsTable:
    """The sessions table and the warnings found while building it."""

    frame: pd.DataFrame
    """Columns :data:`SESSION_COLUMNS`, sorted by child, session date, clip, headline."""
    warnings: tuple[str, ...] = ()


def measurement_role(headline: Headline, record: ClipRecord, entry: Mapping | None,
                     mark: Mark | None) -> tuple[str, str]:
    """``(role, gap_reason)`` of one clip's value of ``headline`` (its ``metrics.json``
    entry, ``None`` if missing; the mark covering it, if any)."""
    excluded = view_excludes(headline.metric, record.views)
    if excluded:
        return "other_view", excluded
    if entry is None:
        return "gap", ("not in this clip's metrics.json (analysed by an older motorobs; "
                       "run `motorobs analyze` again)")
    if entry.get("status") != "ok" or entry.get("value") is None:
        return "gap", str(entry.get("reason") or entry.get("status") or "not measured")
    if not record.scorable:
        return "gap", "the recording could not be scored: " + (record.quality_reason or
                                                              "see the clip's report")
    if mark is not None:
        return "marked", f"marked untrustworthy: {mark.reason}"
    return "point", ""


def clip_rows(entry: ChildMapEntry, record: ClipRecord,
              marks: Collection[Mark] = ()) -> list[dict]:
    """The rows of one clip, one per headline metric (:data:`HEADLINES`)."""
    age = entry.age
    base = {
        "child": entry.child, "clip": entry.clip, "session_date": age.session_date.isoformat(),
        "chronological_days": age.chronological_days,
        "chronological_months": round(age.chronological_months, 3),
        "corrected_days": age.corrected_days,
        "corrected_months": round(age.corrected_months, 3),
        "age_months": round(age.age_for_norms_months, 3),
        "age_basis": "corrected" if age.uses_corrected else "chronological",
        "view": record.view, "posture": record.posture,
    }
    rows = []
    for headline in HEADLINES:
        metric = record.metric(headline.metric, headline.side)
        mark = find_mark(marks, entry.clip, headline.metric, headline.side)
        role, gap_reason = measurement_role(headline, record, metric, mark)
        value = None if metric is None else metric.get("value")
        value = math.nan if value is None else float(value)
        rows.append({
            **base, "metric": headline.metric, "side": headline.side or "",
            "key": headline.key, "label": headline.label, "value": value,
            "unit": "" if metric is None else str(metric.get("unit") or ""),
            "status": "missing" if metric is None else str(metric.get("status")),
            "reason": "" if metric is None else str(metric.get("reason") or ""),
            "coverage": math.nan if metric is None else float(metric.get("coverage", math.nan)),
            "role": role, "trend_value": value if role == "point" else math.nan,
            "gap_reason": gap_reason, "marked": mark is not None,
            "mark_reason": mark.reason if mark else "", "marked_by": mark.by if mark else "",
            "marked_at": mark.at if mark else "",
        })
    return rows


def build_sessions(entries: Sequence[ChildMapEntry], records: Mapping[str, ClipRecord],
                   marks: Collection[Mark] = (), *, map_name: str = "the child map",
                   results_name: str = "the results folder") -> SessionsTable:
    """The sessions table of every clip in ``entries``.

    Parameters
    ----------
    entries
        The child map (:func:`motorobs.trends.childmap.read_child_map`).
    records
        The analysed clips by folder name (:func:`motorobs.trends.results.read_results`).
    marks
        Measurements marked untrustworthy.
    map_name, results_name
        How messages name the child map and the results folder (e.g. their paths).

    Raises
    ------
    TrendsInputError
        If a clip of the child map is not among ``records`` (message: file, line, fix).
    """
    problems = [f"{map_name}:{e.line}: clip {e.clip!r} is not in {results_name} (no folder "
                f"{e.clip}/ with a metrics.json); check the name against the clip folders, "
                "or analyse its video with `motorobs analyze` first."
                for e in entries if e.clip not in records]
    if problems:
        raise TrendsInputError(problems)
    mapped = {e.clip for e in entries}
    warnings = tuple(f"{results_name}/{clip}: analysed but not in {map_name}; add a row "
                     f"'{clip},CHILD,SESSION_DATE,BIRTH_DATE,DUE_DATE' to include it in a "
                     "child's trends." for clip in sorted(records) if clip not in mapped)
    rows = [row for e in entries for row in clip_rows(e, records[e.clip], marks)]
    frame = pd.DataFrame(rows, columns=list(SESSION_COLUMNS))
    order = {h.key: i for i, h in enumerate(HEADLINES)}
    frame = (frame.assign(_order=frame["key"].map(order))
             .sort_values(["child", "session_date", "clip", "_order"], kind="stable")
             .drop(columns="_order").reset_index(drop=True))
    return SessionsTable(frame, warnings)
