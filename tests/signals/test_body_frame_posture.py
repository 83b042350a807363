"""Body frame, camera view and posture on the analytic body of tests/signals/synthetic.py."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import SignalConfig
from motorobs.signals import prepare_signals
from tests.signals.synthetic import synthetic_dataset

CONFIG = SignalConfig()


@pytest.mark.parametrize("rotation_deg", [0, 37, 90, 180])
@pytest.mark.parametrize("pose", ["supine_top", "prone_top"])
def test_body_coordinates_do_not_depend_on_image_rotation(pose, rotation_deg):
    signals = prepare_signals(synthetic_dataset(pose=pose, rotation_deg=rotation_deg), CONFIG)
    assert signals.body_unit_px == pytest.approx(80.0)
    np.testing.assert_allclose(signals.body_xy("left_wrist"), np.tile([0.7, -0.9], (150, 1)),
                               atol=1e-6)
    np.testing.assert_allclose(signals.body_xy("right_hip"), np.tile([-0.35, -1.4], (150, 1)),
                               atol=1e-6)
    np.testing.assert_allclose(signals.body_xy("nose"), np.tile([0.0, 0.65], (150, 1)),
                               atol=1e-6)


def test_mirrored_image_swaps_the_labelled_sides_only():
    signals = prepare_signals(synthetic_dataset(mirror=True, rotation_deg=90), CONFIG)
    # the body's left wrist is labelled "right" in the mirror image (see synthetic.py)
    np.testing.assert_allclose(signals.body_xy("right_wrist")[0], [-0.7, -0.9], atol=1e-6)
    assert set(signals.posture) == {"supine"}


def test_head_axis_replaces_missing_hips_without_a_jump():
    hidden = {"left_hip": [(50, 100)]}
    signals = prepare_signals(synthetic_dataset(pose="supine_top", rotation_deg=30,
                                                hidden=hidden), CONFIG)
    assert set(signals.frame.up_source[50:100]) == {"head"}
    assert set(signals.frame.up_source[:50]) == {"hips"}
    np.testing.assert_allclose(signals.body_xy("left_wrist"), np.tile([0.7, -0.9], (150, 1)),
                               atol=1e-6)


@pytest.mark.parametrize(
    ("pose", "view", "posture"),
    [
        ("supine_top", "top", "supine"),
        ("prone_top", "top", "prone"),
        ("supine_side", "side", "supine"),
        ("prone_side", "side", "prone"),
        ("sitting_side", "side", "sitting"),
    ],
)
def test_view_and_posture_are_recognised(pose, view, posture):
    signals = prepare_signals(synthetic_dataset(pose=pose), CONFIG)
    assert signals.view == view
    assert view in signals.view_reason
    assert set(signals.posture) == {posture}


def test_roll_from_supine_to_side_lying_seen_from_above():
    # a clip that is mostly supine reads as a top view; the last third lies on its right
    # side. (A clip that is side-lying throughout reads as a side view: from one camera
    # the two scenes look the same; docs/metrics.md lists this limit.)
    merged = synthetic_dataset(pose="supine_top", n_frames=150)
    side = synthetic_dataset(pose="side_lying_top", n_frames=150)
    for var in ("position", "depth_z", "confidence", "visibility", "presence"):
        merged[var].values[100:] = side[var].values[100:]
    signals = prepare_signals(merged, CONFIG)
    assert signals.view == "top"
    assert set(signals.posture[:95]) == {"supine"}
    assert set(signals.posture[105:]) == {"side_lying"}


def test_posture_without_hips_uses_the_shoulder_to_ear_axis():
    hidden = {"left_hip": [(0, 150)], "right_hip": [(0, 150)]}
    signals = prepare_signals(synthetic_dataset(pose="prone_top", hidden=hidden), CONFIG)
    assert signals.view == "top"
    assert set(signals.posture) == {"prone"}  # from the shoulder-to-ear axis


def test_posture_switch_is_found_at_the_right_time():
    # a roll from above: supine, a third of a second on the side, prone. (A jump straight
    # from supine to prone is the pose model taking the back for the chest, read as prone:
    # tests/signals/test_posture_flips.py.)
    supine = synthetic_dataset(pose="supine_top", n_frames=100)
    side = synthetic_dataset(pose="side_lying_top", n_frames=100)
    prone = synthetic_dataset(pose="prone_top", n_frames=100)
    merged = supine.copy(deep=True)
    for var in ("position", "depth_z", "confidence", "visibility", "presence"):
        merged[var].values[45:55] = side[var].values[45:55]
        merged[var].values[55:] = prone[var].values[55:]
    signals = prepare_signals(merged, CONFIG)
    assert set(signals.posture[:40]) == {"supine"}
    assert set(signals.posture[60:]) == {"prone"}
    assert abs(int(np.argmax(signals.posture == "prone")) - 50) <= 2  # mid-roll


def test_view_unknown_without_shoulders():
    hidden = {"left_shoulder": [(0, 150)]}
    signals = prepare_signals(synthetic_dataset(hidden=hidden), CONFIG)
    assert signals.view == "unknown"
    assert set(signals.posture) == {"unknown"}


def test_short_gap_is_interpolated_long_gap_is_not_and_provenance_is_recorded():
    hidden = {"left_wrist": [(20, 25), (60, 100)]}
    signals = prepare_signals(synthetic_dataset(hidden=hidden), CONFIG)
    valid = signals.is_valid("left_wrist")
    assert valid[20:25].all() and not signals.observed[20:25, signals.index("left_wrist")].any()
    assert not valid[60:100].any() and valid[100:].all()
    assert signals.provenance["max_gap_s"] == CONFIG.max_gap_s
    assert signals.provenance["lowpass_hz_effective"] == pytest.approx(5.0)
    assert signals.rate_hz == pytest.approx(30.0)


def test_rate_comes_from_the_time_coordinate_not_the_fps_attribute():
    ds = synthetic_dataset(n_frames=150).isel(time=slice(None, None, 3))
    signals = prepare_signals(ds, CONFIG)
    assert signals.rate_hz == pytest.approx(10.0)
    assert signals.provenance["lowpass_hz_effective"] == pytest.approx(4.0)


def test_hampel_step_removes_a_one_frame_landmark_spike_before_the_lowpass():
    ds = synthetic_dataset(n_frames=150)
    i = list(ds["keypoint"].values).index("left_wrist")
    ds["position"].values[70, 0, i, 0] += 40.0            # half a shoulder width, one frame
    cleaned = prepare_signals(ds, CONFIG)
    np.testing.assert_allclose(cleaned.body_xy("left_wrist"), np.tile([0.7, -0.9], (150, 1)),
                               atol=1e-6)
    steps = [s["step"] for s in cleaned.provenance["cleaning_steps"]]
    assert steps == ["undo_side_swaps", "mask_low_confidence", "interpolate_gaps",
                     "hampel_filter", "lowpass_filter", "time_derivative"]
    assert cleaned.provenance["cleaning_steps"][3]["window_samples"] == 13   # 0.4 s at 30 fps
    assert cleaned.provenance["outlier_share"] > 0
    unfiltered = prepare_signals(ds, SignalConfig(hampel_n_sigma=float("inf")))
    assert np.max(np.abs(unfiltered.body_xy("left_wrist")[:, 0] - 0.7)) > 0.05


def test_raw_landmarks_outside_the_picture_are_flagged_and_attrs_pass_through():
    ds = synthetic_dataset(n_frames=30)
    ds.attrs["notes"] = '["hello"]'
    i = list(ds["keypoint"].values).index("left_hip")
    ds["position"].values[:10, 1, i, 0] = 500.0           # below the 480-px frame
    signals = prepare_signals(ds, CONFIG)
    in_frame = signals.in_frame[:, signals.index("left_hip")]
    assert not in_frame[:10].any() and in_frame[10:].all()
    assert signals.attrs["notes"] == '["hello"]'


def test_gravity_follows_the_camera_elevation_read_from_the_shoulders():
    from motorobs.signals.view import gravity_in_camera

    np.testing.assert_allclose(gravity_in_camera(1.0), [0, 0, 1], atol=1e-12)
    np.testing.assert_allclose(gravity_in_camera(0.0), [0, 1, 0], atol=1e-12)
    np.testing.assert_allclose(gravity_in_camera(0.5), [0, np.cos(np.pi / 6), 0.5])
    np.testing.assert_allclose(gravity_in_camera(1.7), [0, 0, 1], atol=1e-12)


def test_supine_infant_filmed_obliquely_is_supine():
    """Lying along the image x axis, chest towards a camera 30 degrees above the floor."""
    from motorobs.signals.posture import classify_posture
    from motorobs.signals.view import gravity_in_camera

    n, elevation = 20, np.radians(30)
    right = np.tile([100.0, 100.0, 0.0], (n, 1))
    left = right + 40 * np.array([0.0, np.sin(elevation), -np.cos(elevation)])
    mid_shoulder = (left + right) / 2
    mid_hip = mid_shoulder - [60.0, 0.0, 0.0]  # head towards image right
    mid_ear = mid_shoulder + [25.0, 0.0, 0.0]
    straight_down = classify_posture(left, right, mid_hip, mid_ear, "top", 10.0)
    tilted = classify_posture(left, right, mid_hip, mid_ear, "top", 10.0,
                              gravity_in_camera(np.sin(elevation)))
    assert set(straight_down) == {"side_lying"}  # gravity assumed straight into the image
    assert set(tilted) == {"supine"}



def _at(x: float, y: float, frames: int = 20) -> np.ndarray:
    return np.tile([x, y], (frames, 1)).astype(float)


def _folded_body(thigh_direction: tuple[float, float]):
    """Trunk and thigh measures of a picture with a trunk 1.4 shoulder widths up the picture
    and thighs one shoulder width long along ``thigh_direction`` from the mid-hip."""
    from motorobs.signals.posture import trunk_and_thighs

    dx, dy = np.asarray(thigh_direction, float) / np.linalg.norm(thigh_direction)
    return trunk_and_thighs(_at(0.5, -1.4), _at(-0.5, -1.4), _at(0.1, 0), _at(-0.1, 0),
                            _at(0.1 + dx, dy), _at(-0.1 + dx, dy))


def test_trunk_and_thigh_measures_of_a_constructed_body():
    measures = _folded_body((0, -1))
    assert measures.trunk_per_shoulder == pytest.approx(np.full(20, 1.4))
    assert measures.thigh_per_trunk == pytest.approx(np.full(20, 1 / 1.4))
    assert measures.thigh_up_cos == pytest.approx(np.ones(20))
    assert measures.thigh_trunk_cos == pytest.approx(np.ones(20))
    assert _folded_body((0, 1)).thigh_trunk_cos == pytest.approx(-np.ones(20))
    assert _folded_body((1, 0)).thigh_trunk_cos == pytest.approx(np.zeros(20), abs=1e-12)


def test_thigh_measures_use_the_one_thigh_seen_where_a_knee_is_missing():
    from motorobs.signals.posture import trunk_and_thighs

    # left thigh 1 long straight up the picture, right thigh 2 long to the right
    points = [_at(0.5, -1.4), _at(-0.5, -1.4), _at(0.1, 0), _at(-0.1, 0), _at(0.1, -1),
              _at(1.9, 0)]
    both = trunk_and_thighs(*points)
    assert both.thigh_per_trunk == pytest.approx(np.full(20, 1.5 / 1.4))
    points[5][:5] = np.nan  # the right knee hidden in the first 5 frames
    points[4][15:] = np.nan  # the left one in the last 5
    one = trunk_and_thighs(*points)
    assert one.thigh_per_trunk[:5] == pytest.approx(np.full(5, 1 / 1.4))
    assert one.thigh_trunk_cos[:5] == pytest.approx(np.ones(5))  # the left thigh alone
    assert one.thigh_per_trunk[15:] == pytest.approx(np.full(5, 2 / 1.4))
    assert one.thigh_trunk_cos[15:] == pytest.approx(np.zeros(5), abs=1e-12)
    np.testing.assert_allclose(one.thigh_trunk_cos[5:15], both.thigh_trunk_cos[5:15])
    points[4][:] = np.nan
    points[5][:] = np.nan
    assert np.isnan(trunk_and_thighs(*points).thigh_trunk_cos).all()


def test_head_beyond_shoulders_in_trunk_lengths():
    from motorobs.signals.posture import head_beyond_shoulders

    shoulders, hip = (_at(0.5, -2.0), _at(-0.5, -2.0)), _at(0, 0)
    # the trunk is 2 long up the picture; ears 0.8 further up, or 0.5 back towards the hips
    assert head_beyond_shoulders(*shoulders, hip, _at(0.3, -2.8)) == pytest.approx(
        np.full(20, 0.4))
    assert head_beyond_shoulders(*shoulders, hip, _at(0, -1.5)) == pytest.approx(
        np.full(20, -0.25))


@pytest.mark.parametrize(
    ("back_to_camera", "thigh_direction", "head_beyond", "sitting"),
    [
        (True, (0.3, -1), 0.4, True),  # sitting from above and behind
        (True, (0, -1), -0.3, False),  # head in front of the shoulders: prone, filmed low
        (True, (0, 1), 0.4, False),  # thighs continue the trunk: lying on the belly
        (False, (0, -1), 0.4, False),  # chest to the camera: on the back, legs raised
    ],
)
def test_sitting_seen_from_behind_needs_the_back_folded_hips_and_the_head_on_top(
        back_to_camera, thigh_direction, head_beyond, sitting):
    from motorobs.signals.posture import sitting_seen_from_behind

    facing = np.full(20, 1.0 if back_to_camera else -1.0)
    folded = _folded_body(thigh_direction).thigh_trunk_cos
    assert sitting_seen_from_behind(facing, folded, np.full(20, head_beyond)) is sitting


def _body(trunk_sw: float, thigh_sw: float, thigh_direction: tuple[float, float]):
    """Trunk and thigh measures of a picture with shoulders one width apart, a trunk
    ``trunk_sw`` shoulder widths up the picture and thighs ``thigh_sw`` widths long along
    ``thigh_direction`` from the mid-hip."""
    from motorobs.signals.posture import trunk_and_thighs

    dx, dy = thigh_sw * np.asarray(thigh_direction, float) / np.linalg.norm(thigh_direction)
    return trunk_and_thighs(_at(0.5, -trunk_sw), _at(-0.5, -trunk_sw), _at(0.1, 0),
                            _at(-0.1, 0), _at(0.1 + dx, dy), _at(-0.1 + dx, dy))


@pytest.mark.parametrize(
    ("trunk_sw", "thigh_sw", "thigh_direction", "head_beyond", "sitting"),
    [
        (0.7, 1.0, (1, 0), 0.0, True),  # trunk end-on, thighs across, head over the trunk
        (0.7, 1.0, (0.3, -1), 0.1, True),  # thighs up the picture, along the trunk: sitting
        (0.7, 1.0, (0, 1), -0.2, True),  # thighs away from the trunk, not up the picture
        (1.5, 1.0, (1, 0), 0.0, False),  # a trunk of a lying length
        (0.7, 0.5, (1, 0), 0.0, False),  # thighs foreshortened with the trunk: lying end-on
        (0.7, 1.0, (1, 0), 0.4, False),  # the head beyond the shoulders continues the trunk
        (0.7, 1.0, (0, -1), 0.6, False),  # low camera at the feet, legs raised
        (0.3, 1.5, (1, 0), 0.45, True),  # trunk straight at the camera: 0.14 widths off
        (0.3, 1.5, (1, 0), 1.2, False),  # ... but 0.36 widths beyond the shoulders
    ],
)
def test_sitting_seen_from_above_needs_an_end_on_trunk_long_thighs_and_the_head_over_it(
        trunk_sw, thigh_sw, thigh_direction, head_beyond, sitting):
    from motorobs.signals.posture import sitting_seen_from_above

    measures = _body(trunk_sw, thigh_sw, thigh_direction)
    assert sitting_seen_from_above(measures, np.full(20, head_beyond)) is sitting


def test_legs_raised_seen_from_the_head_are_not_sitting_seen_from_above():
    """Low at the head of an infant on its back with raised legs: the trunk points down the
    picture, away from the camera's side, and the thighs point up it; the head shows in
    front of the shoulders. Every length looks like sitting from above; the reading stays
    lying."""
    from motorobs.signals.posture import sitting_seen_from_above, trunk_and_thighs

    shoulders_below_hips = trunk_and_thighs(_at(0.5, 0.7), _at(-0.5, 0.7), _at(0.1, 0),
                                            _at(-0.1, 0), _at(0.1, -1), _at(-0.1, -1))
    assert shoulders_below_hips.thigh_up_cos == pytest.approx(np.ones(20))
    assert not sitting_seen_from_above(shoulders_below_hips, np.full(20, -0.3))


@pytest.mark.parametrize(
    ("thigh_sw", "thigh_direction", "straight"),
    [
        (1.0, (0, 1), True),  # the thighs continue the trunk: stretched out
        (1.0, (0.3, 1), True),  # within 25 degrees of straight on
        (1.0, (1, 1), False),  # 45 degrees off: folded
        (0.4, (0, 1), False),  # short thighs below the hips: pointing at a level camera
        (1.0, (1, 0), False),  # across the trunk
    ],
)
def test_a_body_is_straight_where_the_thighs_continue_the_trunk_at_a_lying_length(
        thigh_sw, thigh_direction, straight):
    from motorobs.signals.posture import body_straight_in_picture

    assert body_straight_in_picture(_body(1.4, thigh_sw, thigh_direction)) is straight


def _at3(x: float, y: float, depth: float) -> np.ndarray:
    """(20, 3) a point ``(x_px, y_px, depth_px)`` held still for 20 frames."""
    return np.tile([x, y, depth], (20, 1)).astype(float)


def test_shoulders_nearer_than_hips_in_trunk_lengths_seen():
    from motorobs.signals.posture import shoulders_nearer_than_hips

    hip = _at3(0, 0, 0)
    # a trunk 30 px up the picture (3-4-5: 18 px across, 24 px up), shoulders 45 px nearer
    rising = shoulders_nearer_than_hips(_at3(28, -24, -40), _at3(8, -24, -50), hip)
    assert rising == pytest.approx(np.full(20, 1.5))
    tipping_away = shoulders_nearer_than_hips(_at3(28, -24, 30), _at3(8, -24, 30), hip)
    assert tipping_away == pytest.approx(np.full(20, -1.0))
    end_on = shoulders_nearer_than_hips(_at3(5, 0, -10), _at3(-5, 0, -10), hip)
    assert np.isnan(end_on).all()  # no length in the picture to measure against


@pytest.mark.parametrize(
    ("up_cos", "up_share", "nearer", "sitting"),
    [
        (0.9, 1.0, 1.5, True),  # up the picture, rising towards the camera
        (0.9, 0.5, 1.5, True),  # up the picture in half the frames
        (0.9, 0.4, 1.5, False),  # ... in fewer
        (0.9, 1.0, 1.1, False),  # rising less than the depth's lean of a lying trunk
        (0.9, 1.0, -2.0, False),  # tipping away: lying, filmed from the feet
        (-0.9, 1.0, 3.0, False),  # down the picture: lying, filmed from the head
        (0.6, 1.0, 3.0, False),  # more than 45 degrees off up the picture
    ],
)
def test_sitting_seen_from_the_front_needs_the_trunk_up_the_picture_and_rising(
        up_cos, up_share, nearer, sitting):
    from motorobs.signals.posture import sitting_seen_from_the_front

    trunk_up = np.where(np.arange(20) < round(20 * up_share), up_cos, -1.0)
    assert sitting_seen_from_the_front(trunk_up, np.full(20, nearer)) is sitting
    no_depth = np.full(20, np.nan)  # keypoints from a 2-D tool
    assert not sitting_seen_from_the_front(trunk_up, no_depth)
