"""Sitting: trunk sway while sitting and sitting without falling over.

Sitting is recognised where gravity is known to point down the image: from a side view,
or from any view when the user says the camera was at the infant's level
(``SignalConfig.camera = "level"``, ``motorobs analyze --camera level``; see
:mod:`motorobs.signals.posture`). From the side the trunk is seen in the sagittal plane and
sway is forwards/backwards sway; the trunk vector is the near-side shoulder minus the
near-side hip (the far side is hidden). Facing the camera (a "top" view segment, i.e. the
camera sees the chest or back) sway is sideways sway; the trunk vector is the mid-shoulder
minus the mid-hip. Vectors are in body units (BU); the trunk angle is the vector's angle
from the image vertical. Sway is measured around each sitting bout's mean, separately for
each view.
"""

from __future__ import annotations

import numpy as np

from motorobs.config import MetricsConfig
from motorobs.metrics.base import Event, MetricOutput, MetricValue, Trace, register_metric
from motorobs.metrics.common import gated_values, unavailable
from motorobs.signals import BodySignals, posture_bouts, posture_changes
from motorobs.signals.bouts import find_bouts

NO_SITTING_REASON = (
    "the infant was not seen sitting (sitting is recognised with the camera at the side, or "
    "in front of the infant when the camera is set to 'level')"
)
LYING = ("side_lying", "prone", "supine")
LANDMARKS = ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_ear",
             "right_ear")
SWAY_OUTPUTS = {
    "sitting_trunk_sway_rms_bu": (
        "BU",
        "While sitting: root-mean-square distance of the shoulder from its mean position "
        "relative to the hip (forwards/backwards sway seen from the side, sideways sway seen "
        "from the front), in shoulder widths.",
    ),
    "sitting_trunk_sway_path_bu_per_s": (
        "BU/s",
        "While sitting: path length of the shoulder relative to the hip per second, in "
        "shoulder widths per second.",
    ),
    "sitting_trunk_angle_sd_deg": (
        "degrees",
        "While sitting: standard deviation of the trunk's angle from vertical (hip to "
        "shoulder line), around each sitting bout's mean lean.",
    ),
}
BALANCE_OUTPUTS = {
    "sitting_time_s": ("s", "Time the infant was seen sitting."),
    "sitting_longest_bout_s": ("s", "Longest uninterrupted time sitting."),
    "sitting_losses": (
        "count",
        "Times a sitting bout (held at least the minimum time) ended with the infant lying "
        "(on the side, tummy or back) for at least as long: losses of sitting balance.",
    ),
}


def trunk_vector_bu(signals: BodySignals) -> np.ndarray:
    """(T, 2) image vector (BU, x right, y down) from hip to shoulder: the near-side ones in
    side-view frames, the midpoints of both in frames facing the camera."""
    near = signals.near_point_px("shoulder") - signals.near_point_px("hip")
    mid = ((signals.point_px("left_shoulder") + signals.point_px("right_shoulder"))
           - (signals.point_px("left_hip") + signals.point_px("right_hip"))) / 2
    side = signals.in_view("side")
    return np.where(side[:, None], near, mid) / signals.body_unit_px


def trunk_angle_deg(trunk: np.ndarray) -> np.ndarray:
    """(T,) angle (degrees) of (T, 2) image vectors from the image's upward vertical."""
    return np.degrees(np.arctan2(trunk[:, 0], -trunk[:, 1]))


def within_bout_deviation(values: np.ndarray, usable: np.ndarray,
                          views: np.ndarray | None = None) -> np.ndarray:
    """(T, ...) ``values`` minus their mean over each run of usable frames; NaN elsewhere.

    With ``views`` ((T,) labels), a run also ends where the view changes."""
    if views is not None:
        out = np.full(values.shape, np.nan)
        for view in np.unique(views):
            part = usable & (views == view)
            out[part] = within_bout_deviation(values, part)[part]
        return out
    out = np.full(values.shape, np.nan)
    for first, last in find_bouts(usable, 1.0):
        chunk = values[first:last + 1]
        out[first:last + 1] = chunk - chunk.mean(axis=0)
    return out


