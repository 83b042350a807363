"""DeepLabCut's pose files: CSV and HDF5 tables with three header levels
(``scorer / bodyparts / coords``; multi-animal projects add ``individuals`` after ``scorer``),
one row per frame, columns ``x``, ``y`` and ``likelihood`` per body part (labelled data,
``CollectedData_*``, has ``x`` and ``y`` only). The HDF5 file holds the same table
(pandas, key ``df_with_missing``; needs ``tables``).

Body-part names are the project's own: they are mapped to motorobs' body parts through
:func:`motorobs.skeletons.body_part_for` (``LWrist``, ``wrist_left``, ``l_wrist`` ...;
docs/formats/deeplabcut.md), or through ``aliases``. DeepLabCut records no frame rate:
``fps`` is required.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from motorobs.io.atomic import atomic_path
from motorobs.io.formats._common import (
    FormatError,
    build,
    dataset_keypoints,
    keypoint_arrays,
    need_fps,
    require,
)
from motorobs.skeletons import Skeleton

HDF5_KEY = "df_with_missing"
SCORER = "motorobs"
HDF5_SUFFIXES = (".h5", ".hdf5")


def sniff(path: Path) -> bool:
    """A CSV whose first two lines start ``scorer`` and ``bodyparts``/``individuals``, or an
    HDF5 file holding a pandas table."""
    if path.suffix.lower() in HDF5_SUFFIXES:
        with open(path, "rb") as handle:
            if handle.read(8) != b"\x89HDF\r\n\x1a\n":
                return False
        try:
            import tables
        except ImportError:
            return True  # read() says what to install
        with tables.open_file(str(path), "r") as h5:
            return any(getattr(node._v_attrs, "pandas_type", None) for node in h5.walk_groups())
    with open(path, encoding="utf-8", errors="replace") as handle:
        first, second = handle.readline(), handle.readline()
    return first.startswith("scorer") and second.split(",")[0] in ("bodyparts", "individuals")


def _table(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in HDF5_SUFFIXES:
        require("tables", path, "DeepLabCut's HDF5 files")
        try:
            table = pd.read_hdf(path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise FormatError(f"{path}: not a readable DeepLabCut HDF5 file ({exc}).") from exc
        return table
    with open(path, encoding="utf-8", errors="replace") as handle:
        handle.readline()
        levels = 4 if handle.readline().startswith("individuals") else 3
    try:
        return pd.read_csv(path, header=list(range(levels)), index_col=0)
    except (ValueError, pd.errors.ParserError, IndexError) as exc:
        raise FormatError(f"{path}: not a DeepLabCut CSV file ({exc}); expected header rows "
                          "scorer, bodyparts, coords.") from exc


def read(path: Path, *, fps: float | None = None, individual: str | None = None,
         aliases: dict[str, str] | None = None) -> xr.Dataset:
    """Read a DeepLabCut CSV or HDF5 file.

    Parameters
    ----------
    fps
        The video's frame rate (required: DeepLabCut does not record it).
    individual
        In a multi-animal file, which individual; default ``"infant"`` if there is one,
        else the first.
    aliases
        Body-part name -> motorobs body part, for names the alias table does not know.
    """
    fps = need_fps(path, fps, title="a DeepLabCut")
    table = _table(path)
    columns = table.columns
    if not isinstance(columns, pd.MultiIndex) or columns.nlevels not in (3, 4) \
            or columns.names[-1] != "coords":
        raise FormatError(f"{path}: not a DeepLabCut table; expected the column levels "
                          f"scorer, [individuals,] bodyparts, coords, got {list(columns.names)}.")
    if columns.nlevels == 4:
        names = list(dict.fromkeys(columns.get_level_values(1)))
        chosen = individual or ("infant" if "infant" in names else names[0])
        if chosen not in names:
            raise FormatError(f"{path}: no individual {chosen!r}; the file has {names}.")
        table = table.xs(chosen, axis=1, level=1)
    table = table.droplevel(0, axis=1)
    bodyparts = list(dict.fromkeys(table.columns.get_level_values(0)))
    coords = set(table.columns.get_level_values(1))
    if not {"x", "y"} <= coords:
        raise FormatError(f"{path}: the coords level has {sorted(coords)}; expected x, y "
                          "(and likelihood).")
    try:
        values = table.apply(pd.to_numeric, errors="raise")
    except (ValueError, TypeError) as exc:
        raise FormatError(f"{path}: a value is not a number ({exc}).") from exc
    position = np.stack([np.stack([values[(b, c)].to_numpy(float) for c in ("x", "y")])
                         for b in bodyparts], axis=2).transpose(1, 0, 2)
    confidence = None
    if "likelihood" in coords:
        confidence = np.stack([values[(b, "likelihood")].to_numpy(float) for b in bodyparts],
                              axis=1)
    index = pd.to_numeric(pd.Series(table.index), errors="coerce")
    frames = index.to_numpy(np.int64) if index.notna().all() and (index.diff().dropna() > 0).all() \
        else np.arange(len(table))
    skeleton = Skeleton.from_names("deeplabcut", bodyparts, aliases=aliases)
    return build(path, position, skeleton, fps, source_software="DeepLabCut",
                 confidence=confidence, frames=frames)


def to_table(ds: xr.Dataset) -> pd.DataFrame:
    """DeepLabCut's table of ``ds``: every keypoint (motorobs body-part names, or the
    source's own names), ``x``, ``y``, ``likelihood``, indexed by frame."""
    names = dataset_keypoints(ds)
    position, confidence = keypoint_arrays(ds, names)
    columns = pd.MultiIndex.from_product([[SCORER], names, ["x", "y", "likelihood"]],
                                         names=["scorer", "bodyparts", "coords"])
    data = np.stack([position[:, 0], position[:, 1], confidence], axis=2).reshape(
        position.shape[0], -1)
    return pd.DataFrame(data, columns=columns, index=np.asarray(ds["frame"].values))


def write(ds: xr.Dataset, path: Path) -> Path:
    """Write ``ds`` as a DeepLabCut CSV (``.csv``) or HDF5 (``.h5``) file."""
    table = to_table(ds)
    with atomic_path(Path(path)) as tmp:
        if Path(path).suffix.lower() in HDF5_SUFFIXES:
            require("tables", Path(path), "DeepLabCut's HDF5 files")
            table.to_hdf(tmp, key=HDF5_KEY, mode="w", format="fixed")
        else:
            table.to_csv(tmp)
    return Path(path)
