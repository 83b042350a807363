"""HTML reports: the per-clip ``report.html`` and the batch ``index.html``.

Both are single self-contained files (inline CSS, plots as inline SVG, key frames as
``data:`` URIs, no script) that open from disk and load nothing from the network.

A clip's report reads top to bottom as a therapist needs it: the summary (the few findings
that matter, :mod:`motorobs.report.summary`), one timeline of the clip
(:mod:`motorobs.report.timeline`) with the key frames placed on it and the signal plots
folded below, the details family by family (:mod:`motorobs.report.families`), the key
frames, then recording quality and technical details. Printing keeps the summary, the
timeline, the details and the key frames, and drops what is folded. All text goes through
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
from motorobs.report.families import FAMILIES, OTHER, SEEN_NOTE, details, family_of_trace
from motorobs.report.labels import clip_time, format_number, format_percent, humanize
from motorobs.report.plots import trace_chart
from motorobs.report.record import EventRecord, KeyFrameRecord
from motorobs.report.store import StoredReport
from motorobs.report.summary import Finding, clock, stored_findings, summarize
from motorobs.report.timeline import POSTURE_NAMES, key_frame_for, lanes, timeline_svg

FINDING_FRAME_SLACK_S = 0.5
"""A finding whose event has no key frame is shown by a key frame this close (s)."""
VIEW_TEXT = {"top": "from above", "side": "from the side", "unknown": "not determined"}

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("motorobs.report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def as_sentence(text: str) -> str:
    """``text`` capitalised, with one full stop at its end."""
    text = str(text).strip().rstrip(".")
    return text[:1].upper() + text[1:] + "." if text else ""


def as_heading(text: str) -> str:
    """``text`` capitalised, without a full stop at its end."""
    text = str(text).strip().rstrip(".")
    return text[:1].upper() + text[1:]


_environment.filters["as_sentence"] = as_sentence
_environment.filters["as_heading"] = as_heading


def posture_summary(shares: dict[str, float]) -> str:
    """``"on the back 80 %, unsure 20 %"`` from posture name -> share of analysed frames."""
    if not shares:
        return "position not determined"
    return ", ".join(f"{POSTURE_NAMES.get(name, name)} {format_percent(share)}"
                     for name, share in shares.items())


def duration_text(seconds: float) -> str:
    """A clip's length: ``"7.0 s"`` under a minute, else ``"1:05 min"``."""
    return f"{seconds:.1f} s" if seconds < 59.95 else f"{clock(seconds)} min"


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


def clip_findings(stored: StoredReport) -> list[Finding]:
    """The summary findings stored in ``metrics.json``; made again from the stored metrics,
    events and facts for a ``metrics.json`` written before it had them."""
    found = stored_findings(stored.metrics)
    if found is not None:
        return found
    report = stored.report
    return summarize(stored.metrics["metrics"], report.events, report.summary)


def finding_frame(finding: Finding, events: tuple[EventRecord, ...],
                  key_frames: tuple[KeyFrameRecord, ...]) -> int | None:
    """Index of the key frame that shows a finding: the frame of its event, else the frame
    nearest its moment within :data:`FINDING_FRAME_SLACK_S`; ``None`` if none does."""
    if finding.moment_s is None or not key_frames:
        return None
    for event in events:
        if (event.type == finding.event_type and event.side == finding.side
                and abs(event.moment - finding.moment_s) < 1e-6):
            index = key_frame_for(event, key_frames)
            if index is not None:
                return index
    nearest = min(range(len(key_frames)),
                  key=lambda i: abs(key_frames[i].time_s - finding.moment_s))
    if abs(key_frames[nearest].time_s - finding.moment_s) <= FINDING_FRAME_SLACK_S:
        return nearest
    return None


def _plots(stored: StoredReport) -> dict[str, list[dict[str, Any]]]:
    """Family key -> its plots (label and SVG markup), in the traces' order."""
    report = stored.report
    plots: dict[str, list[dict[str, Any]]] = {}
    for n, trace in enumerate(report.traces):
        svg = trace_chart(trace, stored.traces.time_s, stored.traces.columns[trace.column],
                          report.events, chart_id=f"plot-{n}")
        # the chart escapes its own text: safe to insert as it is
        plots.setdefault(family_of_trace(trace.name).key, []).append(
            {"label": trace.label, "svg": Markup(svg)})
    return plots


def clip_context(stored: StoredReport) -> dict[str, Any]:
    """Everything ``clip_report.html`` shows, as plain strings and lists (the timeline and
    the charts as SVG markup)."""
    report, metrics = stored.report, stored.metrics
    summary = report.summary
    key_frames = report.key_frames
    ids = [f"kf-{i + 1}" for i in range(len(key_frames))]
    findings = []
    for finding in clip_findings(stored):
        frame = finding_frame(finding, report.events, key_frames)
        findings.append({
            "text": finding.text, "certainty": finding.certainty, "kind": finding.kind,
            "family": finding.family,
            "moment": None if finding.moment_s is None else clip_time(finding.moment_s),
            "frame_id": None if frame is None else ids[frame],
            "frame_number": None if frame is None else frame + 1,
        })
    duration = summary.duration_s if summary.duration_s is not None else (
        float(stored.traces.time_s[-1]) if stored.traces.time_s.size else 0.0)
    timeline = timeline_svg(duration, report.posture_segments,
                            lanes(report.events, metrics["metrics"]), key_frames,
                            key_frame_ids=ids)
    tables, not_applicable = details(metrics["metrics"])
    plots = _plots(stored)
    families = {t.family.key for t in tables}
    plot_groups = [{"key": key, "title": title, "plots": plots[key]}
                   for key, title in [(f.key, f.title) for f in (*FAMILIES, OTHER)]
                   if key in plots]
    provenance = metrics.get("provenance") or {}
    overlay = report.overlay_video
    return {
        "clip": report.clip,
        "duration": "length unknown" if summary.duration_s is None else duration_text(
            summary.duration_s),
        "analysed": analysis_date(provenance),
        "frames_analysed": summary.frames_analysed,
        "fps": format_number(summary.fps),
        "view": VIEW_TEXT.get(summary.view, humanize(summary.view)) if summary.view else (
            "not determined"),
        "view_phrase": f"filmed {VIEW_TEXT[summary.view]}" if summary.view in ("top", "side")
        else "camera view not determined",
        "view_reason": summary.view_reason,
        "posture": posture_summary(summary.posture_shares),
        "infant_found": format_percent(summary.infant_found),
        "verdict": quality_verdict(metrics["metrics"]),
        "findings": findings,
        "timeline": Markup(timeline),  # escapes its own text
        "notes": [str(n) for n in metrics.get("notes") or []] + list(report.notes),
        "tables": tables,
        "seen_note": SEEN_NOTE,
        "not_applicable": not_applicable,
        "n_not_applicable": sum(len(group.labels) for group in not_applicable),
        "plot_groups": plot_groups,
        "families_shown": families,
        "key_frames": [
            {"id": ids[i], "number": i + 1, "uri": jpeg_data_uri(stored.key_frame_jpegs[k.file]),
             "caption": k.caption, "time": clip_time(k.time_s), "frame": k.frame}
            for i, k in enumerate(key_frames)
        ],
        "overlay": None if overlay is None else {
            "file": overlay.file, "frames": overlay.frames, "hidden": overlay.hidden_frames,
            "present": (stored.folder / overlay.file).is_file()},
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
