"""The one entry point every front end uses: :func:`analyze_video`.

video -> landmarks (MediaPipe, or reused from an earlier run) -> clean body-relative signals
-> metrics and events -> files (landmarks.parquet, metrics.json, events.csv, report.html).
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
from motorobs.pose.estimator import ProgressCallback, _pose_config_dict, estimate_landmarks
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
        Reuse ``output_dir/landmarks.parquet`` when it was made from the same video with the
        same models and pose settings (no inference is run again).

    Raises
    ------
    motorobs.errors.VideoError
        The video cannot be read (the message names the file and the fix).
    motorobs.errors.NoInfantError
        No infant was seen in any frame.
    motorobs.errors.ModelError
        The MediaPipe model bundles are missing or broken.
    """
    config = as_config(config)
    info = probe_video(path)
    out = Path(output_dir) if output_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    landmarks = _reusable_landmarks(out, info, config) if (out and reuse_landmarks) else None
    reused = landmarks is not None
    if landmarks is None:
        landmarks = estimate_landmarks(info, config.pose, progress)
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
        provenance=_provenance(info, landmarks, config, signals, reused),
        output_dir=out,
    )
    if out is not None:
        from motorobs.pose.models import resolve_model
        from motorobs.report import write_clip_outputs

        pose_model = resolve_model(config.pose.pose_model, config.pose.model_dir)
        write_clip_outputs(result, out, config.report, pose_model_path=pose_model)
    return result


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


def _reusable_landmarks(
    out: Path, info: VideoInfo, config: AnalysisConfig
) -> xr.Dataset | None:
    """Landmarks saved by an earlier run on the same video with the same settings, if any."""
    path = out / LANDMARKS_FILE
    if not path.is_file():
        return None
    try:
        meta = read_metadata(path)
        same = (
            meta.get("video_sha256") == info.sha256
            and meta.get("motorobs_version") == motorobs.__version__
            and meta.get("pose_config")
            == json.dumps(_pose_config_dict(config.pose), sort_keys=True)
            and _same_models(meta.get("models"), config)
        )
        if not same:
            return None
        logger.info("%s: reusing landmarks from %s", info.path.name, path)
        return load_landmarks(path)
    except LandmarksFileError as exc:
        logger.warning("%s: ignoring unreadable landmarks (%s)", info.path.name, exc)
        return None


def _same_models(recorded: str | None, config: AnalysisConfig) -> bool:
    from motorobs.io.hashing import file_sha256
    from motorobs.pose.models import resolve_model

    if not recorded:
        return False
    try:
        current = [
            {"name": p.name, "sha256": file_sha256(p)}
            for p in (
                resolve_model(config.pose.pose_model, config.pose.model_dir, download=False),
                resolve_model(config.pose.hand_model, config.pose.model_dir, download=False),
            )
        ]
    except MotorobsError:
        return False
    return json.loads(recorded) == current


def _provenance(
    info: VideoInfo, landmarks: xr.Dataset, config: AnalysisConfig, signals: Any, reused: bool
) -> dict[str, Any]:
    import cv2
    import mediapipe

    return {
        "motorobs_version": motorobs.__version__,
        "analysed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "mediapipe": mediapipe.__version__,
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
        "estimator": landmarks.attrs.get("estimator"),
        "models": json.loads(landmarks.attrs.get("models", "[]")),
        "landmarks_reused": reused,
        "signal_processing": getattr(signals, "provenance", {}),
        "config": config.to_dict(),
    }
