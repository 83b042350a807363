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
``motorobs_version``, ``estimator``, ``people_note`` and more; and, as in movement's poses
datasets, ``ds_type="poses"``, ``source_software``, ``fps`` and ``time_unit="seconds"``.

Keypoints from other tools (COCO, DeepLabCut, SLEAP, OpenPose; :mod:`motorobs.io.formats`)
go through the same validated constructor, :func:`from_skeleton`: each keypoint is named by
the motorobs body part it is (:mod:`motorobs.skeletons`), else by the tool's own name (coord
``source_keypoint`` keeps the tool's names, ``part`` is ``"other"`` for keypoints that are no
body part). ``attrs["skeleton"]`` holds the source skeleton (JSON) and
``attrs["missing_body_parts"]`` the JSON list of motorobs body parts the source has no
keypoint for (``[]`` for MediaPipe). Sources without depth get ``depth_z = 0`` (every point
in the picture's plane, ``attrs["depth"] = "none"``), and ``visibility`` and ``presence``
equal to ``confidence``.
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
from motorobs.skeletons import BODY_PARTS, MEDIAPIPE, Skeleton

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
    ``presence``, ``confidence`` (T, K), in :data:`motorobs.skeletons.BODY_PARTS` order
    (MediaPipe's skeleton).
    """
    k = len(BODY_PARTS)
    arrays = {"position": np.full((n_frames, 2, k), np.nan)}
    arrays.update({name: np.full((n_frames, k), np.nan) for name in _PER_POINT_VARS})
    return arrays


def _part_and_landmark(body_part: str | None, source_name: str) -> tuple[str, str]:
    """``("pose", "left_wrist")``, ``("left_hand", "wrist")`` or ``("other", name)``."""
    if body_part is None:
        return "other", source_name
    for hand in ("left_hand", "right_hand"):
        if body_part.startswith(hand + "_"):
            return hand, body_part[len(hand) + 1:]
    return "pose", body_part


def _dataset_keypoint(part: str, landmark: str) -> str:
    return landmark if part in ("pose", "other") else f"{part}_{landmark}"


def _check_shape(name: str, array: Any, shape: tuple[int, ...], hint: str = "") -> np.ndarray:
    got = np.shape(array)
    if got != shape:
        raise ValueError(f"Landmark array {name!r}: expected shape {shape}{hint}, got {got}.")
    values = np.asarray(array, float)
    if np.isinf(values).any():
        raise ValueError(f"Landmark array {name!r}: infinite values; use NaN for a keypoint "
                         "that was not seen.")
    return values


def from_skeleton(
    position: np.ndarray,
    skeleton: Skeleton,
    fps: float,
    *,
    confidence: np.ndarray | None = None,
    times_s: np.ndarray | None = None,
    frames: np.ndarray | None = None,
    source_software: str,
    per_point: dict[str, np.ndarray] | None = None,
    attrs: dict[str, Any] | None = None,
) -> xr.Dataset:
    """The one validated constructor of a landmarks dataset, from any skeleton.

    Parameters
    ----------
    position
        (T, 2, K) x, y in pixels of the upright frame (x right, y down), K keypoints in
        ``skeleton.keypoints`` order; NaN where a keypoint was not seen.
    skeleton
        The source's skeleton (:mod:`motorobs.skeletons`).
    fps
        Frame rate of the video the keypoints come from (frames per second, > 0).
    confidence
        (T, K) score of each keypoint (0..1, the higher the surer; NaN when unknown).
        ``None``: 1 where the position is known (e.g. human labels), NaN elsewhere.
    times_s
        (T,) strictly increasing frame times in seconds; default ``frames / fps``.
    frames
        (T,) strictly increasing frame indices in the video; default ``0 .. T-1``.
    source_software
        The tool the keypoints come from (movement's ``source_software``: ``"MediaPipe"``,
        ``"DeepLabCut"``, ``"SLEAP"``, ``"OpenPose"``, ``"COCO"`` ...).
    per_point
        Optional (T, K) ``depth_z``, ``visibility``, ``presence``; missing ones are
        ``depth_z = 0`` where the position is known (no depth) and ``visibility = presence
        = confidence``.
    attrs
        Further attributes (provenance; ``frame_width``, ``frame_height`` in pixels).

    Returns
    -------
    xarray.Dataset
        Dims ``time, space, keypoint, individual`` (one individual, ``"infant"``), the
        variables and coords of the module docstring, and the attributes ``ds_type``,
        ``source_software``, ``fps``, ``time_unit``, ``skeleton``, ``missing_body_parts``.

    Raises
    ------
    ValueError
        Wrong shapes (names the array and the expected shape), infinite values, fps not a
        positive number, times or frames not increasing, two keypoints with one name.
    """
    k = len(skeleton.keypoints)
    if np.ndim(position) != 3:
        raise ValueError(f"Landmark array 'position': expected shape (T, 2, {k}) for the "
                         f"{skeleton.name!r} skeleton, got {np.shape(position)}.")
    n_t = np.shape(position)[0]
    if n_t < 1:
        raise ValueError("Landmark array 'position': no frames (T = 0).")
    hint = f" (T, 2, K={k} keypoints of the {skeleton.name!r} skeleton)"
    position = _check_shape("position", position, (n_t, 2, k), hint)
    try:
        fps = float(fps)
    except (TypeError, ValueError):
        raise ValueError(f"fps: expected a positive number of frames per second, got "
                         f"{fps!r}.") from None
    if not (np.isfinite(fps) and fps > 0):
        raise ValueError(f"fps: expected a positive number of frames per second, got {fps}.")
    seen = np.isfinite(position).all(axis=1)
    if confidence is None:
        confidence = np.where(seen, 1.0, np.nan)
    confidence = _check_shape("confidence", confidence, (n_t, k))
    frames = np.arange(n_t) if frames is None else np.asarray(frames)
    if np.shape(frames) != (n_t,):
        raise ValueError(f"frames: expected shape ({n_t},), got {np.shape(frames)}.")
    times_s = frames / fps if times_s is None else times_s
    times_s = _check_shape("times_s", times_s, (n_t,))
    for name, values in (("frames", frames), ("times_s", times_s)):
        if not np.isfinite(values).all() or (np.diff(values) <= 0).any():
            raise ValueError(f"{name}: expected strictly increasing finite values, one per "
                             "frame.")
    extra = dict(per_point or {})
    unknown = set(extra) - {"depth_z", "visibility", "presence"}
    if unknown:
        raise ValueError(f"per_point: unknown arrays {sorted(unknown)}; expected depth_z, "
                         "visibility, presence.")
    attrs = dict(attrs or {})
    if "depth_z" not in extra:
        extra["depth_z"] = np.where(seen, 0.0, np.nan)
        attrs["depth"] = "none"
    for name in ("visibility", "presence"):
        extra.setdefault(name, confidence)
    arrays = {name: _check_shape(name, extra[name], (n_t, k)) for name in extra}
    arrays["confidence"] = confidence
    names = skeleton.dataset_names()
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise ValueError(f"Skeleton {skeleton.name!r}: keypoints {clashes} would share one name "
                         "in the dataset (a keypoint named as another's body part); rename or "
                         "map them with aliases.")
    parts = [_part_and_landmark(skeleton.body_part(kp), kp) for kp in skeleton.keypoints]
    point_dims = ("time", "keypoint", "individual")
    data_vars = {
        "position": (("time", "space", "keypoint", "individual"), position[..., None]),
        **{name: (point_dims, arrays[name][..., None]) for name in _PER_POINT_VARS},
    }
    coords = {
        "time": times_s,
        "frame": ("time", frames.astype(np.int64)),
        "space": ["x", "y"],
        "keypoint": list(names),
        "part": ("keypoint", [p for p, _ in parts]),
        "landmark": ("keypoint", [n for _, n in parts]),
        "source_keypoint": ("keypoint", list(skeleton.keypoints)),
        "individual": [INDIVIDUAL],
    }
    attrs.update({
        "ds_type": "poses",
        "source_software": source_software,
        "fps": fps,
        "time_unit": "seconds",
        "skeleton": skeleton.to_json(),
        "missing_body_parts": json.dumps(list(skeleton.missing_body_parts())),
    })
    ds = xr.Dataset(data_vars, coords=coords, attrs=attrs)
    ds["position"].attrs["units"] = "px"
    ds["time"].attrs["units"] = "s"
    return ds


def build_dataset(
    arrays: dict[str, np.ndarray],
    frames: np.ndarray,
    times_s: np.ndarray,
    attrs: dict[str, Any] | None = None,
) -> xr.Dataset:
    """Assemble and validate a MediaPipe landmarks dataset from per-frame arrays
    (through :func:`from_skeleton` with :data:`motorobs.skeletons.MEDIAPIPE`).

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
        Provenance attributes (see the module docstring); ``fps`` is taken from them, else
        from ``frames`` and ``times_s`` (1 for a single image).

    Raises
    ------
    ValueError
        If the shapes disagree (says which array and the expected shape).
    """
    n_t, n_k = len(frames), len(BODY_PARTS)
    expected = {"position": (n_t, 2, n_k), **{name: (n_t, n_k) for name in _PER_POINT_VARS}}
    for name, shape in expected.items():
        _check_shape(name, arrays.get(name), shape)
    attrs = dict(attrs or {})
    fps = attrs.pop("fps", None) or _fps_from(np.asarray(frames), np.asarray(times_s, float))
    return from_skeleton(
        arrays["position"], MEDIAPIPE, fps, confidence=arrays["confidence"], times_s=times_s,
        frames=frames, source_software="MediaPipe",
        per_point={name: arrays[name] for name in ("depth_z", "visibility", "presence")},
        attrs=attrs,
    )


def _fps_from(frames: np.ndarray, times_s: np.ndarray) -> float:
    if len(frames) >= 2 and times_s[-1] > times_s[0]:
        return float((frames[-1] - frames[0]) / (times_s[-1] - times_s[0]))
    return 1.0


def skeleton_of(ds: xr.Dataset) -> Skeleton:
    """The source skeleton of a landmarks dataset (MediaPipe's when not recorded)."""
    text = ds.attrs.get("skeleton")
    return Skeleton.from_json(text) if text else MEDIAPIPE


def missing_body_parts(ds: xr.Dataset) -> list[str]:
    """The motorobs body parts the dataset's source has no keypoint for
    (``attrs["missing_body_parts"]``; none when not recorded)."""
    return list(json.loads(ds.attrs.get("missing_body_parts") or "[]"))


def with_all_body_parts(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with every motorobs body part as a keypoint (:data:`~motorobs.skeletons.
    BODY_PARTS` first, then the source's other keypoints): the ones its source lacks are
    NaN. Returned unchanged when nothing is missing (MediaPipe)."""
    names = [str(k) for k in ds["keypoint"].values]
    if set(BODY_PARTS) <= set(names):
        return ds
    have = set(names)
    order = list(BODY_PARTS) + [n for n in names if n not in set(BODY_PARTS)]
    filled = ds.reindex(keypoint=order)
    missing = [n for n in order if n not in have]
    if "depth_z" not in ds:
        return filled
    return filled.assign(depth_z=filled["depth_z"].where(
        ~filled["keypoint"].isin(missing), np.nan))


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
    attrs = dict(attrs or {})
    skeleton = skeleton_of(xr.Dataset(attrs=attrs))
    keypoints = [_part_and_landmark(skeleton.body_part(k), k) for k in skeleton.keypoints]
    index = {kp: i for i, kp in enumerate(keypoints)}
    frames_table = table[["frame", "time_s"]].drop_duplicates("frame").sort_values("frame")
    frames = frames_table["frame"].to_numpy()
    times = frames_table["time_s"].to_numpy(float)
    row_of_frame = {f: i for i, f in enumerate(frames)}
    rows = table["frame"].map(row_of_frame).to_numpy()
    pairs = list(zip(table["part"], table["landmark"], strict=True))
    unknown = sorted({f"{p}/{n}" for p, n in pairs if (p, n) not in index})
    if unknown:
        raise ValueError(f"Landmark table has keypoints {unknown[:5]} that the skeleton "
                         f"{skeleton.name!r} does not have.")
    cols = np.array([index[pair] for pair in pairs], dtype=int)
    n_t, n_k = len(frames), len(keypoints)
    position = np.full((n_t, 2, n_k), np.nan)
    position[rows, 0, cols] = table["x_px"].to_numpy(float)
    position[rows, 1, cols] = table["y_px"].to_numpy(float)
    per_point = {}
    for name, column in (("depth_z", "z"), ("visibility", "visibility"),
                         ("presence", "presence")):
        per_point[name] = np.full((n_t, n_k), np.nan)
        per_point[name][rows, cols] = table[column].to_numpy(float)
    is_hand = np.array([keypoints[c][0] in ("left_hand", "right_hand") for c in cols], bool)
    confidence = np.full((n_t, n_k), np.nan)
    confidence[rows, cols] = np.where(
        is_hand, table["presence"].to_numpy(float), table["visibility"].to_numpy(float)
    )
    fps = attrs.pop("fps", None) or _fps_from(frames, times)
    return from_skeleton(position, skeleton, fps, confidence=confidence, times_s=times,
                         frames=frames, source_software=str(attrs.pop("source_software",
                                                                      "MediaPipe")),
                         per_point=per_point, attrs=attrs)


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
