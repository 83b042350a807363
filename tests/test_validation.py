"""Scoring detected events against ground truth, on constructed intervals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from motorobs.validation import (
    Interval,
    event_scores,
    match_events,
    runs_of_true,
    true_events,
)


def test_runs_of_true():
    assert runs_of_true(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert runs_of_true(np.zeros(3, bool)) == []


def test_true_events_from_ground_truth_content():
    truth = {
        "fps": 10,
        "midline_crossings": [
            {"hand": "right", "start_frame": 10, "end_frame": 20,
             "basis": "3d_body_sagittal_plane"},
            {"hand": "right", "start_frame": 10, "end_frame": 20,
             "basis": "2d_image_midline_shoulders_to_hips"},
        ],
        "reaches": [{"hand": "left", "onset_s": 1.0, "offset_s": 2.5}],
        # lift of 8 frames (0.8 s) and a blip of 2 frames (0.2 s, too short to count)
        "head_lift_cmd_deg": [0] * 5 + [30] * 8 + [0] * 5 + [25] * 2 + [0],
    }
    events = true_events(truth)
    assert Interval("midline_crossing", "right", 1.0, 2.0) in events
    assert Interval("reach", "left", 1.0, 2.5) in events
    lifts = [e for e in events if e.type == "head_lift"]
    assert lifts == [Interval("head_lift", None, 0.5, 1.2)]
    assert len(events) == 3


def test_matching_needs_same_type_side_and_overlap():
    truth = [Interval("reach", "left", 1.0, 2.0), Interval("reach", "right", 1.0, 2.0)]
    found = [
        Interval("reach", "left", 1.5, 2.5),   # overlaps left: match
        Interval("reach", "right", 3.0, 4.0),  # no overlap: spurious
        Interval("midline_crossing", "right", 1.0, 2.0),  # other type: spurious
    ]
    matched, missed, spurious = match_events(truth, found)
    assert matched == [(truth[0], found[0])]
    assert missed == [truth[1]]
    assert set(spurious) == {found[1], found[2]}


def test_one_found_event_matches_one_true_event_only():
    truth = [Interval("reach", "left", 0.0, 1.0), Interval("reach", "left", 1.2, 2.0)]
    found = [Interval("reach", "left", 0.5, 1.5)]
    matched, missed, _ = match_events(truth, found)
    assert matched == [(truth[0], found[0])]  # larger overlap wins
    assert missed == [truth[1]]


def test_scores():
    rows = pd.DataFrame(
        [
            {"type": "reach", "outcome": "matched", "onset_error_s": 0.1},
            {"type": "reach", "outcome": "matched", "onset_error_s": -0.3},
            {"type": "reach", "outcome": "missed", "onset_error_s": np.nan},
            {"type": "reach", "outcome": "spurious", "onset_error_s": np.nan},
        ]
    )
    reach = event_scores(rows).set_index("type").loc["reach"]
    assert reach["precision"] == 2 / 3 and reach["recall"] == 2 / 3
    assert math.isclose(reach["f1"], 2 / 3)
    assert math.isclose(reach["median_onset_error_s"], 0.2)
    lift = event_scores(rows).set_index("type").loc["head_lift"]
    assert math.isnan(lift["f1"]) and lift["true"] == 0


def test_events_the_metric_declined_to_measure_are_not_scored_not_missed():
    from types import SimpleNamespace

    from motorobs.metrics.base import Event, MetricValue
    from motorobs.validation import compare_clip

    def value(name, side, status):
        return MetricValue(name=name, side=side, value=1.0 if status == "ok" else None,
                           unit="count", coverage=1.0 if status == "ok" else 0.0,
                           status=status, definition="d",
                           reason=None if status == "ok" else "hidden")

    truth = {
        "fps": 10,
        "midline_crossings": [],
        "reaches": [{"hand": "left", "onset_s": 1.0, "offset_s": 2.0},
                    {"hand": "right", "onset_s": 1.0, "offset_s": 2.0}],
    }
    result = SimpleNamespace(
        events=[Event("reach", "left", 1.1, 1.9)],
        metrics=[value("reach_count", "left", "ok"),
                 value("reach_count", "right", "insufficient_data")],
        traces=[],
    )
    rows, _ = compare_clip("clip", truth, result)
    assert sorted(rows["outcome"]) == ["matched", "not_scored"]
    reach = event_scores(rows).set_index("type").loc["reach"]
    assert (reach["true"], reach["not_scored"], reach["f1"]) == (1, 1, 1.0)
    assert math.isclose(rows.loc[rows.outcome == "matched", "onset_error_s"].item(), 0.1)


def test_posture_agreement_is_the_share_of_frames_with_the_true_posture():
    from types import SimpleNamespace

    from motorobs.validation import posture_agreement

    result = SimpleNamespace(signals=SimpleNamespace(
        posture=np.array(["sitting"] * 6 + ["supine"] * 3 + ["unknown"])))
    assert posture_agreement({"posture": "sitting"}, result) == {
        "posture_true": "sitting", "posture_frames": 10, "posture_agreeing": 6,
        "posture_share": 0.6}
    assert posture_agreement({}, result) == {}


def test_posture_agreement_frame_by_frame_follows_the_analysed_frames():
    """A clip that rolls from supine to prone; every other source frame was analysed."""
    from types import SimpleNamespace

    import xarray as xr

    from motorobs.validation import posture_agreement

    truth = {"posture_per_frame": ["supine"] * 6 + ["prone"] * 6}
    frames = np.arange(0, 12, 2)  # true: supine supine supine prone prone prone
    result = SimpleNamespace(
        signals=SimpleNamespace(posture=np.array(
            ["supine", "supine", "unknown", "prone", "supine", "prone"])),
        landmarks=xr.Dataset(coords={"frame": ("time", frames)}))
    found = posture_agreement(truth, result)
    assert (found["posture_frames"], found["posture_agreeing"]) == (6, 4)
    assert found["posture_share"] == 4 / 6


def test_pooled_angle_error_weighs_every_frame_once():
    from motorobs.validation import pooled_angle_error

    pooled = pooled_angle_error([np.array([1.0, 2.0, 3.0]), np.array([10.0])])
    assert pooled == {"clips": 2, "frames": 4, "median_abs_error_deg": 2.5,
                      "mean_abs_error_deg": 4.0}
    assert pooled_angle_error([]) == {"clips": 0, "frames": 0}


def test_event_types_the_truth_does_not_annotate_are_not_scored():
    from types import SimpleNamespace

    from motorobs.metrics.base import Event
    from motorobs.validation import compare_clip

    result = SimpleNamespace(events=[Event("reach", "left", 1.0, 2.0),
                                     Event("midline_crossing", "left", 1.0, 2.0)],
                             metrics=[], traces=[])
    # A sitting clip whose arm movements were not annotated: its reaches are not judged...
    rows, _ = compare_clip("clip", {"fps": 10, "midline_crossings": []}, result)
    assert rows[["type", "outcome"]].values.tolist() == [["midline_crossing", "spurious"]]
    # ...while an empty annotation is a negative control: a detection there is spurious.
    rows, _ = compare_clip("clip", {"fps": 10, "reaches": [], "midline_crossings": []}, result)
    assert sorted(rows["outcome"]) == ["spurious", "spurious"]


def test_grasps_are_read_from_the_ground_truth():
    truth = {"fps": 10, "grasps": [{"hand": "left", "start_frame": 5, "end_frame": 14}]}
    assert true_events(truth) == [Interval("grasp", "left", 0.5, 1.4)]


def test_aperture_error_on_the_frames_where_both_exist():
    from types import SimpleNamespace

    from motorobs.metrics.base import Trace
    from motorobs.validation import aperture_errors

    true_left = np.linspace(1.0, 2.0, 10)
    found_left = true_left + 0.1
    found_left[:4] = np.nan  # the hand model missed the first 4 analysed frames
    result = SimpleNamespace(
        # every second frame of 20 analysed: frames 0, 2, ..., 18; the truth covers 10
        landmarks={"frame": SimpleNamespace(values=np.arange(0, 20, 2))},
        traces=[Trace("hand_aperture_left", "", "palm lengths",
                      np.r_[found_left[::2], np.full(5, 1.5)])],
    )
    errors = aperture_errors({"hand_aperture": {"left": true_left.tolist(),
                                                "right": [1.0] * 10}}, result)
    # frames 0..8 are inside the truth; 0 and 2 unseen -> frames 4, 6, 8 scored
    assert errors["aperture_left_median_abs_error"] == pytest.approx(0.1)
    assert errors["aperture_left_seen_share"] == pytest.approx(8 / 10)
    assert errors["aperture_right_seen_share"] == 0.0
    assert math.isnan(errors["aperture_right_median_abs_error"])
    assert aperture_errors({"fps": 10}, result) == {}
