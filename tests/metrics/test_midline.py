"""Midline crossings and hands together on constructed bodies with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import compute_metrics
from motorobs.metrics.body_midline import detect_crossings
from motorobs.signals import prepare_signals
from tests.signals.synthetic import REST_POINTS, min_jerk, out_and_back, synthetic_dataset

FPS = 30.0
N = 240
TIME = np.arange(N) / FPS
CONFIG = MetricsConfig()
REST = np.array(REST_POINTS["right_wrist"])
TARGET = np.array([0.6, -0.4, 0.1])       # on the infant's left side of the chest
STARTS = (0.5, 4.3)                       # two out-hold-back movements
OUT_S, HOLD_S, BACK_S = 1.0, 0.8, 1.0


def crossing_trajectory() -> np.ndarray:
    moves = [out_and_back(TIME, REST, TARGET, t0, OUT_S, HOLD_S, BACK_S) - REST
             for t0 in STARTS]
    return REST + sum(moves)


def expected_start_times() -> list[float]:
    """When the wrist's lateral coordinate first passes the midline (analytically)."""
    fraction = (0.0 - REST[0]) / (TARGET[0] - REST[0])
    tau = brentq(lambda x: min_jerk(np.array([x]))[0] - fraction, 0.0, 1.0)
    return [t0 + tau * OUT_S for t0 in STARTS]


def run(**kwargs):
    ds = synthetic_dataset(n_frames=N, fps=FPS,
                           trajectories={"right_wrist": crossing_trajectory()}, **kwargs)
    return compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG,
                           ["midline_crossings", "hands_together"])


def value(output, name, side=None):
    return next(v for v in output.values if v.name == name and v.side == side)


@pytest.mark.parametrize(("rotation_deg", "mirror"), [(0, False), (90, False), (180, False),
                                                      (0, True), (135, True)])
def test_two_crossings_counted_with_start_times_within_one_frame(rotation_deg, mirror):
    out = run(rotation_deg=rotation_deg, mirror=mirror)
    hand, other = ("left", "right") if mirror else ("right", "left")  # mirror swaps labels
    assert value(out, "midline_crossings", hand).value == 2
    assert value(out, "midline_crossings", other).value == 0
    assert value(out, "midline_crossings_per_min", hand).value == pytest.approx(2 / (N / FPS / 60))
    events = [e for e in out.events if e.type == "midline_crossing"]
    assert [e.side for e in events] == [hand, hand]
    for event, start in zip(events, expected_start_times(), strict=True):
        assert abs(event.start_s - start) <= 1 / FPS
        assert event.details["max_contralateral_bu"] == pytest.approx(0.6, abs=0.02)


def test_a_hand_stopping_short_of_the_margin_does_not_cross():
    almost = REST + out_and_back(TIME, REST, np.array([0.05, -0.4, 0.1]), 1.0, 1, 1, 1) - REST
    ds = synthetic_dataset(n_frames=N, fps=FPS, trajectories={"right_wrist": almost})
    out = compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, ["midline_crossings"])
    assert value(out, "midline_crossings", "right").value == 0


def test_noise_and_a_short_gap_do_not_change_the_answer():
    out = run(noise_px=1.5, hidden={"right_wrist": [(40, 46)]}, seed=3)
    assert value(out, "midline_crossings", "right").value == 2
    assert value(out, "midline_crossings", "right").coverage == 1.0


def test_long_gap_lowers_coverage_and_gives_insufficient_data():
    out = run(hidden={"right_wrist": [(10, 160)]})
    crossings = value(out, "midline_crossings", "right")
    assert crossings.status == "insufficient_data" and crossings.value is None
    assert crossings.coverage == pytest.approx(90 / 240)
    assert "right hand" in crossings.reason
    assert value(out, "midline_crossings", "left").status == "ok"


def test_side_view_and_prone_are_not_applicable():
    side = run(pose="supine_side")
    assert value(side, "midline_crossings", "right").status == "not_applicable"
    assert value(side, "midline_crossings", "right").reason == (
        "the body midline cannot be seen from the side")
    prone = run(pose="prone_top")
    assert value(prone, "hands_together_pct").status == "not_applicable"
    assert "supine or sitting" in value(prone, "midline_crossings", "left").reason


