"""Whole-body movement in supine: how much each limb moves, and left-right symmetry.

Limb speed = speed of the limb's end (wrist / hand point for an arm, ankle for a leg)
relative to the joint that attaches it to the trunk (same-side shoulder / hip), in body
units per second (BU/s, shoulder widths per second), from the low-pass filtered
landmarks. Working relative to the limb's root removes movement of the whole body
(rolling, being moved by a caregiver, camera shake).
"""

from __future__ import annotations

import numpy as np

from motorobs.config import MetricsConfig
from motorobs.metrics.applicability import applicable_frames
from motorobs.metrics.base import MetricOutput, MetricValue, Trace, register_metric
from motorobs.metrics.common import SIDES, each_side, gated_values, unavailable
from motorobs.metrics.kinematics import lagged_cross_correlation, symmetry_index
from motorobs.signals import BodySignals

POSTURES = ("supine",)
NOT_SUPINE_REASON = (
    "whole-body movement is measured lying on the back (supine), where the limbs move "
    "freely; the infant was never supine in this clip"
)
SIDE_VIEW_REASON = (
    "left-right comparison needs both sides of the body in view; from the side the far "
    "limbs are hidden and only guessed by the pose model"
)
LIMBS = ("arm", "leg")

MOVEMENT_OUTPUTS = {
    "arm_movement_bu_per_s": (
        "BU/s",
        "Quantity of arm movement: mean speed of the wrist relative to its shoulder while "
        "supine, in shoulder widths per second.",
    ),
    "arm_time_in_motion_pct": (
        "%",
        "Share of the supine time in which the wrist moved faster than the motion threshold "
        "relative to its shoulder.",
    ),
    "leg_movement_bu_per_s": (
        "BU/s",
        "Quantity of leg movement: mean speed of the ankle relative to its hip while supine, "
        "in shoulder widths per second.",
    ),
    "leg_time_in_motion_pct": (
        "%",
        "Share of the supine time in which the ankle moved faster than the motion threshold "
        "relative to its hip.",
    ),
}
SYMMETRY_OUTPUTS = {
    "arm_symmetry_index": (
        "dimensionless",
        "Left-right symmetry of arm movement: (L - R) / mean(L, R) of the wrists' mean "
        "speeds over the time both were seen; 0 = equal, + = the left arm moved more "
        "(+0.67 = twice as much), range -2..2.",
    ),
    "leg_symmetry_index": (
        "dimensionless",
        "Left-right symmetry of leg movement: (L - R) / mean(L, R) of the ankles' mean "
        "speeds over the time both were seen; 0 = equal, + = the left leg moved more.",
    ),
    "arm_lr_correlation": (
        "r",
        "Peak correlation of the left and right wrist speeds over time shifts of up to the "
        "maximum lag: near 1 = the arms moved together, near 0 = independently.",
    ),
    "arm_lr_lag_s": (
        "s",
        "Time shift at the peak arm correlation: + = the right arm follows the left by "
        "this much, - = the left follows the right.",
    ),
    "leg_lr_correlation": (
        "r",
        "Peak correlation of the left and right ankle speeds over time shifts of up to the "
        "maximum lag.",
    ),
    "leg_lr_lag_s": (
        "s",
        "Time shift at the peak leg correlation: + = the right leg follows the left.",
    ),
}
LANDMARKS = ("left_shoulder", "right_shoulder", "left_hip", "right_hip",
             ("left_wrist", "left_hand_wrist"), ("right_wrist", "right_hand_wrist"),
             "left_ankle", "right_ankle")


def limb_points(signals: BodySignals, limb: str, side: str) -> tuple[str, str]:
    """``(end, root)`` keypoint names of a limb: hand point and shoulder, or ankle and hip."""
    if limb == "arm":
        return signals.hand(side), f"{side}_shoulder"
    return f"{side}_ankle", f"{side}_hip"


def limb_speed_bu_s(signals: BodySignals, limb: str, side: str) -> np.ndarray:
    """(T,) speed of a limb's end relative to its root (BU/s); NaN where either is unseen."""
    end, root = limb_points(signals, limb, side)
    return signals.relative_speed_bu_s(end, root)


