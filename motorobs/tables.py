"""Metrics and events as pandas DataFrames, from a result in memory or from folders on disk.

One function per table, each taking what a researcher has at hand:

* a :class:`~motorobs.result.ClipResult` (from :func:`motorobs.analyze_video` or
  :func:`motorobs.analyze_landmarks`);
* a :class:`~motorobs.metrics.MetricOutput` (from :func:`motorobs.compute_metrics`);
* a clip's results folder (``metrics.json``, ``events.csv``), written by
  ``analyze_video(..., output_dir=...)`` or ``motorobs analyze``;
* a batch's results folder (one subfolder per clip), or the
  :class:`~motorobs.batch.BatchSummary` :func:`motorobs.analyze_folder` returns: the tables
  of every clip in it, one after the other (the metrics table is then ``summary.csv``'s).

Reading folders needs neither the videos nor MediaPipe.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pandas as pd

from motorobs.metrics.base import MetricOutput
from motorobs.report.index import SUMMARY_COLUMNS, clip_folders
from motorobs.report.record import METRICS_FILE
from motorobs.report.store import read_metrics
from motorobs.result import EVENT_COLUMNS, ClipResult

if TYPE_CHECKING:
    from motorobs.batch import BatchSummary

EVENTS_FILE = "events.csv"
Source = ClipResult | MetricOutput | str | Path | Any
"""What the tables accept (see the module docstring)."""


def _clip_dirs(source: str | Path | BatchSummary) -> list[Path]:
    """The clip folders of ``source``: itself when it is a clip's folder, else its
    subfolders holding a ``metrics.json``.

    Raises
    ------
    FileNotFoundError
        ``source`` is not a folder, or holds no clip results.
    """
    folder = Path(getattr(source, "output_root", source))
    if (folder / METRICS_FILE).is_file():
        return [folder]
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such results folder; give a clip's folder "
                                "(with metrics.json) or the folder `motorobs analyze -o` wrote.")
    clips = clip_folders(folder)
    if not clips:
        raise FileNotFoundError(f"{folder}: no clip results in it (no */{METRICS_FILE}); "
                                "analyse the clips first (motorobs.analyze_folder).")
    return [folder / clip for clip in clips]


def metrics_table(source: Source) -> pd.DataFrame:
    """One row per metric value (and hand, for per-hand metrics).

    Columns: ``clip, name, side, value, unit, coverage, status, reason, definition``.
    ``value`` is NaN unless ``status`` is ``ok``; ``coverage`` is the share (0..1) of the
    relevant time the metric could see what it needs (docs/metrics.md). A
    :class:`~motorobs.metrics.MetricOutput` has no clip: its ``clip`` is empty.

    Raises
    ------
    FileNotFoundError
        A folder that holds no results.
    motorobs.report.StoredReportError
        A ``metrics.json`` that cannot be read (names the folder and the fix).
    """
    if isinstance(source, ClipResult):
        rows = [{"clip": source.clip, **m.to_dict()} for m in source.metrics]
    elif isinstance(source, MetricOutput):
        rows = [{"clip": None, **m.to_dict()} for m in source.values]
    else:
        rows = []
        for folder in _clip_dirs(source):
            data = read_metrics(folder)
            rows += [{**m, "clip": data["clip"]} for m in data["metrics"]]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS).astype({"value": float})


def events_table(source: Source) -> pd.DataFrame:
    """One row per detected event, in time order within each clip.

    Columns: ``clip, type, side, start_s, end_s`` (seconds from the clip's start), then the
    type-specific details (e.g. ``peak_speed_bu_per_s``; empty where another type has none),
    as in each clip's ``events.csv`` (docs/metrics.md).

    Raises
    ------
    FileNotFoundError
        A folder that holds no results.
    """
    if isinstance(source, ClipResult):
        tables = [source.events_table().assign(clip=source.clip)]
    elif isinstance(source, MetricOutput):
        # ClipResult's table needs only the events: one rule for both
        events_only = SimpleNamespace(events=source.events)
        tables = [ClipResult.events_table(events_only).assign(clip=None)]  # type: ignore[arg-type]
    else:
        tables = []
        for folder in _clip_dirs(source):
            path = folder / EVENTS_FILE
            table = (pd.read_csv(path) if path.is_file() and path.stat().st_size
                     else pd.DataFrame(columns=list(EVENT_COLUMNS)))
            tables.append(table.assign(clip=read_metrics(folder)["clip"]))
    tables = [t for t in tables if not t.empty] or tables[:1]
    table = pd.concat(tables, ignore_index=True)
    first = ["clip", *EVENT_COLUMNS]
    return table[first + [c for c in table.columns if c not in first]]

