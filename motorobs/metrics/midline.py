"""Midline crossing, hands together and hand to mouth (supine or sitting, camera above).

The body midline is the body frame's ``up`` axis through mid-shoulder (see
:mod:`motorobs.signals.body_frame`); a hand's lateral offset is its body-frame lateral
coordinate in body units (BU, shoulder widths), + = towards the infant's left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from motorobs.config import MetricsConfig
from motorobs.metrics.base import Event, MetricOutput, Trace, register_metric
from motorobs.metrics.common import each_side, gated_values, runs, unavailable, view_problem
from motorobs.signals import BodySignals
from motorobs.signals.bouts import find_bouts, longest_bout_s

POSTURES = ("supine", "sitting")
SIDE_VIEW_REASON = "the body midline cannot be seen from the side"
NOT_LYING_REASON = "the infant was never supine or sitting (midline metrics need one of these)"

CROSSING_OUTPUTS = {
    "midline_crossings": (
        "count",
        "Times the hand went from its own side of the body midline to more than the margin "
        "beyond it on the other side and stayed there at least the minimum duration.",
    ),
    "midline_crossings_per_min": (
        "per minute",
        "Midline crossings per minute of time in which the hand was seen (supine/sitting).",
    ),
    "midline_max_contralateral_bu": (
        "BU",
        "Furthest the hand went beyond the body midline into the other side of the body, in "
        "shoulder widths (0 if it never passed the midline).",
    ),
    "midline_contralateral_time_s": (
        "s",
        "Time the hand spent more than the margin beyond the body midline, on the other side.",
    ),
}
TOGETHER_OUTPUTS = {
    "hands_together_pct": (
        "%",
        "Share of the time both hands were seen (supine/sitting) in which both were near the "
        "body midline and near each other.",
    ),
    "hands_together_bouts": (
        "count",
        "Bouts of hands together (both near the midline and near each other) lasting at "
        "least the minimum bout duration.",
    ),
    "hands_together_longest_s": ("s", "Longest bout of hands together."),
}
MOUTH_OUTPUTS = {
    "hand_to_mouth_bouts": (
        "count",
        "Bouts with the hand at the mouth (nearest hand landmark within the distance "
        "threshold of the mouth) lasting at least the minimum duration.",
    ),
    "hand_to_mouth_pct": (
        "%",
        "Share of the time the hand and mouth were seen (supine/sitting) spent in "
        "hand-to-mouth bouts.",
    ),
}
MOUTH_LANDMARKS = ("mouth_left", "mouth_right", "left_wrist", "right_wrist",
                   "left_hand_wrist", "right_hand_wrist", "left_index", "right_index",
                   "left_pinky", "right_pinky", "left_thumb", "right_thumb",
                   "left_shoulder", "right_shoulder")
HAND_EXTRA_POINTS = ("index", "pinky", "thumb")
"""Pose landmarks of the hand used besides the hand point for hand-to-mouth distances."""
LANDMARKS = ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "nose",
             "left_wrist", "right_wrist", "left_hand_wrist", "right_hand_wrist")


@dataclass(frozen=True)
class Crossing:
    """One midline crossing: frame indices (inclusive) from the hand leaving its own side of
    the midline to the frame before it is back there."""

    first: int
    last: int
    max_contralateral_bu: float


def detect_crossings(
    own_side_offset: np.ndarray, dt_s: float, margin: float, min_duration_s: float
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

    Returns
    -------
    Crossings in time order. A crossing is counted when a hand last seen on its own side
    (offset > 0) goes beyond the margin and stays beyond it for ``min_duration_s``. Its
    frames run from the first frame after the hand was last seen on its own side (the
    frames where it was over the midline but not yet beyond the margin, or unseen, belong
    to the crossing) to the last frame before it is back on its own side (offset > 0).
    The return must last ``min_duration_s`` too, so wobbling around the margin on the far
    side, or a dip back over the midline shorter than the minimum duration, is one
    crossing (both sides need the same dwell; this stops landmark jitter at the midline
    from splitting a crossing). A hand already on the far side when first seen is not
    counted.
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
            if offset > 0:
                back_since = t if back_since is None else back_since
                back_frames += 1
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


def _applicability(signals: BodySignals) -> tuple[str, str] | None:
    problem = view_problem(signals, "top", SIDE_VIEW_REASON)
    if problem:
        return problem
    if not relevant_frames(signals).any():
        return "not_applicable", NOT_LYING_REASON
    return None


def relevant_frames(signals: BodySignals) -> np.ndarray:
    """(T,) frames filmed from above in a posture where the midline applies."""
    return np.isin(signals.posture, POSTURES) & signals.in_view("top")


def hand_lateral_bu(signals: BodySignals, side: str) -> np.ndarray:
    """(T,) distance of a hand from the body's sagittal plane (BU, + = infant's left), NaN
    if unseen (:meth:`~motorobs.signals.BodySignals.lateral_offset_bu`)."""
    return signals.lateral_offset_bu(signals.hand(side))


@register_metric(
    "midline_crossings",
    outputs=CROSSING_OUTPUTS,
    landmarks=LANDMARKS,
    postures=POSTURES,
    views=("top",),
    per_side=True,
    version="3",
)
def midline_crossings(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Midline crossings per hand (see docs/metrics.md)."""
    relevant = relevant_frames(signals)

    def measure(side: str) -> MetricOutput:
        lateral = hand_lateral_bu(signals, side)
        usable = relevant & np.isfinite(lateral)
        own = np.where(usable, lateral if side == "left" else -lateral, np.nan)
        found = detect_crossings(own, signals.dt_s, config.midline_margin,
                                 config.midline_min_duration_s)
        minutes = usable.sum() * signals.dt_s / 60.0
        out = MetricOutput(values=gated_values(
            CROSSING_OUTPUTS,
            lambda: {
                "midline_crossings": len(found),
                "midline_crossings_per_min": len(found) / minutes,
                "midline_max_contralateral_bu": max(0.0, float(-np.nanmin(own))),
                "midline_contralateral_time_s": float(
                    np.sum(own < -config.midline_margin) * signals.dt_s),
            },
            relevant=relevant, usable=usable, signals=signals, config=config,
            needs=f"the {side} hand and the body midline", where="supine or sitting time",
            side=side,
        ))
        if out.values[0].status == "ok":
            out.events = [
                Event("midline_crossing", side, float(signals.time_s[c.first]),
                      float(signals.time_s[c.last]),
                      {"max_contralateral_bu": round(c.max_contralateral_bu, 3)})
                for c in found
            ]
        out.traces.append(Trace(
            name=f"hand_lateral_{side}",
            label=f"{side.capitalize()} hand: sideways position from the body midline "
                  "(+ = infant's left)",
            unit="BU",
            values=np.where(usable, lateral, np.nan),
            event_types=("midline_crossing",),
            reference_lines=(-config.midline_margin, config.midline_margin),
        ))
        return out

    return each_side(CROSSING_OUTPUTS, measure, problem=_applicability(signals))

