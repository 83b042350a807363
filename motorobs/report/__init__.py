"""Reports and output files: ``metrics.json``, ``events.csv``, ``report.html`` per clip and
``summary.csv``, ``index.html`` per batch, and key-frame images with every face blurred."""

from motorobs.report.faces import AdultFaceDetector, FaceNotLocatedError, FaceRegion
from motorobs.report.outputs import write_batch_outputs, write_clip_outputs
from motorobs.report.overlay import render_key_frame

__all__ = [
    "AdultFaceDetector",
    "FaceNotLocatedError",
    "FaceRegion",
    "render_key_frame",
    "write_batch_outputs",
    "write_clip_outputs",
]
