"""The result of analysing one clip, and its tabular and JSON views."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import xarray as xr

from motorobs.io.video import VideoInfo
from motorobs.metrics.base import Event, MetricValue, Trace

if TYPE_CHECKING:
    from motorobs.report.summary import Finding

EVENT_COLUMNS: tuple[str, ...] = ("type", "side", "start_s", "end_s")


@dataclass
class ClipResult:
    """Everything :func:`motorobs.analyze_video` learnt about one clip.

    Attributes
    ----------
    clip
        Clip name (the video's file name without suffix).
    video
        Probed video properties.
    landmarks
        The infant's landmarks (see :mod:`motorobs.landmarks`), pixels of the upright frame.
    signals
        The cleaned, body-relative signals the metrics were computed on
        (:class:`motorobs.signals.BodySignals`).
    metrics, events, traces
        Metric values, detected events and the signals behind them.
    notes
        Plain-language remarks for the report (e.g. how the infant was told apart from
        an adult, what limited the analysis).
    provenance
        Versions, models, configuration and processing steps.
    output_dir
        Where the files were written, if they were.
    """

    clip: str
    video: VideoInfo
    landmarks: xr.Dataset
    signals: Any
    metrics: list[MetricValue]
    events: list[Event]
    traces: list[Trace]
    notes: list[str] = field(default_factory=list)
    provenance: dict[str, Any] = field(default_factory=dict)
    output_dir: Path | None = None

    def metrics_table(self) -> pd.DataFrame:
        """One row per metric (and side): name, side, value, unit, coverage, status, ..."""
        rows = [{"clip": self.clip, **m.to_dict()} for m in self.metrics]
        columns = ["clip", "name", "side", "value", "unit", "coverage", "status", "reason",
                   "definition"]
        return pd.DataFrame(rows, columns=columns)

    def events_table(self) -> pd.DataFrame:
        """One row per event: ``type, side, start_s, end_s`` then type-specific columns."""
        rows = [
            {"type": e.type, "side": e.side, "start_s": e.start_s, "end_s": e.end_s,
             **e.details}
            for e in sorted(self.events, key=lambda e: (e.start_s, e.type, e.side or ""))
        ]
        table = pd.DataFrame(rows)
        if table.empty:
            return pd.DataFrame(columns=list(EVENT_COLUMNS))
        return table

    def metric(self, name: str, side: str | None = None) -> MetricValue:
        """The metric called ``name`` (for ``side`` if per hand)."""
        for m in self.metrics:
            if m.name == name and m.side == side:
                return m
        known = sorted({(m.name, m.side or "-") for m in self.metrics})
        raise KeyError(f"No metric {name!r} (side {side!r}); this result has {known}.")

    def summary(self) -> list[Finding]:
        """The findings at the top of the clip's report, in plain sentences
        (:func:`motorobs.report.summary.summarize`): what matters in this clip, with the
        number, the side, how sure motorobs is, and the moment that shows it."""
        from motorobs.report.collect import clip_summary, event_records
        from motorobs.report.summary import summarize

        return summarize([m.to_dict() for m in self.metrics], event_records(self.events, self),
                         clip_summary(self))

    def to_json_dict(self) -> dict[str, Any]:
        """The content of ``metrics.json``: the clip, its duration (s), the metrics, the
        summary findings (:meth:`summary`, as :meth:`~motorobs.report.summary.Finding.
        to_json`), the notes and the provenance."""
        return {
            "clip": self.clip,
            "duration_s": round(self.video.duration_s, 3),
            "metrics": [m.to_dict() for m in self.metrics],
            "summary": [f.to_json() for f in self.summary()],
            "notes": list(self.notes),
            "provenance": self.provenance,
        }
