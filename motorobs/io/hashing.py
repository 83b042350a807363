"""Content hashes of files, for provenance (videos, model bundles)."""

from __future__ import annotations

import hashlib
from pathlib import Path

_CHUNK_BYTES = 1 << 20


def file_sha256(path: str | Path, chunk_bytes: int = _CHUNK_BYTES) -> str:
    """SHA-256 of a file's bytes, read in chunks so large videos never sit in memory.

    Parameters
    ----------
    path
        File to hash.
    chunk_bytes
        Bytes read at a time (default 1 MiB).

    Returns
    -------
    str
        64 lowercase hexadecimal digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()
