"""A metric written with only the names ``motorobs.metrics`` exports reaches metrics.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import motorobs.metrics as public
from motorobs.config import AnalysisConfig, ReportConfig
from motorobs.io.video import VideoInfo
from motorobs.report.outputs import write_clip_outputs
from motorobs.result import ClipResult
from motorobs.signals import prepare_signals
from tests.signals.synthetic import synthetic_dataset

N, FPS, UP_FRAMES = 150, 30.0, 60
"""The left wrist is 0.5 BU above the shoulder line for the first 60 of 150 frames."""


def the_custom_metric_module():
    """What a researcher writes: every name from ``motorobs.metrics``."""
    from motorobs.metrics import (
        BodySignals,
        Event,
        MetricOutput,
        MetricsConfig,
        Trace,
        applicable_frames,
        gated_values,
        register_metric,
    )

    outputs = {"left_wrist_above_shoulders_pct": (
        "%", "Share of the supine time with the left wrist above the shoulder line.")}

    @register_metric("left_wrist_above_shoulders", outputs=outputs,
                     landmarks=("left_wrist", "left_shoulder", "right_shoulder"),
                     postures=("supine",), views=("top",))
    def left_wrist_above_shoulders(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
        relevant = applicable_frames(signals, ("supine",), ("top",))
        up = signals.body_xy("left_wrist")[:, 1]
        usable = relevant & np.isfinite(up)
        above = usable & (np.nan_to_num(up) > 0)
        values = gated_values(
            outputs, lambda: {"left_wrist_above_shoulders_pct": 100 * above.sum() / usable.sum()},
            relevant=relevant, usable=usable, signals=signals, config=config,
            needs="the left wrist and both shoulders", where="supine time")
        events = []
        if above.any():
            first, last = np.flatnonzero(above)[[0, -1]]
            events.append(Event("wrist_up", "left", float(signals.time_s[first]),
                                float(signals.time_s[last]), {"frames": int(above.sum())}))
        trace = Trace("left_wrist_up", "Left wrist above the shoulders", "BU", up,
                      event_types=("wrist_up",))
        return MetricOutput(values=values, events=events, traces=[trace])

    return left_wrist_above_shoulders


@pytest.fixture
def custom_metric():
    the_custom_metric_module()
    yield
    public.unregister_metric("left_wrist_above_shoulders")


def test_the_extension_api_is_exported():
    for name in ("register_metric", "MetricOutput", "MetricValue", "Event", "Trace",
                 "gated_values", "unavailable", "applicable_frames", "BodySignals",
                 "MetricsConfig", "compute_metrics", "unregister_metric"):
        assert name in public.__all__ and hasattr(public, name)


def test_a_custom_metric_from_public_names_is_in_metrics_json(tmp_path: Path, custom_metric):
    up = np.tile([0.7, -0.9, 0.1], (N, 1))
    up[:UP_FRAMES, 1] = 0.5
    ds = synthetic_dataset(n_frames=N, fps=FPS, trajectories={"left_wrist": up})
    config = AnalysisConfig()
    signals = prepare_signals(ds, config.signals)
    out = public.compute_metrics(signals, config.metrics)
    info = VideoInfo(path=tmp_path / "clip.mp4", fps=FPS, n_frames=N, duration_s=N / FPS,
                     width=int(ds.attrs["frame_width"]), height=int(ds.attrs["frame_height"]),
                     rotation_deg=0, codec="none", sha256="0" * 64)
    result = ClipResult(clip="clip", video=info, landmarks=ds, signals=signals,
                        metrics=out.values, events=out.events, traces=out.traces,
                        provenance={})
    write_clip_outputs(result, tmp_path / "clip", ReportConfig(html=False, n_key_frames=0))

    stored = json.loads((tmp_path / "clip" / "metrics.json").read_text())["metrics"]
    (mine,) = [m for m in stored if m["name"] == "left_wrist_above_shoulders_pct"]
    assert mine["status"] == "ok" and mine["unit"] == "%"
    assert mine["value"] == pytest.approx(100 * UP_FRAMES / N, abs=100 / N)
    assert stored.index(mine) == len(stored) - 1  # after the built-ins
    events = (tmp_path / "clip" / "events.csv").read_text()
    assert "wrist_up" in events


def test_the_custom_metric_is_not_applicable_where_its_contract_fails(custom_metric):
    ds = synthetic_dataset(n_frames=N, fps=FPS, pose="prone_side")
    signals = prepare_signals(ds, AnalysisConfig().signals)
    (value,) = public.compute_metrics(signals, AnalysisConfig().metrics,
                                      ["left_wrist_above_shoulders"]).values
    assert value.status == "not_applicable"
    assert "supine" in value.reason
