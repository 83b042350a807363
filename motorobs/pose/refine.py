"""Making an adult-trained pose model work on infants lying at any angle.

MediaPipe's person detector and pose model expect an upright person. A top-down phone video
shows the infant lying at any angle, often small in the frame. This module holds the pure
geometry (turning a frame, cropping around the infant, and mapping landmarks back into the
original frame) and the scoring rules used to choose between candidate views; the search
itself is driven by :mod:`motorobs.pose.estimator`.

Coordinates are continuous pixels: x right, y down, the image spans ``[0, W] x [0, H]``
(MediaPipe's normalised coordinates times the image size), so quarter turns map exactly.
"""

from __future__ import annotations

import cv2
import numpy as np

from motorobs.schema import POSE_LANDMARKS

_I = {name: i for i, name in enumerate(POSE_LANDMARKS)}
BODY_LANDMARKS: tuple[int, ...] = tuple(
    _I[n]
    for n in (
        "nose", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
        "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
        "right_ankle",
    )
)
"""Landmarks whose visibility scores a candidate pose (face details and fingers left out)."""


# --- quarter turns ----------------------------------------------------------------------


def rotate_quarter(rgb: np.ndarray, k: int) -> np.ndarray:
    """The image turned ``k`` quarter turns counter-clockwise (as :func:`numpy.rot90`)."""
    return np.ascontiguousarray(np.rot90(rgb, k % 4))


def quarter_to_original(xy: np.ndarray, k: int, width: int, height: int) -> np.ndarray:
    """Map points from an image turned by :func:`rotate_quarter` back to the original.

    Parameters
    ----------
    xy
        (..., 2) points in pixels of the turned image.
    k
        Quarter turns counter-clockwise that made the turned image.
    width, height
        Size of the **original** image (pixels).

    Returns
    -------
    numpy.ndarray
        (..., 2) points in pixels of the original image (exact: only swaps and
        subtractions).
    """
    xy = np.asarray(xy, float)
    x, y = xy[..., 0], xy[..., 1]
    k %= 4
    if k == 0:
        out = (x, y)
    elif k == 1:  # original (x, y) -> turned (y, W - x)
        out = (width - y, x)
    elif k == 2:  # original (x, y) -> turned (W - x, H - y)
        out = (width - x, height - y)
    else:  # original (x, y) -> turned (H - y, x)
        out = (y, height - x)
    return np.stack(out, axis=-1)


def original_to_quarter(xy: np.ndarray, k: int, width: int, height: int) -> np.ndarray:
    """Inverse of :func:`quarter_to_original`: original pixels -> turned-image pixels."""
    xy = np.asarray(xy, float)
    x, y = xy[..., 0], xy[..., 1]
    k %= 4
    if k == 0:
        out = (x, y)
    elif k == 1:
        out = (y, width - x)
    elif k == 2:
        out = (width - x, height - y)
    else:
        out = (height - y, x)
    return np.stack(out, axis=-1)


# --- arbitrary rotation and crop -----------------------------------------------------------


def upright_crop_transform(
    centre: np.ndarray, angle_deg: float, side_px: float, out_size: int
) -> np.ndarray:
    """Affine map (2x3) from original pixels to an upright square crop.

    The crop is a square of ``side_px`` original pixels centred on ``centre`` and turned by
    ``angle_deg`` (counter-clockwise on screen), resampled to ``out_size`` pixels.
    A body axis pointing at ``angle_deg`` from "up" (counter-clockwise on screen, y down)
    points straight up in the crop.
    """
    scale = out_size / float(side_px)
    theta = np.deg2rad(angle_deg)
    cos, sin = np.cos(theta), np.sin(theta)
    # Rotating by +angle on screen (y down) undoes a body axis turned by angle from up.
    rot = np.array([[cos, -sin], [sin, cos]]) * scale
    offset = np.array([out_size / 2.0, out_size / 2.0]) - rot @ np.asarray(centre, float)
    return np.hstack([rot, offset[:, None]])


def apply_affine(matrix: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Apply a 2x3 affine map to (..., 2) points."""
    xy = np.asarray(xy, float)
    return xy @ matrix[:, :2].T + matrix[:, 2]


def invert_affine(matrix: np.ndarray) -> np.ndarray:
    """Inverse of a 2x3 affine map (as a 2x3 map)."""
    linear = np.linalg.inv(matrix[:, :2])
    return np.hstack([linear, (-linear @ matrix[:, 2])[:, None]])


def warp_crop(rgb: np.ndarray, matrix: np.ndarray, out_size: int) -> np.ndarray:
    """The crop described by ``matrix`` (from :func:`upright_crop_transform`), RGB uint8.

    ``matrix`` maps continuous pixel coordinates; OpenCV samples pixel centres, hence the
    half-pixel shifts.
    """
    shift_in = np.array([[1.0, 0, 0.5], [0, 1.0, 0.5], [0, 0, 1]])
    shift_out = np.array([[1.0, 0, -0.5], [0, 1.0, -0.5], [0, 0, 1]])
    full = shift_out @ np.vstack([matrix, [0, 0, 1]]) @ shift_in
    return cv2.warpAffine(
        rgb, full[:2], (out_size, out_size), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0),
    )


# --- body geometry and scores ------------------------------------------------------------


def body_axis_angle_deg(pose_xy: np.ndarray) -> float:
    """Angle of the hip-midpoint -> shoulder-midpoint axis from "up", degrees.

    Counter-clockwise on screen is positive (with y down, "up" is -y); 0 means the head is at
    the top, 90 that it points left, 180 down; range (-180, 180]. NaN when shoulders or hips
    are missing.
    """
    shoulders = np.nanmean(pose_xy[[_I["left_shoulder"], _I["right_shoulder"]], :2], axis=0)
    hips = np.nanmean(pose_xy[[_I["left_hip"], _I["right_hip"]], :2], axis=0)
    dx, dy = shoulders - hips
    angle = float(np.degrees(np.arctan2(-dx, -dy)))
    return angle + 360.0 if angle <= -180.0 else angle


def pose_score(person: np.ndarray) -> float:
    """How sure the pose model is of one detected pose: mean presence of its 33 landmarks.

    Used to choose between the quarter turns of a frame. On the annotated infant images
    (docs/accuracy.md) mean presence chose better turns than mean visibility of the body
    landmarks, whose values sit at 1.0 for most candidates.

    Parameters
    ----------
    person
        (33, 5) landmarks; column 4 is MediaPipe presence (0..1).
    """
    return float(np.nanmean(person[:, 4]))


def body_box(pose_xy: np.ndarray) -> tuple[np.ndarray, float]:
    """Centre (pixels) and longest side (pixels) of the box around the body landmarks."""
    pts = pose_xy[list(BODY_LANDMARKS), :2]
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return (lo + hi) / 2.0, float(np.max(hi - lo))
