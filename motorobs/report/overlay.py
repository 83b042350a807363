"""Key-frame images: the infant's skeleton and hands drawn on a video frame, faces blurred.

Colours name the infant's anatomical side: orange is the infant's left, blue the right,
white the midline (shoulder and hip bars, face).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import xarray as xr

from motorobs.landmarks import INDIVIDUAL
from motorobs.report.faces import (
    AdultFaceDetector,
    FaceNotLocatedError,
    blur_regions,
    infant_face_region,
)
from motorobs.report.labels import clip_time
from motorobs.schema import HAND_CONNECTIONS, POSE_CONNECTIONS, keypoint_name

LEFT_RGB = (255, 140, 0)
RIGHT_RGB = (30, 144, 255)
MIDLINE_RGB = (245, 245, 245)


def _side_colour(a: str, b: str) -> tuple[int, int, int]:
    if a.startswith("left") and b.startswith("left"):
        return LEFT_RGB
    if a.startswith("right") and b.startswith("right"):
        return RIGHT_RGB
    return MIDLINE_RGB


def _segments(ds: xr.Dataset, time_index: int) -> list[tuple[np.ndarray, np.ndarray, tuple]]:
    """Segments to draw at ``time_index``: ``(xy_a, xy_b, rgb colour)``, both ends present."""
    xy = (
        ds["position"].isel(time=time_index).sel(individual=INDIVIDUAL)
        .transpose("keypoint", "space").values
    )
    index = {str(name): i for i, name in enumerate(ds["keypoint"].values)}
    pairs = [(a, b, _side_colour(a, b)) for a, b in POSE_CONNECTIONS]
    for part, colour in (("left_hand", LEFT_RGB), ("right_hand", RIGHT_RGB)):
        pairs += [(keypoint_name(part, a), keypoint_name(part, b), colour)
                  for a, b in HAND_CONNECTIONS]
    segments = []
    for a, b, colour in pairs:
        if a in index and b in index:
            pa, pb = xy[index[a]], xy[index[b]]
            if np.all(np.isfinite(pa)) and np.all(np.isfinite(pb)):
                segments.append((pa, pb, colour))
    return segments


def draw_skeleton(rgb: np.ndarray, ds: xr.Dataset, time_index: int) -> np.ndarray:
    """A copy of ``rgb`` with the infant's pose and hand landmarks of ``time_index`` drawn.

    Parameters
    ----------
    rgb
        (H, W, 3) uint8 upright frame.
    ds
        Landmarks dataset (:mod:`motorobs.landmarks`), positions in pixels of that frame.
    time_index
        Index along the dataset's ``time`` dimension.
    """
    out = np.ascontiguousarray(rgb.copy())
    thickness = max(1, round(min(out.shape[:2]) / 240))
    for pa, pb, colour in _segments(ds, time_index):
        a = (round(float(pa[0])), round(float(pa[1])))
        b = (round(float(pb[0])), round(float(pb[1])))
        cv2.line(out, a, b, colour, thickness, cv2.LINE_AA)
        for point in (a, b):
            cv2.circle(out, point, thickness + 1, colour, -1, cv2.LINE_AA)
    return out


def stamp_time(rgb: np.ndarray, time_s: float) -> np.ndarray:
    """A copy of ``rgb`` with the clip time (``"0:02.1"``, :func:`~motorobs.report.labels.
    clip_time`) written in white on a dark box in the top-left corner, sized to the image."""
    out = np.ascontiguousarray(rgb.copy())
    text = clip_time(time_s)
    scale = max(0.5, min(out.shape[:2]) / 640)
    thickness = max(1, round(2 * scale))
    (width, height), baseline = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale,
                                                thickness)
    pad = max(3, round(6 * scale))
    x1, y1 = min(out.shape[1], width + 2 * pad), min(out.shape[0], height + baseline + 2 * pad)
    out[:y1, :x1] = (out[:y1, :x1] * 0.3).astype(np.uint8)
    cv2.putText(out, text, (pad, pad + height), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (255, 255, 255), thickness, cv2.LINE_AA)
    return out


def render_key_frame(
    rgb: np.ndarray,
    ds: xr.Dataset,
    time_index: int,
    *,
    blur_faces: bool = True,
    face_detector: AdultFaceDetector | None = None,
    pose_model_path: str | Path | None = None,
) -> np.ndarray:
    """A video frame ready to publish: every face blurred, then the skeleton drawn.

    Parameters
    ----------
    rgb
        (H, W, 3) uint8 upright RGB frame, the one at ``ds["frame"][time_index]``.
    ds
        The infant's landmarks dataset (pixels of the upright frame).
    time_index
        Index along the dataset's ``time`` dimension.
    blur_faces
        Blur the infant's face (from its landmarks) and every face the adult-face
        detectors find. Keep on for anything leaving the analysis machine.
    face_detector
        Detector for faces other than the infant's (reuse one across frames).
    pose_model_path
        When no ``face_detector`` is given: a MediaPipe pose landmarker bundle for a
        temporary detector.

    Returns
    -------
    numpy.ndarray
        New (H, W, 3) uint8 RGB image; ``rgb`` is not modified.

    Raises
    ------
    FaceNotLocatedError
        If ``blur_faces`` and the infant has no face landmark at ``time_index``: this
        frame cannot be published safely; choose another.
    ValueError
        If ``rgb`` is not an (H, W, 3) uint8 image.
    """
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
        raise ValueError(f"Key frame: expected an (H, W, 3) uint8 image, got {rgb.shape} "
                         f"{rgb.dtype}.")
    image = rgb
    if blur_faces:
        infant = infant_face_region(ds, time_index)
        if infant is None:
            raise FaceNotLocatedError(
                f"No infant face landmark at time index {time_index} "
                f"({float(ds['time'].values[time_index]):.2f} s): the face cannot be blurred, "
                "so this frame must not be used."
            )
        regions = [infant]
        infant_xy = ds["position"].isel(time=time_index).sel(individual=INDIVIDUAL).transpose(
            "keypoint", "space").values
        if face_detector is not None:
            regions += face_detector.detect(rgb, infant_xy)
        else:
            with AdultFaceDetector(pose_model_path) as detector:
                regions += detector.detect(rgb, infant_xy)
        image = blur_regions(rgb, regions)
    return draw_skeleton(image, ds, time_index)
