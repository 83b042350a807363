"""Sitting sway and losses of sitting on constructed side-view bodies."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import compute_metrics
from motorobs.signals import prepare_signals
from tests.signals.synthetic import REST_POINTS, synthetic_dataset

FPS = 30.0
N = 300
TIME = np.arange(N) / FPS
CONFIG = MetricsConfig()
NAMES = ["sitting_sway", "sitting_balance"]


def value(out, name):
    return next(v for v in out.values if v.name == name)


def swaying_shoulders(amplitude: float, freq: float) -> dict[str, np.ndarray]:
    """Both shoulders swaying forwards/backwards (anterior axis) by ``amplitude`` BU."""
    out = {}
    for side in ("left", "right"):
        shoulder = np.tile(np.array(REST_POINTS[f"{side}_shoulder"]), (N, 1))
        shoulder[:, 2] += amplitude * np.sin(2 * np.pi * freq * TIME)
        out[f"{side}_shoulder"] = shoulder
    return out


@pytest.mark.parametrize(("mirror", "noise_px"), [(False, 0.0), (True, 0.0), (False, 0.5)])
def test_trunk_sway_of_an_oscillating_trunk_has_the_analytic_rms(mirror, noise_px):
    amplitude, freq, scale = 0.2, 0.5, 80.0       # BU of the constructed body, Hz, px per BU
    ds = synthetic_dataset(n_frames=N, fps=FPS, pose="sitting_side", mirror=mirror,
                           noise_px=noise_px, seed=7,
                           trajectories=swaying_shoulders(amplitude, freq))
    signals = prepare_signals(ds, SignalConfig())
    assert set(signals.posture) == {"sitting"}
    out = compute_metrics(signals, CONFIG, NAMES)
    bu = signals.body_unit_px                    # side view: 0.7 x trunk length
    rms = amplitude * scale / np.sqrt(2) / bu
    assert value(out, "sitting_trunk_sway_rms_bu").value == pytest.approx(rms, rel=0.02)
    lean = np.degrees(np.arctan2(amplitude * np.sin(2 * np.pi * freq * TIME), 1.4))
    assert value(out, "sitting_trunk_angle_sd_deg").value == pytest.approx(np.std(lean),
                                                                           rel=0.02)
    if noise_px == 0:
        path = 4 * amplitude * freq * scale / bu * N / (N - 1)
        assert value(out, "sitting_trunk_sway_path_bu_per_s").value == pytest.approx(path,
                                                                                     rel=0.01)
    assert value(out, "sitting_time_s").value == pytest.approx(N / FPS)
    assert value(out, "sitting_losses").value == 0
    assert not out.events


def test_falling_from_sitting_to_lying_is_one_loss_at_the_right_time():
    merged = synthetic_dataset(n_frames=N, fps=FPS, pose="sitting_side")
    lying = synthetic_dataset(n_frames=N, fps=FPS, pose="supine_side")
    for var in ("position", "depth_z", "confidence", "visibility", "presence"):
        merged[var].values[180:] = lying[var].values[180:]
    out = compute_metrics(prepare_signals(merged, SignalConfig()), CONFIG, NAMES)
    assert value(out, "sitting_losses").value == 1
    assert abs(value(out, "sitting_longest_bout_s").value - 6.0) <= 1 / FPS + 1e-9
    (loss,) = [e for e in out.events if e.type == "sitting_loss"]
    assert loss.details["to"] == "supine"
    assert abs(loss.start_s - 179 / FPS) <= 1 / FPS + 1e-9
    assert abs(loss.end_s - 180 / FPS) <= 1 / FPS + 1e-9


def test_lying_clips_are_not_applicable_and_hidden_hips_insufficient():
    out = compute_metrics(prepare_signals(synthetic_dataset(), SignalConfig()), CONFIG, NAMES)
    assert value(out, "sitting_trunk_sway_rms_bu").status == "not_applicable"
    assert "not seen sitting" in value(out, "sitting_losses").reason
    hidden = {"right_hip": [(0, 200)], "left_hip": [(0, 200)]}
    ds = synthetic_dataset(n_frames=N, fps=FPS, pose="sitting_side", hidden=hidden)
    out = compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, NAMES)
    sway = value(out, "sitting_trunk_sway_rms_bu")
    assert sway.status == "insufficient_data" and sway.coverage == pytest.approx(100 / N)


def sideways_shoulders(amplitude: float, freq: float) -> dict[str, np.ndarray]:
    """Both shoulders swaying sideways (lateral axis) by ``amplitude`` BU."""
    out = {}
    for side in ("left", "right"):
        shoulder = np.tile(np.array(REST_POINTS[f"{side}_shoulder"]), (N, 1))
        shoulder[:, 0] += amplitude * np.sin(2 * np.pi * freq * TIME)
        out[f"{side}_shoulder"] = shoulder
    return out


def test_sitting_face_on_needs_the_level_camera_setting_then_measures_sideways_sway():
    amplitude, freq, scale = 0.2, 0.5, 80.0
    ds = synthetic_dataset(n_frames=N, fps=FPS, pose="sitting_front",
                           trajectories=sideways_shoulders(amplitude, freq))
    # From the landmarks alone this is an infant lying on its back filmed from above.
    auto = prepare_signals(ds, SignalConfig())
    assert set(auto.posture) == {"supine"}
    assert value(compute_metrics(auto, CONFIG, NAMES), "sitting_time_s").status \
        == "not_applicable"
    level = prepare_signals(ds, SignalConfig(camera="level"))
    assert set(level.posture) == {"sitting"} and level.view == "top"
    assert "at the infant's height" in level.view_reason
    out = compute_metrics(level, CONFIG, NAMES)
    bu = level.body_unit_px                      # facing the camera: the shoulder width
    assert bu == pytest.approx(scale, rel=1e-6)
    rms = amplitude * scale / np.sqrt(2) / bu
    assert value(out, "sitting_trunk_sway_rms_bu").value == pytest.approx(rms, rel=0.02)
    lean = np.degrees(np.arctan2(amplitude * np.sin(2 * np.pi * freq * TIME), 1.4))
    assert value(out, "sitting_trunk_angle_sd_deg").value == pytest.approx(np.std(lean),
                                                                           rel=0.02)
    assert value(out, "sitting_time_s").value == pytest.approx(N / FPS)