def test_hands_together_share_is_the_time_both_hands_meet_at_the_midline():
    together_left, together_right = np.array([0.1, -0.5, 0.3]), np.array([-0.1, -0.5, 0.3])
    left = out_and_back(TIME, np.array(REST_POINTS["left_wrist"]), together_left, 2.0, 1, 3, 1)
    right = out_and_back(TIME, REST, together_right, 2.0, 1, 3, 1)
    ds = synthetic_dataset(n_frames=N, fps=FPS, trajectories={"left_wrist": left,
                                                                "right_wrist": right})
    signals = prepare_signals(ds, SignalConfig())
    out = compute_metrics(signals, CONFIG, ["hands_together_pct"])
    # exact share from the analytic trajectories
    lat_l, lat_r = left[:, 0], right[:, 0]
    dist = np.linalg.norm(left[:, :2] - right[:, :2], axis=1)
    truth = np.mean((np.abs(lat_l) < 0.35) & (np.abs(lat_r) < 0.35) & (dist < 0.5)) * 100
    assert value(out, "hands_together_pct").value == pytest.approx(truth, abs=100 * 2 / N)
    assert truth > 30


def test_detect_crossings_requires_start_on_own_side_and_minimum_duration():
    dt = 0.1
    # crossing, 0.3 s back home, a 0.1 s excursion (too short), home, crossing
    offset = np.array([0.5, 0.5, -0.3, -0.3, -0.3, 0.5, 0.5, 0.5, -0.3, 0.5, 0.5, 0.5,
                       -0.3, -0.3, -0.3])
    found = detect_crossings(offset, dt, margin=0.1, min_duration_s=0.3)
    assert [(c.first, c.last) for c in found] == [(2, 4), (12, 14)]
    assert detect_crossings(np.array([-0.5, -0.5, -0.5, 0.5]), dt, 0.1, 0.1) == []


def test_a_crossing_runs_from_leaving_the_own_side_to_coming_back():
    dt = 0.1
    # over the midline but within the margin (frame 2), unseen (3), beyond (4-6), within
    # the margin on the way back (7), home (8-10)
    offset = np.array([0.5, 0.05, -0.05, np.nan, -0.3, -0.3, -0.3, -0.05, 0.5, 0.5, 0.5])
    found = detect_crossings(offset, dt, margin=0.1, min_duration_s=0.3)
    assert [(c.first, c.last) for c in found] == [(2, 7)]
    assert found[0].max_contralateral_bu == pytest.approx(0.3)


def test_a_crossing_still_open_at_the_end_stops_at_the_last_frame_seen():
    offset = np.array([0.5, -0.3, -0.3, -0.3, -0.3, np.nan])
    found = detect_crossings(offset, 0.1, margin=0.1, min_duration_s=0.3)
    assert [(c.first, c.last) for c in found] == [(1, 4)]


def test_a_short_dip_back_over_the_midline_does_not_split_a_crossing():
    dt = 0.1
    offset = np.array([0.5, -0.3, -0.3, -0.3, 0.2, 0.1, -0.3, -0.3, 0.5, 0.5, 0.5])
    found = detect_crossings(offset, dt, margin=0.1, min_duration_s=0.3)
    assert [(c.first, c.last) for c in found] == [(1, 7)]


def test_a_crossing_ends_only_where_the_hand_is_back_clear_of_the_midline():
    dt = 0.1
    # beyond (1-3), back at 0.2 BU on the own side for 0.4 s (4-7), beyond (8-10), home
    offset = np.array([0.8, -0.3, -0.3, -0.3, 0.2, 0.2, 0.2, 0.2, -0.3, -0.3, -0.3, 0.8,
                       0.8, 0.8])
    within_band = detect_crossings(offset, dt, margin=0.1, min_duration_s=0.3,
                                   return_margin=0.35)
    assert [(c.first, c.last) for c in within_band] == [(1, 10)]
    anywhere = detect_crossings(offset, dt, margin=0.1, min_duration_s=0.3)
    assert [(c.first, c.last) for c in anywhere] == [(1, 3), (8, 10)]
    # the crossing still ends where the hand came back over the midline (frame 4)
    back = np.array([0.8, -0.3, -0.3, -0.3, 0.2, 0.8, 0.8, 0.8])
    assert [(c.first, c.last) for c in detect_crossings(
        back, dt, margin=0.1, min_duration_s=0.3, return_margin=0.35)] == [(1, 3)]


def test_contralateral_reach_and_time_on_the_other_side():
    out = run(rotation_deg=37)
    assert value(out, "midline_max_contralateral_bu", "right").value == pytest.approx(0.6,
                                                                                     abs=0.01)
    lateral = crossing_trajectory()[:, 0]          # + = infant's left = the right hand's far side
    truth = np.sum(lateral > CONFIG.midline_crossings.margin_bu) / FPS
    assert abs(value(out, "midline_contralateral_time_s", "right").value - truth) <= 2 / FPS
    assert value(out, "midline_max_contralateral_bu", "left").value == 0.0
    assert value(out, "midline_contralateral_time_s", "left").value == 0.0


