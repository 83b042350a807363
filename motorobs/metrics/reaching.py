"""Reaching: hand movements away from rest and (optionally) back, per hand.

Signals: the hand's position relative to its own shoulder in the image, divided by the
body unit (BU, shoulder width; "body length" in ``peak_speed_bl_per_s`` is this same
unit), and its speed (BU/s), from the low-pass filtered landmarks. Working relative to
the shoulder removes movement of the whole body.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from motorobs.config import MetricsConfig
from motorobs.metrics.base import Event, MetricOutput, Trace, register_metric
from motorobs.metrics.common import gated_values, runs, unavailable
from motorobs.signals import BodySignals

SIDES = ("left", "right")
REACH_OUTPUTS = {
    "reach_count": (
        "count",
        "Hand movements that took the hand at least the minimum displacement away from "
        "where it rested (relative to its shoulder); a movement back to the start that "
        "follows belongs to the same reach.",
    ),
    "reaches_per_min": ("per minute", "Reaches per minute of time in which the hand was seen."),
}
LANDMARKS = ("left_shoulder", "right_shoulder", "left_wrist", "right_wrist",
             "left_hand_wrist", "right_hand_wrist")


@dataclass(frozen=True)
class Reach:
    """One reach; indices into the time base (inclusive)."""

    onset: int
    arrival: int
    offset: int
    peak_speed: float
    displacement: float
    returned: bool


def movement_bouts(
    speed: np.ndarray, min_speed: float, merge_gap_frames: int
) -> list[tuple[int, int]]:
    """Bouts of movement in a (T,) speed signal: ``(first, last)`` indices, inclusive.

    A bout is a run of ``speed > min_speed`` (runs closer than ``merge_gap_frames`` are
    merged), widened on both sides down to the speed's local minimum, so that it starts
    where the hand started to move rather than where it crossed the threshold.
    """
    with np.errstate(invalid="ignore"):
        fast = speed > min_speed
    raw = runs(fast)
    merged: list[list[int]] = []
    for start, stop in raw:
        if merged and start - merged[-1][1] <= merge_gap_frames:
            merged[-1][1] = stop
        else:
            merged.append([start, stop])
    bouts = []
    for i, (start, stop) in enumerate(merged):
        lower = merged[i - 1][1] if i else 0
        upper = merged[i + 1][0] - 1 if i + 1 < len(merged) else len(speed) - 1
        first, last = start, stop - 1
        while first > lower and np.isfinite(speed[first - 1]) and speed[first - 1] < speed[first]:
            first -= 1
        while last < upper and np.isfinite(speed[last + 1]) and speed[last + 1] < speed[last]:
            last += 1
        bouts.append((first, last))
    return bouts


def detect_reaches(
    relative_bu: np.ndarray,
    speed_bu_s: np.ndarray,
    dt_s: float,
    config: MetricsConfig,
) -> list[Reach]:
    """Reaches of one hand.

    Parameters
    ----------
    relative_bu
        (T, 2) hand minus shoulder in BU (image axes); NaN where unseen.
    speed_bu_s
        (T,) speed of the hand relative to the shoulder (BU/s).
    dt_s
        Frame duration (s).
    config
        ``reach_min_speed`` starts a movement bout; bouts closer than
        ``reach_merge_gap_s`` merge; a bout lasting ``reach_min_duration_s`` to
        ``reach_max_duration_s`` whose net displacement is at least
        ``reach_min_displacement`` is a movement. A movement is a reach unless it brings the
        hand back to within half the previous reach's displacement of that reach's start
        within ``reach_max_duration_s`` after it arrived: then it is that reach's return.

    Returns
    -------
    Reaches in time order.
    """
    merge = int(round(config.reach_merge_gap_s / dt_s)) if dt_s > 0 else 0
    reaches: list[Reach] = []
    open_reach: Reach | None = None
    for first, last in movement_bouts(speed_bu_s, config.reach_min_speed, merge):
        duration = (last - first) * dt_s
        start, end = relative_bu[first], relative_bu[last]
        displacement = float(np.linalg.norm(end - start))
        if not np.isfinite(displacement) or displacement < config.reach_min_displacement:
            continue
        if not config.reach_min_duration_s <= duration <= config.reach_max_duration_s:
            continue
        if open_reach is not None:
            back_to_start = np.linalg.norm(end - relative_bu[open_reach.onset])
            soon = (first - open_reach.arrival) * dt_s <= config.reach_max_duration_s
            if soon and back_to_start < 0.5 * open_reach.displacement:
                reaches[-1] = Reach(open_reach.onset, open_reach.arrival, last,
                                    open_reach.peak_speed, open_reach.displacement, True)
                open_reach = None
                continue
        peak = float(np.nanmax(speed_bu_s[first:last + 1]))
        open_reach = Reach(first, last, last, peak, displacement, False)
        reaches.append(open_reach)
    return reaches


@register_metric(
    "reaching",
    outputs=REACH_OUTPUTS,
    landmarks=LANDMARKS,
    per_side=True,
)
def reaching(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Reach count per hand, with one ``reach`` event per reach (see docs/metrics.md)."""
    relevant = signals.posture != "unknown"
    if not relevant.any():
        reason = "the infant's posture could not be determined in any frame"
        return MetricOutput(values=unavailable(REACH_OUTPUTS, "insufficient_data", reason,
                                               sides=SIDES))
    out = MetricOutput()
    for side in SIDES:
        if signals.view == "side" and signals.near_side not in (None, side):
            reason = (f"the {side} hand is on the far side of the body from this side-on "
                      "camera, hidden and only guessed by the pose model")
            out.values += unavailable(REACH_OUTPUTS, "insufficient_data", reason, sides=(side,))
            continue
        hand, shoulder = signals.hand(side), f"{side}_shoulder"
        relative = (signals.point_px(hand) - signals.point_px(shoulder)) / signals.body_unit_px
        speed = signals.relative_speed_bu_s(hand, shoulder)
        usable = relevant & np.isfinite(relative).all(axis=1) & np.isfinite(speed)
        relative[~usable] = np.nan
        speed = np.where(usable, speed, np.nan)
        found = detect_reaches(relative, speed, signals.dt_s, config)
        minutes = usable.sum() * signals.dt_s / 60.0
        out.values += gated_values(
            REACH_OUTPUTS,
            lambda found=found, minutes=minutes: {
                "reach_count": len(found), "reaches_per_min": len(found) / minutes,
            },
            relevant=relevant, usable=usable, signals=signals, config=config,
            needs=f"the {side} hand and shoulder", where="time with a known posture",
            side=side,
        )
        if out.values[-1].status == "ok":
            t = signals.time_s
            out.events += [
                Event("reach", side, float(t[r.onset]), float(t[r.offset]), {
                    "peak_speed_bl_per_s": round(r.peak_speed, 3),
                    "duration_s": round(float(t[r.offset] - t[r.onset]), 3),
                    "arrival_s": round(float(t[r.arrival]), 3),
                    "displacement_bu": round(r.displacement, 3),
                    "returned": "yes" if r.returned else "no",
                })
                for r in found
            ]
        out.traces.append(Trace(
            name=f"hand_speed_{side}",
            label=f"{side.capitalize()} hand speed relative to its shoulder",
            unit="BU/s",
            values=speed,
            event_types=("reach",),
            reference_lines=(config.reach_min_speed,),
        ))
    return out
