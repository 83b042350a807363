"""The body midline, shared by the midline metrics and reaching: which frames show it, a
hand's side of it, and when a hand crossed it.

The body midline is the body frame's ``up`` axis through mid-shoulder (see
:mod:`motorobs.signals.body_frame`); a hand's lateral offset is its body-frame lateral
coordinate in body units (BU, shoulder widths), + = towards the infant's left. It is seen
only from above (``VIEWS``), lying on the back or sitting (``POSTURES``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from motorobs.metrics.applicability import applicable_frames
from motorobs.metrics.common import runs
from motorobs.signals import BodySignals

POSTURES: tuple[str, ...] = ("supine", "sitting")
"""Postures in which the midline is measured."""
VIEWS: tuple[str, ...] = ("top",)
"""Camera views from which the midline can be seen."""
MIN_TILT_COS = 0.5
"""Frames whose trunk plane is tilted to the picture further than this cosine (the camera
within 30 degrees of the plane: low down at the infant's head or feet) do not show the
midline well enough: a raised hand shows across it by its height (parallax at least
tan 60 = 1.7 times the height), and the pose model's arms of a body seen end-on are rough
(on the tuning renders such a negative control got three crossings)."""
LOW_VIEW_REASON = (
    "the camera was too low, at the baby's head or feet (within 30 degrees of the plane of "
    "its trunk), where a raised hand can look across the midline by its height alone; film "
    "from higher up to measure this"
)


@dataclass(frozen=True)
class Crossing:
    """One midline crossing: frame indices (inclusive) from the hand leaving its own side of
    the midline to the frame before it is back there."""

    first: int
    last: int
    max_contralateral_bu: float


def detect_crossings(
    own_side_offset: np.ndarray, dt_s: float, margin: float, min_duration_s: float,
    return_margin: float = 0.0,
) -> list[Crossing]:
    """Find midline crossings in a hand's signed offset from the midline.

    Parameters
    ----------
    own_side_offset
        (T,) lateral offset of the hand in BU, + = the hand's own side; NaN where unseen
        (unseen frames neither start nor end a crossing).
    dt_s
        Frame duration (s).
    margin
        The hand must go below ``-margin`` (BU).
    min_duration_s
        ...for at least this long without interruption.
    return_margin
        A crossing ends only where the hand came back beyond this (BU) on its own side; it
        ends at the frame before the hand was back over the midline.

    Returns
    -------
    Crossings in time order. A crossing is counted when a hand last seen on its own side
    (offset > 0) goes beyond the margin and stays beyond it for ``min_duration_s``. Its
    frames run from the first frame after the hand was last seen on its own side (the
    frames where it was over the midline but not yet beyond the margin, or unseen, belong
    to the crossing) to the last frame before it is back on its own side (offset > 0). The
    return must hold the hand on its own side and, for ``min_duration_s`` without
    interruption, beyond ``return_margin``, so wobbling around the margin on the far side,
    or a dip back over the midline shorter than the minimum duration or not clear of
    ``return_margin``, is one crossing (both sides need a dwell; this stops landmark jitter
    at the midline from splitting a crossing). A hand already on the far side when first
    seen is not counted.
    """
    crossings: list[Crossing] = []
    state = "unknown"
    start = 0
    last_own = -1  # last frame seen on the own side
    back_since: int | None = None  # first frame of the current stay back on the own side
    back_frames = 0
    dwell_frames = max(1, int(np.ceil(min_duration_s / dt_s - 1e-9)))

    def close(end: int) -> None:
        segment = own_side_offset[start:end]
        beyond = segment < -margin
        longest = max((b - a for a, b in runs(beyond)), default=0)
        if longest * dt_s >= min_duration_s - 1e-9:
            seen = np.flatnonzero(np.isfinite(segment)) + start
            crossings.append(Crossing(start, int(seen[-1]) if end == len(own_side_offset)
                                      else end - 1, float(-np.nanmin(segment))))

    for t, offset in enumerate(own_side_offset):
        if np.isnan(offset):
            continue
        if state == "crossed":
            if offset > 0:  # back over the midline; a return once clear of return_margin
                back_since = t if back_since is None else back_since
                back_frames = back_frames + 1 if offset > return_margin else 0
                if back_frames >= dwell_frames:
                    close(back_since)
                    state, back_since, back_frames, last_own = "own", None, 0, t
            else:
                back_since, back_frames = None, 0
        elif offset > 0:
            state, last_own = "own", t
        elif offset < -margin:
            if state == "own":
                start = last_own + 1
                state = "crossed"
            else:
                state = "far"
    if state == "crossed":
        close(len(own_side_offset) if back_since is None else back_since)
    return crossings


def relevant_frames(signals: BodySignals) -> np.ndarray:
    """(T,) frames filmed from above in a posture where the midline applies."""
    return applicable_frames(signals, POSTURES, VIEWS)


def too_low_frames(signals: BodySignals) -> np.ndarray:
    """(T,) frames filmed from lower than :data:`MIN_TILT_COS` allows."""
    with np.errstate(invalid="ignore"):
        return signals.tilt_cos_per_frame < MIN_TILT_COS


def midline_frames(signals: BodySignals) -> np.ndarray:
    """(T,) frames in which a hand's side of the midline is measured: :func:`relevant_frames`
    not filmed too low (:func:`too_low_frames`)."""
    return relevant_frames(signals) & ~too_low_frames(signals)


def low_view_problem(signals: BodySignals) -> tuple[str, str] | None:
    """``("not_applicable", reason)`` when every frame where the midline applies was filmed
    too low; None otherwise."""
    relevant = relevant_frames(signals)
    if relevant.any() and not midline_frames(signals).any():
        return "not_applicable", LOW_VIEW_REASON
    return None


def hand_lateral_bu(signals: BodySignals, side: str) -> np.ndarray:
    """(T,) distance of a hand from the body's sagittal plane (BU, + = infant's left), NaN
    if unseen (:meth:`~motorobs.signals.BodySignals.lateral_offset_bu`)."""
    return signals.lateral_offset_bu(signals.hand(side))
