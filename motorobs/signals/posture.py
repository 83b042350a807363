"""Camera view (per clip) and infant posture (per frame) from pose landmarks.

View
    "side" when the two shoulders are strongly foreshortened: their 2-D distance is less
    than ``SIDE_VIEW_MAX_SHOULDER_RATIO`` of the shoulder width expected from the trunk
    length (or head size without hips; see :mod:`motorobs.signals.body_frame`), i.e. the
    near and far shoulders almost overlap. Otherwise "top". On the sample clips the ratio
    is 0.84-1.06 from above and 0.19-0.36 from the side.

Posture
    The chest ("anterior") direction in 3-D is ``A = L x U`` with ``L`` = left shoulder
    minus right shoulder and ``U`` = mid-hip to mid-shoulder (mid-shoulder to mid-ear
    without hips), each point as ``(x_px, y_px, depth_z * frame_width)``; in this
    right-handed camera frame (x right, y down, z away from the camera) ``L x U`` points
    out of the chest. Gravity is "into the image" (+z) from straight above and image-down
    (+y) from floor level; in between it is tilted by the camera's elevation, estimated from
    how much the level shoulder line is foreshortened (:func:`gravity_in_camera`), so that
    oblique phone views of a lying infant are read correctly. Side views keep image-down:
    there the chest direction rests on MediaPipe's depth, too rough to tilt gravity by.
    With ``c = A . gravity`` (unit vectors): supine when ``c < -0.5`` (chest up),
    prone when ``c > 0.5``, side-lying in between, and sitting, in a side view only, when
    the trunk points up within 45 degrees of vertical. Labels are then smoothed with a
    1-s majority vote. The rule relies on MediaPipe's left/right labels (its chirality);
    it was checked on the MediaPipe output of all eight sample clips (top and side,
    supine and prone): every frame of every clip classified as the clip's posture.

Posture bouts and changes
    :func:`posture_bouts` cuts the labels into runs; :func:`posture_changes` finds
    sustained changes (both postures held at least a minimum time), e.g. rolls between
    supine and prone, so that a brief misclassification is never a roll.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from motorobs.signals.body_frame import (
    SHOULDER_PER_HEAD,
    SHOULDER_PER_TRUNK,
    clip_body_lengths,
)

POSTURES: tuple[str, ...] = ("supine", "prone", "side_lying", "sitting", "unknown")
VIEWS: tuple[str, ...] = ("top", "side", "unknown")

SIDE_VIEW_MAX_SHOULDER_RATIO = 0.55
"""Seen shoulder width / expected shoulder width below which the view is "side"."""
LYING_MIN_COS = 0.5
"""|cos| of the angle between the chest direction and gravity for supine/prone (60 deg)."""
SITTING_MIN_COS = 0.7
"""cos of the angle between the trunk and the vertical for sitting (45 deg)."""
POSTURE_SMOOTHING_S = 1.0
"""Window of the majority vote that removes single-frame posture flicker (s)."""


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


def chest_alignment(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    mid_ear: np.ndarray,
    gravity: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Cosines of the chest direction and of the trunk with gravity, per frame.

    Parameters
    ----------
    left_shoulder, right_shoulder, mid_hip, mid_ear
        (T, 3) points ``(x_px, y_px, depth_px)``; NaN where missing. ``mid_ear`` replaces
        ``mid_hip`` (as the head-ward end of the axis) in frames without hips.
    gravity
        (3,) unit vector of gravity in the same frame.

    Returns
    -------
    chest_cos, trunk_up_cos
        (T,) ``A . g`` (+1: chest down, -1: chest up) and ``-U . g`` (+1: trunk upright).
    """
    mid_shoulder = (left_shoulder + right_shoulder) / 2
    axis = mid_shoulder - mid_hip
    no_hips = ~np.isfinite(axis).all(axis=1)
    axis[no_hips] = (mid_ear - mid_shoulder)[no_hips]
    chest = np.cross(left_shoulder - right_shoulder, axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        chest = chest / np.linalg.norm(chest, axis=1, keepdims=True)
        axis = axis / np.linalg.norm(axis, axis=1, keepdims=True)
    return chest @ gravity, -(axis @ gravity)


def classify_posture(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    mid_ear: np.ndarray,
    view: str,
    rate_hz: float,
    gravity: np.ndarray | None = None,
) -> np.ndarray:
    """Posture per frame (see the module docstring for the rule).

    Parameters
    ----------
    left_shoulder, right_shoulder, mid_hip, mid_ear
        (T, 3) points ``(x_px, y_px, depth_px)`` where ``depth_px = depth_z * frame_width``.
    view
        Camera view of the clip; "unknown" gives "unknown" everywhere.
    rate_hz
        Sampling rate, for the smoothing window.
    gravity
        (3,) unit gravity in the camera frame (:func:`gravity_in_camera`); ``None``: straight
        into the image for a top view, image-down for a side view.

    Returns
    -------
    (T,) array of str in :data:`POSTURES`.
    """
    n = len(left_shoulder)
    labels = np.full(n, "unknown", dtype=object)
    if view not in ("top", "side"):
        return labels.astype(str)
    if gravity is None:
        gravity = np.array([0.0, 0.0, 1.0]) if view == "top" else np.array([0.0, 1.0, 0.0])
    chest_cos, trunk_up_cos = chest_alignment(
        left_shoulder, right_shoulder, mid_hip, mid_ear, gravity
    )
    known = np.isfinite(chest_cos)
    labels[known] = "side_lying"
    labels[known & (chest_cos < -LYING_MIN_COS)] = "supine"
    labels[known & (chest_cos > LYING_MIN_COS)] = "prone"
    if view == "side":
        labels[known & (trunk_up_cos > SITTING_MIN_COS)] = "sitting"
    return majority_smooth(labels.astype(str), rate_hz, POSTURE_SMOOTHING_S)


def majority_smooth(labels: np.ndarray, rate_hz: float, window_s: float) -> np.ndarray:
    """Replace each known label by the most common known label in a centred window.

    "unknown" frames stay unknown and do not vote. Ties keep the frame's own label.
    """
    half = int(round(window_s * rate_hz / 2)) if rate_hz > 0 else 0
    if half < 1:
        return labels.copy()
    out = labels.copy()
    for t in np.flatnonzero(labels != "unknown"):
        window = labels[max(0, t - half): t + half + 1]
        window = window[window != "unknown"]
        names, counts = np.unique(window, return_counts=True)
        best = counts.max()
        if counts[names == labels[t]][0] < best:
            out[t] = names[np.argmax(counts)]
    return out


@dataclass(frozen=True)
class PostureBout:
    """A run of frames with one posture label (indices inclusive)."""

    posture: str
    first: int
    last: int
    duration_s: float


@dataclass(frozen=True)
class PostureChange:
    """A sustained change of posture, e.g. a roll from supine to prone.

    ``last_before`` is the last frame of the old posture, ``first_after`` the first frame
    of the new one; the frames in between (if any) were in transition.
    """

    from_posture: str
    to_posture: str
    last_before: int
    first_after: int


def posture_bouts(posture: np.ndarray, dt_s: float) -> list[PostureBout]:
    """Runs of equal known posture labels in a (T,) label array ("unknown" ends a run).

    ``duration_s = (last - first + 1) * dt_s``.
    """
    posture = np.asarray(posture).astype(str)
    bouts: list[PostureBout] = []
    if posture.size == 0:
        return bouts
    change = np.flatnonzero(posture[1:] != posture[:-1]) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [posture.size]])
    for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
        if posture[start] != "unknown":
            bouts.append(PostureBout(str(posture[start]), start, stop - 1, (stop - start) * dt_s))
    return bouts


