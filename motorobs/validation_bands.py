"""Validation scores per camera-elevation band (pure functions on validation tables).

Caregivers film from straight above, from the side at the baby's level and anything
between. A score pooled over every clip hides where motorobs should not be trusted, so
:func:`motorobs.validation.validate_folder` also scores each band of camera elevation
separately:

- ``top``: 0-30 degrees from vertical (the phone above the baby);
- ``oblique``: 30-60 degrees;
- ``low``: 60-90 degrees (level with the baby, side-on or from the feet or head).

A clip's elevation is the angle between straight up and the line from the infant's body
centre (the mean of its true 3-D keypoints in the first frame) to the camera, taken from
the ground truth's camera pose (``.gt.json``: ``camera.cam_to_world_opengl``, world z up,
floor z = 0), or from ``camera.elevation_deg_from_vertical`` in ``.events.json`` when the
renderer wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

BANDS: tuple[tuple[str, float, float], ...] = (
    ("top", 0.0, 30.0), ("oblique", 30.0, 60.0), ("low", 60.0, 90.0))
"""``(name, lowest, highest)`` degrees from vertical; a band holds its lower bound, the last
one also its upper bound."""


def camera_elevation_deg(events_truth: Mapping[str, Any],
                         gt: Mapping[str, Any] | None) -> float | None:
    """The camera's elevation (degrees from vertical) seen from the infant, or None when
    the ground truth does not say where the camera was.

    Parameters
    ----------
    events_truth
        The clip's ``.events.json``.
    gt
        The clip's ``.gt.json`` (or None).
    """
    camera = events_truth.get("camera")
    if isinstance(camera, Mapping) and camera.get("elevation_deg_from_vertical") is not None:
        return float(camera["elevation_deg_from_vertical"])
    try:
        pose = np.asarray(gt["camera"]["cam_to_world_opengl"], float)  # type: ignore[index]
        body = np.asarray(gt["keypoints_3d_world"][0], float)[:, :3]  # type: ignore[index]
    except (KeyError, TypeError, IndexError, ValueError):
        return None
    if pose.shape != (4, 4) or body.size == 0:
        return None
    to_camera = pose[:3, 3] - np.nanmean(body, axis=0)
    length = float(np.linalg.norm(to_camera))
    if not np.isfinite(length) or length <= 0:
        return None
    return float(np.degrees(np.arccos(np.clip(to_camera[2] / length, -1.0, 1.0))))


def elevation_band(elevation_deg: float | None) -> str | None:
    """The name of the :data:`BANDS` entry holding ``elevation_deg``; None when unknown.
    Elevations past 90 degrees (a camera below the mat) count as ``low``."""
    if elevation_deg is None or not np.isfinite(elevation_deg):
        return None
    for name, lo, hi in BANDS:
        if lo <= elevation_deg < hi:
            return name
    return BANDS[-1][0] if elevation_deg >= BANDS[-1][2] else BANDS[0][0]


def band_scores(events: pd.DataFrame, clip_bands: Mapping[str, str | None],
                score: Any) -> pd.DataFrame:
    """Event scores per band: ``score(rows)`` (:func:`motorobs.validation.event_scores`)
    on the event rows of each band's clips, with a ``band`` and a ``clips`` column. Bands
    without clips are left out; clips of unknown elevation are in none."""
    tables = []
    for name, _, _ in BANDS:
        clips = [c for c, band in clip_bands.items() if band == name]
        if not clips:
            continue
        table = score(events[events["clip"].isin(clips)])
        table.insert(0, "clips", len(clips))
        table.insert(0, "band", name)
        tables.append(table)
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


def band_summary(per_clip: pd.DataFrame, angle_errors: Mapping[str, np.ndarray]
                 ) -> pd.DataFrame:
    """Posture agreement and head-lift angle error per band.

    Parameters
    ----------
    per_clip
        One row per clip with ``clip``, ``elevation_band``, and where known
        ``posture_frames`` and ``posture_agreeing`` (frames with a true posture, and of
        those the frames where motorobs found it).
    angle_errors
        Clip -> per-frame absolute head-lift angle errors (degrees).

    Returns
    -------
    pandas.DataFrame
        Per band: ``clips``, ``posture_agreement`` (agreeing frames / frames, pooled over
        the band's clips), ``posture_frames``, ``angle_frames`` and
        ``angle_median_abs_error_deg``.
    """
    rows = []
    for name, _, _ in BANDS:
        clips = per_clip[per_clip.get("elevation_band", pd.Series(dtype=object)) == name] \
            if len(per_clip) else per_clip
        if not len(clips):
            continue
        frames = float(np.nansum(clips.get("posture_frames", pd.Series(dtype=float))))
        agreeing = float(np.nansum(clips.get("posture_agreeing", pd.Series(dtype=float))))
        errors: Sequence[np.ndarray] = [angle_errors[c] for c in clips["clip"]
                                        if c in angle_errors and len(angle_errors[c])]
        pooled = np.concatenate(errors) if errors else np.array([])
        rows.append({
            "band": name, "clips": int(len(clips)),
            "posture_agreement": agreeing / frames if frames else float("nan"),
            "posture_frames": int(frames),
            "angle_frames": int(pooled.size),
            "angle_median_abs_error_deg": float(np.median(pooled)) if pooled.size
            else float("nan"),
        })
    return pd.DataFrame(rows)
