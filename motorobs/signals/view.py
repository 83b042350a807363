"""Camera view of each clip segment, and the side of the body facing a side-on camera.

View
    "side" when the two shoulders are strongly foreshortened: their 2-D distance is less
    than ``SIDE_VIEW_MAX_SHOULDER_RATIO`` of the shoulder width expected from the trunk
    length (or head size without hips; see :mod:`motorobs.signals.body_frame`), i.e. the
    near and far shoulders almost overlap. Otherwise "top" (the camera faces the chest or
    the back: from above a lying infant). On the sample clips the ratio is 0.84-1.06 from
    above and 0.19-0.36 from the side.

Camera elevation and gravity
    For gravity (:func:`gravity_in_camera`) the camera's elevation is read from the tilt of
    the trunk's plane, the shoulder line and the trunk taken together
    (:func:`plane_foreshortening`), which does not depend on the direction the camera looks
    from: filmed low from the head or the feet, the trunk is foreshortened and the shoulders
    are not, and the infant is still read as lying on its back. The direction in which the
    picture foreshortens the trunk gives gravity's direction in the picture, so a phone held
    turned is read right too (its sign: :func:`motorobs.signals.posture.settle_gravity_sign`).

View per segment
    A caregiver may film part of a clip from above and part from the side. The ratio is
    therefore measured per frame on running medians (``VIEW_WINDOW_S``) of the shoulder
    width and of the trunk length, labelled per frame, and cut into segments; a segment
    shorter than ``MIN_VIEW_SEGMENT_S`` is merged into its longer neighbour, so that a
    brief turn of the body (an infant rolling through side-lying, seen from above) does not
    change the view. Each segment's view is then decided from the segment's median ratio,
    exactly as a whole clip's, and so is the camera elevation used for gravity
    (:func:`gravity_in_camera`). On all 17 real clips under ``../shared/realdata`` and the
    eight sample clips this gives one segment per clip, the view of the clip as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from motorobs.signals.body_frame import (
    SHOULDER_PER_HEAD,
    SHOULDER_PER_TRUNK,
    clip_body_lengths,
    fill_nearest,
)

VIEWS: tuple[str, ...] = ("top", "side", "unknown")

SIDE_VIEW_MAX_SHOULDER_RATIO = 0.55
"""Seen shoulder width / expected shoulder width below which the view is "side"."""
VIEW_WINDOW_S = 2.0
"""Running-median window of the per-frame shoulder and trunk lengths (s)."""
MIN_VIEW_SEGMENT_S = 3.0
"""Shortest stretch of a clip that can have its own camera view (s)."""


def classify_view(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    nose: np.ndarray,
) -> tuple[str, str]:
    """Camera view of a whole clip from (T, 2) pixel positions (NaN where missing).

    Returns
    -------
    view, reason
        ``view`` in {"top", "side", "unknown"}; ``reason`` says what was measured.
    """
    return view_from_foreshortening(
        *shoulder_foreshortening(left_shoulder, right_shoulder, mid_hip, nose)
    )


def view_from_foreshortening(ratio: float, measured: str) -> tuple[str, str]:
    """``(view, reason)`` from :func:`shoulder_foreshortening`'s ratio and sentence."""
    if not np.isfinite(ratio):
        return "unknown", measured
    if ratio < SIDE_VIEW_MAX_SHOULDER_RATIO:
        return "side", f"side view: {measured}; near and far shoulders overlap"
    return "top", f"top view: {measured}"


def gravity_in_camera(tilt_cos: float, axis: np.ndarray | None = None) -> np.ndarray:
    """Unit gravity vector in the camera frame (x right, y down, z away from the camera).

    A lying infant's trunk lies in the floor's plane, so the cosine of its tilt to the
    image plane (:func:`plane_foreshortening`) is ``sin(elevation)``, the camera's elevation
    above the floor, from whichever direction it looks: from straight above (1) gravity
    points into the image (+z), from floor level (0) along ``axis`` in the picture
    (default image-down, +y: a phone held upright), and in between (oblique phone views) a
    mix of the two.
    """
    elevation = np.arcsin(np.clip(tilt_cos, 0.0, 1.0))
    if axis is not None:
        axis = np.asarray(axis, float) / np.linalg.norm(axis)
        return np.array([axis[0] * np.cos(elevation), axis[1] * np.cos(elevation),
                         np.sin(elevation)])
    return np.array([0.0, np.cos(elevation), np.sin(elevation)])


