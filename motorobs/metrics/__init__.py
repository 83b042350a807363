"""Motor metrics: a registry of pure functions over cleaned, body-relative signals."""

from motorobs.metrics.base import (
    METRICS,
    Event,
    MetricOutput,
    MetricSpec,
    MetricValue,
    Trace,
    metric_catalogue,
    register_metric,
)

__all__ = [
    "METRICS",
    "Event",
    "MetricOutput",
    "MetricSpec",
    "MetricValue",
    "Trace",
    "metric_catalogue",
    "register_metric",
]
