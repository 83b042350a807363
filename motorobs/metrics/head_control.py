"""Head control: head lift and forearm support in prone (side view), head stability and
head turning in supine (top view).

Head lift
    The head-lift angle is the elevation of the line from the near-side shoulder to the
    near-side ear above the support surface, which is horizontal in the image of a side
    view: ``atan2(shoulder_y - ear_y, dx)`` in degrees (image y points down), where ``dx``
    is the ear's horizontal offset from the shoulder towards the head end of the body (the
    direction from hip to shoulder, median over tummy time), so that an ear behind the
    shoulder gives angles above 90 degrees; without hips, ``dx = |ear_x - shoulder_x|``.
    The near side is the side of the body facing the camera (``BodySignals.near_side``: the
    side MediaPipe saw with the higher confidence, else the one nearer the camera); the far
    side is hidden and only guessed from the side.
Forearm support
    Offset of the near-side elbow from the near-side shoulder along the trunk axis (body
    frame ``up``, hip to shoulder), in BU: behind, under (within ``forearm_in_line_bu``) or
    in front of the shoulder, as in the AIMS prone descriptors.
Head stability
    The head point (midpoint of the ears) in the trunk frame (body coordinates, BU): path
    length per second and RMS distance from its mean position.
Head turning
    Yaw proxy = offset of the nose from the ear midpoint along the ear-to-ear line, in half
    inter-ear distances (0 = face straight up, + = turned towards the infant's left, about
    +-1 with the nose over an ear).
"""

from __future__ import annotations

import numpy as np

from motorobs.config import HeadLiftSettings, MetricsConfig
from motorobs.metrics.applicability import applicable_frames
from motorobs.metrics.base import Event, MetricOutput, MetricValue, Trace, register_metric
from motorobs.metrics.common import gated_values, unavailable
from motorobs.signals import BodySignals
from motorobs.signals.bouts import find_bouts, longest_bout_s

NO_PRONE_REASON = "no tummy time in this clip"
TOP_VIEW_REASON = (
    "head lift needs a side-on view; this clip was filmed from above, where lifting the head "
    "only foreshortens it"
)
FOREARM_TOP_VIEW_REASON = (
    "forearm support needs a side-on view; from above, elbows and shoulders overlap along "
    "the line of sight"
)
NO_SUPINE_REASON = "the infant was never lying on the back (supine) in this clip"
SUPINE_SIDE_VIEW_REASON = (
    "head stability and turning need the camera above the infant; from the side the face "
    "and one ear are hidden"
)
REST_PERCENTILE = 10.0
"""The infant's resting head level: this percentile of the angle in prone."""
HIGH_ANGLE_DEG = 45.0
"""AIMS prone anchor: unsustained head raising to 45 degrees."""
VERTICAL_ANGLE_DEG = 90.0
"""AIMS forearm-support anchor: head to 90 degrees."""
FLOOR_LEG_MIN_KNEE_DEG = 140.0
"""A leg whose knee angle in the picture is at least this (degrees; 180 straight) lies
stretched out on the floor in tummy time and gives the floor's line
(:func:`floor_tilt_deg`). MediaPipe shows the extended legs of the tuning renders at
142-159 degrees (median per side-on clip); the flexed legs of a real young infant at 129."""
FLOOR_LEG_MIN_SHARE = 0.5
"""... in at least this share of the frames where the leg is seen."""
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
    "head_lift_p90_deg": (
        "degrees",
        "90th percentile of the shoulder-to-ear line's elevation during tummy time (a high "
        "level the head reached repeatedly, less sensitive to one frame than the maximum).",
    ),
    "head_lift_time_above_90_s": (
        "s",
        "Time during tummy time with the shoulder-to-ear line more than 90 degrees above "
        "the floor (past vertical).",
    ),
    "head_lift_time_above_45_pct": (
        "%",
        "Share of the tummy time with the ear and shoulder seen in which the shoulder-to-ear "
        "line was more than 45 degrees above the floor.",
    ),
    "head_lift_time_above_90_pct": (
        "%",
        "Share of the tummy time with the ear and shoulder seen in which the shoulder-to-ear "
        "line was more than 90 degrees above the floor.",
    ),
    "head_lift_bouts": (
        "count",
        "Head-lift episodes: the head rose clearly above its resting level and stayed up at "
        "least the minimum duration (the head_lift events).",
    ),
    "head_lift_longest_above_45_s": (
        "s",
        "Longest uninterrupted time the shoulder-to-ear line stayed above 45 degrees.",
    ),
}
LANDMARKS = ("left_shoulder", "right_shoulder", "left_ear", "right_ear", "left_hip",
             "right_hip")
