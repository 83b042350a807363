"""Scores per camera-elevation band, on constructed tables and camera poses."""

import math

import numpy as np
import pandas as pd

from motorobs.validation import event_scores
from motorobs.validation_bands import (
    band_scores,
    band_summary,
    camera_elevation_deg,
    elevation_band,
)


def _camera_at(position):
    pose = np.eye(4)
    pose[:3, 3] = position
    return {"camera": {"cam_to_world_opengl": pose.tolist()},
            "keypoints_3d_world": [[[0.0, 0.0, 0.1], [0.2, 0.0, 0.1]]]}


def test_elevation_is_the_angle_from_vertical_seen_from_the_body():
    body_centre = np.array([0.1, 0.0, 0.1])
    for degrees in (0.0, 10.0, 45.0, 80.0, 90.0):
        r = np.radians(degrees)
        camera = body_centre + 1.3 * np.array([np.sin(r) * np.cos(2.0), np.sin(r) * np.sin(2.0),
                                               np.cos(r)])
        assert math.isclose(camera_elevation_deg({}, _camera_at(camera)), degrees,
                            abs_tol=1e-6)


def test_the_renderers_own_figure_wins_and_unknown_cameras_give_none():
    assert camera_elevation_deg({"camera": {"elevation_deg_from_vertical": 42.0}},
                                _camera_at([0, 0, 1])) == 42.0
    assert camera_elevation_deg({}, None) is None
    assert camera_elevation_deg({}, {"camera": {}}) is None


def test_bands_split_at_30_and_60_degrees():
    assert [elevation_band(d) for d in (0, 29.9, 30, 59.9, 60, 90, 95)] == [
        "top", "top", "oblique", "oblique", "low", "low", "low"]
    assert elevation_band(None) is None and elevation_band(float("nan")) is None


def test_each_band_is_scored_on_its_own_clips_only():
    events = pd.DataFrame([
        {"clip": "a", "type": "reach", "side": "left", "outcome": "matched",
         "onset_error_s": 0.1},
        {"clip": "b", "type": "reach", "side": "left", "outcome": "missed"},
        {"clip": "b", "type": "reach", "side": "right", "outcome": "spurious"},
        {"clip": "c", "type": "reach", "side": "left", "outcome": "matched",
         "onset_error_s": 0.3},
    ])
    table = band_scores(events, {"a": "top", "b": "oblique", "c": None}, event_scores)
    reach = table[table["type"] == "reach"].set_index("band")
    assert list(reach.index) == ["top", "oblique"]  # no clip in "low"; c has no band
    assert reach.loc["top", "f1"] == 1.0 and reach.loc["oblique", "f1"] == 0.0
    assert reach.loc["top", "clips"] == 1


def test_band_summary_pools_frames_not_clips():
    per_clip = pd.DataFrame([
        {"clip": "a", "elevation_band": "top", "posture_frames": 100, "posture_agreeing": 100},
        {"clip": "b", "elevation_band": "top", "posture_frames": 10, "posture_agreeing": 0},
        {"clip": "c", "elevation_band": "low"},
    ])
    summary = band_summary(per_clip, {"c": np.array([1.0, 3.0, 8.0])}).set_index("band")
    assert math.isclose(summary.loc["top", "posture_agreement"], 100 / 110)
    assert math.isnan(summary.loc["low", "posture_agreement"])
    assert summary.loc["low", "angle_median_abs_error_deg"] == 3.0
    assert "oblique" not in summary.index
