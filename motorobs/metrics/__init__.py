"""Motor metrics: a registry of pure functions over cleaned, body-relative signals.

The public API for running metrics and for writing one (docs/metrics.md, "Writing a
metric"): :func:`register_metric` declares a function, its outputs, the body parts it needs
and the postures and camera views where it applies; :func:`compute_metrics` checks those
before calling it; :func:`gated_values` applies the shared coverage rule; the functions
receive :class:`~motorobs.signals.BodySignals` and :class:`~motorobs.config.MetricsConfig`
and return a :class:`MetricOutput` of :class:`MetricValue`, :class:`Event` and
:class:`Trace`. The order of the results is :data:`METRIC_ORDER`, not the import order.
"""

from motorobs.config import MetricsConfig
from motorobs.metrics import (  # noqa: F401 (the built-in metrics register on import)
    fine_motor,
    head_control,
    midline,
    posture,
    quality,
    reaching,
    sitting,
    whole_body,
)
from motorobs.metrics.applicability import applicability, applicable_frames
from motorobs.metrics.base import (
    METRIC_ORDER,
    METRICS,
    Event,
    MetricOutput,
    MetricSpec,
    MetricValue,
    Trace,
    metric_catalogue,
    register_metric,
    registered_metrics,
    unregister_metric,
)
from motorobs.metrics.common import SIDES, each_side, gated_values, unavailable
from motorobs.metrics.compute import compute_metrics
from motorobs.signals import BodySignals

__all__ = [
    "METRICS",
    "METRIC_ORDER",
    "SIDES",
    "BodySignals",
    "Event",
    "MetricOutput",
    "MetricSpec",
    "MetricValue",
    "MetricsConfig",
    "Trace",
    "applicability",
    "applicable_frames",
    "compute_metrics",
    "each_side",
    "gated_values",
    "metric_catalogue",
    "register_metric",
    "registered_metrics",
    "unavailable",
    "unregister_metric",
]