def shoulder_foreshortening(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    nose: np.ndarray,
) -> tuple[float, str]:
    """Seen over expected shoulder width of a clip (median), and a sentence saying so.

    The expected width comes from the trunk length, or the shoulder-to-nose distance
    without hips (:data:`SHOULDER_PER_TRUNK`, :data:`SHOULDER_PER_HEAD`). NaN, with the
    reason, when neither can be measured.
    """
    shoulder_width, trunk, head = clip_body_lengths(left_shoulder, right_shoulder, mid_hip,
                                                    nose)
    if not np.isfinite(shoulder_width):
        return np.nan, "the shoulders were never seen, so the camera view is unknown"
    if np.isfinite(trunk) and trunk > 0:
        expected, basis = SHOULDER_PER_TRUNK * trunk, f"{SHOULDER_PER_TRUNK} x trunk length"
    elif np.isfinite(head) and head > 0:
        expected, basis = SHOULDER_PER_HEAD * head, f"{SHOULDER_PER_HEAD} x shoulder-to-nose"
    else:
        return np.nan, "neither hips nor nose were seen, so the camera view is unknown"
    ratio = shoulder_width / expected
    measured = (
        f"shoulders appear {shoulder_width:.0f} px apart, {ratio:.2f} of the width expected "
        f"from the body's size ({basis} = {expected:.0f} px)"
    )
    return float(ratio), measured


FLAT_TILT_QUANTILE = 0.9
"""A segment's trunk-plane tilt is this quantile of its frames' tilt cosines: the trunk is
not flat in every frame (a roll, a lifted shoulder, a twist all tilt it further), and the
flattest frames show the camera's elevation."""
FACING_TILT_COS = 0.8
"""Tilt cosines from this to 1 (up to about 37 degrees) cannot be told from a camera facing
the trunk: infants' proportions vary (shoulder width / trunk length 0.59-0.74 in the top-view
sample clips against the 0.7 assumed), which alone makes a flat trunk read 0.8-1. Such
segments count as facing the camera (1)."""


SHOULDER_DEPTH_GAIN = 3.7
"""MediaPipe's depth difference between the two shoulders, in body units, per unit of the
camera's sideways direction (:func:`camera_lateral`): on the tuning renders (64 supine clips,
camera 2-58 degrees from vertical, any azimuth) it followed the true sideways component of
the direction to the camera with correlation -0.95 but 3.7 times too large (MediaPipe
exaggerates the shoulders' depth difference); residual spread 0.12."""
CAMERA_LATERAL_DEAD_ZONE = 0.25
"""Sideways camera components up to this (about two residual spreads of
:data:`SHOULDER_DEPTH_GAIN`) cannot be told from a camera straight over the midline and
count as 0; larger ones are reduced by it."""


def camera_lateral(left_shoulder_depth: np.ndarray, right_shoulder_depth: np.ndarray,
                   body_unit_px: float) -> float:
    """Sideways component of the unit vector from the body to the camera, read from the
    shoulders' depth: + = the camera towards the infant's left, -1..1.

    Parameters
    ----------
    left_shoulder_depth, right_shoulder_depth
        (T,) the shoulders' depth in pixels (smaller = nearer the camera; NaN where unseen).
    body_unit_px
        The body unit (shoulder width) in pixels.

    Returns
    -------
    float
        ``-median(left - right) / body_unit_px / SHOULDER_DEPTH_GAIN``, within -1..1, with
        :data:`CAMERA_LATERAL_DEAD_ZONE` taken off its size (0 inside it); 0 without depth
        (every point in the picture's plane) or when no frame measured it.
    """
    difference = np.asarray(left_shoulder_depth, float) - np.asarray(right_shoulder_depth, float)
    difference = difference[np.isfinite(difference)]
    if not difference.size or not np.isfinite(body_unit_px) or body_unit_px <= 0:
        return 0.0
    lateral = float(np.clip(-np.median(difference) / body_unit_px / SHOULDER_DEPTH_GAIN,
                            -1.0, 1.0))
    return float(np.sign(lateral) * max(0.0, abs(lateral) - CAMERA_LATERAL_DEAD_ZONE))


