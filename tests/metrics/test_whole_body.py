"""Quantity of limb movement and left-right symmetry on constructed bodies."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import compute_metrics
from motorobs.signals import prepare_signals
from tests.signals.synthetic import REST_POINTS, move, synthetic_dataset

FPS = 30.0
N = 300
TIME = np.arange(N) / FPS
CONFIG = MetricsConfig()
ANKLE_REST = {"left": np.array([0.35, -3.0, 0.0]), "right": np.array([-0.35, -3.0, 0.0])}
WRIST_REST = {side: np.array(REST_POINTS[f"{side}_wrist"]) for side in ("left", "right")}


def circling(rest, radius, start_s, stop_s, turns_per_s=0.5):
    """(T, 3) point circling ``rest`` at constant speed 2 pi radius f between two times."""
    angle = 2 * np.pi * turns_per_s * (np.clip(TIME, start_s, stop_s) - start_s)
    return rest + radius * np.stack([np.cos(angle) - 1, np.sin(angle), 0 * angle], axis=1)


def kicks(rest, starts, distance, delay_s=0.0):
    """(T, 3) out-and-back minimum-jerk movements along the body axis at irregular times."""
    path = np.tile(rest, (N, 1))
    for i, t0 in enumerate(starts):
        duration = 0.5 + 0.1 * (i % 3)
        path = path + move(TIME, np.zeros(3), [0, distance, 0], t0 + delay_s, duration)
        path = path - move(TIME, np.zeros(3), [0, distance, 0], t0 + delay_s + duration, duration)
    return path


def run(trajectories, names=("limb_movement", "limb_symmetry"), **kwargs):
    ds = synthetic_dataset(n_frames=N, fps=FPS, trajectories=trajectories, **kwargs)
    return compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, list(names))


def value(out, name, side=None):
    return next(v for v in out.values if v.name == name and v.side == side)


def test_constant_speed_circling_for_half_the_clip():
    speed = 2 * np.pi * 0.2 * 0.8        # radius 0.2 BU at 0.8 turns/s: 1.005 BU/s
    out = run({"left_wrist": circling(WRIST_REST["left"], 0.2, 2.5, 7.5, 0.8)})
    moving = value(out, "arm_time_in_motion_pct", "left")
    assert moving.value == pytest.approx(50.0, abs=100 * 3 / N)    # within 3 frames
    assert value(out, "arm_movement_bu_per_s", "left").value == pytest.approx(speed / 2, rel=0.03)
    assert value(out, "arm_movement_bu_per_s", "right").value == pytest.approx(0.0, abs=1e-6)
    assert value(out, "arm_time_in_motion_pct", "right").value == 0.0
    assert value(out, "arm_symmetry_index").value == pytest.approx(2.0, abs=1e-4)


@pytest.mark.parametrize(("rotation_deg", "mirror"), [(0, False), (70, False), (180, True)])
def test_left_limbs_moving_twice_as_much_give_si_two_thirds(rotation_deg, mirror):
    starts = (0.5, 2.2, 3.4, 5.9, 7.1)
    trajectories = {
        "left_wrist": kicks(WRIST_REST["left"], starts, 0.6),
        "right_wrist": kicks(WRIST_REST["right"], starts, 0.3),
        "left_ankle": kicks(ANKLE_REST["left"], starts, 0.8),
        "right_ankle": kicks(ANKLE_REST["right"], starts, 0.8),
    }
    out = run(trajectories, rotation_deg=rotation_deg, mirror=mirror)
    sign = -1 if mirror else 1            # a mirror image swaps the limbs' labels
    assert value(out, "arm_symmetry_index").value == pytest.approx(sign * 2 / 3, abs=0.01)
    assert value(out, "leg_symmetry_index").value == pytest.approx(0.0, abs=0.01)
    assert value(out, "leg_lr_correlation").value == pytest.approx(1.0, abs=1e-3)
    assert value(out, "leg_lr_lag_s").value == 0.0


@pytest.mark.parametrize("mirror", [False, True])
def test_right_leg_delayed_by_0_4_s_gives_lag_0_4_s(mirror):
    starts = (0.4, 1.9, 2.6, 4.8, 6.1, 7.3)
    out = run({"left_ankle": kicks(ANKLE_REST["left"], starts, 0.7),
               "right_ankle": kicks(ANKLE_REST["right"], starts, 0.7, delay_s=0.4)},
              mirror=mirror)
    expected = -0.4 if mirror else 0.4    # mirrored: the "left" leg is the delayed one
    assert abs(value(out, "leg_lr_lag_s").value - expected) <= 1 / FPS + 1e-9
    assert value(out, "leg_lr_correlation").value > 0.95
    assert value(out, "leg_symmetry_index").value == pytest.approx(0.0, abs=0.01)


def test_noise_leaves_identical_limbs_symmetric():
    starts = (0.5, 2.2, 3.4, 5.9, 7.1)
    out = run({"left_wrist": kicks(WRIST_REST["left"], starts, 0.6),
               "right_wrist": kicks(WRIST_REST["right"], starts, 0.6)},
              noise_px=1.0, seed=4)
    assert value(out, "arm_symmetry_index").value == pytest.approx(0.0, abs=0.08)
    assert value(out, "arm_lr_lag_s").value == pytest.approx(0.0, abs=1 / FPS + 1e-9)
    assert value(out, "arm_lr_correlation").value > 0.9


def test_still_limbs_with_tracking_noise_are_not_in_motion():
    out = run({"left_ankle": np.tile(ANKLE_REST["left"], (N, 1)),
               "right_ankle": np.tile(ANKLE_REST["right"], (N, 1))}, noise_px=1.5, seed=5)
    for side in ("left", "right"):
        assert value(out, "leg_time_in_motion_pct", side).value < 5.0
        moving = CONFIG.limb_movement.motion_speed_bu_per_s
        assert value(out, "leg_movement_bu_per_s", side).value < moving


def test_missing_ankles_and_long_gaps_give_insufficient_data():
    out = run({"left_wrist": kicks(WRIST_REST["left"], (1.0,), 0.5)},
              hidden={"right_wrist": [(0, 200)]})
    leg = value(out, "leg_movement_bu_per_s", "left")          # ankles never placed: unseen
    assert leg.status == "insufficient_data" and leg.value is None and "ankle" in leg.reason
    right_arm = value(out, "arm_movement_bu_per_s", "right")
    assert right_arm.status == "insufficient_data"
    assert right_arm.coverage == pytest.approx(100 / N)
    assert value(out, "arm_movement_bu_per_s", "left").status == "ok"
    assert value(out, "arm_symmetry_index").status == "insufficient_data"


def test_prone_is_not_applicable():
    out = run({}, pose="prone_top")
    for v in out.values:
        assert v.status == "not_applicable" and v.value is None
        assert "supine" in v.reason


def test_side_view_symmetry_not_applicable_and_far_limbs_insufficient():
    starts = (0.5, 2.2)
    out = run({"left_wrist": kicks(WRIST_REST["left"], starts, 0.6),
               "left_ankle": kicks(ANKLE_REST["left"], starts, 0.6),
               "right_ankle": np.tile(ANKLE_REST["right"], (N, 1))}, pose="supine_side")
    assert value(out, "arm_symmetry_index").status == "not_applicable"
    assert "far limbs" in value(out, "arm_symmetry_index").reason
    assert value(out, "arm_movement_bu_per_s", "right").status == "insufficient_data"
    assert value(out, "arm_movement_bu_per_s", "left").status == "ok"
