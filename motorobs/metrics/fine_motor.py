"""Fine motor: hand opening (aperture) and grasps, from the MediaPipe hand model.

Aperture = mean distance of the five fingertips from the wrist divided by the palm length
(wrist to middle-finger knuckle, ``middle_finger_mcp``), all from the hand model's 21
landmarks of that hand, in 3-D: ``(x_px, y_px, depth_px)`` with the hand model's relative
depth scaled like x (MediaPipe), so turning the hand towards or away from the camera
changes the aperture less than in the image plane alone. Dimensionless ("palm lengths"):
about 1.7-2 for an open, flat hand, under about 1 for a fist (see docs/metrics.md). Frames in
which the palm is shorter than ``MetricsConfig.hand_opening.min_palm_px`` pixels do not
count: the fingers
are too small in the picture to be read. A hand that closes only partly (to
``partial_aperture``, not to ``closed_aperture``) gives no grasp count: from the side or low
the hand model often reads a fist half open, so the count could be short
(``insufficient_data`` with the reason; the aperture values stay).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from motorobs.config import MetricsConfig
from motorobs.metrics.base import Event, MetricOutput, MetricValue, Trace, register_metric
from motorobs.metrics.common import SIDES, each_side, gated_values
from motorobs.signals import BodySignals

FINGERTIPS = ("thumb_tip", "index_finger_tip", "middle_finger_tip", "ring_finger_tip",
              "pinky_tip")
HAND_POINTS = ("wrist", "middle_finger_mcp", *FINGERTIPS)
OUTPUTS = {
    "hand_aperture_median": (
        "palm lengths",
        "Median hand opening: mean distance of the fingertips from the wrist, in palm "
        "lengths (wrist to middle knuckle); about 1.7-2 open, under 1 in a fist.",
    ),
    "hand_aperture_range": (
        "palm lengths",
        "Range of hand opening: 95th minus 5th percentile of the aperture over the time the "
        "fingers were seen.",
    ),
    "grasp_count": (
        "count",
        "Times the hand closed from open to closed and stayed closed at least the minimum "
        "duration.",
    ),
    "grasps_per_min": (
        "per minute",
        "Grasps per minute of time in which the hand model saw the hand's fingers.",
    ),
}
COUNT_OUTPUTS = ("grasp_count", "grasps_per_min")
"""The outputs that count grasps (declined after a partial closing, :func:`partial_closings`)."""
LANDMARKS = tuple(f"{side}_hand_{point}" for side in SIDES for point in HAND_POINTS)
HAND_MODEL_HINT = (
    "; the hand model finds hands only when the fingers are clearly visible (not covered, "
    "blurred, in a fist seen edge-on, or too small in the picture)"
)


@dataclass(frozen=True)
class Grasp:
    """One grasp: frame indices (inclusive) from closing to reopening."""

    closed: int
    """First frame at or below the closed level."""
    released: int | None
    """First frame back at or above the open level; None if the hand never reopened."""
    last_closed: int
    """Last seen frame before the release (or the last seen frame)."""
    min_aperture: float


def hand_aperture(wrist: np.ndarray, middle_mcp: np.ndarray, tips: list[np.ndarray]
                  ) -> np.ndarray:
    """(T,) aperture: mean fingertip-to-wrist distance / wrist-to-middle-knuckle distance.

    Parameters
    ----------
    wrist, middle_mcp
        (T, d) positions (any unit, d = 2 or 3); NaN where unseen.
    tips
        The five (T, d) fingertip positions.

    Returns
    -------
    Dimensionless aperture in palm lengths; NaN where a point is unseen or the palm has no
    length.
    """
    palm = np.linalg.norm(middle_mcp - wrist, axis=1)
    spread = np.mean([np.linalg.norm(tip - wrist, axis=1) for tip in tips], axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(palm > 0, spread / palm, np.nan)


def detect_grasps(
    aperture: np.ndarray, dt_s: float, open_level: float, closed_level: float,
    min_duration_s: float,
) -> list[Grasp]:
    """Grasps in a (T,) aperture signal (NaN = unseen; unseen frames change nothing).

    A grasp starts when a hand last seen open (aperture >= ``open_level``) closes to
    ``closed_level`` or below, and ends when it opens again to ``open_level`` (the
    release); in between (the hysteresis band) it stays closed, so jitter around one
    level does not split or fake grasps. It counts if closing to release (or to the last
    seen frame) lasts at least ``min_duration_s``. A hand already closed when first seen
    is not counted.
    """
    grasps: list[Grasp] = []
    state, closed_at, last_seen = "unknown", 0, 0
    lowest = np.inf

    def keep(end: int, released: int | None) -> None:
        if (end - closed_at) * dt_s >= min_duration_s - 1e-9:
            grasps.append(Grasp(closed_at, released, last_seen, float(lowest)))

    for t, value in enumerate(aperture):
        if np.isnan(value):
            continue
        if state == "closed":
            if value >= open_level:
                keep(t, t)
                state = "open"
            else:
                lowest, last_seen = min(lowest, value), t
        elif value >= open_level:
            state = "open"
        elif value <= closed_level and state == "open":
            state, closed_at, last_seen, lowest = "closed", t, t, value
    if state == "closed":
        keep(last_seen + 1, None)
    return grasps


def partial_closings(
    aperture: np.ndarray, dt_s: float, open_level: float, closed_level: float,
    partial_level: float, min_duration_s: float,
) -> list[Grasp]:
    """Closings of a (T,) aperture signal to ``partial_level`` or below that never reach
    ``closed_level``.

    Found as grasps are (:func:`detect_grasps`, with ``partial_level`` as the closed
    level); those whose lowest aperture stays above ``closed_level`` are partial. A hand
    model that reads a fist half open (filmed obliquely or low) gives these instead of
    grasps; so does a hand that truly closes only halfway. The picture cannot tell which.
    """
    deeper = detect_grasps(aperture, dt_s, open_level, partial_level, min_duration_s)
    return [g for g in deeper if g.min_aperture > closed_level]


def aperture_series(signals: BodySignals, side: str) -> np.ndarray:
    """(T,) aperture of the ``side`` hand from the hand model's 3-D landmarks (NaN if unseen)."""
    point = {p: signals.point3d_px(f"{side}_hand_{p}") for p in HAND_POINTS}
    return hand_aperture(point["wrist"], point["middle_finger_mcp"],
                         [point[p] for p in FINGERTIPS])


