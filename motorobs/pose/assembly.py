"""The landmarks dataset of a clip or an image, from the frame loop's arrays.

One place for the attributes every backend's dataset carries (provenance, the backend's cache
key, the infant tracker's notes), so that a dataset says the same things whichever backend
made it; the backend adds its own (:meth:`motorobs.pose.backend.FrameLandmarker.attrs`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import xarray as xr

import motorobs
from motorobs.io.video import VideoInfo
from motorobs.landmarks import build_dataset
from motorobs.pose.backend import key_attrs
from motorobs.pose.frame_loop import FrameRun


def tracking_attrs(run: FrameRun) -> dict[str, Any]:
    """What the infant tracker recorded: ``notes`` (JSON list of plain-language remarks on
    person selection), ``frames_with_several_people``, ``hand_model_frames`` (analysed frames
    a hand model ran on) and ``hand_close_ups`` (close-up searches for a missed hand)."""
    log = run.tracker.log
    return {
        "notes": json.dumps(log.notes(len(run.frames))),
        "frames_with_several_people": log.crowded_frames(),
        "hand_model_frames": log.hand_model_frames,
        "hand_close_ups": log.close_ups,
    }


def clip_dataset(info: VideoInfo, run: FrameRun, key: Mapping[str, Any],
                 backend_attrs: Mapping[str, Any]) -> xr.Dataset:
    """The infant's landmarks of a video (pixels of the upright frame).

    Parameters
    ----------
    info
        The probed video.
    run
        :func:`motorobs.pose.frame_loop.run_frames` of it.
    key
        The backend's :meth:`~motorobs.pose.backend.PoseBackend.cache_key`.
    backend_attrs
        The landmarker's own attributes.

    Returns
    -------
    xarray.Dataset
        With the video's ``fps``, ``analysis_step``, ``frame_width``, ``frame_height``,
        ``rotation_deg``, ``source_video``, ``video_sha256``, ``motorobs_version``, the key
        (``pose_backend``, ``models``, ``pose_config``, see
        :func:`~motorobs.pose.backend.key_attrs`), :func:`tracking_attrs` and the backend's.
    """
    attrs = {
        "fps": info.fps,
        "analysis_step": run.step,
        "frame_width": info.width,
        "frame_height": info.height,
        "rotation_deg": info.rotation_deg,
        "source_video": str(info.path),
        "video_sha256": info.sha256,
        "motorobs_version": motorobs.__version__,
        **key_attrs(key),
        **tracking_attrs(run),
        **backend_attrs,
    }
    return build_dataset(run.arrays, run.frames, run.times_s, attrs)


def image_dataset(shape: tuple[int, ...], run: FrameRun, key: Mapping[str, Any],
                  backend_attrs: Mapping[str, Any]) -> xr.Dataset:
    """The one-frame landmarks dataset of a picture of ``shape`` (H, W, 3): as
    :func:`clip_dataset`, with ``frame_width`` and ``frame_height`` for the video's
    attributes."""
    attrs = {
        "frame_width": int(shape[1]),
        "frame_height": int(shape[0]),
        "motorobs_version": motorobs.__version__,
        **key_attrs(key),
        **tracking_attrs(run),
        **backend_attrs,
    }
    return build_dataset(run.arrays, run.frames, run.times_s, attrs)
