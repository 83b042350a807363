"""Reading a clip's analysis outputs for the app: its metrics and its report.

Everything is read from the clip's folder (``results/<stored_name>/``), never from the
video, so reports still open after the raw video was deleted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from motorobs.report.labels import format_number, metric_name_label, unit_text

METRICS_FILE = "metrics.json"
REPORT_FILE = "report.html"
HEADLINE_COUNT = 6
"""Metrics shown per clip in the child's list of sessions (the report has them all)."""


class OutputMissing(LookupError):
    """The clip has no such output (not analysed yet, or failed)."""


@dataclass(frozen=True)
class MetricLine:
    label: str
    value: str


def read_metrics(clip_dir: Path) -> dict[str, Any]:
    """The clip's ``metrics.json``.

    Raises
    ------
    OutputMissing
        There is none (or it cannot be read).
    """
    try:
        return json.loads((clip_dir / METRICS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise OutputMissing("this clip has no metrics (yet)") from exc


def metric_value_text(metric: dict[str, Any]) -> str:
    """``"3.25 per min"``, ``"scorable"``; empty unless the metric was measured."""
    value, unit = metric.get("value"), metric.get("unit") or ""
    if metric.get("status") != "ok" or value is None:
        return ""
    if unit == "verdict":
        return "scorable" if value else "not scorable"
    shown = f" {unit_text(unit)}" if unit and unit not in ("1", "count") else ""
    return f"{format_number(float(value))}{shown}"


def headline_metrics(data: dict[str, Any], count: int = HEADLINE_COUNT) -> list[MetricLine]:
    """The recording verdict and the first measured metrics, in the report's order."""
    lines = []
    for metric in data.get("metrics", []):
        text = metric_value_text(metric)
        if not text:
            continue
        if metric.get("unit") == "verdict":
            lines.insert(0, MetricLine("Recording", text))
        else:
            lines.append(MetricLine(metric_name_label(metric["name"], metric.get("side")),
                                    text))
    return lines[:count]


def summary_sentences(data: dict[str, Any]) -> list[str]:
    """The clip's summary findings (``metrics.json`` ``summary``), the words of its report,
    each with how sure motorobs is; empty for outputs written before there was a summary."""
    sentences = []
    for finding in data.get("summary", []):
        if isinstance(finding, str):
            sentences.append(finding)
        elif isinstance(finding, dict) and finding.get("text"):
            certainty = finding.get("certainty")
            sentences.append(f"{finding['text']} {certainty}" if certainty else finding["text"])
    return sentences


def report_path(clip_dir: Path) -> Path:
    """The clip's ``report.html``, rendered again from the saved outputs if it is missing.

    Raises
    ------
    OutputMissing
        No report and no outputs to make one from.
    """
    path = clip_dir / REPORT_FILE
    if path.is_file():
        return path
    if not (clip_dir / METRICS_FILE).is_file():
        raise OutputMissing("this clip has no report (yet)")
    try:
        from motorobs.report import rebuild_clip_report
    except ImportError as exc:  # an older motorobs.report
        raise OutputMissing("this clip's report is missing") from exc
    rebuild_clip_report(clip_dir)
    if not path.is_file():
        raise OutputMissing("this clip's report could not be rendered again")
    return path