def _finite_or_insufficient(values: list[MetricValue], reason: str) -> list[MetricValue]:
    """Replace ``ok`` values that came out NaN by value-less ``insufficient_data``."""
    out = []
    for v in values:
        if v.status == "ok" and not np.isfinite(v.value):
            out += unavailable({v.name: (v.unit, v.definition)}, "insufficient_data", reason,
                               (v.side,), v.coverage)
        else:
            out.append(v)
    return out


@register_metric(
    "limb_movement",
    outputs=MOVEMENT_OUTPUTS,
    landmarks=LANDMARKS,
    postures=POSTURES,
    posture_reason=NOT_SUPINE_REASON,
    per_side=True,
)
def limb_movement(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Quantity of movement and time in motion of each arm and leg (see docs/metrics.md)."""
    relevant = applicable_frames(signals, POSTURES)
    moving_bu_per_s = config.limb_movement.motion_speed_bu_per_s

    def measure(side: str) -> MetricOutput:
        out = MetricOutput()
        seen = relevant & ~signals.far_side_frames(side)
        for limb in LIMBS:
            speed = limb_speed_bu_s(signals, limb, side)
            usable = seen & np.isfinite(speed)
            outputs = {k: v for k, v in MOVEMENT_OUTPUTS.items() if k.startswith(limb)}
            _, root = limb_points(signals, limb, side)
            joint = "wrist" if limb == "arm" else "ankle"
            out.values += gated_values(
                outputs,
                lambda speed=speed, usable=usable, limb=limb: {
                    f"{limb}_movement_bu_per_s": float(np.mean(speed[usable])),
                    f"{limb}_time_in_motion_pct":
                        100.0 * float(np.mean(speed[usable] > moving_bu_per_s)),
                },
                relevant=seen, usable=usable, signals=signals, config=config,
                needs=f"the {side} {joint} and {root.replace('_', ' ')}",
                where="supine time", side=side,
            )
            if limb == "leg":
                out.traces.append(Trace(
                    name=f"leg_speed_{side}",
                    label=f"{side.capitalize()} ankle speed relative to its hip",
                    unit="BU/s",
                    values=np.where(usable, speed, np.nan),
                    reference_lines=(config.limb_movement.motion_speed_bu_per_s,),
                ))
        return out

    out = each_side(MOVEMENT_OUTPUTS, measure, far_side_of=signals, limb="limbs")
    order = {name: i for i, name in enumerate(MOVEMENT_OUTPUTS)}
    out.values.sort(key=lambda v: (SIDES.index(v.side), order[v.name]))
    return out


@register_metric(
    "limb_symmetry",
    outputs=SYMMETRY_OUTPUTS,
    landmarks=LANDMARKS,
    postures=POSTURES,
    views=("top",),
    posture_reason=NOT_SUPINE_REASON,
    view_reason=SIDE_VIEW_REASON,
)
def limb_symmetry(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Left-right symmetry index and coupling of arm and leg movement (see docs/metrics.md)."""
    relevant = applicable_frames(signals, POSTURES, ("top",))
    out = MetricOutput()
    for limb in LIMBS:
        left = limb_speed_bu_s(signals, limb, "left")
        right = limb_speed_bu_s(signals, limb, "right")
        usable = relevant & np.isfinite(left) & np.isfinite(right)
        left, right = np.where(usable, left, np.nan), np.where(usable, right, np.nan)
        outputs = {k: v for k, v in SYMMETRY_OUTPUTS.items() if k.startswith(limb)}

        def compute(limb: str = limb, left: np.ndarray = left,
                    right: np.ndarray = right) -> dict[str, float]:
            r, lag = lagged_cross_correlation(left, right, signals.rate_hz,
                                              config.limb_symmetry.max_lag_s)
            return {
                f"{limb}_symmetry_index": symmetry_index(np.nanmean(left), np.nanmean(right)),
                f"{limb}_lr_correlation": r,
                f"{limb}_lr_lag_s": lag,
            }

        joints = "wrists and shoulders" if limb == "arm" else "ankles and hips"
        out.values += _finite_or_insufficient(
            gated_values(outputs, compute, relevant=relevant, usable=usable, signals=signals,
                         config=config, needs=f"both {joints}", where="supine time"),
            f"both {joints} were seen but did not move, so there is nothing to compare",
        )
    order = {name: i for i, name in enumerate(SYMMETRY_OUTPUTS)}
    out.values.sort(key=lambda v: order[v.name])
    return out