def flattest_tilt_cos(tilt_cos: np.ndarray, *, as_facing: bool = True) -> float:
    """The tilt cosine of a segment's flattest frames (:data:`FLAT_TILT_QUANTILE`); with
    ``as_facing``, 1 when at least :data:`FACING_TILT_COS`. NaN when no frame measured it."""
    finite = np.asarray(tilt_cos, float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return float("nan")
    flattest = float(np.quantile(finite, FLAT_TILT_QUANTILE))
    return 1.0 if as_facing and flattest >= FACING_TILT_COS else flattest


def tilt_per_frame(segments: list[ViewSegment], n_frames: int) -> np.ndarray:
    """(T,) each frame's segment :attr:`ViewSegment.tilt_cos` (NaN outside segments)."""
    tilt = np.full(n_frames, np.nan)
    for segment in segments:
        tilt[segment.frames()] = segment.tilt_cos
    return tilt


NEAR_SIDE_LANDMARKS = ("ear", "shoulder", "hip")
NEAR_SIDE_MIN_CONFIDENCE_GAP = 0.05
"""Below this difference in mean confidence, the nearer side (by depth) is the near side."""


def near_side(
    confidence: dict[str, np.ndarray], depth_px: dict[str, np.ndarray]
) -> tuple[str, str]:
    """The side of the body facing a side-on camera: "left" or "right", and why.

    Parameters
    ----------
    confidence, depth_px
        Per side ("left"/"right"), (T, n) raw confidences and depths (pixels, + = away from
        the camera) of the ear, shoulder and hip of that side.

    The near side is the one MediaPipe saw with the higher mean confidence; when the two
    differ by less than ``NEAR_SIDE_MIN_CONFIDENCE_GAP`` (MediaPipe often reports 1.0 for
    both), the side with the smaller mean depth (nearer the camera).
    """
    score = {side: float(np.nan_to_num(np.nanmean(c))) if np.isfinite(c).any() else 0.0
             for side, c in confidence.items()}
    if abs(score["left"] - score["right"]) >= NEAR_SIDE_MIN_CONFIDENCE_GAP:
        side = max(score, key=score.__getitem__)
        return side, f"{side} side landmarks seen with higher confidence"
    depth = {side: float(np.nanmean(d)) if np.isfinite(d).any() else np.inf
             for side, d in depth_px.items()}
    side = "left" if depth["left"] <= depth["right"] else "right"
    return side, f"{side} side landmarks nearer the camera (MediaPipe depth)"


@dataclass(frozen=True)
class ViewSegment:
    """A stretch of a clip filmed from one camera view (frame indices inclusive).

    Attributes
    ----------
    view
        "top", "side" or "unknown".
    first, last
        First and last frame of the segment.
    shoulder_ratio
        Median seen / expected shoulder width over the segment (NaN if not measurable;
        :func:`plane_foreshortening`).
    reason
        What was measured, in words.
    near_side
        In a side view, the infant's side facing the camera ("left"/"right"), else None.
    """

    view: str
    first: int
    last: int
    shoulder_ratio: float
    reason: str
    near_side: str | None = None
    tilt_cos: float = float("nan")
    """Cosine of the trunk plane's tilt to the image plane in the segment's flattest frames
    (:func:`flattest_tilt_cos`; NaN if not measurable): the camera's elevation for a lying
    infant."""
    tilt_axis: tuple[float, float] | None = None
    """``(x, y)`` image direction along which the trunk is foreshortened (:func:`mean_axis`): where
    gravity shows in the picture of a lying infant, up to its sign."""

    def frames(self) -> slice:
        """The segment's frames as a slice of a (T, ...) array."""
        return slice(self.first, self.last + 1)


def _running_median(values: np.ndarray, window: int) -> np.ndarray:
    series = pd.Series(values)
    return series.rolling(window, center=True, min_periods=1).median().to_numpy()


def plane_foreshortening(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    nose: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(T,) seen / expected shoulder width, (T,) cosine of the trunk plane's tilt and
    (T, 2) the image direction along which the trunk is foreshortened.

    The shoulder line ``S`` and the trunk ``U`` (mid-hip to mid-shoulder; mid-shoulder to
    nose without hips) span the front of the trunk, and their true lengths keep a known
    ratio (``|S| = SHOULDER_PER_TRUNK |U|``, or ``SHOULDER_PER_HEAD`` x shoulder-to-nose).
    Seen by a distant camera, the two image vectors ``s, u`` are that pair projected: the
    2 x 2 matrix ``M = [s / ratio, u]`` has singular values ``sigma_1 >= sigma_2`` with
    ``sigma_2 / sigma_1`` the cosine of the angle between the trunk's plane and the image
    plane (1: the camera faces the chest or the back; 0: it sees the trunk edge-on), whatever
    the direction the camera looks from; ``sigma_1`` is the body's unforeshortened size in
    the image. The shoulder ratio ``|s| / (ratio sigma_1)`` then says how much of that tilt
    is across the shoulders (a camera at the infant's side: near 0) rather than along the
    trunk (a camera at its head or feet: near 1). Inputs are (T, 2) pixel positions; NaN
    where the points are missing or the size is zero.
    """
    mid_shoulder = (left_shoulder + right_shoulder) / 2
    shoulders = left_shoulder - right_shoulder
    trunk = mid_shoulder - mid_hip
    head = nose - mid_shoulder
    use_trunk = np.isfinite(trunk).all(axis=1) & (np.linalg.norm(trunk, axis=1) > 0)
    axis = np.where(use_trunk[:, None], trunk, head)
    ratio = np.where(use_trunk, SHOULDER_PER_TRUNK, SHOULDER_PER_HEAD)
    matrix = np.stack([shoulders / ratio[:, None], axis], axis=2)  # (T, 2, 2), columns
    with np.errstate(invalid="ignore"):
        singular = np.full((len(matrix), 2), np.nan)
        direction = np.full((len(matrix), 2), np.nan)
        finite = np.isfinite(matrix).all(axis=(1, 2))
        if finite.any():
            left_vectors, singular[finite], _ = np.linalg.svd(matrix[finite])
            direction[finite] = left_vectors[:, :, 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        size = singular[:, 0]
        seen = np.linalg.norm(shoulders, axis=1) / ratio
        shoulder_ratio = np.where(size > 0, seen / size, np.nan)
        tilt_cos = np.where(size > 0, singular[:, 1] / size, np.nan)
    return shoulder_ratio, tilt_cos, direction


def mean_axis(directions: np.ndarray) -> np.ndarray:
    """The mean of (T, 2) unit axes (sign-free directions, averaged on doubled angles),
    with its sign chosen to point down the image (y >= 0); image-down without data."""
    finite = directions[np.isfinite(directions).all(axis=1)]
    if not len(finite):
        return np.array([0.0, 1.0])
    doubled = np.exp(2j * np.arctan2(finite[:, 1], finite[:, 0])).mean()
    angle = np.angle(doubled) / 2 if abs(doubled) > 1e-9 else np.pi / 2
    axis = np.array([np.cos(angle), np.sin(angle)])
    return axis if axis[1] >= 0 else -axis


def shoulder_ratio_per_frame(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    nose: np.ndarray,
    window: int,
) -> np.ndarray:
    """(T,) seen / expected shoulder width from running medians over ``window`` frames.

    The expected width is ``SHOULDER_PER_TRUNK`` x the trunk length, or, in frames where the
    trunk was not seen within the window, ``SHOULDER_PER_HEAD`` x the shoulder-to-nose
    distance; NaN where neither was. Inputs are (T, 2) pixel positions, NaN where missing.
    """
    mid_shoulder = (left_shoulder + right_shoulder) / 2
    width = _running_median(np.linalg.norm(left_shoulder - right_shoulder, axis=1), window)
    trunk = _running_median(np.linalg.norm(mid_shoulder - mid_hip, axis=1), window)
    head = _running_median(np.linalg.norm(nose - mid_shoulder, axis=1), window)
    expected = np.where(np.isfinite(trunk) & (trunk > 0), SHOULDER_PER_TRUNK * trunk,
                        SHOULDER_PER_HEAD * head)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(expected > 0, width / expected, np.nan)


def _runs(labels: np.ndarray) -> list[list]:
    """``[label, first, last]`` runs of equal labels."""
    change = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts = np.concatenate([[0], change]).astype(int)
    stops = np.concatenate([change, [labels.size]]).astype(int)
    return [[str(labels[a]), int(a), int(b) - 1] for a, b in zip(starts, stops, strict=True)]


def _fill_unknown(labels: np.ndarray) -> np.ndarray:
    """Unknown frames take the label of the nearest known frame (earlier one on ties)."""
    known = labels != "unknown"
    if not known.any():
        return labels
    nearest = fill_nearest(np.where(known, np.arange(labels.size), np.nan)).astype(int)
    return labels[nearest]


def merge_short_runs(labels: np.ndarray, min_frames: int) -> np.ndarray:
    """(T,) labels where every run shorter than ``min_frames`` joins its longer neighbour.

    The shortest run goes first; a clip shorter than ``min_frames`` keeps its longest run's
    label everywhere.
    """
    labels = np.asarray(labels).astype(object)
    while True:
        runs = _runs(labels)
        if len(runs) < 2:
            return labels.astype(str)
        lengths = [last - first + 1 for _, first, last in runs]
        shortest = int(np.argmin(lengths))
        if lengths[shortest] >= min_frames:
            return labels.astype(str)
        neighbours = [i for i in (shortest - 1, shortest + 1) if 0 <= i < len(runs)]
        into = max(neighbours, key=lambda i: lengths[i])
        _, first, last = runs[shortest]
        labels[first:last + 1] = runs[into][0]


def view_segments(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    nose: np.ndarray,
    rate_hz: float,
) -> list[ViewSegment]:
    """Segments of a clip with one camera view each (see the module docstring).

    Inputs are (T, 2) pixel positions (NaN where missing) sampled at ``rate_hz``. The
    segments cover every frame, in order; ``near_side`` is left None here (it needs the
    landmarks' confidence: :func:`near_side`).
    """
    n = len(left_shoulder)
    if n == 0:
        return []
    window = max(1, int(round(VIEW_WINDOW_S * rate_hz)))
    ratio = shoulder_ratio_per_frame(left_shoulder, right_shoulder, mid_hip, nose, window)
    _, tilt, tilt_direction = plane_foreshortening(left_shoulder, right_shoulder, mid_hip,
                                                   nose)
    labels = np.full(n, "unknown", dtype=object)
    finite = np.isfinite(ratio)
    labels[finite] = np.where(ratio[finite] < SIDE_VIEW_MAX_SHOULDER_RATIO, "side", "top")
    min_frames = max(1, int(round(MIN_VIEW_SEGMENT_S * rate_hz)))
    labels = merge_short_runs(_fill_unknown(labels.astype(str)), min_frames)
    while True:
        segments = []
        for _, first, last in _runs(labels):
            part = slice(first, last + 1)
            ratio_seg, measured = shoulder_foreshortening(
                left_shoulder[part], right_shoulder[part], mid_hip[part], nose[part])
            view, reason = view_from_foreshortening(ratio_seg, measured)
            segments.append(ViewSegment(view, first, last, ratio_seg, reason,
                                        tilt_cos=flattest_tilt_cos(tilt[part]),
                                        tilt_axis=tuple(mean_axis(tilt_direction[part]))))
        decided = np.concatenate([np.full(s.last - s.first + 1, s.view) for s in segments])
        if len(_runs(decided)) == len(segments):
            return segments
        labels = decided
