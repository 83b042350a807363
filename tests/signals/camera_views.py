"""Landmark datasets of a known 3-D movement seen from any camera (test support).

A rendered clip's ground truth holds the infant's 3-D keypoints in every frame
(``keypoints_3d_world``, metres, floor z = 0). Projected through a pinhole camera placed
anywhere around the infant, they give the landmarks an ideal pose model would report for
that view: the same movement seen from many cameras, whose events and posture must not
depend on the camera. MediaPipe's names are filled from the 23 ground-truth keypoints
(eye corners from the eye, mouth from nose and ears, hand points continuing the forearm,
foot index from the big toe); depth is MediaPipe's convention (relative to the mid-hip, in
frame widths, negative towards the camera).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from motorobs.landmarks import build_dataset, empty_arrays
from motorobs.schema import all_keypoints, keypoint_name

WIDTH, HEIGHT, FOCAL_PX = 640, 480, 515.0

_FROM_TRUTH = {
    "nose": "nose", "left_eye_inner": "left_eye", "left_eye": "left_eye",
    "left_eye_outer": "left_eye", "right_eye_inner": "right_eye", "right_eye": "right_eye",
    "right_eye_outer": "right_eye", "left_ear": "left_ear", "right_ear": "right_ear",
    "left_shoulder": "left_shoulder", "right_shoulder": "right_shoulder",
    "left_elbow": "left_elbow", "right_elbow": "right_elbow", "left_wrist": "left_wrist",
    "right_wrist": "right_wrist", "left_hip": "left_hip", "right_hip": "right_hip",
    "left_knee": "left_knee", "right_knee": "right_knee", "left_ankle": "left_ankle",
    "right_ankle": "right_ankle", "left_heel": "left_heel", "right_heel": "right_heel",
    "left_foot_index": "left_big_toe", "right_foot_index": "right_big_toe",
}


@dataclass(frozen=True)
class Camera:
    """A pinhole camera looking at the infant's body centre.

    Attributes
    ----------
    elevation_deg
        Angle from vertical of the line from the body centre to the camera (0: straight
        above, 90: level with the mat).
    azimuth_deg
        Direction of the camera around the body, in the world's floor plane.
    roll_deg
        Turn of the picture about the viewing axis.
    distance_m
        Camera to body centre.
    """

    elevation_deg: float
    azimuth_deg: float
    roll_deg: float = 0.0
    distance_m: float = 1.1

    def world_to_camera(self, centre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(R, position)``: rows of R are the camera's x (right), y (down), z (forward)
        axes in world coordinates."""
        e, a = np.radians(self.elevation_deg), np.radians(self.azimuth_deg)
        offset = np.array([np.sin(e) * np.cos(a), np.sin(e) * np.sin(a), np.cos(e)])
        position = centre + self.distance_m * offset
        forward = -offset
        down = np.array([0.0, 0.0, -1.0]) - forward * -forward[2]
        if np.linalg.norm(down) < 1e-6 or self.elevation_deg < 1.0:
            down = np.array([np.cos(a), np.sin(a), 0.0])  # from above: far side at the top
        down = down - forward * (down @ forward)
        down /= np.linalg.norm(down)
        right = np.cross(down, forward)
        r = np.radians(self.roll_deg)
        right, down = (np.cos(r) * right + np.sin(r) * down,
                       -np.sin(r) * right + np.cos(r) * down)
        return np.stack([right, down, forward]), position


def hand_points(elbow: np.ndarray, wrist: np.ndarray) -> dict[str, np.ndarray]:
    """Pose hand points (index, pinky, thumb) continuing the forearm past the wrist."""
    along = wrist - elbow
    return {"index": wrist + 0.35 * along, "pinky": wrist + 0.3 * along,
            "thumb": wrist + 0.2 * along}


def mediapipe_points(truth: dict) -> dict[str, np.ndarray]:
    """(T, 3) world points per MediaPipe pose landmark name, from a ground truth."""
    names = truth["keypoint_names"]
    world = np.asarray(truth["keypoints_3d_world"], float)[..., :3]
    by_name = {n: world[:, i] for i, n in enumerate(names)}
    points = {mp: by_name[t] for mp, t in _FROM_TRUTH.items()}
    for side in ("left", "right"):
        for name, p in hand_points(by_name[f"{side}_elbow"], by_name[f"{side}_wrist"]).items():
            points[f"{side}_{name}"] = p
        points[f"mouth_{side}"] = 0.7 * by_name["nose"] + 0.3 * (
            by_name[f"{side}_ear"] + by_name["nose"]) / 2 - 0.15 * (
            by_name["nose"] - (by_name["left_ear"] + by_name["right_ear"]) / 2)
    return points


def seen_from(truth: dict, camera: Camera, fps: float, depth_gain: float = 1.0) -> SimpleNamespace:
    """The landmarks dataset an ideal pose model gives of ``truth`` seen by ``camera``
    (``depth_gain`` times its true depth: MediaPipe exaggerates depth differences).

    Returns a namespace with ``landmarks`` (the dataset, every pose landmark with
    confidence 1 and no hands) and ``camera`` (the camera).
    """
    points = mediapipe_points(truth)
    n = len(next(iter(points.values())))
    centre = np.nanmean(np.concatenate([points["left_hip"], points["right_hip"],
                                        points["left_shoulder"], points["right_shoulder"]]),
                        axis=0)
    rotation, position = camera.world_to_camera(centre)
    arrays = empty_arrays(n)
    index = {keypoint_name(p, k): i for i, (p, k) in enumerate(all_keypoints())}
    mid_hip = rotation @ ((points["left_hip"] + points["right_hip"]) / 2 - position).T
    for name, xyz in points.items():
        cam = rotation @ (xyz - position).T  # (3, T)
        column = index[name]
        arrays["position"][:, 0, column] = FOCAL_PX * cam[0] / cam[2] + WIDTH / 2
        arrays["position"][:, 1, column] = FOCAL_PX * cam[1] / cam[2] + HEIGHT / 2
        arrays["depth_z"][:, column] = (depth_gain * FOCAL_PX * (cam[2] - mid_hip[2])
                                        / mid_hip[2] / WIDTH)
        for score in ("visibility", "presence", "confidence"):
            arrays[score][:, column] = 1.0
    frames = np.arange(n)
    attrs = {"fps": fps, "analysis_step": 1, "frame_width": WIDTH, "frame_height": HEIGHT,
             "rotation_deg": 0, "source_video": "", "estimator": "camera_views"}
    return SimpleNamespace(landmarks=build_dataset(arrays, frames, frames / fps, attrs),
                           camera=camera)


def load_truth(clip: Path) -> tuple[dict, dict]:
    """``(gt, events)`` of a rendered clip (``<clip>.gt.json``, ``<clip>.events.json``)."""
    return (json.loads(clip.with_suffix(".gt.json").read_text()),
            json.loads(clip.with_suffix(".events.json").read_text()))
