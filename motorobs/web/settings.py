"""The web app's settings: where data lives, limits, and how clips are analysed."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motorobs.batch.executors import JobFunction
from motorobs.batch.jobs import run_clip_job

DB_FILE = "motorobs.sqlite3"
"""The embedded database's file name inside the data folder."""
DEFAULT_MAX_UPLOAD_BYTES = 1 << 30
"""Largest accepted video file: 1 GiB."""


def default_workers() -> int:
    """Analysis worker processes by default: one per CPU core, leaving one for the server
    when there are several."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores - 1)


@dataclass(frozen=True)
class WebSettings:
    """Everything ``motorobs serve`` can be told (see docs/web.md).

    Attributes
    ----------
    data_dir
        Folder for the database (SQLite), uploaded videos and results.
    db_url
        SQLAlchemy URL of the database; ``None``: SQLite in ``data_dir``.
    max_upload_bytes
        Largest accepted file, enforced while the upload streams in.
    max_files_per_upload
        Most files in one upload request.
    delete_videos_when_done
        Delete a raw video once its analysis is done (reports still open).
    workers
        Local analysis worker processes; ``0`` runs jobs inside the server process (tests).
    scheduler
        Dask scheduler address (``tcp://HOST:8786``): analyse on that cluster instead; the
        data folder must then be on a share the workers see at the same path.
    analysis
        Overrides of :class:`motorobs.config.AnalysisConfig` (e.g. ``{"pose": {...}}``).
    session_idle_minutes, session_max_hours
        A login session ends after this long without a request, or this long after login.
    login_max_failures, login_window_minutes
        Sign-in is refused for an account after this many failed attempts within the
        window (and for a client address after five times as many).
    job_function
        What analyses one clip (:func:`motorobs.batch.run_clip_job`; a stand-in in tests).
    start_queue
        Run the background job queue (tests of pages alone switch it off).
    """

    data_dir: Path
    db_url: str | None = None
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    max_files_per_upload: int = 50
    delete_videos_when_done: bool = False
    workers: int = field(default_factory=default_workers)
    scheduler: str | None = None
    analysis: dict[str, Any] = field(default_factory=dict)
    session_idle_minutes: int = 120
    session_max_hours: int = 12
    login_max_failures: int = 5
    login_window_minutes: int = 15
    job_function: JobFunction = run_clip_job
    start_queue: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir).resolve())
        if self.max_upload_bytes < 1:
            raise ValueError("the upload size limit must be at least 1 byte.")
        if self.workers < 0:
            raise ValueError(f"workers must be 0 or more, got {self.workers}.")

    @property
    def database_url(self) -> str:
        """The database URL in use (SQLite in the data folder by default)."""
        return self.db_url or f"sqlite:///{self.data_dir / DB_FILE}"
