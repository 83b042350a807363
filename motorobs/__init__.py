"""motorobs: video-based infant motor observation.

Turns short caregiver clips of infant play and tummy time into pose and hand landmarks
(MediaPipe), motor metrics and reports a paediatric therapist can review::

    import motorobs as mo

    result = mo.analyze_video("clip.mp4", output_dir="results/clip")
    result.metrics_table()                        # pandas: one row per metric
    mo.to_dataframe(result.landmarks, "long")     # pandas: one row per frame x landmark

Importing motorobs has no side effects (no downloads, no logging set-up, no folders made);
heavy modules load on first use.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("motorobs")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

_EXPORTS = {
    "analyze_video": "motorobs.pipeline",
    "run_batch": "motorobs.batch",
    "AnalysisConfig": "motorobs.config",
    "ClipResult": "motorobs.result",
    "load_landmarks": "motorobs.landmarks",
    "save_landmarks": "motorobs.landmarks",
    "to_dataframe": "motorobs.landmarks",
    "probe_video": "motorobs.io.video",
    "estimate_image": "motorobs.pose.estimator",
    "prepare_signals": "motorobs.signals",
    "compute_metrics": "motorobs.metrics",
    "register_metric": "motorobs.metrics",
    "metric_catalogue": "motorobs.metrics",
    "METRICS": "motorobs.metrics",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'motorobs' has no attribute {name!r}")
