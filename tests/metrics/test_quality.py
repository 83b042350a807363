"""Recording-quality verdict on constructed clips with one known problem each."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import compute_metrics
from motorobs.metrics.quality import assess_quality, crowded_share
from motorobs.signals import prepare_signals
from tests.signals.synthetic import synthetic_dataset

CONFIG = MetricsConfig()
N = 150
FPS = 30.0
TIME = np.arange(N) / FPS


def verdict(ds):
    return assess_quality(prepare_signals(ds, SignalConfig()), CONFIG)


def failed(v):
    return sorted(name for name, check in v.checks.items() if not check["passed"])


@pytest.mark.parametrize("rotation_deg", [0, 37])
def test_a_still_whole_baby_filmed_from_above_is_scorable_without_remarks(rotation_deg):
    v = verdict(synthetic_dataset(rotation_deg=rotation_deg, noise_px=0.5))
    assert v.scorable and v.reasons == [] and failed(v) == []
    assert v.checks["body_in_view"]["value"] == 1.0
    assert v.checks["body_size"]["value"] == pytest.approx(80 / 480, rel=0.01)  # noise


def shifted(ds, dx_px: np.ndarray, dy_px: np.ndarray | float = 0.0):
    ds = ds.copy(deep=True)
    ds["position"].values[:, 0] += np.asarray(dx_px)[:, None, None]
    ds["position"].values[:, 1] += np.asarray(dy_px if np.ndim(dy_px) else np.full(N, dy_px)
                                              )[:, None, None]
    return ds


def rotated_about_centre(ds, angle_deg: np.ndarray):
    ds = ds.copy(deep=True)
    a = np.radians(angle_deg)[:, None, None]
    x, y = ds["position"].values[:, 0] - 320, ds["position"].values[:, 1] - 240
    ds["position"].values[:, 0] = 320 + x * np.cos(a) - y * np.sin(a)
    ds["position"].values[:, 1] = 240 + x * np.sin(a) + y * np.cos(a)
    return ds


@pytest.mark.parametrize("motion", ["pan", "rotate"])
def test_a_moving_camera_makes_the_clip_not_scorable(motion):
    ds = synthetic_dataset(n_frames=N, fps=FPS)
    wave = np.sin(2 * np.pi * 0.5 * TIME)
    moved = shifted(ds, 60 * wave) if motion == "pan" else rotated_about_centre(ds, 45 * wave)
    v = verdict(moved)
    assert not v.scorable and failed(v) == ["camera_steady"]
    assert v.checks["camera_steady"]["value"] > 0.5
    assert "rest the phone on something steady" in v.reasons[0]


def test_limbs_moving_on_a_still_body_are_not_camera_motion():
    wave = np.sin(2 * np.pi * 1.0 * TIME)[:, None]
    arm = np.array([0.7, -0.9, 0.1]) + 0.5 * wave * np.array([1.0, 1.0, 0.0])
    v = verdict(synthetic_dataset(n_frames=N, fps=FPS, trajectories={"left_wrist": arm}))
    assert v.checks["camera_steady"]["value"] == 0.0 and v.scorable


def test_a_small_baby_is_not_scorable():
    v = verdict(synthetic_dataset(scale_px=20.0))
    assert not v.scorable and failed(v) == ["body_size"]
    assert "move the camera closer" in v.reasons[0]


def test_hips_outside_the_picture_or_hidden_are_named():
    outside = verdict(shifted(synthetic_dataset(n_frames=N, fps=FPS), np.zeros(N), 200.0))
    assert not outside.scorable and "body_in_view" in failed(outside)
    assert "hip was outside the picture in 100%" in outside.reasons[0]
    hidden = verdict(synthetic_dataset(n_frames=N, fps=FPS,
                                       hidden={"left_hip": [(0, 90)]}))
    assert hidden.checks["body_in_view"]["value"] == pytest.approx(60 / N)
    assert not hidden.scorable
    assert "left hip was hidden or unclear in 60%" in hidden.reasons[0]


def test_another_person_in_view_most_of_the_time_is_not_scorable():
    ds = synthetic_dataset()
    ds.attrs["frames_with_several_people"] = 90  # of 150 analysed frames
    v = verdict(ds)
    assert not v.scorable and failed(v) == ["one_person"]
    assert v.checks["one_person"]["value"] == pytest.approx(0.6)
    assert crowded_share({"frames_with_several_people": 0}, 150) == 0.0
    assert crowded_share({}, 150) is None


def test_wrong_view_for_the_posture_is_a_note_not_a_block():
    v = verdict(synthetic_dataset(pose="prone_top"))
    assert v.scorable and failed(v) == ["view_for_posture"]
    assert v.reasons[0].startswith("Note: tummy time was filmed from above")
    unknown = verdict(synthetic_dataset(hidden={"left_shoulder": [(0, 150)]}))
    assert not unknown.scorable and "camera_view" in failed(unknown)


def test_recording_quality_metric_is_1_or_0_with_the_reasons():
    good = compute_metrics(prepare_signals(synthetic_dataset(), SignalConfig()), CONFIG,
                           ["recording_quality"])
    (metric,) = good.values
    assert (metric.value, metric.unit, metric.status, metric.reason) == (1.0, "verdict", "ok",
                                                                         None)
    short = compute_metrics(prepare_signals(synthetic_dataset(n_frames=30), SignalConfig()),
                            CONFIG, ["recording_quality"])
    (metric,) = short.values
    assert metric.value == 0.0 and metric.status == "ok"
    assert "too short" in metric.reason