@register_metric(
    "hands_together",
    outputs=TOGETHER_OUTPUTS,
    landmarks=LANDMARKS,
    postures=POSTURES,
    views=("top",),
    version="2",
)
def hands_together(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Share of time with both hands at the midline and near each other."""
    problem = _applicability(signals)
    if problem:
        return MetricOutput(values=unavailable(TOGETHER_OUTPUTS, *problem))
    relevant = relevant_frames(signals)
    left = signals.body_xy(signals.hand("left"))
    right = signals.body_xy(signals.hand("right"))
    usable = relevant & np.isfinite(left).all(axis=1) & np.isfinite(right).all(axis=1)
    with np.errstate(invalid="ignore"):
        together = (
            (np.abs(left[:, 0]) < config.hands_together_midline)
            & (np.abs(right[:, 0]) < config.hands_together_midline)
            & (np.linalg.norm(left - right, axis=1) < config.hands_together_distance)
        )
    together &= usable
    bouts = find_bouts(together, signals.dt_s, config.hands_together_min_bout_s,
                       config.bout_merge_gap_s)
    values = gated_values(
        TOGETHER_OUTPUTS,
        lambda: {
            "hands_together_pct": 100.0 * together.sum() / usable.sum(),
            "hands_together_bouts": len(bouts),
            "hands_together_longest_s": longest_bout_s(bouts, signals.dt_s),
        },
        relevant=relevant, usable=usable, signals=signals, config=config,
        needs="both hands and the body midline", where="supine or sitting time",
    )
    out = MetricOutput(values=values)
    if values[0].status == "ok":
        out.events += [
            Event("hands_together", None, float(signals.time_s[first]),
                  float(signals.time_s[last]),
                  {"duration_s": round((last - first + 1) * signals.dt_s, 3)})
            for first, last in bouts
        ]
    return out


def hand_to_mouth_distance_bu(signals: BodySignals, side: str) -> np.ndarray:
    """(T,) distance (BU) from the mouth to the nearest landmark of the ``side`` hand.

    The mouth is the midpoint of ``mouth_left`` and ``mouth_right``; the hand's landmarks
    are the hand point (wrist) and, where seen, the pose model's index, pinky and thumb
    points. NaN where the mouth or the hand point is not usable. Image-plane distance: a
    hand held above the face, nearer the camera, also counts as near.
    """
    mouth = (signals.point_px("mouth_left") + signals.point_px("mouth_right")) / 2
    names = [signals.hand(side), *(f"{side}_{p}" for p in HAND_EXTRA_POINTS)]
    distances = np.stack(
        [np.linalg.norm(signals.point_px(n) - mouth, axis=1) for n in names], axis=1
    )
    with np.errstate(invalid="ignore"):
        nearest = np.nanmin(np.where(np.isfinite(distances), distances, np.inf), axis=1)
    seen = np.isfinite(distances[:, 0])
    return np.where(seen, nearest, np.nan) / signals.body_unit_px


@register_metric(
    "hand_to_mouth",
    outputs=MOUTH_OUTPUTS,
    landmarks=MOUTH_LANDMARKS,
    postures=POSTURES,
    views=("top",),
    per_side=True,
)
def hand_to_mouth(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Hand-to-mouth bouts per hand, with ``hand_to_mouth`` events (see docs/metrics.md)."""
    relevant = relevant_frames(signals)

    def measure(side: str) -> MetricOutput:
        distance = hand_to_mouth_distance_bu(signals, side)
        usable = relevant & np.isfinite(distance)
        with np.errstate(invalid="ignore"):
            near = usable & (distance < config.hand_to_mouth_distance)
        bouts = find_bouts(near, signals.dt_s, config.hand_to_mouth_min_duration_s,
                           config.bout_merge_gap_s)
        in_bouts = sum(last - first + 1 for first, last in bouts)
        out = MetricOutput(values=gated_values(
            MOUTH_OUTPUTS,
            lambda: {
                "hand_to_mouth_bouts": len(bouts),
                "hand_to_mouth_pct": 100.0 * in_bouts / usable.sum(),
            },
            relevant=relevant, usable=usable, signals=signals, config=config,
            needs=f"the {side} hand and the mouth", where="supine or sitting time", side=side,
        ))
        if out.values[0].status == "ok":
            out.events = [
                Event("hand_to_mouth", side, float(signals.time_s[first]),
                      float(signals.time_s[last]),
                      {"min_distance_bu": round(float(np.nanmin(distance[first:last + 1])), 3)})
                for first, last in bouts
            ]
        out.traces.append(Trace(
            name=f"hand_to_mouth_{side}",
            label=f"{side.capitalize()} hand: distance to the mouth",
            unit="BU",
            values=np.where(usable, distance, np.nan),
            event_types=("hand_to_mouth",),
            reference_lines=(config.hand_to_mouth_distance,),
        ))
        return out

    return each_side(MOUTH_OUTPUTS, measure, problem=_applicability(signals))
