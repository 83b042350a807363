"""Where clip jobs run: in this process, in local worker processes, or on a Dask cluster.

Every executor has one method, ``run(jobs, on_event)``: it runs the jobs and calls
``on_event`` in the calling thread with a :class:`JobStarted`, any number of
:class:`JobProgress` and one :class:`JobFinished` per job. On ``KeyboardInterrupt`` it
stops the work in progress (worker processes are terminated, Dask tasks cancelled) and
re-raises; outputs are written atomically, so a stopped clip leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from motorobs.batch.jobs import ClipJob, ClipOutcome, ProgressCallback, run_clip_job, worker_name

PROGRESS_INTERVAL_S = 0.5
"""Worker processes report frame progress at most this often (s)."""
WORKER_POLL_S = 0.5
"""How often (s) the parent checks that its worker processes are alive."""


@dataclass(frozen=True)
class JobStarted:
    clip: str
    worker: str


@dataclass(frozen=True)
class JobProgress:
    clip: str
    frames_done: int
    frames_total: int


@dataclass(frozen=True)
class JobFinished:
    outcome: ClipOutcome


JobEvent = JobStarted | JobProgress | JobFinished
EventCallback = Callable[[JobEvent], None]
JobFunction = Callable[[ClipJob, ProgressCallback | None], ClipOutcome]
"""What runs one job: :func:`motorobs.batch.jobs.run_clip_job` (another top-level function
in tests)."""


class Executor(Protocol):
    """Runs clip jobs (see the module docstring)."""

    workers: int

    def run(self, jobs: Sequence[ClipJob], on_event: EventCallback) -> None: ...


class InProcessExecutor:
    """Runs the jobs one after the other in this process (``--workers 1``)."""

    workers = 1

    def __init__(self, run: JobFunction = run_clip_job) -> None:
        self._run = run

    def run(self, jobs: Sequence[ClipJob], on_event: EventCallback) -> None:
        for job in jobs:
            on_event(JobStarted(job.clip, worker_name()))

            def progress(done: int, total: int, clip: str = job.clip) -> None:
                on_event(JobProgress(clip, done, total))

            on_event(JobFinished(self._run(job, progress)))


def die_with_parent(parent_pid: int) -> None:
    """In a worker process: ask Linux to kill this process when its parent dies, even by
    SIGKILL (``PR_SET_PDEATHSIG``), so that no orphan goes on writing into clip folders
    after the run that started it is gone (and its output-folder lock with it). Exits at
    once if the parent is already gone. Elsewhere than Linux this does nothing."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:
        os._exit(1)


def _worker_main(jobs: queue.Queue, events: queue.Queue, slot: int,
                 native_log: str | None, run: JobFunction, parent_pid: int) -> None:
    """Body of a local worker process: run the jobs it is sent until it gets ``None``."""
    die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    if native_log:  # MediaPipe's native chatter goes to the run's log, not the terminal
        with open(native_log, "ab") as log:
            os.dup2(log.fileno(), 2)
    while (job := jobs.get()) is not None:
        events.put(("started", slot, job.clip, worker_name()))
        last = 0.0

        def progress(done: int, total: int, clip: str = job.clip) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL_S or done == total:
                last = now
                events.put(("progress", slot, clip, done, total))

        events.put(("finished", slot, run(job, progress)))


