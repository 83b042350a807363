"""Keypoint files of other tools, read into and written from motorobs' landmarks dataset.

One module per format, each with ``sniff(path) -> bool`` (does the content look like this
format), ``read(path, *, fps=None, ...) -> xarray.Dataset`` and ``write(ds, path) -> Path``;
the table :data:`FORMATS` names them, with the suffixes that suggest each. :func:`read` picks
the format by suffix and content (or takes the one given) and says clearly when it cannot;
:func:`write` picks it by suffix. Each format's page under docs/formats/ gives its keypoint
names and the body parts they map to.

========== ================================ ========================= =====================
name       tool / file                      suffixes                  needs
========== ================================ ========================= =====================
dlc        DeepLabCut CSV or HDF5           .csv, .h5                 tables (HDF5 only)
sleap      SLEAP labels (sleap-io)          .slp                      sleap-io
openpose   OpenPose per-frame JSON          a folder, .json           -
coco       COCO keypoint JSON               .json                     -
movement   movement netCDF                  .nc                       h5netcdf or netCDF4
parquet    motorobs landmarks.parquet       .parquet                  -
========== ================================ ========================= =====================

The optional libraries come with ``pip install "motorobs[formats]"``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import xarray as xr

from motorobs.io.formats._common import FormatError


@dataclass(frozen=True)
class Format:
    """A registered format: ``module`` holds its ``sniff``, ``read`` and ``write``."""

    name: str
    title: str
    suffixes: tuple[str, ...]
    module: str
    folder: bool = False
    """Whether a folder (rather than a file) holds it."""

    def load(self) -> ModuleType:
        """The format's module (imported on first use)."""
        return importlib.import_module(self.module)


FORMATS: dict[str, Format] = {}
"""Registered formats by name, in the order they are tried."""


def register_format(fmt: Format) -> Format:
    """Add (or replace) a format; its module must define ``sniff``, ``read``, ``write``."""
    FORMATS[fmt.name] = fmt
    return fmt


for _fmt in (
    Format("dlc", "DeepLabCut", (".csv", ".h5", ".hdf5"), "motorobs.io.formats.dlc"),
    Format("sleap", "SLEAP", (".slp",), "motorobs.io.formats.sleap"),
    Format("openpose", "OpenPose", (".json",), "motorobs.io.formats.openpose", folder=True),
    Format("coco", "COCO keypoints", (".json",), "motorobs.io.formats.coco"),
    Format("movement", "movement netCDF", (".nc", ".netcdf"), "motorobs.io.formats.movement"),
    Format("parquet", "motorobs Parquet", (".parquet",), "motorobs.io.formats.parquet"),
):
    register_format(_fmt)


def _get(name: str, path: Path) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(f"{path}: unknown format {name!r}; choose one of "
                          f"{', '.join(FORMATS)}.") from None


def detect_format(path: str | Path) -> str:
    """The name of the format ``path`` is in, by suffix and content.

    Raises
    ------
    FormatError
        No such file or folder, or no registered format recognises it (lists them).
    """
    path = Path(path)
    if not path.exists():
        raise FormatError(f"{path}: no such file or folder; check the path.")
    suffix = path.suffix.lower()
    candidates = [f for f in FORMATS.values()
                  if (f.folder and path.is_dir()) or (path.is_file() and suffix in f.suffixes)]
    for fmt in candidates:
        if fmt.load().sniff(path):
            return fmt.name
    known = "; ".join(f"{f.name} ({f.title}: {'a folder or ' if f.folder else ''}"
                      f"{', '.join(f.suffixes)})" for f in FORMATS.values())
    tried = f" (looked like none of {[f.name for f in candidates]})" if candidates else ""
    raise FormatError(f"{path}: not a keypoint file motorobs can read{tried}. Known formats: "
                      f"{known}. Name one with format=... (--format) if the file is one.")


def read(path: str | Path, format: str | None = None, **kwargs: Any) -> xr.Dataset:
    """Read a keypoint file of any registered format into a landmarks dataset.

    Parameters
    ----------
    path
        The file (or, for OpenPose, the folder of ``*_keypoints.json``).
    format
        A name in :data:`FORMATS`; ``None`` detects it (:func:`detect_format`).
    **kwargs
        Passed to the format's ``read``: ``fps`` (frames per second, for formats that do
        not record it), and format-specific options (see each module).

    Returns
    -------
    xarray.Dataset
        Built by :func:`motorobs.landmarks.from_skeleton`: positions in pixels, the
        source's skeleton and ``missing_body_parts`` in ``attrs``.
    """
    path = Path(path)
    fmt = _get(format, path) if format else FORMATS[detect_format(path)]
    if not path.exists():
        raise FormatError(f"{path}: no such file or folder; check the path.")
    return fmt.load().read(path, **kwargs)


def write(ds: xr.Dataset, path: str | Path, format: str | None = None) -> Path:
    """Write a landmarks dataset in a registered format (by default the one the suffix of
    ``path`` names: .csv/.h5 DeepLabCut, .slp SLEAP, .nc movement, .parquet motorobs;
    ``.json`` needs ``format="coco"`` or ``"openpose"``)."""
    path = Path(path)
    if format is None:
        matches = [f for f in FORMATS.values() if path.suffix.lower() in f.suffixes]
        if len(matches) != 1:
            raise FormatError(f"{path}: cannot tell the format from the suffix "
                              f"{path.suffix!r}; name one of {', '.join(FORMATS)}.")
        format = matches[0].name
    return _get(format, path).load().write(ds, path)


__all__ = ["FORMATS", "Format", "FormatError", "detect_format", "read", "register_format",
           "write"]
