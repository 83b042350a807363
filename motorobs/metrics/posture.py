"""Time spent in each lying posture (prone = tummy time, supine)."""

from __future__ import annotations

from motorobs.config import MetricsConfig
from motorobs.metrics.base import MetricOutput, MetricValue, register_metric
from motorobs.metrics.common import unavailable
from motorobs.signals import BodySignals

OUTPUTS = {
    "prone_time_s": ("s", "Time the infant was seen lying on the tummy (prone)."),
    "supine_time_s": ("s", "Time the infant was seen lying on the back (supine)."),
}
POSTURE_OF = {"prone_time_s": "prone", "supine_time_s": "supine"}


@register_metric(
    "posture_time",
    outputs=OUTPUTS,
    landmarks=("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_ear",
               "right_ear"),
)
def posture_time(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Seconds in prone and in supine; coverage = share of frames with a known posture."""
    known = signals.posture != "unknown"
    coverage = float(known.mean()) if known.size else 0.0
    known_s = known.sum() * signals.dt_s
    if coverage < config.min_coverage or known_s < config.min_valid_s:
        reason = (
            f"the posture was recognised in only {coverage:.0%} of the clip ({known_s:.1f} s; "
            f"needs {config.min_coverage:.0%} and {config.min_valid_s:g} s): shoulders, hips "
            "or ears were not seen well enough"
        )
        return MetricOutput(values=unavailable(OUTPUTS, "insufficient_data", reason,
                                               coverage=coverage))
    return MetricOutput(values=[
        MetricValue(name=name, value=float((signals.posture == POSTURE_OF[name]).sum()
                                           * signals.dt_s),
                    unit=unit, coverage=coverage, status="ok", definition=definition)
        for name, (unit, definition) in OUTPUTS.items()
    ])