def palm_length_px(signals: BodySignals, side: str) -> np.ndarray:
    """(T,) length of the ``side`` hand's palm (wrist to middle knuckle, hand model), in
    pixels of the picture (3-D, depth scaled like x); NaN where unseen."""
    wrist = signals.point3d_px(f"{side}_hand_wrist")
    knuckle = signals.point3d_px(f"{side}_hand_middle_finger_mcp")
    return np.linalg.norm(knuckle - wrist, axis=1)


def _without_count(values: list[MetricValue], partial: list[Grasp], side: str,
                   closed_level: float) -> list[MetricValue]:
    """``values`` with the grasp count and rate ``insufficient_data``: the hand closed only
    partly (``partial``), so grasps the hand model did not show closing may be missing."""
    lowest = min(g.min_aperture for g in partial)
    times = "once" if len(partial) == 1 else f"{len(partial)} times"
    reason = (
        f"the {side} hand closed only partly {times} (to {lowest:.2f} palm lengths at the "
        f"least; a grasp closes to {closed_level:g} or below): filmed from the side or "
        "low, the hand model often reads a closed fist half open, so grasps cannot be "
        "counted from this view (film the hands from above to count them)"
    )
    return [dataclasses.replace(v, value=None, status="insufficient_data", reason=reason)
            if v.name in COUNT_OUTPUTS and v.status == "ok" else v for v in values]


def _with_hint(values: list[MetricValue]) -> list[MetricValue]:
    return [dataclasses.replace(v, reason=v.reason + HAND_MODEL_HINT)
            if v.status == "insufficient_data" and v.reason else v for v in values]


@register_metric(
    "hand_opening",
    outputs=OUTPUTS,
    landmarks=LANDMARKS,
    per_side=True,
)
def hand_opening(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Hand aperture and grasps per hand, one ``grasp`` event per grasp (docs/metrics.md)."""
    settings = config.hand_opening
    relevant = signals.posture != "unknown"
    problem = None
    if not relevant.any():
        problem = ("insufficient_data", "the infant's body was not found in any frame")

    def measure(side: str) -> MetricOutput:
        seen = relevant & ~signals.far_side_frames(side)
        aperture = aperture_series(signals, side)
        large_enough = palm_length_px(signals, side) >= settings.min_palm_px
        usable = seen & np.isfinite(aperture) & large_enough
        aperture = np.where(usable, aperture, np.nan)
        found = detect_grasps(aperture, signals.dt_s, settings.open_aperture,
                              settings.closed_aperture, settings.grasp_min_duration_s)
        partial = partial_closings(aperture, signals.dt_s, settings.open_aperture,
                                   settings.closed_aperture, settings.partial_aperture,
                                   settings.grasp_min_duration_s)
        minutes = usable.sum() * signals.dt_s / 60.0

        def compute() -> dict[str, float]:
            low, mid, high = np.nanpercentile(aperture, [5, 50, 95])
            return {"hand_aperture_median": mid, "hand_aperture_range": high - low,
                    "grasp_count": len(found), "grasps_per_min": len(found) / minutes}

        values = _with_hint(gated_values(
            OUTPUTS, compute, relevant=seen, usable=usable, signals=signals,
            config=config,
            needs=f"the {side} hand's fingers large enough to read (palm at least "
                  f"{settings.min_palm_px:g} px)",
            where="time the infant was tracked", side=side,
        ))
        if partial:
            values = _without_count(values, partial, side, settings.closed_aperture)
        out = MetricOutput(values=values)
        if next(v for v in values if v.name == "grasp_count").status == "ok":
            t = signals.time_s
            out.events += [
                Event("grasp", side, float(t[g.closed]),
                      float(t[g.released if g.released is not None else g.last_closed]),
                      {"min_aperture": round(g.min_aperture, 3),
                       "released": "yes" if g.released is not None else "no"})
                for g in found
            ]
        out.traces.append(Trace(
            name=f"hand_aperture_{side}",
            label=f"{side.capitalize()} hand opening (fingertips to wrist / palm length)",
            unit="palm lengths",
            values=aperture,
            event_types=("grasp",),
            reference_lines=(settings.closed_aperture, settings.open_aperture),
        ))
        return out

    return each_side(OUTPUTS, measure, problem=problem, far_side_of=signals)