@register_metric(
    "sitting_sway",
    outputs=SWAY_OUTPUTS,
    landmarks=LANDMARKS,
    postures=("sitting",),
    views=("side", "top"),
    posture_reason=NO_SITTING_REASON,
)
def sitting_sway(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Trunk sway while sitting (see docs/metrics.md)."""
    sitting = signals.posture == "sitting"
    trunk = trunk_vector_bu(signals)
    seen = "the near-side shoulder and hip" if signals.view == "side" else "the shoulders and hips"
    usable = sitting & np.isfinite(trunk).all(axis=1)
    angle = trunk_angle_deg(trunk)

    def compute() -> dict[str, float]:
        views = signals.frame_views
        sway = within_bout_deviation(trunk, usable, views)[usable]
        tilt = within_bout_deviation(angle, usable, views)[usable]
        pairs = usable[1:] & usable[:-1]
        steps = np.linalg.norm(np.diff(trunk, axis=0), axis=1)[pairs]
        return {
            "sitting_trunk_sway_rms_bu": float(np.sqrt(np.mean(np.sum(sway**2, axis=1)))),
            "sitting_trunk_sway_path_bu_per_s": float(steps.sum() / (pairs.sum()
                                                                      * signals.dt_s)),
            "sitting_trunk_angle_sd_deg": float(np.sqrt(np.mean(tilt**2))),
        }

    values = gated_values(
        SWAY_OUTPUTS, compute,
        relevant=sitting, usable=usable, signals=signals, config=config,
        needs=seen, where="sitting time",
    )
    trace = Trace(
        name="sitting_trunk_angle",
        label="Sitting: trunk angle from vertical (hip to shoulder, + = image right)",
        unit="degrees",
        values=np.where(usable, angle, np.nan),
        event_types=("sitting_loss",),
    )
    return MetricOutput(values=values, traces=[trace])


@register_metric(
    "sitting_balance",
    outputs=BALANCE_OUTPUTS,
    landmarks=LANDMARKS,
    postures=("sitting",),
    views=("side", "top"),
    posture_reason=NO_SITTING_REASON,
)
def sitting_balance(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Sitting time, longest sitting bout and losses of sitting, with ``sitting_loss``
    events (start: last sitting frame; end: first lying frame; detail ``to``)."""
    known = signals.posture != "unknown"
    coverage = float(known.mean())
    known_s = known.sum() * signals.dt_s
    if coverage < config.min_coverage or known_s < config.min_valid_s:
        reason = (
            f"the posture was recognised in only {coverage:.0%} of the clip ({known_s:.1f} s; "
            f"needs {config.min_coverage:.0%} and {config.min_valid_s:g} s)"
        )
        return MetricOutput(values=unavailable(BALANCE_OUTPUTS, "insufficient_data", reason,
                                               coverage=coverage))
    bouts = [b for b in posture_bouts(signals.posture, signals.dt_s) if b.posture == "sitting"]
    losses = [
        c for c in posture_changes(signals.posture, signals.dt_s, config.sitting_balance.min_hold_s,
                                   config.sitting_balance.max_transition_s, ("sitting", *LYING))
        if c.from_posture == "sitting"
    ]
    numbers = {
        "sitting_time_s": float((signals.posture == "sitting").sum() * signals.dt_s),
        "sitting_longest_bout_s": max(b.duration_s for b in bouts),
        "sitting_losses": float(len(losses)),
    }
    values = [
        MetricValue(name=name, value=numbers[name], unit=unit, coverage=coverage, status="ok",
                    definition=definition)
        for name, (unit, definition) in BALANCE_OUTPUTS.items()
    ]
    events = [
        Event("sitting_loss", None, float(signals.time_s[c.last_before]),
              float(signals.time_s[c.first_after]), {"to": c.to_posture})
        for c in losses
    ]
    return MetricOutput(values=values, events=events)