def analytic_bouts(mask: np.ndarray) -> list[float]:
    """Durations (s) of the runs of True in an analytic mask."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return [(stop - start) / FPS for start, stop in zip(edges[::2], edges[1::2], strict=True)]


def test_hands_together_bouts_count_only_bouts_of_half_a_second():
    meet_l, meet_r = np.array([0.1, -0.5, 0.3]), np.array([-0.1, -0.5, 0.3])
    rest_l = np.array(REST_POINTS["left_wrist"])
    left = (out_and_back(TIME, rest_l, meet_l, 0.5, 1, 2.0, 1) - rest_l
            + out_and_back(TIME, rest_l, meet_l, 5.0, 0.6, 0.0, 0.6))
    right = (out_and_back(TIME, REST, meet_r, 0.5, 1, 2.0, 1) - REST
             + out_and_back(TIME, REST, meet_r, 5.0, 0.6, 0.0, 0.6))
    ds = synthetic_dataset(n_frames=N, fps=FPS, noise_px=0.5, seed=5,
                           trajectories={"left_wrist": left, "right_wrist": right})
    out = compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, ["hands_together"])
    together = ((np.abs(left[:, 0]) < 0.35) & (np.abs(right[:, 0]) < 0.35)
                & (np.linalg.norm(left[:, :2] - right[:, :2], axis=1) < 0.5))
    durations = analytic_bouts(together)
    assert len(durations) == 2 and durations[1] < 0.5 <= durations[0]   # by construction
    assert value(out, "hands_together_bouts").value == 1
    assert abs(value(out, "hands_together_longest_s").value - durations[0]) <= 2 / FPS
    (event,) = [e for e in out.events if e.type == "hands_together"]
    assert event.side is None and event.start_s < 2.0 < event.end_s


def test_hand_to_mouth_bout_of_the_right_hand():
    mouth = (np.array(REST_POINTS["mouth_left"]) + np.array(REST_POINTS["mouth_right"])) / 2
    target = np.array([0.05, 0.35, 0.3])
    right = out_and_back(TIME, REST, target, 2.0, 1.0, 1.5, 1.0)
    ds = synthetic_dataset(n_frames=N, fps=FPS, rotation_deg=120, noise_px=0.5, seed=6,
                           trajectories={"right_wrist": right})
    out = compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, ["hand_to_mouth"])
    near = np.linalg.norm(right[:, :2] - mouth[:2], axis=1) < CONFIG.hand_to_mouth.max_distance_bu
    (duration,) = analytic_bouts(near)
    assert value(out, "hand_to_mouth_bouts", "right").value == 1
    assert value(out, "hand_to_mouth_pct", "right").value == pytest.approx(
        100 * duration / (N / FPS), abs=100 * 2 / N)
    assert value(out, "hand_to_mouth_bouts", "left").value == 0
    (event,) = [e for e in out.events if e.type == "hand_to_mouth"]
    assert event.side == "right"
    assert abs((event.end_s - event.start_s + 1 / FPS) - duration) <= 2 / FPS


def test_hand_to_mouth_needs_the_mouth_and_a_top_view():
    hidden = {"mouth_left": [(0, 200)]}
    out = compute_metrics(prepare_signals(synthetic_dataset(n_frames=N, fps=FPS,
                                                            hidden=hidden), SignalConfig()),
                          CONFIG, ["hand_to_mouth"])
    assert value(out, "hand_to_mouth_bouts", "left").status == "insufficient_data"
    assert "the left hand and the mouth" in value(out, "hand_to_mouth_bouts", "left").reason
    side = compute_metrics(prepare_signals(synthetic_dataset(pose="supine_side"),
                                           SignalConfig()), CONFIG, ["hand_to_mouth"])
    assert value(side, "hand_to_mouth_pct", "right").status == "not_applicable"


def test_camera_moved_to_the_side_midline_counts_only_the_part_filmed_from_above():
    from tests.signals.synthetic import filmed_in_turn

    top = synthetic_dataset(n_frames=N, fps=FPS,
                            trajectories={"right_wrist": crossing_trajectory()})
    # From the side the same movement is filmed again; the midline cannot be seen there.
    side = synthetic_dataset(n_frames=N, fps=FPS, pose="supine_side",
                             trajectories={"right_wrist": crossing_trajectory()})
    signals = prepare_signals(filmed_in_turn(top, side), SignalConfig())
    out = compute_metrics(signals, CONFIG, ["midline_crossings"])
    assert [s.view for s in signals.view_segments] == ["top", "side"]
    crossings = value(out, "midline_crossings", "right")
    assert crossings.value == 2
    # the top-view part only (the frame where the views meet may fall on either side)
    assert crossings.coverage == pytest.approx(1.0, abs=1 / 200)
    # The rate is per minute of the top-view part only (8 s), not of the whole clip.
    assert value(out, "midline_crossings_per_min", "right").value == pytest.approx(2 / (8 / 60),
                                                                                   rel=0.03)
