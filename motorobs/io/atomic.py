"""The one way motorobs writes an output file: complete or not at all.

A file is written under a unique temporary name in its own folder (``.<name>.<random>.part``),
flushed and fsynced, then renamed over the target, and the folder is fsynced. Killing the
process at any moment, even with SIGKILL, leaves either the old file or the new one, never a
half-written file under the real name; a leftover ``.part`` file is never read by motorobs
(:func:`remove_leftovers` deletes them). Two processes writing the same file never share a
temporary name.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

PART_SUFFIX = ".part"
"""Suffix of temporary files; a file ending in it is never a finished output."""


def _fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write ``path``'s content to; renamed to ``path`` on success.

    For writers that want a file name (``pyarrow.parquet.write_table``, ``cv2.imwrite``).
    On an exception the temporary file is removed and ``path`` is left as it was.

    Examples
    --------
    >>> with atomic_path(folder / "landmarks.parquet") as tmp:  # doctest: +SKIP
    ...     pq.write_table(table, tmp)
    """
    path = Path(path)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                    suffix=PART_SUFFIX)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8, or bytes) to ``path`` atomically; returns ``path``."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp:
        tmp.write_bytes(payload)
    return path


def remove_leftovers(folder: str | Path) -> int:
    """Delete temporary files that a killed writer left in ``folder`` (not recursive).

    Only call this while no other process writes into ``folder`` (hold the batch lock).
    Returns the number of files removed.
    """
    removed = 0
    for leftover in Path(folder).glob(f".*{PART_SUFFIX}"):
        with contextlib.suppress(OSError):
            leftover.unlink()
            removed += 1
    return removed
