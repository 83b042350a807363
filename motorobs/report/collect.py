"""What a clip's report shows, collected from its analysis (:class:`~motorobs.result.
ClipResult`) at analysis time, to be stored beside it (:mod:`motorobs.report.record`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import xarray as xr

from motorobs.landmarks import INDIVIDUAL
from motorobs.metrics.base import Event
from motorobs.report.moments import event_moment
from motorobs.report.record import (
    FRAME_COLUMN,
    TIME_COLUMN,
    ClipSummary,
    EventRecord,
    PostureSegment,
    TraceInfo,
)
from motorobs.report.store import TraceTable
from motorobs.result import ClipResult


def infant_found_share(ds: xr.Dataset) -> float:
    """Share (0..1) of analysed frames with at least one pose landmark of the infant."""
    pose = ds["position"].sel(individual=INDIVIDUAL).isel(keypoint=ds["part"].values == "pose")
    found = np.isfinite(pose.values).all(axis=1).any(axis=1)
    return float(found.mean()) if found.size else 0.0


def time_base(result: ClipResult) -> np.ndarray:
    """Time (s) of each analysed frame: ``signals.time_s`` when present, else the landmarks'."""
    time_s = getattr(result.signals, "time_s", None)
    if time_s is not None:
        return np.asarray(time_s, float)
    return np.asarray(result.landmarks["time"].values, float)


def plain(value: Any) -> str:
    """Text of a label that may be an Enum member (its value) or missing (empty)."""
    value = getattr(value, "value", value)
    return "" if value is None else str(value)


def posture_shares(posture: Any) -> dict[str, float]:
    """Posture name -> share (0..1) of frames, most common first, from a per-frame array of
    posture names (``None`` or empty: no shares)."""
    if posture is None:
        return {}
    names = [plain(p) or "unknown" for p in np.asarray(posture).ravel()]
    return {name: n / len(names) for name, n in Counter(names).most_common()}


def clip_summary(result: ClipResult) -> ClipSummary:
    """The facts at the top of the clip's report."""
    signals = result.signals
    return ClipSummary(
        duration_s=float(result.video.duration_s),
        fps=float(result.video.fps),
        frames_analysed=int(result.landmarks.sizes.get("time", 0)),
        view=plain(getattr(signals, "view", None)),
        view_reason=str(getattr(signals, "view_reason", "") or ""),
        posture_shares=posture_shares(getattr(signals, "posture", None)),
        infant_found=infant_found_share(result.landmarks),
    )


def aligned_traces(result: ClipResult) -> dict[str, np.ndarray]:
    """Trace name -> values, for the traces aligned with the clip's time base."""
    time_s = time_base(result)
    return {t.name: np.asarray(t.values, float) for t in result.traces
            if np.shape(t.values) == time_s.shape}


def event_records(events: list[Event], result: ClipResult | None = None
                  ) -> tuple[EventRecord, ...]:
    """The events as stored, in time order (as in ``events.csv``), each with the moment that
    shows it best (:func:`~motorobs.report.moments.event_moment`, found on the traces of
    ``result``; without ``result`` the moment is left unknown)."""
    ordered = sorted(events, key=lambda e: (e.start_s, e.type, e.side or ""))
    time_s = time_base(result) if result is not None else None
    traces = aligned_traces(result) if result is not None else {}
    records = []
    for e in ordered:
        moment = None if time_s is None else event_moment(
            e.type, e.side, e.start_s, e.end_s, e.details, time_s, traces)
        records.append(EventRecord(e.type, e.side, float(e.start_s), float(e.end_s),
                                   dict(e.details), moment))
    return tuple(records)


def posture_segments(result: ClipResult) -> tuple[PostureSegment, ...]:
    """The clip's postures as runs of equal labels (``unknown`` where not determined); each
    segment ends where the next starts (half a frame after its last frame at the clip's
    end). Empty when the signals carry no per-frame posture."""
    posture = getattr(result.signals, "posture", None)
    time_s = time_base(result)
    if posture is None or np.shape(posture) != time_s.shape or not time_s.size:
        return ()
    names = [plain(p) or "unknown" for p in np.asarray(posture).ravel()]
    step = float(np.median(np.diff(time_s))) if time_s.size > 1 else 0.0
    segments, start = [], 0
    for i in range(1, len(names) + 1):
        if i == len(names) or names[i] != names[start]:
            end = float(time_s[i]) if i < len(names) else float(time_s[-1]) + step
            segments.append(PostureSegment(names[start], float(time_s[start]), end))
            start = i
    return tuple(segments)


def _unique(name: str, taken: set[str]) -> str:
    column, n = name, 1
    while column in taken:
        n += 1
        column = f"{name}__{n}"
    taken.add(column)
    return column


def trace_table(result: ClipResult) -> tuple[tuple[TraceInfo, ...], TraceTable, list[str]]:
    """The traces as stored: what each is, their values on the clip's time base, and a note
    for each trace left out because it is not aligned with that time base."""
    time_s = time_base(result)
    frames = np.asarray(result.landmarks["frame"].values, np.int64)
    infos, columns, notes = [], {}, []
    taken = {TIME_COLUMN, FRAME_COLUMN}
    for trace in result.traces:
        values = np.asarray(trace.values, float)
        if values.shape != time_s.shape:
            notes.append(f"Plot of “{trace.label}” left out: its length does not match the "
                         "clip's time base.")
            continue
        column = _unique(trace.name, taken)
        infos.append(TraceInfo(trace.name, trace.label, trace.unit, column,
                               tuple(trace.event_types),
                               tuple(float(v) for v in trace.reference_lines)))
        columns[column] = values
    table = TraceTable(time_s, frames if frames.shape == time_s.shape else None, columns)
    return tuple(infos), table, notes
