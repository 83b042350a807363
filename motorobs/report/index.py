"""A batch's ``summary.csv`` and ``index.html``, built from the clip folders on disk.

Both can be rebuilt at any time, also after a crash: a clip's row comes from its
``metrics.json`` (metrics, duration) and ``report.json`` (camera view, share of frames with
the infant), never from an analysis in memory. Needs neither the videos nor MediaPipe.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from motorobs import __version__
from motorobs.io.atomic import write_atomic
from motorobs.report.html import render_batch_index
from motorobs.report.labels import (
    STATUS_TEXT,
    format_metric_value,
    format_percent,
    humanize,
    metric_name_label,
)
from motorobs.report.record import METRICS_FILE, REPORT_HTML, ClipSummary
from motorobs.report.store import StoredReportError, previous_clip_report, read_metrics
from motorobs.report.summary import Finding, stored_findings

SUMMARY_COLUMNS = ["clip", "name", "side", "value", "unit", "coverage", "status", "reason",
                   "definition"]
"""Columns of ``summary.csv``: the clip, then the fields of each metric in ``metrics.json``."""
MAX_INDEX_METRICS = 8
"""Metric columns of the batch index (all metrics are in ``summary.csv``)."""
HEADLINE_METRICS: tuple[str, ...] = (
    "recording_quality",
    "prone_time_s",
    "midline_crossings",
    "hands_together_pct",
    "reach_count",
    "head_lift_max_deg",
)
"""Metrics the batch index shows first, when present: what a therapist scans across clips."""


@dataclass(frozen=True)
class IndexEntry:
    """One clip of the index, as read from its folder."""

    clip: str
    folder: str
    """The clip folder relative to the batch folder (POSIX form)."""
    metrics: list[dict[str, Any]]
    """The metrics of ``metrics.json``."""
    duration_s: float | None
    summary: ClipSummary | None
    """From ``report.json``; ``None`` when it cannot be read."""
    has_report: bool
    """Whether ``report.html`` is there to link to."""
    findings: list[Finding] = field(default_factory=list)
    """The summary findings of ``metrics.json`` (none when it has none)."""


def clip_folders(out_dir: Path) -> list[str]:
    """Names of the subfolders of ``out_dir`` holding a ``metrics.json``, sorted."""
    return sorted(p.parent.name for p in Path(out_dir).glob(f"*/{METRICS_FILE}")
                  if p.is_file())


def read_entry(out_dir: Path, folder: str) -> IndexEntry:
    """The index entry of the clip folder ``out_dir/folder``.

    Raises
    ------
    StoredReportError
        If its ``metrics.json`` is missing or unreadable.
    """
    path = Path(out_dir) / folder
    metrics = read_metrics(path)
    report = previous_clip_report(path)
    duration = metrics.get("duration_s")
    return IndexEntry(
        clip=str(metrics["clip"]),
        folder=Path(os.path.relpath(path, out_dir)).as_posix(),
        metrics=metrics["metrics"],
        duration_s=None if duration is None else float(duration),
        summary=None if report is None else report.summary,
        has_report=(path / REPORT_HTML).is_file(),
        findings=stored_findings(metrics) or [],
    )


def summary_csv(entries: list[IndexEntry]) -> str:
    """The text of ``summary.csv``: one row per clip x metric, :data:`SUMMARY_COLUMNS`."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, SUMMARY_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for entry in entries:
        for metric in entry.metrics:
            writer.writerow({**metric, "clip": entry.clip})
    return buffer.getvalue()


def _cell(metric: dict[str, Any] | None) -> dict[str, str]:
    if metric is None:
        return {"text": "", "title": "not computed"}
    status = str(metric.get("status", ""))
    if status == "ok":
        return {"text": format_metric_value(metric.get("value"), metric.get("unit", ""), status),
                "title": metric.get("definition", "")}
    return {"text": STATUS_TEXT.get(status, status), "title": metric.get("reason") or ""}


def batch_context(entries: list[IndexEntry], failures: list[tuple[str, str]]) -> dict[str, Any]:
    """Everything ``index.html`` shows: one row per clip (its summary sentences, the same as
    in its report, and headline metrics), failures."""
    columns: list[tuple[str, str | None]] = []
    for entry in entries:
        for m in entry.metrics:
            if (m["name"], m.get("side")) not in columns:
                columns.append((m["name"], m.get("side")))
    headline = [key for name in HEADLINE_METRICS for key in columns if key[0] == name]
    shown = (headline + [key for key in columns if key not in headline])[:MAX_INDEX_METRICS]
    rows = []
    for entry in entries:
        by_key = {(m["name"], m.get("side")): m for m in entry.metrics}
        summary = entry.summary
        rows.append({
            "clip": entry.clip,
            "link": quote(f"{entry.folder}/{REPORT_HTML}") if entry.has_report else "",
            "duration": "–" if entry.duration_s is None else f"{entry.duration_s:.1f}",
            "view": humanize((summary.view if summary else "") or "not determined"),
            "infant_found": format_percent(summary.infant_found if summary else None),
            "cells": [_cell(by_key.get(key)) for key in shown],
            "summary": [f.text for f in entry.findings],
        })
    return {
        "headers": [metric_name_label(name, side) for name, side in shown],
        "rows": rows,
        "more_metrics": len(columns) - len(shown),
        "failures": [{"clip": str(c), "message": " ".join(str(m).split())} for c, m in failures],
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
    }


def write_batch_index(
    out_dir: Path, failures: list[tuple[str, str]], clips: list[str] | None = None
) -> dict[str, Path]:
    """Write a batch's ``summary.csv`` and ``index.html`` from the clip folders on disk.

    Parameters
    ----------
    out_dir
        The batch output folder.
    failures
        ``(clip or file name, one-line reason)`` of clips that could not be analysed.
    clips
        Clip folders to include, relative to ``out_dir``, in this order; ``None``: every
        subfolder holding a ``metrics.json``, by name. A listed folder whose
        ``metrics.json`` is missing or unreadable is listed with the failures.

    Returns
    -------
    dict
        File name -> path written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries, failures = [], list(failures)
    for folder in clip_folders(out_dir) if clips is None else clips:
        try:
            entries.append(read_entry(out_dir, folder))
        except StoredReportError as exc:
            failures.append((str(folder), str(exc)))
    return {
        "summary.csv": write_atomic(out_dir / "summary.csv", summary_csv(entries)),
        "index.html": write_atomic(out_dir / "index.html",
                                   render_batch_index(batch_context(entries, failures))),
    }
