"""motorobs: video-based infant motor observation.

Turns short caregiver clips of infant play and tummy time into pose and hand landmarks
(MediaPipe), motor metrics and reports a paediatric therapist can review. The flat API a
researcher needs (docs/api.md; notebooks/ shows each step)::

    import motorobs as mo

    with mo.progress_bar("clip") as progress:                  # terminal or Jupyter
        result = mo.analyze_video("clip.mp4", output_dir="results/clip", progress=progress)
    mo.metrics_table(result)                                   # pandas: one row per metric
    mo.events_table(result)                                    # pandas: one row per event
    mo.plot_signals(result)                                    # matplotlib: traces + events

    summary = mo.analyze_folder("clips/", "results/")          # a cohort, resumable
    mo.metrics_table("results/")                               # every clip's metrics

    ds = mo.read_landmarks("infant.json")                      # COCO, DeepLabCut, SLEAP ...
    mo.write_landmarks(ds, "infant.nc")                        # ... movement netCDF
    mo.analyze_keypoints("infant.json", video="clip.mp4")      # metrics without MediaPipe
    signals = mo.prepare_signals(ds, mo.AnalysisConfig().signals)
    mo.compute_metrics(signals, mo.AnalysisConfig().metrics, names=["midline_crossings"])

Importing motorobs has no side effects (no downloads, no logging set-up, no folders made);
every name below loads its module on first use.
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
    # analysing clips
    "analyze_video": "motorobs.pipeline",
    "analyze_folder": "motorobs.cohort",
    # keypoints of another tool, no pose estimation (the module shares the function's
    # name, so the package attribute would become the module once it is imported)
    "analyze_keypoints": "motorobs.analyze_landmarks:analyze_landmarks",
    "run_batch": "motorobs.batch",
    "progress_bar": "motorobs.progress",
    "AnalysisConfig": "motorobs.config",
    "ClipResult": "motorobs.result",
    "probe_video": "motorobs.io.video",
    "estimate_image": "motorobs.pose.estimator",
    # landmarks and keypoint files of other tools
    "read_landmarks": "motorobs.io.formats:read",
    "write_landmarks": "motorobs.io.formats:write",
    "detect_format": "motorobs.io.formats",
    "FORMATS": "motorobs.io.formats",
    "load_landmarks": "motorobs.landmarks",
    "save_landmarks": "motorobs.landmarks",
    "from_skeleton": "motorobs.landmarks",
    "missing_body_parts": "motorobs.landmarks",
    "to_dataframe": "motorobs.landmarks",
    "from_dataframe": "motorobs.landmarks",
    "Skeleton": "motorobs.skeletons",
    "SKELETONS": "motorobs.skeletons",
    # signals and metrics
    "prepare_signals": "motorobs.signals",
    "clean_trajectories": "motorobs.signals",
    "compute_metrics": "motorobs.metrics",
    "register_metric": "motorobs.metrics",
    "unregister_metric": "motorobs.metrics",
    "metric_catalogue": "motorobs.metrics",
    "METRICS": "motorobs.metrics",
    # tables and plots
    "metrics_table": "motorobs.tables",
    "events_table": "motorobs.tables",
    "plot_signals": "motorobs.plotting",
}
"""Public name -> ``"module"`` holding it under that name, or ``"module:attribute"``."""

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module, _, attribute = _EXPORTS[name].partition(":")
        return getattr(import_module(module), attribute or name)
    raise AttributeError(f"module 'motorobs' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