FOREARM_OUTPUTS = {
    "elbows_behind_shoulders_pct": (
        "%",
        "Share of tummy time (elbow and shoulder seen) with the near-side elbow behind the "
        "shoulder along the trunk (towards the hips).",
    ),
    "elbows_under_shoulders_pct": (
        "%",
        "Share of tummy time (elbow and shoulder seen) with the near-side elbow in line with "
        "(under) the shoulder along the trunk.",
    ),
    "elbows_in_front_of_shoulders_pct": (
        "%",
        "Share of tummy time (elbow and shoulder seen) with the near-side elbow in front of "
        "the shoulder along the trunk (towards the head).",
    ),
}
STABILITY_OUTPUTS = {
    "head_sway_path_bu_per_s": (
        "BU/s",
        "Path length of the head (ear midpoint) relative to the trunk, per second of supine "
        "time in which it was seen, in shoulder widths per second.",
    ),
    "head_sway_rms_bu": (
        "BU",
        "Root-mean-square distance of the head (ear midpoint) from its mean position "
        "relative to the trunk, in shoulder widths.",
    ),
}
TURNING_OUTPUTS = {
    "head_yaw_range": (
        "half ear widths",
        "Range (5th to 95th percentile) of the head-turn proxy: the nose's sideways offset "
        "from the midpoint of the ears, in half inter-ear distances (about 1 = nose over an "
        "ear).",
    ),
    "head_turned_left_s": ("s", "Time with the head turned to the infant's left."),
    "head_turned_right_s": ("s", "Time with the head turned to the infant's right."),
    "head_turn_asymmetry": (
        "index",
        "(time turned left - time turned right) / (sum of the two), from -1 (always right) to "
        "+1 (always left). A persistent one-sided preference, seen across clips, is "
        "something therapists look for (e.g. torticollis or a flat spot on the head); one "
        "clip does not show a preference on its own.",
    ),
}


def head_lift_angle_deg(
    shoulder_px: np.ndarray, ear_px: np.ndarray, forward_sign: float | None = None
) -> np.ndarray:
    """(T,) elevation (degrees) of the shoulder-to-ear line above the image horizontal.

    Parameters
    ----------
    shoulder_px, ear_px
        (T, 2) pixel positions (x right, y down).
    forward_sign
        +1 if the head end of the body is towards +x in the image, -1 towards -x: the ear's
        horizontal offset is then measured towards the head, and an ear behind the shoulder
        gives more than 90 degrees. ``None``: the absolute offset (0..90 degrees).
    """
    dx = ear_px[:, 0] - shoulder_px[:, 0]
    dx = np.abs(dx) if forward_sign is None else dx * forward_sign
    rise = shoulder_px[:, 1] - ear_px[:, 1]
    return np.degrees(np.arctan2(rise, dx))


def head_forward_sign(shoulder_px: np.ndarray, hip_px: np.ndarray,
                      frames: np.ndarray) -> float | None:
    """Image x direction (+1 or -1) from the hip to the shoulder ((T, 2) pixel positions),
    median over ``frames`` (a (T,) mask); None when the hip was never seen there."""
    dx = shoulder_px[:, 0] - hip_px[:, 0]
    dx = dx[frames & np.isfinite(dx)]
    if dx.size == 0 or np.median(dx) == 0:
        return None
    return float(np.sign(np.median(dx)))


