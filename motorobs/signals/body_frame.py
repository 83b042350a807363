"""The infant's body frame: a per-frame 2-D coordinate system fixed to the trunk.

Axes (image plane, per frame)
    origin    mid-shoulder (pixels).
    up        unit vector from mid-hip to mid-shoulder ("hips" axis). In frames where either
              hip is missing (confidence below ``SignalConfig.min_visibility``; MediaPipe
              places infant hips poorly and says so through their visibility), the unit
              vector from mid-shoulder to the nose ("head" axis) is used instead, rotated by
              the clip's median angle between the two axes so that switching axes does not
              jump.
    lateral   perpendicular to ``up``, oriented so that + points to the infant's LEFT, as
              decided by the landmarks' left/right labels (left shoulder minus right
              shoulder). Hence the frame does not change when the image is rotated, and a
              baby lying diagonally or upside down gets the same body coordinates.
    scale     one value per clip, the "body unit" (BU): the infant's shoulder width in
              pixels, taken as the median 2-D shoulder width over the frames seen from
              above. In a side view the shoulders overlap, so a clip filmed only from the
              side has its shoulder width estimated as
              ``SHOULDER_PER_TRUNK`` x the median trunk length (mid-shoulder to mid-hip), or
              ``SHOULDER_PER_HEAD`` x the median mid-shoulder-to-nose distance without hips.

Body coordinates of a point: ``(lateral, up)`` in BU, + lateral = infant's left,
+ up = towards the head.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHOULDER_PER_TRUNK = 0.7
"""Shoulder width / trunk length (mid-shoulder to mid-hip) of an infant: 0.59-0.74 in the
top-view sample clips' MediaPipe landmarks (median 0.7)."""
SHOULDER_PER_HEAD = 1.5
"""Shoulder width / mid-shoulder-to-nose distance in a top view (1.4-1.6 in the samples)."""
MIN_LATERAL_SHOULDER_SPAN = 0.3
"""Frames whose shoulders span less than this many BU along the lateral axis cannot tell
left from right; they inherit the orientation of the nearest frame that can."""


@dataclass(frozen=True)
class BodyFrame:
    """Per-frame body axes in the image (see the module docstring).

    Attributes
    ----------
    origin_px
        (T, 2) mid-shoulder, pixels (x right, y down); NaN where unknown.
    up, lateral
        (T, 2) unit vectors in the image: towards the head, towards the infant's left.
    scale_px
        Body unit in pixels (the infant's shoulder width; see the module docstring).
    up_source
        (T,) "hips", "head" or "none": which axis defined ``up`` in each frame.
    scale_method
        How ``scale_px`` was measured (for provenance).
    head_axis_offset_deg
        Median angle from the head axis to the hips axis (applied to the head axis).
    """

    origin_px: np.ndarray
    up: np.ndarray
    lateral: np.ndarray
    scale_px: float
    up_source: np.ndarray
    scale_method: str
    head_axis_offset_deg: float

    @property
    def valid(self) -> np.ndarray:
        """(T,) frames where the body frame is defined."""
        return np.isfinite(self.origin_px).all(axis=1) & np.isfinite(self.up).all(axis=1)

    def to_body(self, points_px: np.ndarray) -> np.ndarray:
        """Body coordinates ``(lateral, up)`` in BU of (T, 2) image points in pixels."""
        delta = np.asarray(points_px, float) - self.origin_px
        lateral = np.einsum("ti,ti->t", delta, self.lateral)
        up = np.einsum("ti,ti->t", delta, self.up)
        return np.stack([lateral, up], axis=1) / self.scale_px


