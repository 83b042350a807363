"""The data folder's layout: uploaded videos, clip results and uploads in progress.

::

    DATA/
      motorobs.sqlite3     the embedded database (when no --db-url is given)
      videos/<name>.<ext>  uploaded videos, under generated names only
      results/<name>/      each clip's analysis outputs (report.html, metrics.json, ...)
      tmp/                 uploads being received (deleted at start and on failure)
      logs/workers.log     what native libraries print in the worker processes

File names are generated (:func:`new_stored_name`); an uploaded file's own name is never
used on disk.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

ORPHAN_AGE_S = 3600.0
"""Files without a database row are only swept when older than this (s): an upload on
another server sharing the folder may be about to add its row."""


def new_stored_name() -> str:
    """A fresh random name for a clip's video and result folder (32 hex digits)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Storage:
    """Paths inside one data folder."""

    root: Path

    @property
    def videos(self) -> Path:
        return self.root / "videos"

    @property
    def results(self) -> Path:
        return self.root / "results"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def create(self) -> None:
        """Make the folders (private to the server's user: this is health data)."""
        for folder in (self.root, self.videos, self.results, self.tmp, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                folder.chmod(0o700)

    def video_path(self, stored_name: str, suffix: str) -> Path:
        return self.videos / f"{stored_name}{suffix}"

    def result_dir(self, stored_name: str) -> Path:
        return self.results / stored_name

    def delete_clip_files(self, stored_name: str, video_file: str | None) -> None:
        """Delete a clip's video and result folder (missing ones are fine)."""
        if video_file:
            (self.videos / video_file).unlink(missing_ok=True)
        shutil.rmtree(self.result_dir(stored_name), ignore_errors=True)

    def clear_tmp(self) -> int:
        """Delete uploads that were being received when the server stopped."""
        removed = 0
        for leftover in self.tmp.iterdir() if self.tmp.is_dir() else ():
            with contextlib.suppress(OSError):
                if leftover.is_dir():
                    shutil.rmtree(leftover)
                else:
                    leftover.unlink()
                removed += 1
        return removed

    def sweep_orphans(self, known_names: set[str]) -> int:
        """Delete videos and result folders no clip row names (left by a crash between
        deleting a clip's rows and its files), if older than :data:`ORPHAN_AGE_S`."""
        removed, cutoff = 0, time.time() - ORPHAN_AGE_S
        for path in [*self.videos.glob("*"), *self.results.glob("*")]:
            name = path.name.split(".", 1)[0]
            if name in known_names:
                continue
            with contextlib.suppress(OSError):
                if path.stat().st_mtime > cutoff:
                    continue
                if path.is_dir():
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed += 1
        return removed
