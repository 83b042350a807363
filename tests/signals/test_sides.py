"""Left/right swaps of the pose model (motorobs.signals.sides), on bodies whose true labels
are known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import SignalConfig
from motorobs.signals.prepare import prepare_signals
from motorobs.signals.sides import GROUPS, exchange, find_side_swaps, side_pairs, undo_side_swaps
from tests.signals.synthetic import REST_POINTS, move, out_and_back, synthetic_dataset

NAMES = list(REST_POINTS)
SCALE = 80.0  # pixels per shoulder width


def body(n_frames: int = 60, trajectories: dict | None = None) -> np.ndarray:
    """(T, K, 2) image positions of the analytic body seen from above (x = lateral)."""
    out = np.empty((n_frames, len(NAMES), 2))
    for k, name in enumerate(NAMES):
        xyz = np.tile(REST_POINTS[name], (n_frames, 1)) if name not in (trajectories or {}) \
            else trajectories[name]
        out[:, k] = np.stack([320 + SCALE * xyz[:, 0], 240 - SCALE * xyz[:, 1]], axis=1)
    return out


def swapped(position: np.ndarray, frames, group: str) -> np.ndarray:
    pairs = side_pairs(NAMES, GROUPS[group])
    out = position.copy()
    for t in frames:
        out[t] = exchange(position[t], pairs)
    return out


def test_pairs_cover_prefixed_and_suffixed_names_of_each_group():
    trunk = {(NAMES[i], NAMES[j]) for i, j in side_pairs(NAMES, GROUPS["trunk"])}
    assert ("left_shoulder", "right_shoulder") in trunk
    assert ("mouth_left", "mouth_right") in trunk
    arms = {NAMES[i] for i, _ in side_pairs(NAMES, GROUPS["arms"])}
    assert arms == {"left_elbow", "left_wrist"}
    hands = side_pairs(["left_hand_wrist", "right_hand_wrist", "left_hand_thumb_tip",
                        "right_hand_thumb_tip"], GROUPS["arms"])
    assert hands == [(0, 1), (2, 3)]


@pytest.mark.parametrize("group", list(GROUPS))
@pytest.mark.parametrize("frames", [[30], [30, 31, 32], list(range(20, 29))])
def test_a_short_swap_of_one_group_is_found_exactly_and_put_back(group, frames):
    truth = body()
    seen = swapped(truth, frames, group)
    pairs = side_pairs(NAMES, GROUPS[group])
    if not pairs:
        pytest.skip("group absent from the analytic body")
    found = find_side_swaps(seen, SCALE, pairs, 15)
    assert np.flatnonzero(found).tolist() == frames
    (fixed,), counts = undo_side_swaps(seen, (seen,), NAMES, SCALE, 15)
    np.testing.assert_array_equal(fixed, truth)
    assert counts[group] == len(frames) and sum(counts.values()) == len(frames)


def test_labels_wrong_from_the_start_are_put_right_by_the_majority():
    truth = body()
    seen = swapped(truth, range(0, 12), "trunk")
    found = find_side_swaps(seen, SCALE, side_pairs(NAMES, GROUPS["trunk"]), 15)
    assert np.flatnonzero(found).tolist() == list(range(12))


def test_a_hand_crossing_the_midline_is_no_swap():
    time_s = np.arange(90) / 30
    rest = np.array(REST_POINTS["right_wrist"])
    reach = out_and_back(time_s, rest, np.array([0.9, -0.5, 0.3]), 0.5, 0.6, 0.4, 0.6)
    position = body(90, {"right_wrist": reach,
                         "right_elbow": (reach + np.array(REST_POINTS["right_shoulder"])) / 2})
    (fixed,), counts = undo_side_swaps(position, (position,), NAMES, SCALE, 15)
    assert counts == {"trunk": 0, "arms": 0, "legs": 0}
    np.testing.assert_array_equal(fixed, position)


def test_a_lasting_switch_of_sides_is_kept_and_short_runs_go_back():
    """An infant that turned over while hidden (or a cut) moves every left landmark to the
    right side at once and for good: not a swap. Short runs next to long ones are."""
    truth = body(90)
    seen = swapped(truth, range(40, 90), "trunk")
    pairs = side_pairs(NAMES, GROUPS["trunk"])
    assert not find_side_swaps(seen, SCALE, pairs, 15).any()
    state = np.zeros(60, bool)
    state[10:14] = True          # a short run: put back
    state[30:] = True            # a long one: kept, with a short dip inside it put back
    state[40:43] = False
    from motorobs.signals.sides import short_runs_undone

    assert np.flatnonzero(short_runs_undone(state, 5)).tolist() == [10, 11, 12, 13, 40, 41, 42]


def test_a_true_roll_that_turns_the_body_over_is_no_swap():
    """Rolling from the back to the front turns the body about its long axis: in the
    picture the left side moves continuously to where the right one was."""
    n = 90
    angle = move(np.arange(n) / 30, [0.0, 0, 0], [np.pi, 0, 0], 0.5, 1.5)[:, 0]
    trajectories = {}
    for name, (lat, up, ant) in REST_POINTS.items():
        trajectories[name] = np.stack([lat * np.cos(angle) - ant * np.sin(angle),
                                       np.full(n, up), lat * np.sin(angle)
                                       + ant * np.cos(angle)], axis=1)
    position = body(n, trajectories)
    (_,), counts = undo_side_swaps(position, (position,), NAMES, SCALE, 15)
    assert counts == {"trunk": 0, "arms": 0, "legs": 0}


def test_a_side_view_with_the_shoulders_on_top_of_each_other_is_no_swap():
    rng = np.random.default_rng(3)
    position = body(120)
    position[:, :, 0] = 320 + (position[:, :, 0] - 320) * 0.05  # seen edge-on
    position += rng.normal(0, 2.0, position.shape)
    (_,), counts = undo_side_swaps(position, (position,), NAMES, SCALE, 15)
    assert counts == {"trunk": 0, "arms": 0, "legs": 0}


def test_missing_landmarks_are_compared_with_their_last_known_place():
    truth = body()
    seen = swapped(truth, [40, 41], "arms")
    seen[30:40, NAMES.index("left_wrist")] = np.nan   # the left wrist unseen before
    found = find_side_swaps(seen, SCALE, side_pairs(NAMES, GROUPS["arms"]), 15)
    assert np.flatnonzero(found).tolist() == [40, 41]


def test_prepare_signals_puts_swapped_frames_back_and_records_them():
    """A third of a second of swapped arms: longer than the Hampel filter can remove."""
    ds = synthetic_dataset(n_frames=90)
    names = [str(k) for k in ds["keypoint"].values]
    arms = side_pairs(names, GROUPS["arms"])
    for t in range(40, 50):
        for left, right in arms:
            ds["position"].values[t, :, [left, right], :] = \
                ds["position"].values[t, :, [right, left], :]
    fixed = prepare_signals(ds, SignalConfig())
    plain = prepare_signals(ds, SignalConfig(undo_side_swaps=False))
    steps = fixed.provenance["cleaning_steps"]
    assert steps[0] == {"step": "undo_side_swaps",
                        "frames_put_back": {"trunk": 0, "arms": 10, "legs": 0}}
    np.testing.assert_allclose(fixed.body_xy("left_wrist"), np.tile([0.7, -0.9], (90, 1)),
                               atol=1e-6)
    assert np.abs(plain.body_xy("left_wrist")[:, 0] - 0.7).max() > 0.05