def _unit(vectors: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(vectors, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm > 0, vectors / norm, np.nan)


def _rotate(vectors: np.ndarray, angle_rad: float) -> np.ndarray:
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.stack(
        [vectors[:, 0] * c - vectors[:, 1] * s, vectors[:, 0] * s + vectors[:, 1] * c], axis=1
    )


def _median_or_nan(values: np.ndarray) -> float:
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def clip_body_lengths(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    nose: np.ndarray,
) -> tuple[float, float, float]:
    """Median 2-D shoulder width, trunk length and shoulder-to-nose length (pixels).

    Inputs are (T, 2) pixel positions, NaN where missing; each length is NaN when never seen.
    """
    mid_shoulder = (left_shoulder + right_shoulder) / 2
    return (
        _median_or_nan(np.linalg.norm(left_shoulder - right_shoulder, axis=1)),
        _median_or_nan(np.linalg.norm(mid_shoulder - mid_hip, axis=1)),
        _median_or_nan(np.linalg.norm(nose - mid_shoulder, axis=1)),
    )


def body_scale_px(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    nose: np.ndarray,
    view: str | np.ndarray,
) -> tuple[float, str]:
    """The clip's body unit (shoulder width, pixels) and how it was measured.

    Parameters
    ----------
    left_shoulder, right_shoulder, mid_hip, nose
        (T, 2) pixel positions, NaN where missing.
    view
        "top", "side" or "unknown" (unknown is treated like top), or (T,) the view of each
        frame: the shoulder width is then measured in the frames not seen from the side.

    Returns
    -------
    scale_px, method
        NaN and "none" when nothing usable was seen.
    """
    facing = np.broadcast_to(np.asarray(view).astype(str), (len(left_shoulder),)) != "side"
    shoulder_width = clip_body_lengths(left_shoulder[facing], right_shoulder[facing],
                                       mid_hip[facing], nose[facing])[0]
    _, trunk, head = clip_body_lengths(left_shoulder, right_shoulder, mid_hip, nose)
    if np.isfinite(shoulder_width) and shoulder_width > 0:
        return shoulder_width, "median 2-D shoulder width"
    if np.isfinite(trunk) and trunk > 0:
        return SHOULDER_PER_TRUNK * trunk, f"{SHOULDER_PER_TRUNK} x median trunk length"
    if np.isfinite(head) and head > 0:
        return SHOULDER_PER_HEAD * head, f"{SHOULDER_PER_HEAD} x median shoulder-to-nose length"
    return float("nan"), "none"


def compute_body_frame(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    left_hip: np.ndarray,
    right_hip: np.ndarray,
    nose: np.ndarray,
    view: str | np.ndarray,
) -> BodyFrame:
    """Build the body frame from cleaned (T, 2) pixel positions (NaN = not usable).

    ``view`` is the clip's camera view or (T,) each frame's (see :func:`body_scale_px`).
    See the module docstring for the definition of the axes and of the scale.
    """
    mid_shoulder = (left_shoulder + right_shoulder) / 2
    mid_hip = (left_hip + right_hip) / 2
    hips_axis = _unit(mid_shoulder - mid_hip)
    head_axis = _unit(nose - mid_shoulder)
    both = np.isfinite(hips_axis).all(axis=1) & np.isfinite(head_axis).all(axis=1)
    offset = 0.0
    if both.any():
        h, u = head_axis[both], hips_axis[both]
        angles = np.arctan2(h[:, 0] * u[:, 1] - h[:, 1] * u[:, 0], np.sum(h * u, axis=1))
        offset = float(np.median(angles))
    head_axis = _rotate(head_axis, offset)
    use_hips = np.isfinite(hips_axis).all(axis=1)
    use_head = ~use_hips & np.isfinite(head_axis).all(axis=1)
    up = np.where(use_hips[:, None], hips_axis, head_axis)
    up_source = np.where(use_hips, "hips", np.where(use_head, "head", "none"))

    scale_px, method = body_scale_px(left_shoulder, right_shoulder, mid_hip, nose, view)

    perpendicular = np.stack([up[:, 1], -up[:, 0]], axis=1)
    span = np.einsum("ti,ti->t", left_shoulder - right_shoulder, perpendicular)
    sign = np.sign(span)
    reliable = np.isfinite(span) & (np.abs(span) >= MIN_LATERAL_SHOULDER_SPAN * scale_px)
    if reliable.any():
        sign = fill_nearest(np.where(reliable, sign, np.nan))
    else:
        sign = np.full(len(span), 1.0 if np.nansum(span) >= 0 else -1.0)
    lateral = perpendicular * sign[:, None]
    return BodyFrame(
        origin_px=mid_shoulder,
        up=up,
        lateral=lateral,
        scale_px=float(scale_px),
        up_source=up_source,
        scale_method=method,
        head_axis_offset_deg=float(np.degrees(offset)),
    )


def fill_nearest(values: np.ndarray) -> np.ndarray:
    """Replace NaN in a (T,) array by the nearest finite value (earlier one on ties)."""
    idx = np.flatnonzero(np.isfinite(values))
    positions = np.arange(len(values))
    right = np.clip(np.searchsorted(idx, positions), 0, len(idx) - 1)
    left = np.clip(right - 1, 0, len(idx) - 1)
    pick_left = np.abs(positions - idx[left]) <= np.abs(idx[right] - positions)
    nearest = np.where(pick_left, idx[left], idx[right])
    return values[nearest]