class LocalProcessExecutor:
    """Runs the jobs in ``workers`` worker processes on this machine.

    Each worker runs one clip at a time; the parent hands out the next clip when a worker
    is free. A worker that dies (a crash in a native library on a damaged file) fails its
    clip with a reason and is replaced. Worker processes are started with ``spawn`` (no
    MediaPipe state is inherited) and ignore Ctrl-C; the parent terminates them.

    Parameters
    ----------
    workers
        Number of worker processes (at least 1).
    native_log
        File that receives what native libraries print on the workers' stderr.
    run
        The job function (a top-level function, so that it can be sent to the workers).
    """

    def __init__(self, workers: int, native_log: Path | None = None,
                 run: JobFunction = run_clip_job) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}.")
        self.workers = workers
        self.native_log = str(native_log) if native_log else None
        self._run = run

    def run(self, jobs: Sequence[ClipJob], on_event: EventCallback) -> None:
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        events = context.Queue()
        pending = deque(jobs)
        slots: dict[int, tuple] = {}  # slot -> (process, its job queue)
        running: dict[int, ClipJob] = {}
        started: set[str] = set()

        def start(slot: int) -> None:
            inbox = context.Queue()
            process = context.Process(target=_worker_main,
                                      args=(inbox, events, slot, self.native_log,
                                            self._run, os.getpid()),
                                      name=f"motorobs-worker-{slot}", daemon=True)
            process.start()
            slots[slot] = (process, inbox)

        def hand_out(slot: int) -> None:
            inbox = slots[slot][1]
            if pending:
                running[slot] = pending.popleft()
                inbox.put(running[slot])
            else:
                running.pop(slot, None)
                inbox.put(None)

        try:
            for slot in range(min(self.workers, len(pending))):
                start(slot)
                hand_out(slot)
            while running:
                try:
                    message = events.get(timeout=WORKER_POLL_S)
                except queue.Empty:
                    self._replace_dead_workers(slots, running, started, start, hand_out,
                                               on_event)
                    continue
                kind, slot = message[0], message[1]
                if kind == "started":
                    started.add(message[2])
                    on_event(JobStarted(message[2], message[3]))
                elif kind == "progress":
                    on_event(JobProgress(message[2], message[3], message[4]))
                elif kind == "finished":
                    on_event(JobFinished(message[2]))
                    hand_out(slot)
        finally:
            self._stop(slots)

    @staticmethod
    def _replace_dead_workers(slots, running, started, start, hand_out, on_event) -> None:
        for slot, job in list(running.items()):
            process = slots[slot][0]
            if process.is_alive():
                continue
            if job.clip not in started:  # its "started" message died with it
                on_event(JobStarted(job.clip, f"pid {process.pid}"))
            on_event(JobFinished(ClipOutcome(
                job.clip, "failed",
                f"{job.video}: the analysis process stopped unexpectedly (exit code "
                f"{process.exitcode}); the file may be damaged. Check that it plays, then run "
                "again with --retry-failed.", worker=f"pid {process.pid}")))
            start(slot)
            hand_out(slot)

    @staticmethod
    def _stop(slots: dict[int, tuple]) -> None:
        for process, inbox in slots.values():
            if process.is_alive():
                process.terminate()
            inbox.close()
        for process, _ in slots.values():
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join()


class DaskExecutor:
    """Sends the jobs to a Dask distributed cluster (``pip install "motorobs[dask]"``).

    The workers must see the videos and the output folder at the same paths as this
    machine (a shared folder); they write the outputs there themselves, atomically. Progress
    is reported per clip (not per frame).

    Parameters
    ----------
    scheduler
        Address of the scheduler (``tcp://HOST:8786``), or a ``distributed.Client``.
    """

    def __init__(self, scheduler, run: JobFunction = run_clip_job) -> None:
        self._run = run
        try:
            import distributed
        except ImportError as exc:
            raise ImportError(
                'Dask is not installed: pip install "motorobs[dask]" to run on a cluster.'
            ) from exc
        self._distributed = distributed
        self._own_client = not isinstance(scheduler, distributed.Client)
        self.client = distributed.Client(scheduler) if self._own_client else scheduler
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def run(self, jobs: Sequence[ClipJob], on_event: EventCallback) -> None:
        futures = {}
        try:
            for job in jobs:
                future = self.client.submit(self._run, job, None, pure=False,
                                            key=f"motorobs-{job.clip}-{os.getpid()}-{id(job)}")
                futures[future] = job
                on_event(JobStarted(job.clip, "dask"))
            for future in self._distributed.as_completed(list(futures)):
                job = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker died or the task could not run
                    outcome = ClipOutcome(job.clip, "failed",
                                          f"{job.video}: the Dask worker failed "
                                          f"({type(exc).__name__}: {exc}); run again with "
                                          "--retry-failed.", worker="dask")
                on_event(JobFinished(outcome))
        finally:
            unfinished = [f for f in futures if not f.done()]
            if unfinished:
                with contextlib.suppress(Exception):
                    self.client.cancel(unfinished)
            if self._own_client:
                with contextlib.suppress(Exception):
                    self.client.close()


def make_executor(workers: int, scheduler=None, native_log: Path | None = None) -> Executor:
    """The executor for ``--workers`` and ``--scheduler``: Dask when a scheduler is given,
    else worker processes for more than one worker, else this process."""
    if scheduler:
        return DaskExecutor(scheduler)
    if workers > 1:
        return LocalProcessExecutor(workers, native_log)
    return InProcessExecutor()
