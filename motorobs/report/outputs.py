"""Writing a clip's and a batch's output files, each atomically (temporary file + rename).

Per clip: ``metrics.json``, ``events.csv`` and ``report.html``. Per batch: ``summary.csv``
(one row per clip x metric) and ``index.html`` (links to every clip's report, failures).
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from motorobs.config import ReportConfig
from motorobs.io.atomic import write_atomic
from motorobs.report.html import (
    batch_context,
    clip_context,
    render_batch_index,
    render_clip_report,
)
from motorobs.report.keyframes import KeyFrame, extract_key_frames
from motorobs.result import ClipResult

logger = logging.getLogger("motorobs.report")

SUMMARY_COLUMNS = ["clip", "name", "side", "value", "unit", "coverage", "status", "reason",
                   "definition"]
DEFAULT_POSE_MODEL = "pose_landmarker_full.task"


def _json_safe(value: Any) -> Any:
    """Plain JSON types: numpy scalars unwrapped, NaN and infinities as ``null``."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def find_pose_model(provenance: dict[str, Any]) -> Path | None:
    """A MediaPipe pose bundle to find adults' faces with, never downloaded: the model folder
    recorded in the provenance's configuration, else ``$MOTOROBS_MODEL_DIR``, else the model
    cache; ``None`` if none holds it."""
    config = provenance.get("config") if isinstance(provenance, dict) else None
    pose = config.get("pose", {}) if isinstance(config, dict) else {}
    name = pose.get("pose_model") or DEFAULT_POSE_MODEL
    folders = [pose.get("model_dir"), os.environ.get("MOTOROBS_MODEL_DIR")]
    try:
        from motorobs.pose.models import default_cache_dir

        folders.append(default_cache_dir())
    except Exception:  # the cache is only a convenience here
        logger.debug("No model cache folder known.", exc_info=True)
    for folder in folders:
        if folder and (Path(folder) / name).is_file():
            return Path(folder) / name
    return None


def write_clip_outputs(
    result: ClipResult,
    out_dir: Path,
    config: ReportConfig,
    *,
    pose_model_path: Path | None = None,
) -> dict[str, Path]:
    """Write one clip's ``metrics.json``, ``events.csv`` and (if ``config.html``) ``report.html``.

    Parameters
    ----------
    result
        The clip's analysis.
    out_dir
        Folder for the files (created if missing).
    config
        Report settings: HTML or not, number of key frames, face blurring.
    pose_model_path
        MediaPipe pose bundle used to find adults' faces in key frames. ``None``: looked up
        with :func:`find_pose_model`; without one, key frames show only the part of the
        picture around the infant, whose face is blurred.

    Returns
    -------
    dict
        File name (``"metrics.json"``, ...) -> path written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {
        "metrics.json": write_atomic(
            out_dir / "metrics.json",
            json.dumps(_json_safe(result.to_json_dict()), indent=2, ensure_ascii=False) + "\n",
        ),
        "events.csv": write_atomic(out_dir / "events.csv",
                                   result.events_table().to_csv(index=False)),
    }
    if config.html:
        key_frames, notes = _key_frames(result, config, pose_model_path)
        context = clip_context(result, key_frames, notes, config.blur_faces)
        written["report.html"] = write_atomic(out_dir / "report.html",
                                              render_clip_report(context))
    return written


def _key_frames(
    result: ClipResult, config: ReportConfig, pose_model_path: Path | None
) -> tuple[list[KeyFrame], list[str]]:
    """Key frames for the report; a failure leaves them out with a note, never the report."""
    if pose_model_path is None:
        pose_model_path = find_pose_model(result.provenance)
    try:
        return extract_key_frames(
            result.landmarks,
            result.events,
            result.video.path,
            config.n_key_frames,
            blur_faces=config.blur_faces,
            pose_model_path=pose_model_path,
            width=result.video.width,
            height=result.video.height,
            rotation_deg=result.video.rotation_deg,
        )
    except Exception as exc:  # a broken frame must not cost the therapist the whole report
        logger.exception("Key frames of %s failed", result.clip)
        return [], [f"Key frames left out: {type(exc).__name__}: {exc}"]


def write_batch_outputs(
    results: list[ClipResult], failures: list[tuple[str, str]], out_dir: Path
) -> dict[str, Path]:
    """Write a batch's ``summary.csv`` and ``index.html``.

    Parameters
    ----------
    results
        Clips analysed successfully.
    failures
        ``(clip or file name, one-line reason)`` of clips that could not be analysed.
    out_dir
        Batch output folder; each clip's report is expected at ``<clip>/report.html``
        (or in the clip result's ``output_dir``), linked relatively.

    Returns
    -------
    dict
        File name -> path written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = [r.metrics_table() for r in results if r.metrics]
    summary = (pd.concat(tables, ignore_index=True) if tables
               else pd.DataFrame(columns=SUMMARY_COLUMNS))
    return {
        "summary.csv": write_atomic(out_dir / "summary.csv", summary.to_csv(index=False)),
        "index.html": write_atomic(
            out_dir / "index.html", render_batch_index(batch_context(results, failures, out_dir))
        ),
    }
