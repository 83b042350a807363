"""The same movement seen from cameras all around the infant gives the same posture and
events (property tests on true 3-D trajectories, :mod:`tests.signals.camera_views`).

Each case takes a rendered clip's true 3-D keypoints, projects them through cameras at
several elevations (degrees from vertical) and azimuths around the body, and checks the
answers against the clip's ground truth: the counts asserted are the truth's, never
motorobs's output on that clip.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from motorobs.config import AnalysisConfig
from motorobs.metrics.compute import compute_metrics
from motorobs.signals.prepare import prepare_signals
from tests.signals.camera_views import Camera, load_truth, seen_from

SAMPLES = Path(__file__).resolve().parents[2] / "sample_videos"
CONFIG = AnalysisConfig()


def _clip(name: str) -> tuple[dict, dict]:
    clip = SAMPLES / name
    if not clip.with_suffix(".gt.json").is_file():
        pytest.skip(f"{clip}.gt.json missing")
    return load_truth(clip)


def body_azimuths_deg(gt: dict) -> dict[str, float]:
    """World azimuths of the infant's head, feet, left and right side (from frame 0)."""
    names = gt["keypoint_names"]
    world = np.asarray(gt["keypoints_3d_world"][0], float)[:, :3]
    at = {n: world[i] for i, n in enumerate(names)}
    head = (at["left_shoulder"] + at["right_shoulder"] - at["left_hip"] - at["right_hip"])
    left = at["left_shoulder"] - at["right_shoulder"]
    angle = {k: float(np.degrees(np.arctan2(v[1], v[0]))) for k, v in
             {"head": head, "left": left}.items()}
    return {"head": angle["head"], "feet": angle["head"] + 180, "left": angle["left"],
            "right": angle["left"] + 180}


def analyse(gt: dict, camera: Camera):
    seen = seen_from(gt, camera, float(gt.get("fps", 15)))
    signals = prepare_signals(seen.landmarks, CONFIG.signals)
    return signals, compute_metrics(signals, CONFIG.metrics)


def metric(out, name: str, side: str | None = None):
    return next(v for v in out.values if v.name == name and v.side == side)


def true_crossings(events: dict, hand: str) -> int:
    return sum(1 for c in events["midline_crossings"]
               if c["hand"] == hand and c["basis"] == "3d_body_sagittal_plane")


@pytest.mark.parametrize("elevation", [0, 20, 40, 50])
@pytest.mark.parametrize("azimuth", [0, 45, 90, 135, 180, 225, 270, 315])
def test_midline_crossings_and_reaches_from_above_and_oblique(elevation, azimuth):
    gt, events = _clip("a_midline_reach__top")
    # From above the phone may be turned any way; obliquely it is held within 45 degrees of
    # upright (turned further, an upright trunk reads as a sitting infant: docs/validation.md)
    roll = azimuth / 3 if elevation < 30 else (azimuth / 3) % 90 - 45
    signals, out = analyse(gt, Camera(elevation, azimuth, roll_deg=roll))
    assert signals.view == "top"
    assert np.mean(signals.posture == "supine") >= 0.9
    crossings = metric(out, "midline_crossings", "right")
    assert crossings.status == "ok"
    assert crossings.value == true_crossings(events, "right")
    assert metric(out, "midline_crossings", "left").value == true_crossings(events, "left")
    assert metric(out, "reach_count", "right").value == sum(
        1 for r in events["reaches"] if r["hand"] == "right")


@pytest.mark.parametrize("elevation", [60, 75, 85])
@pytest.mark.parametrize("end", ["head", "feet"])
def test_from_the_head_or_feet_low_down_the_infant_still_lies_on_its_back(elevation, end):
    """The trunk is foreshortened, not the shoulders: the view is not taken for a top view
    of an infant lying on its side, and left and right stay readable."""
    gt, events = _clip("a_midline_reach__top")
    signals, out = analyse(gt, Camera(elevation, body_azimuths_deg(gt)[end]))
    assert np.mean(signals.posture == "supine") >= 0.9
    crossings = metric(out, "midline_crossings", "right")
    assert crossings.status == "ok" and crossings.value == true_crossings(events, "right")


