"""What every format module shares: its error, optional imports with an install hint, the
frame rate rule, and moving arrays between a landmarks dataset and a tool's keypoint list."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import xarray as xr

from motorobs.errors import LandmarksFileError
from motorobs.landmarks import INDIVIDUAL, from_skeleton
from motorobs.skeletons import Skeleton


class FormatError(LandmarksFileError):
    """A keypoint file cannot be read or written in the format asked for (the message names
    the file and what to do)."""


def require(module: str, path: Path, purpose: str, extra: str = "formats") -> ModuleType:
    """Import an optional library, or say which ``pip install`` brings it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise FormatError(
            f"{path}: motorobs needs the Python package {module.split('.')[0]!r} for "
            f"{purpose} ({exc}); "
            f'install it with: pip install "motorobs[{extra}]"') from exc


def need_fps(path: Path, fps: float | None, stored: Any = None, title: str = "") -> float:
    """The frame rate: the caller's, else the one stored in the file, else an error that
    says how to give it."""
    value = fps if fps is not None else stored
    if value is None:
        raise FormatError(
            f"{path}: {title or 'this'} file does not record the frame rate; pass fps=... "
            "(the video's frames per second; `motorobs analyze --landmarks` takes it from "
            "--video or --landmarks-fps).")
    return float(value)


def build(
    path: Path,
    position: np.ndarray,
    skeleton: Skeleton,
    fps: float,
    *,
    source_software: str,
    attrs: dict[str, Any] | None = None,
    **kwargs: Any,
) -> xr.Dataset:
    """:func:`motorobs.landmarks.from_skeleton`, its errors naming ``path``;
    ``attrs["source_file"]`` is the file's name and the frame size, when not given, the
    extent of the keypoints (pixels)."""
    attrs = {"source_file": path.name, **(attrs or {})}
    if "frame_width" not in attrs or "frame_height" not in attrs:
        with np.errstate(invalid="ignore"):
            extent = np.nanmax(np.asarray(position, float), axis=(0, 2)) \
                if np.isfinite(position).any() else np.array([0.0, 0.0])
        attrs.setdefault("frame_width", int(np.ceil(extent[0])) + 1)
        attrs.setdefault("frame_height", int(np.ceil(extent[1])) + 1)
        attrs["frame_size_from"] = "keypoint extent"
    try:
        return from_skeleton(position, skeleton, fps, source_software=source_software,
                             attrs=attrs, **kwargs)
    except ValueError as exc:
        raise FormatError(f"{path}: {exc}") from exc


def keypoint_arrays(ds: xr.Dataset, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(T, 2, K) positions (px) and (T, K) confidence of the keypoints ``names`` (dataset
    keypoint names: motorobs body parts or the source's own names), NaN where ``ds`` has no
    such keypoint."""
    infant = ds.isel(individual=0) if "individual" in ds.dims else ds
    have = {str(k): i for i, k in enumerate(infant["keypoint"].values)}
    xy = infant["position"].transpose("time", "space", "keypoint").values
    conf = infant["confidence"].transpose("time", "keypoint").values
    n_t = xy.shape[0]
    position = np.full((n_t, 2, len(names)), np.nan)
    confidence = np.full((n_t, len(names)), np.nan)
    for j, name in enumerate(names):
        if name in have:
            position[:, :, j] = xy[:, :, have[name]]
            confidence[:, j] = conf[:, have[name]]
    return position, confidence


def dataset_keypoints(ds: xr.Dataset) -> list[str]:
    """The dataset's keypoint names, in order."""
    return [str(k) for k in ds["keypoint"].values]


def source_name(ds: xr.Dataset) -> str:
    """A short name for exported files' metadata: the source video, else the clip."""
    return str(ds.attrs.get("source_video") or ds.attrs.get("source_file") or INDIVIDUAL)
