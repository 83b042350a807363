"""HTML reports: the per-clip ``report.html`` and the batch ``index.html``.

Both are single self-contained files (inline CSS, images as ``data:`` URIs) that open from
disk and load nothing from the network. All text goes through Jinja's autoescaping.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
import numpy as np
import xarray as xr

from motorobs import __version__
from motorobs.landmarks import INDIVIDUAL
from motorobs.metrics.base import MetricValue
from motorobs.report.keyframes import KeyFrame
from motorobs.report.labels import (
    STATUS_TEXT,
    format_number,
    format_percent,
    format_value,
    humanize,
    metric_label,
    metric_name_label,
)
from motorobs.report.plots import figure_data_uri, image_data_uri, trace_figure
from motorobs.result import ClipResult

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

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("motorobs.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


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


def _plain(value: Any) -> str:
    """Text of a label that may be an Enum member (its value) or missing (empty)."""
    value = getattr(value, "value", value)
    return "" if value is None else str(value)


def posture_summary(posture: Any) -> str:
    """``"supine 80 %, unknown 20 %"`` from a per-frame array of posture names."""
    if posture is None:
        return "not determined"
    names = [_plain(p) or "unknown" for p in np.asarray(posture).ravel()]
    if not names:
        return "not determined"
    counts = Counter(names).most_common()
    return ", ".join(f"{name} {format_percent(n / len(names))}" for name, n in counts)


def analysis_date(provenance: dict[str, Any]) -> str:
    """When the clip was analysed (from provenance if recorded, else now), ``YYYY-MM-DD HH:MM``."""
    value = provenance.get("analysed_at") if isinstance(provenance, dict) else None
    try:
        when = datetime.fromisoformat(str(value)) if value else datetime.now(timezone.utc)
    except ValueError:
        return str(value)
    if when.tzinfo is not None:
        return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return when.strftime("%Y-%m-%d %H:%M")


def flatten(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """Nested dicts as ``("a.b.c", "value")`` rows; lists and other values as JSON text."""
    if isinstance(data, dict):
        rows = []
        for key, value in data.items():
            rows += flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return rows
    text = data if isinstance(data, str) else json.dumps(data, default=str)
    return [(prefix or "value", text)]


def metric_row(metric: MetricValue) -> dict[str, str]:
    """What the report's metric table shows for one metric (a value only when ok)."""
    return {
        "label": metric_label(metric),
        "name": metric.name,
        "value": format_value(metric),
        "coverage": format_percent(metric.coverage),
        "status": metric.status,
        "status_text": STATUS_TEXT.get(metric.status, metric.status),
        "reason": metric.reason or "",
        "definition": metric.definition,
    }


def quality_verdict(metrics: list) -> dict[str, str] | None:
    """The ``recording_quality`` verdict as ``{"scorable", "text", "reasons"}``, if present."""
    for metric in metrics:
        if metric.name == "recording_quality" and metric.status == "ok":
            scorable = bool(metric.value)
            return {
                "scorable": "yes" if scorable else "no",
                "text": "This recording can be scored." if scorable else (
                    "This recording cannot be scored reliably; the numbers below are shown "
                    "for reference only."
                ),
                "reasons": metric.reason or "",
            }
    return None


def clip_context(
    result: ClipResult, key_frames: list[KeyFrame], extra_notes: list[str], blur_faces: bool
) -> dict[str, Any]:
    """Everything ``clip_report.html`` shows, as plain strings and lists."""
    signals = result.signals
    ds = result.landmarks
    times = time_base(result)
    plots, plot_notes = [], []
    for trace in result.traces:
        x = times
        if len(x) != len(trace.values):
            x = np.asarray(ds["time"].values, float)
        if len(x) != len(trace.values):
            plot_notes.append(f"Plot of “{trace.label}” left out: its length does not match "
                              "the clip's time base.")
            continue
        plots.append({"label": trace.label,
                      "uri": figure_data_uri(trace_figure(trace, x, result.events))})
    view = _plain(getattr(signals, "view", None))
    duration = result.video.duration_s
    return {
        "clip": result.clip,
        "duration": f"{duration:.1f} s" if math.isfinite(duration) else "unknown",
        "analysed": analysis_date(result.provenance),
        "frames_analysed": int(ds.sizes.get("time", 0)),
        "fps": format_number(result.video.fps),
        "view": humanize(str(view)) if view else "Not determined",
        "view_reason": str(getattr(signals, "view_reason", "") or ""),
        "posture": posture_summary(getattr(signals, "posture", None)),
        "infant_found": format_percent(infant_found_share(ds)),
        "verdict": quality_verdict(result.metrics),
        "notes": [str(n) for n in result.notes] + extra_notes + plot_notes,
        "metrics": [metric_row(m) for m in result.metrics],
        "plots": plots,
        "key_frames": [
            {"uri": image_data_uri(k.image), "caption": k.caption,
             "time": f"{k.time_s:.2f}", "frame": k.frame_index}
            for k in key_frames
        ],
        "blur_faces": blur_faces,
        "provenance": flatten(result.provenance),
        "version": __version__,
    }


def render_clip_report(context: dict[str, Any]) -> str:
    """HTML text of a clip report from :func:`clip_context`."""
    return _environment.get_template("clip_report.html").render(**context)


def report_link(result: ClipResult, out_dir: Path) -> str:
    """Relative, URL-quoted link from the batch folder to a clip's ``report.html``."""
    relative = Path(result.clip) / "report.html"
    if result.output_dir is not None:
        with contextlib.suppress(ValueError):  # not under out_dir: keep <clip>/report.html
            relative = (Path(result.output_dir) / "report.html").resolve().relative_to(
                Path(out_dir).resolve())
    return quote(relative.as_posix())


def batch_context(
    results: list[ClipResult], failures: list[tuple[str, str]], out_dir: Path
) -> dict[str, Any]:
    """Everything ``index.html`` shows: one row per clip, headline metrics, failures."""
    columns: list[tuple[str, str | None]] = []
    for result in results:
        for m in result.metrics:
            if (m.name, m.side) not in columns:
                columns.append((m.name, m.side))
    headline = [key for name in HEADLINE_METRICS for key in columns if key[0] == name]
    shown = (headline + [key for key in columns if key not in headline])[:MAX_INDEX_METRICS]
    headers = [metric_name_label(name, side) for name, side in shown]
    rows = []
    for result in results:
        by_key = {(m.name, m.side): m for m in result.metrics}
        cells = []
        for key in shown:
            metric = by_key.get(key)
            if metric is None:
                cells.append({"text": "", "title": "not computed"})
            elif metric.status == "ok":
                cells.append({"text": format_value(metric), "title": metric.definition})
            else:
                cells.append({"text": STATUS_TEXT[metric.status], "title": metric.reason or ""})
        rows.append({
            "clip": result.clip,
            "link": report_link(result, out_dir),
            "duration": f"{result.video.duration_s:.1f}",
            "view": humanize(_plain(getattr(result.signals, "view", None)) or "not determined"),
            "infant_found": format_percent(infant_found_share(result.landmarks)),
            "cells": cells,
        })
    return {
        "headers": headers,
        "rows": rows,
        "more_metrics": len(columns) - len(shown),
        "failures": [{"clip": str(c), "message": " ".join(str(m).split())} for c, m in failures],
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
    }


def render_batch_index(context: dict[str, Any]) -> str:
    """HTML text of the batch index from :func:`batch_context`."""
    return _environment.get_template("index.html").render(**context)
