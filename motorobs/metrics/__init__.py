"""Motor metrics: a registry of pure functions over cleaned, body-relative signals."""

# Importing these modules registers the built-in metrics (order = report order).
# The recording-quality verdict comes first.
from motorobs.metrics import quality  # noqa: E402, F401, I001

# isort: split
from motorobs.metrics import (
    head_control,  # noqa: E402, F401, I001
    midline,  # noqa: E402, F401, I001
    posture,  # noqa: E402, F401, I001
    reaching,  # noqa: E402, F401, I001
    sitting,  # noqa: E402, F401, I001
    whole_body,  # noqa: E402, F401, I001
)

# isort: split
from motorobs.metrics import fine_motor  # noqa: E402, F401, I001
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
from motorobs.metrics.compute import compute_metrics  # noqa: E402

__all__ = [
    "METRICS",
    "Event",
    "MetricOutput",
    "MetricSpec",
    "MetricValue",
    "Trace",
    "compute_metrics",
    "metric_catalogue",
    "register_metric",
]
