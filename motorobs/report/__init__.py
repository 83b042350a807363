"""Reports and output files: ``metrics.json``, ``events.csv``, ``report.json``,
``traces.parquet``, ``keyframes/`` and ``report.html`` per clip, ``summary.csv`` and
``index.html`` per batch; key-frame images with every face blurred.

Names load on first use, so that rebuilding reports from stored files
(:func:`rebuild_clip_report`, :func:`write_batch_index`) imports neither MediaPipe, OpenCV's
video reading nor the metrics.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "AdultFaceDetector": "motorobs.report.faces",
    "FaceNotLocatedError": "motorobs.report.faces",
    "FaceRegion": "motorobs.report.faces",
    "close_shared_face_detectors": "motorobs.report.faces",
    "shared_face_detector": "motorobs.report.faces",
    "render_key_frame": "motorobs.report.overlay",
    "rebuild_clip_report": "motorobs.report.rebuild",
    "StoredReportError": "motorobs.report.store",
    "write_batch_index": "motorobs.report.index",
    "write_batch_outputs": "motorobs.report.outputs",
    "write_clip_outputs": "motorobs.report.outputs",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'motorobs.report' has no attribute {name!r}")
