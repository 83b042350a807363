"""One clip's analysis as a job any executor can run: in this process, a worker process or
a Dask worker on another machine.

A :class:`ClipJob` is small and picklable (paths and a config dict); :func:`run_clip_job`
runs it and returns a :class:`ClipOutcome` (small too: the full result stays on disk, never
in the batch's memory). The clip's log lines go to ``<clip>/analysis.log``.
"""

from __future__ import annotations

import json
import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import motorobs
from motorobs.config import AnalysisConfig
from motorobs.errors import MotorobsError

CLIP_LOG = "analysis.log"
"""Each clip's own log, in its output folder."""
ProgressCallback = Callable[[int, int], None]


def config_fingerprint(config: AnalysisConfig) -> str:
    """Fingerprint of the settings that change a clip's outputs (where models are kept
    does not: their content is recorded separately, see :func:`model_fingerprints`)."""
    import hashlib

    data = config.to_dict()
    data.get("pose", {}).pop("model_dir", None)
    text = json.dumps(data, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def model_fingerprints(config: AnalysisConfig) -> tuple[tuple[str, str], ...]:
    """``((name, sha256), ...)`` of the pose backend's model files (MediaPipe: the pose and
    hand bundles), downloading them if needed.

    Raises
    ------
    motorobs.errors.ModelError
        A model file is missing and cannot be downloaded, or is broken.
    motorobs.errors.UnknownBackendError
        ``config.pose.backend`` names no registered backend.
    """
    from motorobs.pose.backend import backend_for

    models = backend_for(config.pose).cache_key(download=True)["models"]
    return tuple((m["name"], m["sha256"]) for m in models)


def worker_name() -> str:
    """``host:pid`` of this process."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class ClipJob:
    """Everything a worker needs to analyse one clip.

    Attributes
    ----------
    clip
        The clip's name (its output folder's name).
    video
        The video file (a path the worker can read: on a cluster, a shared folder).
    output_dir
        The clip's output folder (``<output>/<clip>``).
    config
        :meth:`motorobs.config.AnalysisConfig.to_dict` of the settings.
    reuse_landmarks
        Reuse saved landmarks made from the same video with the same models and settings.
    """

    clip: str
    video: str
    output_dir: str
    config: dict[str, Any]
    reuse_landmarks: bool = True


@dataclass(frozen=True)
class ClipOutcome:
    """What a job reports back: ``done`` or ``failed`` with a one-line reason."""

    clip: str
    state: str
    reason: str | None = None
    seconds: float = 0.0
    frames: int | None = None
    worker: str = ""


def run_clip_job(job: ClipJob, progress: ProgressCallback | None = None) -> ClipOutcome:
    """Analyse one clip and write its outputs (see :func:`motorobs.analyze_video`).

    Never raises for a problem with the clip: a user-fixable problem
    (:class:`motorobs.errors.MotorobsError`) becomes ``failed`` with its message, anything
    else ``failed`` with "internal error" and the traceback in the clip's log.
    ``KeyboardInterrupt`` and ``SystemExit`` propagate (the run is being stopped).
    """
    from motorobs._logging import job_log, logger
    from motorobs.pipeline import analyze_video

    started = time.perf_counter()
    out = Path(job.output_dir)
    with job_log(out / CLIP_LOG):
        logger.info("%s: analysis starts (motorobs %s, worker %s)", job.video,
                    motorobs.__version__, worker_name())
        try:
            result = analyze_video(job.video, AnalysisConfig.from_dict(job.config),
                                   output_dir=out, progress=progress,
                                   reuse_landmarks=job.reuse_landmarks)
        except MotorobsError as exc:
            logger.error("%s", exc)
            return ClipOutcome(job.clip, "failed", " ".join(str(exc).split()),
                               time.perf_counter() - started, worker=worker_name())
        except Exception as exc:  # a bug must not lose the other clips' work
            logger.error("%s: internal error\n%s", job.video, traceback.format_exc())
            return ClipOutcome(
                job.clip, "failed",
                f"{job.video}: internal error ({type(exc).__name__}: {exc}); details in "
                f"{out / CLIP_LOG}.", time.perf_counter() - started, worker=worker_name())
        frames = int(result.landmarks.sizes.get("time", 0))
        logger.info("%s: done in %.1f s (%d frames)", job.video,
                    time.perf_counter() - started, frames)
    return ClipOutcome(job.clip, "done", None, time.perf_counter() - started, frames,
                       worker_name())
