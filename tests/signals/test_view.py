"""Camera view per clip segment, on constructed bodies whose camera moves mid-clip."""

import numpy as np
import pytest

from motorobs.config import SignalConfig
from motorobs.signals import prepare_signals
from motorobs.signals.view import (
    CAMERA_LATERAL_DEAD_ZONE,
    MIN_VIEW_SEGMENT_S,
    SHOULDER_DEPTH_GAIN,
    camera_lateral,
    merge_short_runs,
)
from tests.signals.synthetic import filmed_in_turn, synthetic_dataset

FPS = 15.0


def test_short_runs_join_their_longer_neighbour():
    labels = np.array(["top"] * 10 + ["side"] * 2 + ["top"] * 3 + ["side"] * 20)
    merged = merge_short_runs(labels, min_frames=5)
    # The 2-frame side run joins the 10-frame top run; then the 15-frame top run stays.
    assert merged.tolist() == ["top"] * 15 + ["side"] * 20


def test_a_clip_shorter_than_a_segment_keeps_its_longest_run():
    labels = np.array(["side"] * 3 + ["top"] * 4)
    assert set(merge_short_runs(labels, min_frames=30)) == {"top"}


@pytest.mark.parametrize(("first", "second"), [("supine_top", "prone_side"),
                                               ("prone_side", "supine_top")])
def test_camera_moving_from_above_to_the_side_gives_two_segments(first, second):
    n = int(5 * FPS)
    ds = filmed_in_turn(synthetic_dataset(n_frames=n, fps=FPS, pose=first),
                        synthetic_dataset(n_frames=n, fps=FPS, pose=second))
    signals = prepare_signals(ds, SignalConfig())
    views = [seg.view for seg in signals.view_segments]
    assert views == [first.split("_")[1], second.split("_")[1]]
    boundary = signals.view_segments[0].last
    assert abs(boundary - (n - 1)) <= 2  # the running median blurs the switch by a frame
    # Posture follows each segment's gravity: both parts are read correctly.
    assert (signals.posture[: n - 3] == first.split("_")[0]).all()
    assert (signals.posture[n + 3:] == second.split("_")[0]).all()
    side = next(seg for seg in signals.view_segments if seg.view == "side")
    assert side.near_side == "left"  # prone_side/supine_side hide the right side
    assert signals.far_side_frames("right")[side.frames()].all()
    assert not signals.far_side_frames("right")[signals.in_view("top")].any()
    assert "camera view changed" in signals.view_reason
    assert [s["view"] for s in signals.provenance["view_segments"]] == views


def test_a_brief_turn_does_not_change_the_view():
    n = int(4 * FPS)
    brief = int(MIN_VIEW_SEGMENT_S * FPS) // 2
    ds = filmed_in_turn(synthetic_dataset(n_frames=n, fps=FPS, pose="supine_top"),
                        synthetic_dataset(n_frames=brief, fps=FPS, pose="side_lying_top"),
                        synthetic_dataset(n_frames=n, fps=FPS, pose="supine_top"))
    signals = prepare_signals(ds, SignalConfig())
    assert [seg.view for seg in signals.view_segments] == ["top"]
    assert (signals.frame_views == "top").all()
    assert signals.near_side is None


def test_one_view_clip_is_one_segment_covering_every_frame():
    signals = prepare_signals(synthetic_dataset(n_frames=60, fps=FPS, pose="prone_side"),
                              SignalConfig())
    (segment,) = signals.view_segments
    assert (segment.view, segment.first, segment.last) == ("side", 0, 59)
    assert signals.view == "side" and signals.near_side == "left"
    assert "camera view changed" not in signals.view_reason


def test_camera_above_reads_overlapping_shoulders_as_side_lying():
    ds = synthetic_dataset(n_frames=60, fps=FPS, pose="side_lying_top")
    auto = prepare_signals(ds, SignalConfig())
    assert auto.view == "side"  # a whole clip on the side looks like a side view
    above = prepare_signals(ds, SignalConfig(camera="above"))
    assert above.view == "top" and above.near_side is None
    assert set(above.posture) == {"side_lying"}
    assert "held above the infant" in above.view_reason
    assert not above.far_side_frames("left").any()


def test_unknown_camera_position_is_named_with_the_choices():
    with pytest.raises(ValueError, match="'ceiling'.*auto, above, level"):
        prepare_signals(synthetic_dataset(n_frames=10, fps=FPS), SignalConfig(camera="ceiling"))


@pytest.mark.parametrize("lateral", [-0.9, -0.5, 0.4, 0.7])
def test_the_camera_s_sideways_direction_is_read_from_the_shoulders_depth(lateral):
    """Left shoulder nearer (smaller depth) = camera towards the infant's left (+); the
    known gain and dead zone are taken off exactly."""
    body_unit_px = 80.0
    difference = -lateral * SHOULDER_DEPTH_GAIN * body_unit_px
    right = np.array([5.0, 6.0, np.nan, 4.0])
    got = camera_lateral(right + difference, right, body_unit_px)
    assert got == pytest.approx(np.sign(lateral) * (abs(lateral) - CAMERA_LATERAL_DEAD_ZONE))


def test_the_camera_s_sideways_direction_is_zero_within_the_dead_zone_or_without_depth():
    body_unit_px = 80.0
    small = CAMERA_LATERAL_DEAD_ZONE * 0.9 * SHOULDER_DEPTH_GAIN * body_unit_px
    assert camera_lateral(np.full(5, -small), np.zeros(5), body_unit_px) == 0.0
    assert camera_lateral(np.zeros(5), np.zeros(5), body_unit_px) == 0.0
    assert camera_lateral(np.full(5, np.nan), np.zeros(5), body_unit_px) == 0.0
    huge = 10 * SHOULDER_DEPTH_GAIN * body_unit_px
    assert camera_lateral(np.full(5, -huge), np.zeros(5), body_unit_px) == pytest.approx(
        1 - CAMERA_LATERAL_DEAD_ZONE)
