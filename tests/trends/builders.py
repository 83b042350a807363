"""Constructed metrics.json contents and sessions tables with known answers."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from motorobs.trends.age import session_age
from motorobs.trends.childmap import ChildMapEntry
from motorobs.trends.headlines import HEADLINES
from motorobs.trends.results import clip_record
from motorobs.trends.sessions import build_sessions

BIRTH = date(2024, 1, 1)


def metrics_json(clip: str, values: dict[str, Any], view: str = "top") -> dict[str, Any]:
    """A metrics.json with every headline metric ``insufficient_data``, except those in
    ``values`` (key ``metric`` or ``metric:side`` -> value, ``ok``)."""
    metrics = [{"name": "recording_quality", "side": None, "value": 1.0, "unit": "verdict",
                "coverage": 1.0, "status": "ok"}]
    for h in HEADLINES:
        entry = {"name": h.metric, "side": h.side, "value": None, "unit": "u",
                 "coverage": 0.1, "status": "insufficient_data",
                 "reason": "seen too little"}
        if h.key in values:
            entry.update(value=float(values[h.key]), coverage=0.9, status="ok")
            del entry["reason"]
        metrics.append(entry)
    return {"clip": clip, "duration_s": 60.0, "metrics": metrics, "summary": [],
            "notes": [], "provenance": {"signal_processing": {
                "view": view, "view_segments": [{"view": view, "start_s": 0, "end_s": 60}]}}}


def series_frame(values: list[dict[str, Any]], *, child: str = "C01",
                 start: date = date(2024, 7, 1), step_days: int = 14, view: str = "top",
                 marks=()):
    """The sessions table of one child with one clip per session (``values[i]`` for the
    i-th session, ``step_days`` apart from ``start``)."""
    entries, records = [], {}
    for i, vals in enumerate(values):
        clip = f"{child}_s{i}"
        when = start + timedelta(days=i * step_days)
        entries.append(ChildMapEntry(clip, child, session_age(when, BIRTH, None), i + 2))
        records[clip] = clip_record(clip, metrics_json(clip, vals, view))
    return build_sessions(entries, records, marks).frame


def write_results(folder: Path, clips: dict[str, dict[str, Any]], view: str = "top") -> None:
    """Clip folders with a metrics.json each, as `motorobs analyze` writes them."""
    for clip, vals in clips.items():
        (folder / clip).mkdir(parents=True)
        (folder / clip / "metrics.json").write_text(json.dumps(metrics_json(clip, vals, view)))
