"""Reading the analysed clips of a results folder (written by ``motorobs analyze -o``).

Only each clip's ``metrics.json`` is needed (the metrics, the camera view per segment in its
provenance); ``report.json``, when there, adds the shares of time in each posture. Neither the
video nor MediaPipe is needed. :func:`clip_record` is pure (plain JSON in) so the web app can
pass what it stores.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motorobs.report.index import clip_folders
from motorobs.report.record import REPORT_FILE
from motorobs.report.store import read_metrics


@dataclass(frozen=True)
class ClipRecord:
    """What the trends need from one analysed clip."""

    clip: str
    """The clip's folder name in the results folder."""
    metrics: tuple[Mapping[str, Any], ...]
    """The ``metrics`` list of ``metrics.json``."""
    views: tuple[str, ...] = ()
    """Camera view of each segment of the clip (``top``, ``side``, ``unknown``)."""
    posture_shares: Mapping[str, float] = field(default_factory=dict)
    """Posture -> share of analysed frames (0..1), from ``report.json``."""
    scorable: bool = True
    """False when ``recording_quality`` says the recording cannot be scored."""
    quality_reason: str = ""

    def metric(self, name: str, side: str | None) -> Mapping[str, Any] | None:
        """The entry of metric ``name`` (and ``side``), or ``None`` if the clip lacks it."""
        for entry in self.metrics:
            if entry.get("name") == name and entry.get("side") == side:
                return entry
        return None

    @property
    def view(self) -> str:
        """The clip's view(s) in words: ``top``, ``side``, ``side+top``, or ``unknown``."""
        return "+".join(sorted(set(self.views))) or "unknown"

    @property
    def posture(self) -> str:
        """Postures with their shares, largest first: ``"prone 80%, supine 20%"``."""
        ordered = sorted(self.posture_shares.items(), key=lambda kv: -kv[1])
        return ", ".join(f"{name} {share:.0%}" for name, share in ordered if share > 0)


def clip_record(folder: str, metrics_json: Mapping[str, Any],
                report_json: Mapping[str, Any] | None = None) -> ClipRecord:
    """The :class:`ClipRecord` of a clip from the content of its ``metrics.json`` and, if
    available, ``report.json``."""
    processing = (metrics_json.get("provenance") or {}).get("signal_processing") or {}
    segments = processing.get("view_segments") or []
    views = tuple(str(s.get("view")) for s in segments if s.get("view"))
    summary = (report_json or {}).get("summary") or {}
    if not views:
        view = processing.get("view") or summary.get("view")
        views = (str(view),) if view else ()
    metrics = tuple(m for m in metrics_json.get("metrics", []) if isinstance(m, Mapping))
    quality = next((m for m in metrics if m.get("name") == "recording_quality"), None)
    scorable = not (quality and quality.get("status") == "ok" and quality.get("value") == 0)
    shares = {str(k): float(v) for k, v in (summary.get("posture_shares") or {}).items()}
    return ClipRecord(folder, metrics, views, shares, scorable,
                      "" if scorable or quality is None else str(quality.get("reason") or ""))


def read_results(results_dir: Path) -> dict[str, ClipRecord]:
    """Every analysed clip of ``results_dir``, by folder name.

    Raises
    ------
    motorobs.report.store.StoredReportError
        If a clip's ``metrics.json`` cannot be read (the message names it).
    """
    results_dir = Path(results_dir)
    records = {}
    for folder in clip_folders(results_dir):
        metrics = read_metrics(results_dir / folder)
        report = None
        try:
            report = json.loads((results_dir / folder / REPORT_FILE).read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            report = None  # postures are then left out; the metrics are all that is needed
        records[folder] = clip_record(folder, metrics, report if isinstance(report, dict)
                                      else None)
    return records
