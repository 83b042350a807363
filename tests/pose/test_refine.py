"""Turning and cropping frames for the pose model, and mapping landmarks back exactly."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.pose.refine import (
    BODY_LANDMARKS,
    apply_affine,
    body_axis_angle_deg,
    invert_affine,
    original_to_quarter,
    pose_score,
    quarter_to_original,
    rotate_quarter,
    upright_crop_transform,
    warp_crop,
)
from motorobs.schema import POSE_LANDMARKS

IDX = {n: i for i, n in enumerate(POSE_LANDMARKS)}
WIDTH, HEIGHT = 7, 4


@pytest.mark.parametrize("k", [0, 1, 2, 3, 4, -1])
def test_quarter_turn_and_back_is_the_identity_exactly(k):
    rng = np.random.default_rng(k + 10)
    # Sub-pixel positions on a 1/64 px grid, as MediaPipe's (float32) output is: exact in
    # binary, so the turn and its inverse must give the very same numbers.
    xy = rng.integers(0, 64 * np.array([WIDTH, HEIGHT]), (50, 2)) / 64.0
    turned = original_to_quarter(xy, k, WIDTH, HEIGHT)
    assert np.array_equal(quarter_to_original(turned, k, WIDTH, HEIGHT), xy)


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_quarter_mapping_follows_the_pixels_of_the_turned_image(k):
    image = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    row, col = 1, 5
    image[row, col] = 255
    turned = rotate_quarter(image, k)
    t_row, t_col = np.argwhere(turned[..., 0] == 255)[0]
    centre_in_turned = np.array([t_col + 0.5, t_row + 0.5])
    back = quarter_to_original(centre_in_turned, k, WIDTH, HEIGHT)
    assert np.array_equal(back, [col + 0.5, row + 0.5])
    assert turned.shape[:2] == ((HEIGHT, WIDTH) if k % 2 == 0 else (WIDTH, HEIGHT))


@pytest.mark.parametrize("angle", [0.0, 37.0, 90.0, -120.0, 180.0])
def test_arbitrary_rotation_crop_and_back_is_the_identity(angle):
    matrix = upright_crop_transform(np.array([320.0, 240.0]), angle, 300.0, 256)
    xy = np.random.default_rng(1).uniform(0, 640, (20, 2))
    back = apply_affine(invert_affine(matrix), apply_affine(matrix, xy))
    np.testing.assert_allclose(back, xy, atol=1e-9)


def lying_pose(head_direction: tuple[float, float]) -> np.ndarray:
    """Shoulders 40 px from the hips in ``head_direction`` (unit vector, y down)."""
    pose = np.full((33, 5), np.nan)
    hips, d = np.array([200.0, 200.0]), np.asarray(head_direction, float)
    side = np.array([-d[1], d[0]]) * 15
    pose[IDX["left_hip"], :2], pose[IDX["right_hip"], :2] = hips + side, hips - side
    shoulders = hips + 40 * d
    pose[IDX["left_shoulder"], :2] = shoulders + side
    pose[IDX["right_shoulder"], :2] = shoulders - side
    return pose


@pytest.mark.parametrize(
    ("direction", "angle"), [((0, -1), 0.0), ((-1, 0), 90.0), ((0, 1), 180.0), ((1, 0), -90.0)]
)
def test_body_axis_angle_and_the_crop_that_makes_it_upright(direction, angle):
    pose = lying_pose(direction)
    assert body_axis_angle_deg(pose) == pytest.approx(angle)
    matrix = upright_crop_transform(np.array([200.0, 200.0]), angle, 200.0, 100)
    hip_idx = [IDX["left_hip"], IDX["right_hip"]]
    shoulder_idx = [IDX["left_shoulder"], IDX["right_shoulder"]]
    hips = apply_affine(matrix, pose[hip_idx, :2]).mean(axis=0)
    shoulders = apply_affine(matrix, pose[shoulder_idx, :2]).mean(axis=0)
    np.testing.assert_allclose(hips, [50.0, 50.0], atol=1e-9)  # centre of the crop
    np.testing.assert_allclose(shoulders - hips, [0.0, -20.0], atol=1e-9)  # straight up, x0.5


def test_warp_crop_puts_a_pixel_where_the_transform_says():
    image = np.zeros((120, 160, 3), np.uint8)
    image[30, 100] = 255  # pixel centre (100.5, 30.5)
    matrix = upright_crop_transform(np.array([100.5, 30.5]), 90.0, 21.0, 21)
    crop = warp_crop(image, matrix, 21)
    assert tuple(np.argwhere(crop[..., 0] == 255)[0]) == (10, 10)


def test_pose_score_is_the_mean_presence():
    pose = np.zeros((33, 5))
    pose[:, 4] = np.linspace(0, 1, 33)
    assert pose_score(pose) == pytest.approx(0.5)


def first_frame(path) -> np.ndarray:
    import cv2

    ok, bgr = cv2.VideoCapture(str(path)).read()
    assert ok, path
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def shoulder_width(xy: np.ndarray) -> float:
    return float(np.linalg.norm(xy[IDX["left_shoulder"]] - xy[IDX["right_shoulder"]]))


@pytest.mark.mediapipe
@pytest.mark.parametrize("k", [1, 2])
def test_image_landmarks_are_in_pixels_of_the_image_passed_in(model_dir, sample_videos, k):
    from motorobs.config import PoseConfig
    from motorobs.pose.estimator import ImageLandmarker

    rgb = first_frame(sample_videos / "b_reach_up_toy__top.mp4")
    turned = rotate_quarter(rgb, k)
    with ImageLandmarker(PoseConfig(model_dir=model_dir)) as landmarker:
        upright = landmarker(rgb)["position"].isel(time=0, individual=0).values.T[:33]
        sideways = landmarker(turned)["position"].isel(time=0, individual=0).values.T[:33]
    assert np.isfinite(upright).all() and np.isfinite(sideways).all()
    assert (sideways[:, 0].max() <= turned.shape[1]) and (sideways[:, 1].max() <= turned.shape[0])
    back = quarter_to_original(sideways, k, rgb.shape[1], rgb.shape[0])
    body = list(BODY_LANDMARKS)
    error = np.linalg.norm(back[body] - upright[body], axis=1) / shoulder_width(upright)
    assert np.median(error) < 0.15


@pytest.mark.mediapipe
def test_video_path_records_the_estimator_and_keeps_an_upright_clip_upright(
    model_dir, sample_videos
):
    import json

    from motorobs.config import PoseConfig
    from motorobs.io.video import probe_video
    from motorobs.pose.estimator import estimate_landmarks

    info = probe_video(sample_videos / "a_midline_reach__top.mp4")
    runs = {
        name: estimate_landmarks(
            info, PoseConfig(model_dir=model_dir, analysis_fps=3.0, estimator=name)
        )
        for name in ("infant", "mediapipe")
    }
    assert runs["infant"].attrs["estimator"] == "infant"
    assert runs["mediapipe"].attrs["estimator"] == "mediapipe"
    assert json.loads(runs["infant"].attrs["pose_turns"])[0] == [0.0, 0]
    np.testing.assert_allclose(
        runs["infant"]["position"].values, runs["mediapipe"]["position"].values, atol=0.5
    )
