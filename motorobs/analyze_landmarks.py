"""Metrics and the report from keypoints another tool made (no pose estimation, no MediaPipe).

keypoint file (:mod:`motorobs.io.formats`: DeepLabCut, SLEAP, OpenPose, COCO, movement,
motorobs Parquet) -> landmarks dataset -> the same signals, metrics and report files as
:func:`motorobs.analyze_video` (``landmarks.parquet``, ``metrics.json``, ``events.csv``,
``report.html``). With the video the report shows key frames; without it the report has no
key frames and no skeleton video, and says so. Metrics whose body parts the source's skeleton
lacks say ``not_applicable`` and name them (``attrs["missing_body_parts"]``).
"""

from __future__ import annotations

import json
import platform
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

import motorobs
from motorobs.config import AnalysisConfig
from motorobs.errors import NoInfantError
from motorobs.io import formats
from motorobs.io.hashing import file_sha256
from motorobs.io.video import VideoInfo, probe_video
from motorobs.landmarks import missing_body_parts, save_landmarks, skeleton_of
from motorobs.metrics import compute_metrics
from motorobs.result import ClipResult
from motorobs.signals import prepare_signals

LANDMARKS_FILE = "landmarks.parquet"
NO_VIDEO_NOTE = ("No video was given (only a keypoint file): the report has no key frames "
                 "and no skeleton video.")


def analyze_landmarks(
    path: str | Path,
    config: AnalysisConfig | dict[str, Any] | None = None,
    *,
    video: str | Path | None = None,
    format: str | None = None,
    fps: float | None = None,
    output_dir: str | Path | None = None,
) -> ClipResult:
    """Analyse one clip from a keypoint file: signals, metrics, events, and (with
    ``output_dir``) the report files.

    Parameters
    ----------
    path
        The keypoint file (an OpenPose folder).
    config
        Settings (:class:`motorobs.config.AnalysisConfig`, a nested dict, or ``None``);
        the pose settings are not used.
    video
        The clip the keypoints were made from: its frame rate and frame size are used, and
        the report shows key frames from it.
    format
        A name in :data:`motorobs.io.formats.FORMATS`; ``None`` detects it.
    fps
        Frame rate (frames per second) for files that do not record it; default the video's.
    output_dir
        Folder for this clip's files; nothing is written when ``None``.

    Raises
    ------
    motorobs.io.formats.FormatError
        The file cannot be read (the message names it and what to do).
    motorobs.errors.NoInfantError
        No frame has both shoulders.
    """
    if config is None or isinstance(config, dict):
        config = AnalysisConfig.from_dict(config or {})
    path = Path(path)
    info = probe_video(video) if video is not None else None
    landmarks = formats.read(path, format, fps=fps if fps is not None else
                             (info.fps if info else None))
    if info is not None:
        landmarks.attrs.update(frame_width=info.width, frame_height=info.height,
                               source_video=str(info.path), video_sha256=info.sha256)
        landmarks.attrs.pop("frame_size_from", None)
    else:
        info = _info_without_video(path, landmarks)
        config = config.with_overrides(report={"n_key_frames": 0, "overlay_video": False})
    _require_shoulders(landmarks, path)
    out = Path(output_dir) if output_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        save_landmarks(landmarks, out / LANDMARKS_FILE)
    signals = prepare_signals(landmarks, config.signals)
    outputs = compute_metrics(signals, config.metrics)
    notes = json.loads(landmarks.attrs.get("notes", "[]"))
    if video is None:
        notes.append(NO_VIDEO_NOTE)
    result = ClipResult(
        clip=path.stem if path.is_file() else path.name,
        video=info,
        landmarks=landmarks,
        signals=signals,
        metrics=outputs.values,
        events=outputs.events,
        traces=outputs.traces,
        notes=notes,
        provenance=_provenance(path, landmarks, info, video is not None, config, signals),
        output_dir=out,
    )
    if out is not None:
        from motorobs.report import write_clip_outputs

        write_clip_outputs(result, out, config.report)
    return result


def _info_without_video(path: Path, ds: xr.Dataset) -> VideoInfo:
    """What the report needs of a video, from the keypoints alone."""
    fps = float(ds.attrs["fps"])
    n = int(ds.sizes["time"])
    return VideoInfo(path=path, fps=fps, n_frames=n, duration_s=n / fps,
                     width=int(ds.attrs.get("frame_width", 0)),
                     height=int(ds.attrs.get("frame_height", 0)),
                     rotation_deg=0, codec="", sha256="")


def _require_shoulders(ds: xr.Dataset, path: Path) -> None:
    names = set(str(k) for k in ds["keypoint"].values)
    shoulders = ["left_shoulder", "right_shoulder"]
    if not set(shoulders) <= names:
        raise NoInfantError(
            f"{path}: the keypoints have no left and right shoulder (skeleton "
            f"{skeleton_of(ds).name!r}), which every motorobs measurement is relative to; map "
            "the file's shoulder keypoints to 'left_shoulder'/'right_shoulder' (aliases, "
            "docs/formats/index.md).")
    xy = ds["position"].sel(keypoint=shoulders).isel(individual=0).values
    if not np.isfinite(xy).all(axis=(1, 2)).any():
        raise NoInfantError(f"{path}: no frame has both shoulders, so there is no infant to "
                            f"measure in its {ds.sizes['time']} frames.")


def _provenance(path: Path, ds: xr.Dataset, info: VideoInfo, with_video: bool,
                config: AnalysisConfig, signals: Any) -> dict[str, Any]:
    return {
        "motorobs_version": motorobs.__version__,
        "analysed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "landmarks": {
            "file": path.name,
            "sha256": file_sha256(path) if path.is_file() else None,
            "source_software": ds.attrs.get("source_software"),
            "skeleton": skeleton_of(ds).name,
            "missing_body_parts": missing_body_parts(ds),
            "fps": float(ds.attrs["fps"]),
        },
        "video": {
            "file": info.path.name if with_video else None,
            "sha256": info.sha256 or None,
            "fps": info.fps,
            "n_frames": info.n_frames,
            "width": info.width,
            "height": info.height,
            "rotation_deg": info.rotation_deg,
            "codec": info.codec or None,
        },
        "frames_analysed": int(ds.sizes["time"]),
        "estimator": None,
        "landmarks_reused": False,
        "signal_processing": getattr(signals, "provenance", {}),
        "config": config.to_dict(),
    }
