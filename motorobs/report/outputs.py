"""Writing a clip's output files at analysis time, and a batch's from the clip folders.

Per clip (see :mod:`motorobs.report.record` for the layout): ``metrics.json`` (with the
summary findings) and ``events.csv``; ``report.json``, ``traces.parquet`` and ``keyframes/``
(everything the report shows, key frames already blurred), ``overlay.webm`` when asked for
(:mod:`motorobs.report.overlay_video`); then ``report.html``, rendered from those files only by
:func:`~motorobs.report.rebuild.rebuild_clip_report`. Every file is written atomically
(temporary file + rename).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from motorobs.config import ReportConfig
from motorobs.io.atomic import write_atomic
from motorobs.report.collect import clip_summary, event_records, posture_segments, trace_table
from motorobs.report.index import write_batch_index
from motorobs.report.keyframe_store import (
    StoredKeyFrames,
    remove_stale_key_frames,
    store_key_frames,
)
from motorobs.report.moments import KeyFrameRequest, key_frame_requests
from motorobs.report.overlay_video import (
    StoredOverlay,
    remove_overlay_video,
    store_overlay_video,
)
from motorobs.report.rebuild import rebuild_clip_report
from motorobs.report.record import (
    METRICS_FILE,
    REPORT_FILE,
    REPORT_HTML,
    TRACES_FILE,
    ClipReport,
    json_safe,
)
from motorobs.report.store import previous_clip_report, write_json, write_traces
from motorobs.report.summary import stored_findings
from motorobs.result import ClipResult

logger = logging.getLogger("motorobs.report")

DEFAULT_POSE_MODEL = "pose_landmarker_full.task"
NO_HTML_NOTE = "Key frames were not made: the HTML report was switched off for this analysis."


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
    """Write one clip's output files; ``report.html`` (if ``config.html``) from them.

    Parameters
    ----------
    result
        The clip's analysis.
    out_dir
        Folder for the files (created if missing).
    config
        Report settings: HTML or not, number of key frames, face blurring, skeleton video.
    pose_model_path
        MediaPipe pose bundle used to find adults' faces in key frames. ``None``: looked up
        with :func:`find_pose_model`; without one, key frames show only the part of the
        picture around the infant, whose face is blurred.

    Returns
    -------
    dict
        File name relative to ``out_dir`` (``"metrics.json"``, ``"keyframes/frame_000012.jpg"``,
        ...) -> path, for every file written now (stored key frames that were reused are not
        written again).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics = result.to_json_dict()
    written = {
        METRICS_FILE: write_json(out_dir / METRICS_FILE, json_safe(metrics)),
        "events.csv": write_atomic(out_dir / "events.csv",
                                   result.events_table().to_csv(index=False)),
    }
    events = event_records(result.events, result)
    requests = key_frame_requests(stored_findings(metrics) or [], events)
    key_frames = _key_frames(result, out_dir, config, pose_model_path, requests)
    written.update({p.relative_to(out_dir).as_posix(): p for p in key_frames.written})
    overlay = _overlay_video(result, out_dir, config, pose_model_path)
    written.update({p.relative_to(out_dir).as_posix(): p for p in overlay.written})
    traces, table, trace_notes = trace_table(result)
    report = ClipReport(
        clip=result.clip,
        summary=clip_summary(result),
        blur_faces=config.blur_faces,
        events=events,
        traces=traces,
        key_frame_source=key_frames.source,
        key_frames=tuple(key_frames.frames),
        notes=tuple(key_frames.notes + overlay.notes + trace_notes),
        posture_segments=posture_segments(result),
        overlay_video=overlay.record,
    )
    written[TRACES_FILE] = write_traces(out_dir / TRACES_FILE, table)
    written[REPORT_FILE] = write_json(out_dir / REPORT_FILE, report.to_json())
    remove_stale_key_frames(out_dir, [k.file for k in report.key_frames])
    if config.html:
        written[REPORT_HTML] = rebuild_clip_report(out_dir)
    return written


def _key_frames(
    result: ClipResult, out_dir: Path, config: ReportConfig, pose_model_path: Path | None,
    requests: list[KeyFrameRequest],
) -> StoredKeyFrames:
    """The clip's stored key frames; a failure leaves them out with a note, never the
    report."""
    if not config.html:
        return StoredKeyFrames(None, [], [NO_HTML_NOTE], [])
    if pose_model_path is None:
        pose_model_path = find_pose_model(result.provenance)
    try:
        return store_key_frames(
            result, out_dir, config.n_key_frames,
            blur_faces=config.blur_faces, pose_model_path=pose_model_path,
            previous=previous_clip_report(out_dir), requests=requests,
        )
    except Exception as exc:  # a broken frame must not cost the therapist the whole report
        logger.exception("Key frames of %s failed", result.clip)
        return StoredKeyFrames(None, [], [f"Key frames left out: {type(exc).__name__}: {exc}"],
                               [])


def _overlay_video(
    result: ClipResult, out_dir: Path, config: ReportConfig, pose_model_path: Path | None
) -> StoredOverlay:
    """The clip's skeleton video when ``config.overlay_video`` (a stored one reused), else
    none (and one left from an earlier run deleted)."""
    if not config.overlay_video:
        remove_overlay_video(out_dir)
        return StoredOverlay(None, [], [])
    if pose_model_path is None:
        pose_model_path = find_pose_model(result.provenance)
    return store_overlay_video(result, out_dir, blur_faces=config.blur_faces,
                               pose_model_path=pose_model_path,
                               previous=previous_clip_report(out_dir))


def write_batch_outputs(
    results: list[ClipResult], failures: list[tuple[str, str]], out_dir: Path
) -> dict[str, Path]:
    """Write a batch's ``summary.csv`` and ``index.html`` from the folders of ``results``.

    A thin wrapper of :func:`~motorobs.report.index.write_batch_index`: each result's files
    must already be on disk, in its ``output_dir`` or else in ``out_dir/<clip>``.

    Parameters
    ----------
    results
        Clips analysed successfully.
    failures
        ``(clip or file name, one-line reason)`` of clips that could not be analysed.
    out_dir
        Batch output folder; each clip's report is linked relatively.

    Returns
    -------
    dict
        File name -> path written.
    """
    out_dir = Path(out_dir)
    clips = [os.path.relpath(r.output_dir or out_dir / r.clip, out_dir) for r in results]
    return write_batch_index(out_dir, failures, clips)
