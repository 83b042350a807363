"""Midline crossing, hands together and hand to mouth (supine or sitting, camera above).

The body midline and the crossing rule are in :mod:`motorobs.metrics.body_midline`
(shared with reaching's ``crossed_midline``).
"""

from __future__ import annotations

import numpy as np

from motorobs.config import MetricsConfig
from motorobs.metrics.base import Event, MetricOutput, Trace, register_metric
from motorobs.metrics.body_midline import (
    POSTURES,
    VIEWS,
    detect_crossings,
    hand_lateral_bu,
    low_view_problem,
    midline_frames,
    relevant_frames,
)
from motorobs.metrics.common import each_side, gated_values, unavailable
from motorobs.signals import BodySignals
from motorobs.signals.bouts import find_bouts, longest_bout_s

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
HAND_POINTS = (("left_wrist", "left_hand_wrist"), ("right_wrist", "right_hand_wrist"))
"""Each hand: its pose wrist or, where that is not seen, the hand model's
(:meth:`~motorobs.signals.BodySignals.hand`); either is enough."""
MOUTH_LANDMARKS = ("mouth_left", "mouth_right", "left_shoulder", "right_shoulder",
                   *HAND_POINTS)
HAND_EXTRA_POINTS = ("index", "pinky", "thumb")
"""Pose landmarks of the hand used besides the hand point for hand-to-mouth distances."""
LANDMARKS = ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "nose", *HAND_POINTS)


@register_metric(
    "midline_crossings",
    outputs=CROSSING_OUTPUTS,
    landmarks=LANDMARKS,
    postures=POSTURES,
    views=VIEWS,
    posture_reason=NOT_LYING_REASON,
    view_reason=SIDE_VIEW_REASON,
    per_side=True,
    version="5",
)
def midline_crossings(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Midline crossings per hand (see docs/metrics.md)."""
    relevant = midline_frames(signals)

    margin = config.midline_crossings.margin_bu

    def measure(side: str) -> MetricOutput:
        lateral = hand_lateral_bu(signals, side)
        usable = relevant & np.isfinite(lateral)
        own = np.where(usable, lateral if side == "left" else -lateral, np.nan)
        found = detect_crossings(own, signals.dt_s, margin,
                                 config.midline_crossings.min_duration_s,
                                 config.midline_crossings.return_margin_bu)
        minutes = usable.sum() * signals.dt_s / 60.0
        out = MetricOutput(values=gated_values(
            CROSSING_OUTPUTS,
            lambda: {
                "midline_crossings": len(found),
                "midline_crossings_per_min": len(found) / minutes,
                "midline_max_contralateral_bu": max(0.0, float(-np.nanmin(own))),
                "midline_contralateral_time_s": float(
                    np.sum(own < -margin) * signals.dt_s),
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
            reference_lines=(-margin, margin),
        ))
        return out

    return each_side(CROSSING_OUTPUTS, measure, problem=low_view_problem(signals))

@register_metric(
    "hands_together",
    outputs=TOGETHER_OUTPUTS,
    landmarks=LANDMARKS,
    postures=POSTURES,
    views=VIEWS,
    posture_reason=NOT_LYING_REASON,
    view_reason=SIDE_VIEW_REASON,
    version="3",
)
def hands_together(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Share of time with both hands at the midline and near each other."""
    problem = low_view_problem(signals)
    if problem:
        return MetricOutput(values=unavailable(TOGETHER_OUTPUTS, *problem))
    relevant = midline_frames(signals)
    left = signals.body_xy(signals.hand("left"))
    right = signals.body_xy(signals.hand("right"))
    usable = relevant & np.isfinite(left).all(axis=1) & np.isfinite(right).all(axis=1)
    with np.errstate(invalid="ignore"):
        together = (
            (np.abs(left[:, 0]) < config.hands_together.max_midline_offset_bu)
            & (np.abs(right[:, 0]) < config.hands_together.max_midline_offset_bu)
            & (np.linalg.norm(left - right, axis=1) < config.hands_together.max_distance_bu)
        )
    together &= usable
    bouts = find_bouts(together, signals.dt_s, config.hands_together.min_bout_s,
                       config.hands_together.merge_gap_s)
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
    optional_landmarks=tuple(f"{side}_{p}" for side in ("left", "right")
                             for p in HAND_EXTRA_POINTS),
    postures=POSTURES,
    views=VIEWS,
    posture_reason=NOT_LYING_REASON,
    view_reason=SIDE_VIEW_REASON,
    per_side=True,
)
def hand_to_mouth(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Hand-to-mouth bouts per hand, with ``hand_to_mouth`` events (see docs/metrics.md)."""
    relevant = relevant_frames(signals)

    def measure(side: str) -> MetricOutput:
        distance = hand_to_mouth_distance_bu(signals, side)
        usable = relevant & np.isfinite(distance)
        with np.errstate(invalid="ignore"):
            near = usable & (distance < config.hand_to_mouth.max_distance_bu)
        bouts = find_bouts(near, signals.dt_s, config.hand_to_mouth.min_duration_s,
                           config.hand_to_mouth.merge_gap_s)
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
            reference_lines=(config.hand_to_mouth.max_distance_bu,),
        ))
        return out

    return each_side(MOUTH_OUTPUTS, measure)
