"""Camera view of each clip segment, and the side of the body facing a side-on camera.

View
    "side" when the two shoulders are strongly foreshortened: their 2-D distance is less
    than ``SIDE_VIEW_MAX_SHOULDER_RATIO`` of the shoulder width expected from the trunk
    length (or head size without hips; see :mod:`motorobs.signals.body_frame`), i.e. the
    near and far shoulders almost overlap. Otherwise "top" (the camera faces the chest or
    the back: from above a lying infant). On the sample clips the ratio is 0.84-1.06 from
    above and 0.19-0.36 from the side.

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


def gravity_in_camera(shoulder_ratio: float) -> np.ndarray:
    """Unit gravity vector in the camera frame (x right, y down, z away from the camera).

    A lying infant's shoulder line is level, so seen by a camera beside the infant it is
    foreshortened by ``sin(elevation)``, the camera's elevation above the floor: from
    straight above (ratio 1) gravity points into the image (+z), from floor level (ratio 0)
    image-down (+y), and in between (oblique phone views) a mix of the two.
    """
    elevation = np.arcsin(np.clip(shoulder_ratio, 0.0, 1.0))
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
        Median seen / expected shoulder width over the segment (NaN if not measurable).
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

    def frames(self) -> slice:
        """The segment's frames as a slice of a (T, ...) array."""
        return slice(self.first, self.last + 1)


def _running_median(values: np.ndarray, window: int) -> np.ndarray:
    series = pd.Series(values)
    return series.rolling(window, center=True, min_periods=1).median().to_numpy()


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
            segments.append(ViewSegment(view, first, last, ratio_seg, reason))
        decided = np.concatenate([np.full(s.last - s.first + 1, s.view) for s in segments])
        if len(_runs(decided)) == len(segments):
            return segments
        labels = decided
