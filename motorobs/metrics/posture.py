"""Time spent in each lying posture (prone = tummy time, supine) and rolls between them."""

from __future__ import annotations

from motorobs.config import MetricsConfig
from motorobs.metrics.base import Event, MetricOutput, MetricValue, register_metric
from motorobs.metrics.common import unavailable
from motorobs.signals import BodySignals, posture_changes

OUTPUTS = {
    "prone_time_s": ("s", "Time the infant was seen lying on the tummy (prone)."),
    "supine_time_s": ("s", "Time the infant was seen lying on the back (supine)."),
}
POSTURE_OF = {"prone_time_s": "prone", "supine_time_s": "supine"}
LANDMARKS = ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_ear",
             "right_ear")
ROLL_OUTPUTS = {
    "roll_count": (
        "count",
        "Rolls between back (supine) and tummy (prone), either way: the old posture held at "
        "least the minimum time, then the new one held at least as long, with at most the "
        "maximum transition time (e.g. on the side) in between.",
    ),
    "rolls_supine_to_prone": ("count", "Rolls from the back (supine) to the tummy (prone)."),
    "rolls_prone_to_supine": ("count", "Rolls from the tummy (prone) to the back (supine)."),
}


def _posture_gate(
    signals: BodySignals, config: MetricsConfig, outputs: dict[str, tuple[str, str]]
) -> tuple[float, list[MetricValue] | None]:
    """Coverage (share of frames with a known posture) and, if too low, the values to return."""
    known = signals.posture != "unknown"
    coverage = float(known.mean()) if known.size else 0.0
    known_s = known.sum() * signals.dt_s
    if coverage < config.min_coverage or known_s < config.min_valid_s:
        reason = (
            f"the posture was recognised in only {coverage:.0%} of the clip ({known_s:.1f} s; "
            f"needs {config.min_coverage:.0%} and {config.min_valid_s:g} s): shoulders, hips "
            "or ears were not seen well enough"
        )
        return coverage, unavailable(outputs, "insufficient_data", reason, coverage=coverage)
    return coverage, None


@register_metric("posture_time", outputs=OUTPUTS, landmarks=LANDMARKS)
def posture_time(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Seconds in prone and in supine; coverage = share of frames with a known posture."""
    coverage, failed = _posture_gate(signals, config, OUTPUTS)
    if failed:
        return MetricOutput(values=failed)
    return MetricOutput(values=[
        MetricValue(name=name, value=float((signals.posture == POSTURE_OF[name]).sum()
                                           * signals.dt_s),
                    unit=unit, coverage=coverage, status="ok", definition=definition)
        for name, (unit, definition) in OUTPUTS.items()
    ])


@register_metric("rolls", outputs=ROLL_OUTPUTS, landmarks=LANDMARKS)
def rolls(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Sustained supine <-> prone changes, with ``roll`` events (see docs/metrics.md).

    Event ``start_s`` is the last frame in the old posture, ``end_s`` the first frame in
    the new one; details ``from`` and ``to`` name the postures.
    """
    coverage, failed = _posture_gate(signals, config, ROLL_OUTPUTS)
    if failed:
        return MetricOutput(values=failed)
    found = posture_changes(signals.posture, signals.dt_s, config.rolls.min_hold_s,
                            config.rolls.max_transition_s, ("supine", "prone"))
    counts = {
        "roll_count": len(found),
        "rolls_supine_to_prone": sum(c.from_posture == "supine" for c in found),
        "rolls_prone_to_supine": sum(c.from_posture == "prone" for c in found),
    }
    values = [
        MetricValue(name=name, value=float(counts[name]), unit=unit, coverage=coverage,
                    status="ok", definition=definition)
        for name, (unit, definition) in ROLL_OUTPUTS.items()
    ]
    events = [
        Event("roll", None, float(signals.time_s[c.last_before]),
              float(signals.time_s[c.first_after]),
              {"from": c.from_posture, "to": c.to_posture})
        for c in found
    ]
    return MetricOutput(values=values, events=events)
