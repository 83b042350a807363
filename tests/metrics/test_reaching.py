"""Reach detection on constructed minimum-jerk reaches with known peak speed."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import compute_metrics
from motorobs.signals import prepare_signals
from tests.signals.synthetic import REST_POINTS, move, out_and_back, synthetic_dataset

FPS = 30.0
N = 270
TIME = np.arange(N) / FPS
REST = np.array(REST_POINTS["left_wrist"])
TARGET = REST + np.array([0.0, 1.2, 0.0])   # 1.2 BU towards the head
CONFIG = MetricsConfig()


def run(trajectory, **kwargs):
    ds = synthetic_dataset(n_frames=N, fps=FPS, trajectories={"left_wrist": trajectory},
                           **kwargs)
    return compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, ["reaching"])


def reaches(out, side="left"):
    return [e for e in out.events if e.type == "reach" and e.side == side]


def count(out, side="left"):
    return next(v for v in out.values if v.name == "reach_count" and v.side == side)


@pytest.mark.parametrize(("rotation_deg", "mirror"), [(0, False), (90, False), (180, True)])
def test_out_hold_back_is_one_reach_with_the_minimum_jerk_peak_speed(rotation_deg, mirror):
    distance, duration = 1.2, 1.0
    out = run(out_and_back(TIME, REST, TARGET, 1.0, duration, 1.5, 1.2),
              rotation_deg=rotation_deg, mirror=mirror)
    side = "right" if mirror else "left"
    assert count(out, side).value == 1
    (reach,) = reaches(out, side)
    assert reach.details["peak_speed_bl_per_s"] == pytest.approx(1.875 * distance / duration,
                                                                 rel=0.04)
    assert abs(reach.start_s - 1.0) < 0.15          # movement onset
    assert abs(reach.details["arrival_s"] - 2.0) < 0.15
    assert abs(reach.end_s - 4.7) < 0.15            # back at rest
    assert reach.details["returned"] == "yes"
    assert reach.details["displacement_bu"] == pytest.approx(distance, abs=0.1)


def test_two_reaches_and_an_out_only_reach():
    trajectory = (out_and_back(TIME, REST, TARGET, 0.5, 1.0, 0.5, 1.0)
                  + move(TIME, np.zeros(3), TARGET - REST, 5.0, 1.0))
    out = run(trajectory)
    assert count(out).value == 2
    assert [e.details["returned"] for e in reaches(out)] == ["yes", "no"]


def test_jitter_and_small_movements_are_not_reaches():
    wiggle = REST + 0.15 * np.stack([np.sin(2 * np.pi * 0.7 * TIME),
                                     np.sin(2 * np.pi * 0.45 * TIME), 0 * TIME], axis=1)
    out = run(wiggle, noise_px=2.0, seed=1)
    assert count(out).value == 0
    assert count(out, "right").value == 0


def test_far_hand_in_a_side_view_is_insufficient_data():
    out = run(out_and_back(TIME, REST, TARGET, 1.0, 1.0, 1.0, 1.0), pose="supine_side")
    assert count(out).value == 1                       # the left side faces the camera
    far = count(out, "right")
    assert far.status == "insufficient_data" and "far side" in far.reason


def test_long_gap_gives_insufficient_data():
    out = run(out_and_back(TIME, REST, TARGET, 1.0, 1.0, 1.0, 1.0),
              hidden={"left_wrist": [(0, 200)]})
    assert count(out).status == "insufficient_data"
    assert count(out).value is None
    assert count(out).coverage == pytest.approx(70 / 270)
