"""Executors run every job once, report events in order, and survive a crashing worker.

The job functions here are stand-ins (no MediaPipe): top-level, so that worker processes and
Dask can import them.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from motorobs.batch.executors import (
    InProcessExecutor,
    JobFinished,
    JobProgress,
    JobStarted,
    LocalProcessExecutor,
)
from motorobs.batch.jobs import ClipJob, ClipOutcome


def count_frames(job: ClipJob, progress) -> ClipOutcome:
    """Writes the pid into the clip folder; 'frames' = length of the clip name."""
    n = len(job.clip)
    for k in range(1, n + 1):
        if progress:
            progress(k, n)
    Path(job.output_dir).mkdir(parents=True, exist_ok=True)
    Path(job.output_dir, "pid").write_text(str(os.getpid()))
    return ClipOutcome(job.clip, "done", frames=n, worker=str(os.getpid()))


def crash_on_bad(job: ClipJob, progress) -> ClipOutcome:
    """Kills its own process on the clip called 'bad' (a native crash stand-in)."""
    if job.clip == "bad":
        os._exit(3)
    return count_frames(job, progress)


def jobs_in(tmp_path, names):
    return [ClipJob(n, f"{n}.mp4", str(tmp_path / n), {}) for n in names]


def run(executor, jobs):
    events = []
    executor.run(jobs, events.append)
    return events


def clip_of(event) -> str:
    return event.outcome.clip if isinstance(event, JobFinished) else event.clip


def check_every_job_once(events, names):
    finished = [e.outcome.clip for e in events if isinstance(e, JobFinished)]
    assert sorted(finished) == sorted(names)
    for name in names:
        kinds = [type(e) for e in events if clip_of(e) == name]
        assert kinds[0] is JobStarted and kinds[-1] is JobFinished


def test_in_process_runs_jobs_in_order_with_frame_progress(tmp_path):
    names = ["one", "three"]
    events = run(InProcessExecutor(count_frames), jobs_in(tmp_path, names))
    check_every_job_once(events, names)
    progress = [(e.frames_done, e.frames_total) for e in events
                if isinstance(e, JobProgress) and e.clip == "three"]
    assert progress[-1] == (5, 5)
    assert (tmp_path / "one" / "pid").read_text() == str(os.getpid())


def test_worker_processes_share_the_jobs(tmp_path):
    names = ["a1", "b22", "c333", "d4444", "e55555"]
    events = run(LocalProcessExecutor(2, run=count_frames), jobs_in(tmp_path, names))
    check_every_job_once(events, names)
    pids = {(tmp_path / n / "pid").read_text() for n in names}
    assert str(os.getpid()) not in pids and 1 <= len(pids) <= 2


def test_a_crashing_worker_fails_its_clip_and_the_others_finish(tmp_path):
    names = ["good1", "bad", "good2", "good3"]
    events = run(LocalProcessExecutor(2, run=crash_on_bad), jobs_in(tmp_path, names))
    check_every_job_once(events, names)
    outcome = {e.outcome.clip: e.outcome for e in events if isinstance(e, JobFinished)}
    assert outcome["bad"].state == "failed"
    assert "stopped unexpectedly" in outcome["bad"].reason
    assert "exit code 3" in outcome["bad"].reason
    assert all(outcome[n].state == "done" for n in names if n != "bad")


def test_dask_cluster_runs_every_job(tmp_path):
    distributed = pytest.importorskip("distributed")
    from motorobs.batch.executors import DaskExecutor

    names = ["x1", "y22", "z333"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        events = run(DaskExecutor(client, run=count_frames), jobs_in(tmp_path, names))
    check_every_job_once(events, names)
    assert all((tmp_path / n / "pid").read_text() != str(os.getpid()) for n in names)


ORPHAN_PARENT = """
import sys, time
from pathlib import Path
from motorobs.batch.executors import LocalProcessExecutor
from motorobs.batch.jobs import ClipJob
from tests.batch.test_executors import sleep_then_write
out = Path(sys.argv[1])
LocalProcessExecutor(1, run=sleep_then_write).run(
    [ClipJob("slow", "slow.mp4", str(out / "slow"), {})], lambda event: None)
"""


def sleep_then_write(job: ClipJob, progress) -> ClipOutcome:
    """Announces its pid, sleeps, then writes a file: an orphan would write it."""
    folder = Path(job.output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "worker.pid").write_text(str(os.getpid()))
    import time

    time.sleep(3)
    (folder / "late_write").write_text("an orphan wrote this")
    return ClipOutcome(job.clip, "done")


def test_workers_die_with_a_parent_killed_by_sigkill(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    parent = subprocess.Popen([sys.executable, "-c", ORPHAN_PARENT, str(tmp_path)],
                              cwd=Path(__file__).resolve().parents[2])
    pid_file = tmp_path / "slow" / "worker.pid"
    deadline = time.monotonic() + 60
    while not pid_file.is_file() or not pid_file.read_text():
        assert time.monotonic() < deadline, "the worker never started"
        time.sleep(0.05)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    time.sleep(4)
    assert not (tmp_path / "slow" / "late_write").exists()
