"""The one entry point every front end uses: :func:`analyze_video`.

video -> landmarks (a pose backend, MediaPipe by default, or reused from an earlier run)
-> clean body-relative signals -> metrics and events -> files (landmarks.parquet,
metrics.json, events.csv, report.html).
The command line, notebooks, batch runs (:mod:`motorobs.batch`) and the web service all
call it.
"""

from __future__ import annotations

import json
import logging
import platform
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

import motorobs
from motorobs.config import AnalysisConfig
from motorobs.errors import LandmarksFileError, MotorobsError, NoInfantError
from motorobs.io.video import VideoInfo, probe_video
from motorobs.landmarks import load_landmarks, read_metadata, save_landmarks
from motorobs.metrics import compute_metrics
from motorobs.pose.backend import PoseBackend, backend_for, stored_key
from motorobs.pose.estimator import ProgressCallback, estimate_landmarks
from motorobs.result import ClipResult
from motorobs.signals import prepare_signals

logger = logging.getLogger("motorobs")

LANDMARKS_FILE = "landmarks.parquet"
ConfigLike = AnalysisConfig | dict[str, Any] | None


def as_config(config: ConfigLike) -> AnalysisConfig:
    """Accept an :class:`AnalysisConfig`, a (partial) nested dict, or ``None`` (defaults)."""
    if config is None:
        return AnalysisConfig()
    if isinstance(config, AnalysisConfig):
        return config
    if isinstance(config, dict):
        return AnalysisConfig.from_dict(config)
    raise TypeError(f"config: expected AnalysisConfig, dict or None, got {type(config).__name__}.")


def analyze_video(
    path: str | Path,
    config: ConfigLike = None,
    *,
    output_dir: str | Path | None = None,
    progress: ProgressCallback | None = None,
    reuse_landmarks: bool = True,
) -> ClipResult:
    """Analyse one clip: landmarks, metrics, events and (with ``output_dir``) the report.

    Parameters
    ----------
    path
        The video file.
    config
        Settings (see :mod:`motorobs.config`); ``None`` for the defaults.
    output_dir
        Folder for this clip's files; nothing is written when ``None``.
    progress
        Optional ``progress(done, total)`` callback over analysed frames.
    reuse_landmarks
        Reuse ``output_dir/landmarks.parquet`` when it was made from the same video by the
        same motorobs version and pose backend, with the same models and pose settings (the
        backend's :meth:`~motorobs.pose.backend.PoseBackend.cache_key`; no inference is
        run again).

    Raises
    ------
    motorobs.errors.VideoError
        The video cannot be read (the message names the file and the fix).
    motorobs.errors.NoInfantError
        No infant was seen in any frame.
    motorobs.errors.ModelError
        The pose backend's model files (MediaPipe's bundles) are missing or broken.
    motorobs.errors.UnknownBackendError
        ``config.pose.backend`` names no registered backend.
    """
    config = as_config(config)
    backend = backend_for(config.pose)
    info = probe_video(path)
    out = Path(output_dir) if output_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    landmarks = _reusable_landmarks(out, info, backend) if (out and reuse_landmarks) else None
    reused = landmarks is not None
    if landmarks is None:
        landmarks = estimate_landmarks(info, config.pose, progress, backend=backend)
        if out is not None:
            save_landmarks(landmarks, out / LANDMARKS_FILE)
    elif progress:
        progress(landmarks.sizes["time"], landmarks.sizes["time"])
    _require_infant(landmarks, info)
    signals = prepare_signals(landmarks, config.signals)
    outputs = compute_metrics(signals, config.metrics)
    result = ClipResult(
        clip=info.path.stem,
        video=info,
        landmarks=landmarks,
        signals=signals,
        metrics=outputs.values,
        events=outputs.events,
        traces=outputs.traces,
        notes=json.loads(landmarks.attrs.get("notes", "[]")),
        provenance=_provenance(info, landmarks, config, signals, reused, backend),
        output_dir=out,
    )
    if out is not None:
        from motorobs.report import write_clip_outputs

        write_clip_outputs(result, out, config.report, pose_model_path=_face_model(backend))
    return result


def _face_model(backend: PoseBackend) -> Path | None:
    """The MediaPipe pose bundle the report searches adults' faces with: the MediaPipe
    backend's own; with another backend, None (the report then looks for one itself and,
    without it, shows only the infant's part of the picture)."""
    return backend.models().get("pose") if backend.name == "mediapipe" else None


def _require_infant(landmarks: xr.Dataset, info: VideoInfo) -> None:
    torso = landmarks["position"].sel(
        keypoint=["left_shoulder", "right_shoulder"], individual="infant"
    )
    found = np.isfinite(torso.values).all(axis=(1, 2))
    if not found.any():
        raise NoInfantError(
            f"{info.path}: no baby was found in any of the {landmarks.sizes['time']} analysed "
            "frames. Film the whole baby, lit, filling a good part of the picture, and try again."
        )


def _reusable_landmarks(out: Path, info: VideoInfo, backend: PoseBackend) -> xr.Dataset | None:
    """Landmarks saved by an earlier run on the same video, by the same motorobs version, with
    the same backend cache key (never downloading a model to compute it), if any."""
    path = out / LANDMARKS_FILE
    if not path.is_file():
        return None
    try:
        meta = read_metadata(path)
        if (meta.get("video_sha256") != info.sha256
                or meta.get("motorobs_version") != motorobs.__version__):
            return None
        recorded = stored_key(meta)
        if recorded is None or recorded != backend.cache_key(download=False):
            return None
        logger.info("%s: reusing landmarks from %s", info.path.name, path)
        return load_landmarks(path)
    except LandmarksFileError as exc:
        logger.warning("%s: ignoring unreadable landmarks (%s)", info.path.name, exc)
        return None
    except MotorobsError:  # a model file is missing: it is fetched for a new estimate
        return None


def _provenance(
    info: VideoInfo, landmarks: xr.Dataset, config: AnalysisConfig, signals: Any, reused: bool,
    backend: PoseBackend,
) -> dict[str, Any]:
    import cv2

    return {
        "motorobs_version": motorobs.__version__,
        "analysed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        **backend.versions(),
        "opencv": cv2.__version__,
        "video": {
            "file": info.path.name,
            "sha256": info.sha256,
            "fps": info.fps,
            "n_frames": info.n_frames,
            "width": info.width,
            "height": info.height,
            "rotation_deg": info.rotation_deg,
            "codec": info.codec,
        },
        "frames_analysed": int(landmarks.sizes["time"]),
        "pose_backend": landmarks.attrs.get("pose_backend"),
        "estimator": landmarks.attrs.get("estimator"),
        "models": json.loads(landmarks.attrs.get("models", "[]")),
        "landmarks_reused": reused,
        "signal_processing": getattr(signals, "provenance", {}),
        "config": config.to_dict(),
    }
