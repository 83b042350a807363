"""Head lift in tummy time (prone), seen from the side.

The head-lift angle is the elevation of the line from the near-side shoulder to the
near-side ear above the support surface, which is horizontal in the image of a side view:
``atan2(shoulder_y - ear_y, |ear_x - shoulder_x|)`` in degrees (image y points down).
The near side is the side of the body facing the camera (``BodySignals.near_side``: the
side MediaPipe saw with the higher confidence, else the one nearer the camera); the far
side is hidden and only guessed from the side.
"""

from __future__ import annotations

import numpy as np

from motorobs.config import MetricsConfig
from motorobs.metrics.base import Event, MetricOutput, Trace, register_metric
from motorobs.metrics.common import gated_values, runs, unavailable, view_problem
from motorobs.signals import BodySignals

NO_PRONE_REASON = "no tummy time in this clip"
TOP_VIEW_REASON = (
    "head lift needs a side-on view; this clip was filmed from above, where lifting the head "
    "only foreshortens it"
)
REST_PERCENTILE = 10.0
"""The infant's resting head level: this percentile of the angle in prone."""
HIGH_ANGLE_DEG = 45.0
"""AIMS prone anchor: unsustained head raising to 45 degrees."""
OUTPUTS = {
    "head_lift_max_deg": (
        "degrees",
        "Highest elevation of the shoulder-to-ear line above the floor during tummy time.",
    ),
    "head_lift_median_deg": (
        "degrees",
        "Median elevation of the shoulder-to-ear line above the floor during tummy time.",
    ),
    "head_lift_time_above_45_s": (
        "s",
        "Time during tummy time with the shoulder-to-ear line more than 45 degrees above "
        "the floor.",
    ),
}
LANDMARKS = ("left_shoulder", "right_shoulder", "left_ear", "right_ear")


def head_lift_angle_deg(shoulder_px: np.ndarray, ear_px: np.ndarray) -> np.ndarray:
    """(T,) elevation (degrees) of the shoulder-to-ear line above the image horizontal."""
    dx = np.abs(ear_px[:, 0] - shoulder_px[:, 0])
    rise = shoulder_px[:, 1] - ear_px[:, 1]
    return np.degrees(np.arctan2(rise, dx))


def lift_episodes(
    angle_deg: np.ndarray, dt_s: float, rest_deg: float, config: MetricsConfig
) -> list[tuple[int, int]]:
    """Head-lift episodes ``(first, last)`` (inclusive) in a (T,) angle signal (NaN = unseen).

    An episode starts when the angle exceeds ``rest_deg + head_lift_threshold_deg`` and
    lasts while it stays above ``rest_deg + head_lift_threshold_deg / 2`` (hysteresis
    against jitter); unseen frames end it. Episodes shorter than
    ``head_lift_min_duration_s`` are dropped.
    """
    with np.errstate(invalid="ignore"):
        high = angle_deg > rest_deg + config.head_lift_threshold_deg
        above_half = angle_deg > rest_deg + config.head_lift_threshold_deg / 2
    episodes = []
    for start, stop in runs(above_half):
        if high[start:stop].any() and (stop - start) * dt_s >= config.head_lift_min_duration_s:
            episodes.append((start, stop - 1))
    return episodes


@register_metric(
    "head_lift",
    outputs=OUTPUTS,
    landmarks=LANDMARKS,
    postures=("prone",),
    views=("side",),
)
def head_lift(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Head lift angle in prone, with ``head_lift`` events (see docs/metrics.md)."""
    prone = signals.posture == "prone"
    share = float(prone.mean()) if prone.size else 0.0
    if not prone.any() or share < config.prone_min_share:
        return MetricOutput(values=unavailable(OUTPUTS, "not_applicable", NO_PRONE_REASON))
    problem = view_problem(signals, "side", TOP_VIEW_REASON)
    if problem:
        return MetricOutput(values=unavailable(OUTPUTS, *problem))
    side = signals.near_side or "left"
    angle = head_lift_angle_deg(signals.point_px(f"{side}_shoulder"),
                                signals.point_px(f"{side}_ear"))
    usable = prone & np.isfinite(angle)
    angle = np.where(usable, angle, np.nan)
    values = gated_values(
        OUTPUTS,
        lambda: {
            "head_lift_max_deg": np.nanmax(angle),
            "head_lift_median_deg": np.nanmedian(angle),
            "head_lift_time_above_45_s": (angle > HIGH_ANGLE_DEG).sum() * signals.dt_s,
        },
        relevant=prone, usable=usable, signals=signals, config=config,
        needs=f"the {side} (near-side) ear and shoulder", where="tummy time",
    )
    out = MetricOutput(values=values)
    if values[0].status == "ok":
        rest = min(float(np.nanpercentile(angle, REST_PERCENTILE)), config.head_lift_rest_max_deg)
        for first, last in lift_episodes(angle, signals.dt_s, rest, config):
            out.events.append(Event(
                "head_lift", None, float(signals.time_s[first]), float(signals.time_s[last]),
                {"max_angle_deg": round(float(np.nanmax(angle[first:last + 1])), 1),
                 "rest_angle_deg": round(rest, 1), "side_seen": side},
            ))
    out.traces.append(Trace(
        name="head_lift_angle",
        label=f"Head lift: {side} shoulder-to-ear line above the floor",
        unit="degrees",
        values=angle,
        event_types=("head_lift",),
        reference_lines=(HIGH_ANGLE_DEG,),
    ))
    return out