def knee_angle_deg(hip_px: np.ndarray, knee_px: np.ndarray, ankle_px: np.ndarray
                   ) -> np.ndarray:
    """(T,) angle (degrees) at the knee between thigh and shank in the picture, from (T, 2)
    pixel positions: 180 for a straight leg. NaN where a point is missing."""
    thigh, shank = hip_px - knee_px, ankle_px - knee_px
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.einsum("ti,ti->t", thigh, shank) / (
            np.linalg.norm(thigh, axis=1) * np.linalg.norm(shank, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def floor_tilt_deg(hip_px: np.ndarray, knee_px: np.ndarray, ankle_px: np.ndarray,
                   forward_sign: float | None, frames: np.ndarray) -> float:
    """Elevation (degrees) of the floor's line in the picture, towards the head: the near
    leg's ankle-to-hip line (:func:`head_lift_angle_deg` of the ankle and hip, (T, 2) pixel
    positions), median over the ``frames`` (a (T,) mask) where the leg lies stretched out
    (:func:`knee_angle_deg` at least :data:`FLOOR_LEG_MIN_KNEE_DEG`). In tummy time such a
    leg lies on the floor; filmed from the side by a phone turned by some angle, the leg and
    the shoulder-to-ear line both show turned by it. NaN where the head's direction is
    unknown, or where the leg was seen stretched out in less than
    :data:`FLOOR_LEG_MIN_SHARE` of the frames with its three points seen (a young infant's
    hips and knees are often flexed, the bottom raised: the leg then does not show the
    floor)."""
    if forward_sign is None:
        return float("nan")
    knee = knee_angle_deg(hip_px, knee_px, ankle_px)
    seen = frames & np.isfinite(knee)
    stretched = seen & (knee >= FLOOR_LEG_MIN_KNEE_DEG)
    if not seen.any() or stretched.sum() < FLOOR_LEG_MIN_SHARE * seen.sum():
        return float("nan")
    tilt = head_lift_angle_deg(ankle_px, hip_px, forward_sign)[stretched]
    return float(np.median(tilt))


def lift_episodes(
    angle_deg: np.ndarray, dt_s: float, rest_deg: float, settings: HeadLiftSettings
) -> list[tuple[int, int]]:
    """Head-lift episodes ``(first, last)`` (inclusive) in a (T,) angle signal (NaN = unseen).

    An episode starts when the angle exceeds ``rest_deg + settings.threshold_deg`` and
    lasts while it stays above ``rest_deg + settings.threshold_deg / 2`` (hysteresis
    against jitter); unseen frames end it. Episodes shorter than
    ``settings.min_duration_s`` are dropped.
    """
    with np.errstate(invalid="ignore"):
        high = angle_deg > rest_deg + settings.threshold_deg
        above_half = angle_deg > rest_deg + settings.threshold_deg / 2
    return [
        (first, last)
        for first, last in find_bouts(above_half, dt_s, settings.min_duration_s)
        if high[first:last + 1].any()
    ]


def prone_side_frames(signals: BodySignals) -> np.ndarray:
    """(T,) tummy-time frames filmed from the side."""
    return applicable_frames(signals, ("prone",), ("side",))


def _too_little_prone(signals: BodySignals, min_share: float) -> tuple[str, str] | None:
    """``not_applicable`` when less than ``min_share`` of the frames is prone (the registry
    has checked that some is)."""
    prone = signals.posture == "prone"
    if prone.size and float(prone.mean()) < min_share:
        return "not_applicable", NO_PRONE_REASON
    return None


@register_metric(
    "head_lift",
    outputs=OUTPUTS,
    landmarks=LANDMARKS,
    postures=("prone",),
    views=("side",),
    posture_reason=NO_PRONE_REASON,
    view_reason=TOP_VIEW_REASON,
    optional_landmarks=("left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
                        "right_ankle"),
    version="2",
)
def head_lift(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Head lift angle in prone, with ``head_lift`` events (see docs/metrics.md)."""
    problem = _too_little_prone(signals, config.head_lift.prone_min_share)
    if problem:
        return MetricOutput(values=unavailable(OUTPUTS, *problem))
    prone = prone_side_frames(signals)
    side = signals.near_side or "left"
    shoulder = signals.near_point_px("shoulder")
    hip = signals.near_point_px("hip")
    forward = head_forward_sign(shoulder, hip, prone)
    angle = head_lift_angle_deg(shoulder, signals.near_point_px("ear"), forward)
    floor = (floor_tilt_deg(hip, signals.near_point_px("knee"), signals.near_point_px("ankle"),
                            forward, prone)
             if config.head_lift.floor_from_legs else float("nan"))
    if np.isfinite(floor):
        angle = angle - floor
    usable = prone & np.isfinite(angle)
    angle = np.where(usable, angle, np.nan)
    dt = signals.dt_s
    episodes: list[tuple[int, int]] = []
    rest = float("nan")
    if usable.any():
        rest = min(float(np.nanpercentile(angle, REST_PERCENTILE)),
                   config.head_lift.rest_max_deg)
        episodes = lift_episodes(angle, dt, rest, config.head_lift)
    with np.errstate(invalid="ignore"):
        above_45 = angle > HIGH_ANGLE_DEG
        above_90 = angle > VERTICAL_ANGLE_DEG
    values = gated_values(
        OUTPUTS,
        lambda: {
            "head_lift_max_deg": np.nanmax(angle),
            "head_lift_median_deg": np.nanmedian(angle),
            "head_lift_time_above_45_s": above_45.sum() * dt,
            "head_lift_p90_deg": np.nanpercentile(angle, 90),
            "head_lift_time_above_90_s": above_90.sum() * dt,
            "head_lift_time_above_45_pct": 100.0 * above_45.sum() / usable.sum(),
            "head_lift_time_above_90_pct": 100.0 * above_90.sum() / usable.sum(),
            "head_lift_bouts": len(episodes),
            "head_lift_longest_above_45_s": longest_bout_s(find_bouts(above_45, dt), dt),
        },
        relevant=prone, usable=usable, signals=signals, config=config,
        needs=f"the {side} (near-side) ear and shoulder", where="tummy time",
    )
    out = MetricOutput(values=values)
    if values[0].status == "ok":
        for first, last in episodes:
            out.events.append(Event(
                "head_lift", None, float(signals.time_s[first]), float(signals.time_s[last]),
                {"max_angle_deg": round(float(np.nanmax(angle[first:last + 1])), 1),
                 "rest_angle_deg": round(rest, 1), "side_seen": side,
                 "floor_tilt_deg": round(floor, 1) if np.isfinite(floor) else None},
            ))
    out.traces.append(Trace(
        name="head_lift_angle",
        label=f"Head lift: {side} shoulder-to-ear line above the floor",
        unit="degrees",
        values=angle,
        event_types=("head_lift",),
        reference_lines=(HIGH_ANGLE_DEG, VERTICAL_ANGLE_DEG),
    ))
    return out


def elbow_ahead_of_shoulder_bu(signals: BodySignals) -> np.ndarray:
    """(T,) offset (BU) of the near-side elbow from the same shoulder along the trunk axis,
    + = towards the head; NaN where either is not usable and outside side-view frames."""
    elbow = signals.frame.to_body(signals.near_point_px("elbow"))
    shoulder = signals.frame.to_body(signals.near_point_px("shoulder"))
    return elbow[:, 1] - shoulder[:, 1]


@register_metric(
    "forearm_support",
    outputs=FOREARM_OUTPUTS,
    landmarks=("left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_hip",
               "right_hip", "nose"),
    postures=("prone",),
    views=("side",),
    posture_reason=NO_PRONE_REASON,
    view_reason=FOREARM_TOP_VIEW_REASON,
)
def forearm_support(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Elbow position relative to the shoulder in prone (see docs/metrics.md)."""
    problem = _too_little_prone(signals, config.forearm_support.prone_min_share)
    if problem:
        return MetricOutput(values=unavailable(FOREARM_OUTPUTS, *problem))
    prone = prone_side_frames(signals)
    side = signals.near_side or "left"
    ahead = elbow_ahead_of_shoulder_bu(signals)
    usable = prone & np.isfinite(ahead)
    ahead = np.where(usable, ahead, np.nan)
    tol = config.forearm_support.in_line_bu
    with np.errstate(invalid="ignore"):
        shares = {
            "elbows_behind_shoulders_pct": ahead < -tol,
            "elbows_under_shoulders_pct": np.abs(ahead) <= tol,
            "elbows_in_front_of_shoulders_pct": ahead > tol,
        }
    values = gated_values(
        FOREARM_OUTPUTS,
        lambda: {name: 100.0 * mask.sum() / usable.sum() for name, mask in shares.items()},
        relevant=prone, usable=usable, signals=signals, config=config,
        needs=f"the {side} (near-side) elbow and shoulder", where="tummy time",
    )
    trace = Trace(
        name="elbow_ahead_of_shoulder",
        label=f"Forearm support: {side} elbow ahead of the shoulder along the trunk "
              "(+ = towards the head)",
        unit="BU",
        values=ahead,
        reference_lines=(-tol, tol),
    )
    return MetricOutput(values=values, traces=[trace])


def supine_top_frames(signals: BodySignals) -> np.ndarray:
    """(T,) frames lying on the back filmed from above."""
    return applicable_frames(signals, ("supine",), ("top",))


def head_point_body(signals: BodySignals) -> np.ndarray:
    """(T, 2) body coordinates (BU) of the head point: the midpoint of the ears."""
    return (signals.body_xy("left_ear") + signals.body_xy("right_ear")) / 2


def sway_path_per_s(points: np.ndarray, usable: np.ndarray, dt_s: float) -> float:
    """Path length per second of (T, 2) points over pairs of consecutive usable frames."""
    pairs = usable[1:] & usable[:-1]
    if not pairs.any():
        return float("nan")
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)[pairs]
    return float(steps.sum() / (pairs.sum() * dt_s))


def sway_rms(points: np.ndarray, usable: np.ndarray) -> float:
    """RMS distance of the usable (T, 2) points from their mean."""
    seen = points[usable]
    return float(np.sqrt(np.mean(np.sum((seen - seen.mean(axis=0)) ** 2, axis=1))))


@register_metric(
    "head_stability",
    outputs=STABILITY_OUTPUTS,
    landmarks=("left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_hip",
               "right_hip", "nose"),
    postures=("supine",),
    views=("top",),
    posture_reason=NO_SUPINE_REASON,
    view_reason=SUPINE_SIDE_VIEW_REASON,
)
def head_stability(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Sway of the head relative to the trunk in supine (see docs/metrics.md)."""
    supine = supine_top_frames(signals)
    head = head_point_body(signals)
    usable = supine & np.isfinite(head).all(axis=1)
    values = gated_values(
        STABILITY_OUTPUTS,
        lambda: {
            "head_sway_path_bu_per_s": sway_path_per_s(head, usable, signals.dt_s),
            "head_sway_rms_bu": sway_rms(head, usable),
        },
        relevant=supine, usable=usable, signals=signals, config=config,
        needs="both ears and the trunk", where="supine time",
    )
    return MetricOutput(values=values)


def yaw_proxy(nose_px: np.ndarray, left_ear_px: np.ndarray,
              right_ear_px: np.ndarray) -> np.ndarray:
    """(T,) head-turn proxy: nose offset from the ear midpoint along the ear line.

    In half inter-ear distances, + = towards the left ear (the head turned to the infant's
    left when the face is up); NaN where a point is missing or the ears coincide.
    """
    across = left_ear_px - right_ear_px
    offset = nose_px - (left_ear_px + right_ear_px) / 2
    norm2 = np.sum(across**2, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(norm2 > 0, 2 * np.sum(offset * across, axis=1) / norm2, np.nan)


@register_metric(
    "head_turning",
    outputs=TURNING_OUTPUTS,
    landmarks=("nose", "left_ear", "right_ear"),
    postures=("supine",),
    views=("top",),
    posture_reason=NO_SUPINE_REASON,
    view_reason=SUPINE_SIDE_VIEW_REASON,
)
def head_turning(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Head turning range and left/right preference in supine (see docs/metrics.md)."""
    supine = supine_top_frames(signals)
    yaw = yaw_proxy(signals.point_px("nose"), signals.point_px("left_ear"),
                    signals.point_px("right_ear"))
    usable = supine & np.isfinite(yaw)
    yaw = np.where(usable, yaw, np.nan)
    with np.errstate(invalid="ignore"):
        left_s = float((yaw > config.head_turning.threshold).sum() * signals.dt_s)
        right_s = float((yaw < -config.head_turning.threshold).sum() * signals.dt_s)
    turned_s = left_s + right_s

    def compute() -> dict[str, float]:
        p5, p95 = np.nanpercentile(yaw, [5, 95])
        return {
            "head_yaw_range": p95 - p5,
            "head_turned_left_s": left_s,
            "head_turned_right_s": right_s,
            "head_turn_asymmetry": (left_s - right_s) / turned_s if turned_s else 0.0,
        }

    values = gated_values(
        TURNING_OUTPUTS, compute,
        relevant=supine, usable=usable, signals=signals, config=config,
        needs="the nose and both ears", where="supine time",
    )
    if values[-1].status == "ok" and turned_s < config.head_turning.min_turned_s:
        unit, definition = TURNING_OUTPUTS["head_turn_asymmetry"]
        values[-1] = MetricValue(
            name="head_turn_asymmetry", value=None, unit=unit, coverage=values[-1].coverage,
            status="insufficient_data", definition=definition,
            reason=f"the head was turned for only {turned_s:.1f} s (at least "
                   f"{config.head_turning.min_turned_s:g} s needed to compare left and right)",
        )
    trace = Trace(
        name="head_yaw_proxy",
        label="Head turn: nose offset from the ear midpoint (+ = infant's left)",
        unit="half ear widths",
        values=yaw,
        reference_lines=(-config.head_turning.threshold, config.head_turning.threshold),
    )
    return MetricOutput(values=values, traces=[trace])
