"""What runs in a worker process around each clip's analysis.

:func:`guarded_job` wraps the job function (:func:`motorobs.batch.run_clip_job`, or a
stand-in in tests) so that

* one clip folder is written by one job at a time: the job holds an exclusive lock on the
  clip's folder (the same lock file as ``motorobs analyze``), and a second attempt waits
  for the first to end.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from motorobs.batch.executors import JobFunction
from motorobs.batch.jobs import ClipJob, ClipOutcome, ProgressCallback
from motorobs.batch.lock import LOCK_FILE


@contextlib.contextmanager
def clip_folder_lock(folder: str | Path) -> Iterator[None]:
    """Hold the clip folder's exclusive lock, waiting for another holder to finish."""
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} (motorobs web)\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def guarded_job(job: ClipJob, progress: ProgressCallback | None = None, *,
                inner: JobFunction) -> ClipOutcome:
    """Run ``inner(job, progress)`` under the guards described in the module docstring.

    A local worker process dies with the server whatever kills it: the batch executor's
    workers ask for that themselves (:func:`motorobs.batch.executors.die_with_parent`)."""
    with clip_folder_lock(job.output_dir):
        return inner(job, progress)


def guarded(inner: JobFunction) -> JobFunction:
    """A picklable job function: ``inner`` wrapped by :func:`guarded_job`."""
    return partial(guarded_job, inner=inner)
