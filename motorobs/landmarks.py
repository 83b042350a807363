"""The landmark data model: one ``xarray.Dataset`` for the whole project.

Layout (compatible with the ``movement`` package's poses datasets)::

    dims     time (T), space ("x", "y"), keypoint (K = 33 pose + 2 x 21 hand),
             individual ("infant")
    coords   time      seconds from the start of the video
             frame     (time) index of the frame in the video
             keypoint  unique names: pose names ("left_wrist") and hand names
                       prefixed by the part ("left_hand_wrist")
             part      (keypoint) "pose", "left_hand" or "right_hand"
             landmark  (keypoint) MediaPipe's own name ("left_wrist", "wrist")
    vars     position    (time, space, keypoint, individual) pixels in the upright
                         (rotation-corrected) frame; x right, y down; NaN when not detected
             depth_z     (time, keypoint, individual) MediaPipe's relative depth (unitless,
                         smaller is nearer the camera; roughly the scale of x in image widths)
             visibility  (time, keypoint, individual) MediaPipe visibility, 0..1
             presence    (time, keypoint, individual) MediaPipe presence, 0..1
             confidence  (time, keypoint, individual) the score metrics use: pose visibility;
                         for hand landmarks the hand's detection (handedness) score

Hand landmarks carry no per-landmark visibility in MediaPipe, so for hands ``visibility``
and ``presence`` both hold the hand's detection score.

Attributes record provenance: ``fps`` (of the video), ``frame_width``, ``frame_height``,
``video_sha256``, ``source_video``, ``models`` (JSON list of ``{name, sha256}``),
``motorobs_version``, ``estimator``, ``people_note`` and more.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import xarray as xr

from motorobs.errors import LandmarksFileError
from motorobs.io.atomic import atomic_path
from motorobs.schema import all_keypoints, keypoint_name

INDIVIDUAL = "infant"
_METADATA_KEY = b"motorobs"
_PER_POINT_VARS = ("depth_z", "visibility", "presence", "confidence")


class Layout(str, Enum):
    """Table layouts of :func:`to_dataframe`."""

    LONG = "long"
    """One row per frame x landmark: ``frame, time_s, part, landmark, x_px, y_px, z,
    visibility, presence``."""
    WIDE = "wide"
    """One row per frame: ``frame, time_s`` then ``<keypoint>_x``, ``<keypoint>_y``,
    ``<keypoint>_confidence`` for every keypoint."""


def empty_arrays(n_frames: int) -> dict[str, np.ndarray]:
    """NaN-filled arrays for ``n_frames`` frames, to be filled by an estimator.

    Returns a dict with ``position`` (T, 2, K) and ``depth_z``, ``visibility``,
    ``presence``, ``confidence`` (T, K), in :func:`motorobs.schema.all_keypoints` order.
    """
    k = len(all_keypoints())
    arrays = {"position": np.full((n_frames, 2, k), np.nan)}
    arrays.update({name: np.full((n_frames, k), np.nan) for name in _PER_POINT_VARS})
    return arrays


def build_dataset(
    arrays: dict[str, np.ndarray],
    frames: np.ndarray,
    times_s: np.ndarray,
    attrs: dict[str, Any] | None = None,
) -> xr.Dataset:
    """Assemble and validate a landmarks dataset from per-frame arrays.

    Parameters
    ----------
    arrays
        As returned by :func:`empty_arrays`: ``position`` (T, 2, K) in pixels and the
        per-landmark scores (T, K).
    frames
        (T,) frame indices in the video.
    times_s
        (T,) frame times in seconds.
    attrs
        Provenance attributes (see the module docstring).

    Raises
    ------
    ValueError
        If the shapes disagree (says which array and the expected shape).
    """
    keypoints = all_keypoints()
    n_t, n_k = len(frames), len(keypoints)
    expected = {"position": (n_t, 2, n_k), **{name: (n_t, n_k) for name in _PER_POINT_VARS}}
    for name, shape in expected.items():
        got = np.shape(arrays.get(name))
        if got != shape:
            raise ValueError(f"Landmark array {name!r}: expected shape {shape}, got {got}.")
    if np.shape(times_s) != (n_t,):
        raise ValueError(f"times_s: expected shape ({n_t},), got {np.shape(times_s)}.")
    per_point = ("time", "keypoint", "individual")
    data_vars = {
        "position": (
            ("time", "space", "keypoint", "individual"),
            np.asarray(arrays["position"], float)[..., None],
        ),
        **{
            name: (per_point, np.asarray(arrays[name], float)[..., None])
            for name in _PER_POINT_VARS
        },
    }
    coords = {
        "time": np.asarray(times_s, float),
        "frame": ("time", np.asarray(frames, np.int64)),
        "space": ["x", "y"],
        "keypoint": [keypoint_name(p, n) for p, n in keypoints],
        "part": ("keypoint", [p for p, _ in keypoints]),
        "landmark": ("keypoint", [n for _, n in keypoints]),
        "individual": [INDIVIDUAL],
    }
    ds = xr.Dataset(data_vars, coords=coords, attrs=dict(attrs or {}))
    ds["position"].attrs["units"] = "px"
    ds["time"].attrs["units"] = "s"
    return ds


def to_dataframe(ds: xr.Dataset, layout: Layout | str = Layout.LONG) -> pd.DataFrame:
    """A pandas view of a landmarks dataset.

    Parameters
    ----------
    ds
        Landmarks dataset (see the module docstring).
    layout
        ``"long"`` (one row per frame x landmark) or ``"wide"`` (one row per frame).
    """
    try:
        layout = Layout(layout)
    except ValueError:
        valid = [m.value for m in Layout]
        raise ValueError(f"Unknown layout {layout!r}; expected one of {valid}.") from None
    infant = ds.sel(individual=INDIVIDUAL)
    n_t, n_k = infant.sizes["time"], infant.sizes["keypoint"]
    frames = infant["frame"].values
    times = infant["time"].values
    if layout is Layout.WIDE:
        columns: dict[str, Any] = {"frame": frames, "time_s": times}
        for i, name in enumerate(infant["keypoint"].values):
            columns[f"{name}_x"] = infant["position"].values[:, 0, i]
            columns[f"{name}_y"] = infant["position"].values[:, 1, i]
            columns[f"{name}_confidence"] = infant["confidence"].values[:, i]
        return pd.DataFrame(columns)
    return pd.DataFrame(
        {
            "frame": np.repeat(frames, n_k),
            "time_s": np.repeat(times, n_k),
            "part": np.tile(infant["part"].values.astype(str), n_t),
            "landmark": np.tile(infant["landmark"].values.astype(str), n_t),
            "x_px": infant["position"].values[:, 0, :].ravel(),
            "y_px": infant["position"].values[:, 1, :].ravel(),
            "z": infant["depth_z"].values.ravel(),
            "visibility": infant["visibility"].values.ravel(),
            "presence": infant["presence"].values.ravel(),
        }
    )


def from_dataframe(table: pd.DataFrame, attrs: dict[str, Any] | None = None) -> xr.Dataset:
    """Rebuild a landmarks dataset from its long table (inverse of :func:`to_dataframe`)."""
    required = ["frame", "time_s", "part", "landmark", "x_px", "y_px", "z", "visibility",
                "presence"]
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise ValueError(f"Landmark table lacks columns {missing}; expected {required}.")
    keypoints = all_keypoints()
    index = {kp: i for i, kp in enumerate(keypoints)}
    frames_table = table[["frame", "time_s"]].drop_duplicates("frame").sort_values("frame")
    frames = frames_table["frame"].to_numpy()
    row_of_frame = {f: i for i, f in enumerate(frames)}
    rows = table["frame"].map(row_of_frame).to_numpy()
    cols = np.array([index[(p, n)] for p, n in zip(table["part"], table["landmark"], strict=True)])
    arrays = empty_arrays(len(frames))
    arrays["position"][rows, 0, cols] = table["x_px"].to_numpy(float)
    arrays["position"][rows, 1, cols] = table["y_px"].to_numpy(float)
    arrays["depth_z"][rows, cols] = table["z"].to_numpy(float)
    arrays["visibility"][rows, cols] = table["visibility"].to_numpy(float)
    arrays["presence"][rows, cols] = table["presence"].to_numpy(float)
    is_pose = np.array([keypoints[c][0] == "pose" for c in cols])
    arrays["confidence"][rows, cols] = np.where(
        is_pose, table["visibility"].to_numpy(float), table["presence"].to_numpy(float)
    )
    return build_dataset(arrays, frames, frames_table["time_s"].to_numpy(float), attrs)


def save_landmarks(ds: xr.Dataset, path: str | Path) -> Path:
    """Write a landmarks dataset to Parquet (long layout), attributes in the file metadata.

    The file is written atomically (:func:`motorobs.io.atomic.atomic_path`), so a crash
    never leaves a half-written landmarks file that a later run would trust.
    """
    path = Path(path)
    table = pa.Table.from_pandas(to_dataframe(ds, Layout.LONG), preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[_METADATA_KEY] = json.dumps(ds.attrs, default=str).encode()
    table = table.replace_schema_metadata(metadata)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)
    return path


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The provenance attributes stored in a landmarks Parquet file, without the data."""
    path = Path(path)
    try:
        raw = (pq.read_schema(path).metadata or {}).get(_METADATA_KEY)
    except (OSError, pa.ArrowInvalid) as exc:
        raise LandmarksFileError(
            f"{path}: not a readable landmarks file ({exc}). Delete it to recompute."
        ) from exc
    return json.loads(raw) if raw else {}


def load_landmarks(path: str | Path) -> xr.Dataset:
    """Read a landmarks file written by :func:`save_landmarks`."""
    path = Path(path)
    if not path.is_file():
        raise LandmarksFileError(f"{path}: no such landmarks file; run `motorobs analyze` first.")
    attrs = read_metadata(path)
    try:
        table = pq.read_table(path).to_pandas()
        return from_dataframe(table, attrs)
    except (OSError, pa.ArrowInvalid, ValueError, KeyError) as exc:
        raise LandmarksFileError(
            f"{path}: not a readable landmarks file ({exc}). Delete it to recompute."
        ) from exc
