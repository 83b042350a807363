"""movement's netCDF files (``ds.to_netcdf`` of a movement poses dataset).

Written: the landmarks dataset itself (dims ``time, space, keypoint, individual``; variables
``position`` in pixels and ``confidence``, plus motorobs' ``depth_z``, ``visibility``,
``presence``; attributes ``ds_type="poses"``, ``source_software``, ``fps``,
``time_unit="seconds"`` and motorobs' provenance as strings and numbers), so that
``xarray.open_dataset`` gives a dataset movement's functions take as it is. movement before
0.17 named two dims in the plural (``keypoints``, ``individuals``); both spellings are read.

Read: any movement poses dataset (from DeepLabCut, SLEAP, LightningPose ... loaded with
movement and saved): keypoint names go through :meth:`motorobs.skeletons.Skeleton.from_names`
unless the file records motorobs' skeleton; 3-D positions keep x and y.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from motorobs.io.atomic import atomic_path
from motorobs.io.formats._common import FormatError, build, need_fps, require
from motorobs.landmarks import INDIVIDUAL
from motorobs.skeletons import Skeleton

LEGACY_DIMS = {"keypoints": "keypoint", "individuals": "individual"}
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
NETCDF3_MAGIC = b"CDF"


def _engine(path: Path) -> str:
    for module, engine in (("h5netcdf", "h5netcdf"), ("netCDF4", "netcdf4")):
        try:
            __import__(module)
            return engine
        except ImportError:
            continue
    require("h5netcdf", path, "movement's netCDF files")
    return "h5netcdf"  # pragma: no cover (require raised)


def sniff(path: Path) -> bool:
    """An HDF5 (netCDF-4) or netCDF-3 file."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    return head == HDF5_MAGIC or head.startswith(NETCDF3_MAGIC)


def read(path: Path, *, fps: float | None = None, individual: str | None = None,
         aliases: dict[str, str] | None = None) -> xr.Dataset:
    """Read a movement netCDF poses file.

    Parameters
    ----------
    fps
        Frame rate, when the file has none (``time_unit="frames"``).
    individual
        Which individual; default ``"infant"`` if there is one, else the first.
    aliases
        Keypoint name -> motorobs body part, for names the alias table does not know.
    """
    try:
        with xr.open_dataset(path, engine=_engine(path)) as opened:
            ds = opened.load()
    except (OSError, ValueError) as exc:
        raise FormatError(f"{path}: not a readable netCDF file ({exc}).") from exc
    ds = ds.rename({k: v for k, v in LEGACY_DIMS.items() if k in ds.dims})
    missing = {"position"} - set(ds.data_vars) or {"time", "space", "keypoint"} - set(ds.dims)
    if missing:
        raise FormatError(f"{path}: not a movement poses dataset (no {sorted(missing)}); "
                          "expected the variable 'position' with dims time, space, keypoint.")
    if "individual" not in ds.dims:
        ds = ds.expand_dims(individual=[INDIVIDUAL])
    names = [str(i) for i in ds["individual"].values]
    chosen = individual or (INDIVIDUAL if INDIVIDUAL in names else names[0])
    if chosen not in names:
        raise FormatError(f"{path}: no individual {chosen!r}; the file has {names}.")
    one = ds.sel(individual=chosen)
    time_unit = ds.attrs.get("time_unit", "seconds")
    stored_fps = ds.attrs.get("fps")
    fps = need_fps(path, fps, stored_fps if stored_fps else None, "this netCDF")
    times = np.asarray(one["time"].values, float)
    if time_unit == "frames":
        frames, times = times.astype(np.int64), times / fps
    elif "frame" in one.coords:
        frames = np.asarray(one["frame"].values, np.int64)
    else:
        frames = np.rint(times * fps).astype(np.int64)
    position = one["position"].sel(space=["x", "y"]).transpose("time", "space", "keypoint")
    keypoints = [str(k) for k in one["keypoint"].values]
    if ds.attrs.get("skeleton"):
        skeleton = Skeleton.from_json(ds.attrs["skeleton"])
        keypoints = [str(k) for k in one["source_keypoint"].values] \
            if "source_keypoint" in one.coords else keypoints
    else:
        skeleton = Skeleton.from_names("movement", keypoints, aliases=aliases)
    confidence = None
    if "confidence" in one and one["confidence"].dims == ("time", "keypoint"):
        confidence = one["confidence"].transpose("time", "keypoint").values
    per_point = {name: one[name].transpose("time", "keypoint").values
                 for name in ("depth_z", "visibility", "presence") if name in one}
    if ds.attrs.get("depth") == "none":
        per_point.pop("depth_z", None)
    attrs = {k: v for k, v in ds.attrs.items()
             if k not in {"ds_type", "fps", "time_unit", "source_software", "skeleton",
                          "missing_body_parts"}}
    if sorted(keypoints) != sorted(skeleton.keypoints):
        raise FormatError(f"{path}: the keypoints {keypoints} differ from those of the skeleton "
                          "recorded in its attributes.")
    inverse = [keypoints.index(k) for k in skeleton.keypoints]  # file column of each keypoint
    return build(path, position.values[:, :, inverse], skeleton, fps,
                 source_software=str(ds.attrs.get("source_software") or "movement"),
                 confidence=None if confidence is None else confidence[:, inverse],
                 times_s=times, frames=frames, attrs=attrs,
                 per_point={k: v[:, inverse] for k, v in per_point.items()})


def _netcdf_attr(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (str, int, float, np.integer, np.floating)):
        return value
    return json.dumps(value, default=str)


def write(ds: xr.Dataset, path: Path) -> Path:
    """Write ``ds`` as a movement netCDF file (atomically)."""
    engine = _engine(path)
    out = ds.copy()
    out.attrs = {k: _netcdf_attr(v) for k, v in ds.attrs.items() if v is not None}
    for name in out.coords:
        if out[name].dtype == object:
            out[name] = out[name].astype(str)
    with atomic_path(Path(path)) as tmp:
        out.to_netcdf(tmp, engine=engine)
    return Path(path)
