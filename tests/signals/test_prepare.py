"""Pure helpers of :mod:`motorobs.signals.prepare`."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.signals.prepare import depth_scale


def shoulders_tilted(width: float, tilt_deg: float, depth_gain: float, n: int = 20):
    """Shoulders ``width`` px apart in 3-D, the line turned ``tilt_deg`` out of the image
    plane, their depth reported ``depth_gain`` times too large, with small noise."""
    rng = np.random.default_rng(0)
    t = np.radians(tilt_deg)
    half = np.array([width / 2 * np.cos(t), 0.0, width / 2 * np.sin(t) * depth_gain])
    centre = np.array([300.0, 200.0, 0.0]) + rng.normal(0, 0.2, (n, 3))
    return centre + half, centre - half


@pytest.mark.parametrize("gain", [1.0, 2.0, 4.0])
def test_depth_scale_undoes_a_wrong_depth_scale(gain):
    left, right = shoulders_tilted(100.0, 45.0, gain)
    assert depth_scale(left, right, 100.0) == pytest.approx(1 / gain, rel=0.02)


def test_depth_scale_never_enlarges_depth_and_is_zero_without_foreshortening():
    left, right = shoulders_tilted(100.0, 45.0, 0.5)
    assert depth_scale(left, right, 100.0) == 1.0  # depth too small: kept as it is
    left, right = shoulders_tilted(100.0, 0.0, 1.0)
    left[:, 2] += 30.0  # depth differs, yet the picture shows the full width
    assert depth_scale(left, right, 100.0) == 0.0


def test_an_unknown_oblique_lateral_setting_is_refused_by_name():
    from dataclasses import replace

    from motorobs.config import SignalConfig
    from motorobs.signals.prepare import prepare_signals
    from tests.signals.synthetic import synthetic_dataset

    with pytest.raises(ValueError, match="oblique_lateral 'sideways'.*picture, depth"):
        prepare_signals(synthetic_dataset(n_frames=30, fps=15.0),
                        replace(SignalConfig(), oblique_lateral="sideways"))


def test_a_negative_raised_hand_height_is_refused_by_name():
    from dataclasses import replace

    from motorobs.config import SignalConfig
    from motorobs.signals.prepare import prepare_signals
    from tests.signals.synthetic import synthetic_dataset

    with pytest.raises(ValueError, match="raised_hand_bu must be 0.*-0.2"):
        prepare_signals(synthetic_dataset(n_frames=30, fps=15.0),
                        replace(SignalConfig(), raised_hand_bu=-0.2))


def test_the_hand_point_is_the_hand_models_wrist_where_the_pose_wrist_lies_far_from_it():
    from motorobs.config import SignalConfig
    from motorobs.signals.prepare import HAND_OVER_POSE_WRIST_SHOULDERS, prepare_signals
    from tests.signals.synthetic import synthetic_dataset

    ds = synthetic_dataset(pose="supine_top", n_frames=150)
    names = list(ds["keypoint"].values)
    position = ds["position"].values  # (time, space, keypoint, individual)
    pose_wrist = position[:, :, names.index("left_wrist"), 0].copy()
    shoulder_px = np.median(np.linalg.norm(position[:, :, names.index("left_shoulder"), 0]
                                           - position[:, :, names.index("right_shoulder"), 0],
                                           axis=1))
    # the hand model's wrist: near the pose wrist in the first half, far from it in the second
    near, far = 0.5 * HAND_OVER_POSE_WRIST_SHOULDERS, 2 * HAND_OVER_POSE_WRIST_SHOULDERS
    offset = np.where(np.arange(150)[:, None] < 75, [near, 0.0], [far, 0.0]) * shoulder_px
    hand = names.index("left_hand_wrist")
    position[:, :, hand, 0] = pose_wrist + offset
    ds["depth_z"].values[:, hand, 0] = ds["depth_z"].values[:, names.index("left_wrist"), 0]
    for var in ("confidence", "visibility", "presence"):
        ds[var].values[:, hand, 0] = 1.0
    point = prepare_signals(ds, SignalConfig()).point_px("left_hand_point")
    np.testing.assert_allclose(point[10:65], pose_wrist[10:65], atol=0.5)
    np.testing.assert_allclose(point[85:140], (pose_wrist + offset)[85:140], atol=0.5)


def test_a_pose_wrist_without_its_elbow_or_a_hand_model_hand_is_no_hand_point():
    """The pose model guesses an arm whose elbow it does not see: with no hand-model hand
    to confirm it, the wrist is not taken as the hand; with one, the hand point is there."""
    from motorobs.config import SignalConfig
    from motorobs.signals.prepare import prepare_signals
    from tests.signals.synthetic import synthetic_dataset

    ds = synthetic_dataset(pose="supine_top", n_frames=150)
    names = list(ds["keypoint"].values)
    wrist, elbow, hand = (names.index(f"left_{part}") for part in ("wrist", "elbow", "hand_wrist"))
    pose_wrist = ds["position"].values[:, :, wrist, 0].copy()
    ds["position"].values[:, :, hand, 0] = pose_wrist
    confidence = {"wrist": np.full(150, 0.9), "elbow": np.full(150, 0.9), "hand": np.zeros(150)}
    confidence["elbow"][30:120] = 0.2  # the elbow is lost from frame 30 to 119 ...
    confidence["hand"][75:120] = 0.95  # ... the hand model sees the hand from frame 75
    for var in ("confidence", "visibility"):
        ds[var].values[:, wrist, 0] = confidence["wrist"]
        ds[var].values[:, elbow, 0] = confidence["elbow"]
        ds[var].values[:, hand, 0] = confidence["hand"]
    point = prepare_signals(ds, SignalConfig()).point_px("left_hand_point")
    assert np.isfinite(point[:25]).all() and np.isfinite(point[80:115]).all()
    assert np.isnan(point[40:70]).all()  # a gap longer than max_gap_s: not filled
    np.testing.assert_allclose(point[80:115], pose_wrist[80:115], atol=0.5)
