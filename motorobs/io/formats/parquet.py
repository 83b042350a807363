"""motorobs' own ``landmarks.parquet`` (:func:`motorobs.landmarks.save_landmarks`): the
long table, attributes (skeleton included) in the file metadata. Lossless."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from motorobs.landmarks import load_landmarks, save_landmarks

MAGIC = b"PAR1"


def sniff(path: Path) -> bool:
    """A Parquet file (its first bytes)."""
    with open(path, "rb") as handle:
        return handle.read(4) == MAGIC


def read(path: Path, *, fps: float | None = None) -> xr.Dataset:
    """Read ``landmarks.parquet``; ``fps`` is ignored (the file records it)."""
    return load_landmarks(path)


def write(ds: xr.Dataset, path: Path) -> Path:
    """Write ``ds`` as ``landmarks.parquet`` (atomically)."""
    return save_landmarks(ds, path)
