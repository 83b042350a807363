"""HTML reports: the per-clip ``report.html`` and the batch ``index.html``.

Both are single self-contained files (inline CSS, plots as inline SVG, key frames as
``data:`` URIs) that open from disk and load nothing from the network. All text goes through
Jinja's autoescaping; the SVG charts escape their own text (:mod:`motorobs.report.svg`).

A clip's report is rendered from its stored files only (:class:`~motorobs.report.store.
StoredReport`), never from the video or an in-memory analysis: the report written at
analysis time and one rebuilt later are made by the same code from the same data.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from typing import Any

import jinja2
from markupsafe import Markup

from motorobs import __version__
from motorobs.report.labels import (
    STATUS_TEXT,
    format_metric_value,
    format_number,
    format_percent,
    humanize,
    metric_name_label,
)
from motorobs.report.plots import trace_chart
from motorobs.report.store import StoredReport

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("motorobs.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def posture_summary(shares: dict[str, float]) -> str:
    """``"supine 80 %, unknown 20 %"`` from posture name -> share of analysed frames."""
    if not shares:
        return "not determined"
    return ", ".join(f"{name} {format_percent(share)}" for name, share in shares.items())


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


def metric_row(metric: dict[str, Any]) -> dict[str, str]:
    """What the report's metric table shows for one metric of ``metrics.json`` (a value only
    when ok)."""
    status = str(metric.get("status", ""))
    return {
        "label": metric_name_label(metric["name"], metric.get("side")),
        "name": metric["name"],
        "value": format_metric_value(metric.get("value"), metric.get("unit", ""), status),
        "coverage": format_percent(metric.get("coverage")),
        "status": status,
        "status_text": STATUS_TEXT.get(status, status),
        "reason": metric.get("reason") or "",
        "definition": metric.get("definition", ""),
    }


def quality_verdict(metrics: list[dict[str, Any]]) -> dict[str, str] | None:
    """The ``recording_quality`` verdict as ``{"scorable", "text", "reasons"}``, if present."""
    for metric in metrics:
        if metric["name"] == "recording_quality" and metric.get("status") == "ok":
            scorable = bool(metric.get("value"))
            return {
                "scorable": "yes" if scorable else "no",
                "text": "This recording can be scored." if scorable else (
                    "This recording cannot be scored reliably; the numbers below are shown "
                    "for reference only."
                ),
                "reasons": metric.get("reason") or "",
            }
    return None


def jpeg_data_uri(jpeg: bytes) -> str:
    """JPEG bytes as an embeddable ``data:image/jpeg;base64,...`` URI."""
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")


def clip_context(stored: StoredReport) -> dict[str, Any]:
    """Everything ``clip_report.html`` shows, as plain strings and lists (the charts as
    SVG markup)."""
    report, metrics = stored.report, stored.metrics
    summary = report.summary
    plots = [
        {"label": trace.label,  # the chart escapes its own text: safe to insert as it is
         "svg": Markup(trace_chart(trace, stored.traces.time_s,
                                   stored.traces.columns[trace.column], report.events,
                                   chart_id=f"plot-{n}"))}
        for n, trace in enumerate(report.traces)
    ]
    provenance = metrics.get("provenance") or {}
    return {
        "clip": report.clip,
        "duration": "unknown" if summary.duration_s is None else f"{summary.duration_s:.1f} s",
        "analysed": analysis_date(provenance),
        "frames_analysed": summary.frames_analysed,
        "fps": format_number(summary.fps),
        "view": humanize(summary.view) if summary.view else "Not determined",
        "view_reason": summary.view_reason,
        "posture": posture_summary(summary.posture_shares),
        "infant_found": format_percent(summary.infant_found),
        "verdict": quality_verdict(metrics["metrics"]),
        "notes": [str(n) for n in metrics.get("notes") or []] + list(report.notes),
        "metrics": [metric_row(m) for m in metrics["metrics"]],
        "plots": plots,
        "key_frames": [
            {"uri": jpeg_data_uri(stored.key_frame_jpegs[k.file]), "caption": k.caption,
             "time": f"{k.time_s:.2f}", "frame": k.frame}
            for k in report.key_frames
        ],
        "blur_faces": report.blur_faces,
        "provenance": flatten(provenance),
        "version": __version__,
    }


def render_clip_report(context: dict[str, Any]) -> str:
    """HTML text of a clip report from :func:`clip_context`."""
    return _environment.get_template("clip_report.html").render(**context)


def render_batch_index(context: dict[str, Any]) -> str:
    """HTML text of the batch index from :func:`motorobs.report.index.batch_context`."""
    return _environment.get_template("index.html").render(**context)