def posture_changes(
    posture: np.ndarray,
    dt_s: float,
    min_hold_s: float,
    max_transition_s: float,
    postures: tuple[str, ...],
) -> list[PostureChange]:
    """Sustained changes between the postures in ``postures``.

    Only bouts of those postures lasting at least ``min_hold_s`` take part ("held" bouts;
    shorter ones, e.g. a one-frame flip, are ignored, as are postures not listed). A change
    is two consecutive held bouts of different postures whose gap (the frames between them,
    in any other or unknown posture) lasts at most ``max_transition_s``.

    Parameters
    ----------
    posture
        (T,) labels (see :data:`POSTURES`).
    dt_s
        Sample spacing (s).
    min_hold_s, max_transition_s
        Seconds (see above).
    postures
        Labels taking part, e.g. ``("supine", "prone")`` for rolls.
    """
    eps = 1e-9
    held = [b for b in posture_bouts(posture, dt_s)
            if b.posture in postures and b.duration_s >= min_hold_s - eps]
    changes = []
    for before, after in zip(held, held[1:], strict=False):
        gap_s = (after.first - before.last - 1) * dt_s
        if before.posture != after.posture and gap_s <= max_transition_s + eps:
            changes.append(PostureChange(before.posture, after.posture, before.last, after.first))
    return changes