@pytest.mark.parametrize("elevation", [60, 75, 85])
@pytest.mark.parametrize("side", ["left", "right"])
def test_from_the_side_low_down_the_midline_is_declined_not_guessed(elevation, side):
    gt, _ = _clip("a_midline_reach__top")
    signals, out = analyse(gt, Camera(elevation, body_azimuths_deg(gt)[side]))
    assert signals.view == "side"
    assert np.mean(signals.posture == "supine") >= 0.9
    assert metric(out, "midline_crossings", "right").status == "not_applicable"


@pytest.mark.parametrize("elevation", [60, 75, 85])
@pytest.mark.parametrize("turn", [-60, 60])
def test_sitting_filmed_level_from_an_angle_is_sitting(elevation, turn):
    """A level camera 60 degrees round from the front: the trunk stands up in the picture and
    is foreshortened sideways, which a lying infant filmed by an upright phone is not."""
    clip = SAMPLES.parent / "validation_clips" / "s01_sitting__front"
    if not clip.with_suffix(".gt.json").is_file():
        pytest.skip(f"{clip}.gt.json missing")
    gt, _ = load_truth(clip)
    names = gt["keypoint_names"]
    world = np.asarray(gt["keypoints_3d_world"][0], float)[:, :3]
    at = {n: world[i] for i, n in enumerate(names)}
    forward = np.cross(at["left_shoulder"] - at["right_shoulder"], [0.0, 0.0, 1.0])
    front = float(np.degrees(np.arctan2(forward[1], forward[0])))
    signals, _ = analyse(gt, Camera(elevation, front + turn))
    assert np.mean(signals.posture == "sitting") >= 0.9


@pytest.mark.parametrize("elevation", [55, 70, 85])
@pytest.mark.parametrize("side", ["left", "right"])
def test_a_head_lift_in_tummy_time_is_found_from_either_side(elevation, side):
    gt, _ = _clip("c_prone_head_lift__side")
    signals, out = analyse(gt, Camera(elevation, body_azimuths_deg(gt)[side]))
    assert signals.view == "side"
    assert np.mean(signals.posture == "prone") >= 0.9
    assert metric(out, "head_lift_bouts").value == 1  # the truth: one lift


@pytest.mark.parametrize("camera", [Camera(0, 0), Camera(45, 200, 30), Camera(70, 90)])
def test_a_tummy_time_clip_seen_without_its_side_gives_no_head_lift_number(camera):
    gt, _ = _clip("c_prone_head_lift__side")
    signals, out = analyse(gt, camera)
    assert np.mean(signals.posture == "prone") >= 0.9
    if signals.view != "side":
        assert metric(out, "head_lift_bouts").status == "not_applicable"


@pytest.mark.parametrize("elevation", [0, 30, 50])
@pytest.mark.parametrize("azimuth", [0, 90, 200, 300])
def test_the_negative_control_gives_the_same_answer_from_any_camera(elevation, azimuth):
    """No crossing and no head lift from anywhere. On the true trajectory one slow
    right-hand movement of this clip sits at the reach detector's threshold (counted from
    above; see docs/validation.md): from other cameras the body unit, read from the
    infant's proportions, may differ by some percent and tip it either way, but never more
    than that one movement."""
    gt, _ = _clip("d_negative_control__top")
    _, above = analyse(gt, Camera(0, 0))
    _, out = analyse(gt, Camera(elevation, azimuth))
    assert [e for e in out.events if e.type in ("midline_crossing", "head_lift")] == []
    for side in ("left", "right"):
        assert abs(metric(out, "reach_count", side).value
                   - metric(above, "reach_count", side).value) <= 1

