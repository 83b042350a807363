"""Batch processing: many clips, in parallel, resumable, on one machine or a Dask cluster.

The command line (``motorobs analyze``, ``motorobs report``) and the web app's job queue both
use this package:

* :mod:`~motorobs.batch.runner`: :func:`run_batch` (plan, run, record, index) and
  :func:`rebuild_reports`;
* :mod:`~motorobs.batch.manifest`: the ``manifest.jsonl`` of clip states and their inputs;
* :mod:`~motorobs.batch.lock`: one run per output folder;
* :mod:`~motorobs.batch.jobs`: one clip's analysis as a picklable job;
* :mod:`~motorobs.batch.executors`: in this process, local worker processes, or Dask.
"""

from motorobs.batch.executors import (
    DaskExecutor,
    InProcessExecutor,
    JobFinished,
    JobProgress,
    JobStarted,
    LocalProcessExecutor,
    make_executor,
)
from motorobs.batch.jobs import ClipJob, ClipOutcome, run_clip_job
from motorobs.batch.lock import OutputFolderBusyError, OutputLock
from motorobs.batch.manifest import MANIFEST_FILE, ClipRecord, Manifest
from motorobs.batch.runner import BatchInterrupted, BatchSummary, rebuild_reports, run_batch

__all__ = [
    "MANIFEST_FILE",
    "BatchInterrupted",
    "BatchSummary",
    "ClipJob",
    "ClipOutcome",
    "ClipRecord",
    "DaskExecutor",
    "InProcessExecutor",
    "JobFinished",
    "JobProgress",
    "JobStarted",
    "LocalProcessExecutor",
    "Manifest",
    "OutputFolderBusyError",
    "OutputLock",
    "make_executor",
    "rebuild_reports",
    "run_batch",
    "run_clip_job",
]
