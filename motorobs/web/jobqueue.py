"""The background job queue: clips are analysed through :mod:`motorobs.batch`, and every
job's state lives in the database.

The server runs one dispatcher thread per worker slot (``--workers``). Each claims the
oldest queued job (an atomic ``UPDATE ... WHERE claimed_by IS NULL``, so two servers sharing
a database never take the same job), runs it on an executor of its own (a local worker
process by default, the Dask cluster when a scheduler is configured) and records each event:
``running`` with the worker, frame progress (at most once a second per job), then ``done`` or
``failed`` with a reason a therapist understands. A job uploaded while others run starts as
soon as a slot is free, and a worker process never outlives its clip.

Nothing is lost when the server dies: a claim names its server instance and is refreshed
by a heartbeat; at start (and then regularly) claims of a server that is gone (its process
is dead on this machine, or its heartbeat is older than :data:`STALE_AFTER_S`) are
released, and those jobs run again. Worker processes die with the server
(:mod:`motorobs.web.worker`), and a clip's folder is locked while a job writes it, so a
clip is never analysed by two processes at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import or_, select, update

from motorobs.batch.executors import (
    DaskExecutor,
    Executor,
    InProcessExecutor,
    JobEvent,
    JobFinished,
    JobProgress,
    JobStarted,
    LocalProcessExecutor,
)
from motorobs.batch.jobs import ClipJob, ClipOutcome
from motorobs.config import AnalysisConfig
from motorobs.web.db import Database
from motorobs.web.models import Clip, Job, utcnow
from motorobs.web.settings import WebSettings
from motorobs.web.storage import Storage
from motorobs.web.worker import guarded

logger = logging.getLogger("motorobs.web")

POLL_S = 2.0
"""How often an idle queue looks for jobs queued by another server."""
HEARTBEAT_S = 15.0
STALE_AFTER_S = 120.0
"""A claim whose heartbeat is older than this (s) belongs to a server that is gone."""
PROGRESS_EVERY_S = 1.0
RETRY_AFTER_ERROR_S = 10.0


def instance_name() -> str:
    """``host:pid:random``: this server process, distinct across restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claim_is_dead(claimed_by: str, me: str) -> bool:
    """Whether the server named in a claim is certainly gone (same machine only)."""
    try:
        host, pid, _ = claimed_by.rsplit(":", 2)
        pid_number = int(pid)
    except ValueError:
        return True
    my_host, my_pid, _ = me.rsplit(":", 2)
    if host != my_host or claimed_by == me:
        return False
    return pid_number == int(my_pid) or not _pid_alive(pid_number)


def therapist_reason(reason: str | None, video: str, name: str) -> str:
    """A failure reason as the app shows it: the clip's uploaded name instead of the stored
    path, and what to do in the app instead of command-line options."""
    text = reason or f"{name}: the analysis failed."
    if video:
        text = text.replace(video, name)
    if "internal error" in text:
        return (f"{name}: the analysis stopped on an internal error (it is recorded in the "
                "clip's analysis log). Try again; if it fails again, tell your administrator.")
    text = re.sub(r"(then )?run (it )?again with --retry-failed", r"\1press ‘Try again’", text)
    return text


@dataclass(frozen=True)
class ClaimedJob:
    job_id: int
    clip: ClipJob
    name: str


class JobQueue:
    """Runs queued jobs in the background (see the module docstring)."""

    def __init__(self, database: Database, settings: WebSettings, storage: Storage) -> None:
        self.db = database
        self.settings = settings
        self.storage = storage
        self.instance = instance_name()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._config = AnalysisConfig().with_overrides(**settings.analysis).to_dict()

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> None:
        """Release the claims of servers that are gone, then start the dispatcher."""
        self.release_stale_claims()
        targets = [(self._dispatch, f"motorobs-jobs-{k}") for k in range(self.slots)]
        for target, name in [*targets, (self._heartbeat, "motorobs-heartbeat")]:
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def wake(self) -> None:
        """Look for new jobs now (called after an upload)."""
        self._wake.set()

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the workers; unfinished jobs stay queued and run at the next start."""
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._release_own_claims()

    # -- the dispatcher ----------------------------------------------------------------
    def _dispatch(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                ran = self.run_once()
            except KeyboardInterrupt:
                break
            except Exception:  # never let the queue die: log, wait, go on
                logger.exception("job queue: unexpected error; retrying shortly")
                self._release_own_claims()
                self._stopping.wait(RETRY_AFTER_ERROR_S)
                continue
            if not ran:
                self._wake.wait(POLL_S)

    @property
    def slots(self) -> int:
        """Jobs analysed at once: ``workers`` (one in the server process for ``0``)."""
        return max(1, self.settings.workers)

    def run_once(self, limit: int = 1) -> int:
        """Claim up to ``limit`` queued jobs and run them to the end; returns how many."""
        self.release_stale_claims()
        claimed = self.claim(limit)
        if claimed:
            self._wake.set()  # there may be more: an idle slot looks too
            self._run(claimed)
        return len(claimed)

    def claim(self, limit: int) -> list[ClaimedJob]:
        """Take up to ``limit`` queued jobs, oldest first, for this server."""
        claimed: list[ClaimedJob] = []
        missing: list[tuple[int, str]] = []
        with self.db.session() as db:
            rows = db.execute(
                select(Job.id, Clip.stored_name, Clip.video_file, Clip.original_name)
                .join(Clip, Clip.id == Job.clip_id)
                .where(Job.state == "queued", Job.claimed_by.is_(None))
                .order_by(Job.id).limit(limit)).all()
            for job_id, stored, video_file, name in rows:
                taken = db.execute(update(Job).where(
                    Job.id == job_id, Job.state == "queued", Job.claimed_by.is_(None))
                    .values(claimed_by=self.instance, heartbeat_at=utcnow()))
                if taken.rowcount != 1:
                    continue
                video = self.storage.videos / video_file if video_file else None
                if video is None or not video.is_file():
                    missing.append((job_id, name))
                    continue
                claimed.append(ClaimedJob(job_id, ClipJob(
                    stored, str(video), str(self.storage.result_dir(stored)), self._config),
                    name))
        for job_id, name in missing:
            self._finish(job_id, ClipOutcome(str(job_id), "failed", (
                f"{name}: the video file is no longer stored (it was deleted after an earlier "
                "analysis); upload it again to analyse it.")), None)
        return claimed

    def _executor(self) -> Executor:
        """Where one slot's jobs run: Dask, this process (``workers=0``), or a worker
        process of its own."""
        run = guarded(self.settings.job_function)
        if self.settings.scheduler:
            return DaskExecutor(self.settings.scheduler, run=run)
        if self.settings.workers == 0:
            return InProcessExecutor(run)
        return LocalProcessExecutor(1, native_log=self.storage.logs / "workers.log", run=run)

    def _run(self, claimed: list[ClaimedJob]) -> None:
        by_clip = {c.clip.clip: c for c in claimed}
        finished: set[str] = set()
        last_progress: dict[str, float] = {}

        def on_event(event: JobEvent) -> None:
            try:
                if isinstance(event, JobStarted):
                    self._started(by_clip[event.clip].job_id, event.worker)
                elif isinstance(event, JobProgress):
                    now = time.monotonic()
                    if now - last_progress.get(event.clip, 0.0) >= PROGRESS_EVERY_S or \
                            event.frames_done == event.frames_total:
                        last_progress[event.clip] = now
                        self._progress(by_clip[event.clip].job_id, event.frames_done,
                                       event.frames_total)
                elif isinstance(event, JobFinished):
                    finished.add(event.outcome.clip)
                    self._finish(by_clip[event.outcome.clip].job_id, event.outcome,
                                 by_clip[event.outcome.clip])
            except Exception:
                logger.exception("job queue: could not record %r", event)
            if self._stopping.is_set():
                raise KeyboardInterrupt  # the executors stop their workers on this

        try:
            self._executor().run([c.clip for c in claimed], on_event)
        except KeyboardInterrupt:
            logger.info("job queue: stopped; unfinished jobs run at the next start")
        except Exception:
            logger.exception("job queue: the executor failed; the jobs are queued again")
            self._stopping.wait(RETRY_AFTER_ERROR_S)
        finally:
            self._release([c.job_id for c in claimed if c.clip.clip not in finished])

    # -- recording events --------------------------------------------------------------
    def _started(self, job_id: int, worker: str) -> None:
        with self.db.session() as db:
            db.execute(update(Job).where(Job.id == job_id, Job.claimed_by == self.instance)
                       .values(state="running", worker=worker[:128], started_at=utcnow(),
                               attempts=Job.attempts + 1, frames_done=0, frames_total=0,
                               heartbeat_at=utcnow()))

    def _progress(self, job_id: int, done: int, total: int) -> None:
        with self.db.session() as db:
            db.execute(update(Job).where(Job.id == job_id, Job.claimed_by == self.instance)
                       .values(frames_done=done, frames_total=total))

    def _finish(self, job_id: int, outcome: ClipOutcome, claimed: ClaimedJob | None) -> None:
        delete_video: Path | None = None
        with self.db.session() as db:
            job = db.get(Job, job_id)
            if job is None or (claimed is not None and job.claimed_by != self.instance):
                if claimed is not None and job is None:
                    self._discard_deleted(db, claimed)
                return
            clip = db.get(Clip, job.clip_id)
            job.state = "done" if outcome.state == "done" else "failed"
            job.reason = None if job.state == "done" else therapist_reason(
                outcome.reason, claimed.clip.video if claimed else "", clip.original_name)
            if outcome.frames is not None:
                job.frames_done = job.frames_total = outcome.frames
            job.finished_at = utcnow()
            job.claimed_by = None
            if job.started_at is None:
                job.started_at = job.finished_at
            if job.state == "done" and self.settings.delete_videos_when_done and clip.video_file:
                delete_video = self.storage.videos / clip.video_file
                clip.video_file = None
        if delete_video is not None:
            delete_video.unlink(missing_ok=True)

    def _discard_deleted(self, db, claimed: ClaimedJob) -> None:
        """The clip was deleted while it was analysed: delete what the job wrote."""
        if db.scalar(select(Clip.id).where(Clip.stored_name == claimed.clip.clip)) is None:
            self.storage.delete_clip_files(claimed.clip.clip, Path(claimed.clip.video).name)

    # -- claims ------------------------------------------------------------------------
    def _release(self, job_ids: list[int] | None) -> None:
        """Queue again this server's unfinished jobs (``None``: all of them)."""
        if job_ids is not None and not job_ids:
            return
        condition = [Job.claimed_by == self.instance, Job.state.in_(("queued", "running"))]
        if job_ids is not None:
            condition.append(Job.id.in_(job_ids))
        with contextlib.suppress(Exception), self.db.session() as db:
            db.execute(update(Job).where(*condition).values(
                state="queued", claimed_by=None, frames_done=0, frames_total=0))

    def _release_own_claims(self) -> None:
        self._release(None)

    def release_stale_claims(self) -> int:
        """Queue again the jobs claimed by servers that are gone; returns how many."""
        released = 0
        stale_before = utcnow() - timedelta(seconds=STALE_AFTER_S)
        with self.db.session() as db:
            rows = db.execute(select(Job.id, Job.claimed_by, Job.heartbeat_at).where(or_(
                Job.claimed_by.is_not(None), Job.state == "running"))).all()
            for job_id, claimed_by, heartbeat in rows:
                if claimed_by == self.instance:
                    continue
                gone = (claimed_by is None or claim_is_dead(claimed_by, self.instance)
                        or heartbeat is None or heartbeat < stale_before)
                if not gone:
                    continue
                condition = (Job.claimed_by.is_(None) if claimed_by is None
                             else Job.claimed_by == claimed_by)
                result = db.execute(update(Job).where(Job.id == job_id, condition,
                                                      Job.state.in_(("queued", "running")))
                                    .values(state="queued", claimed_by=None, frames_done=0,
                                            frames_total=0))
                released += result.rowcount
        if released:
            logger.info("job queue: %d job(s) of a stopped server queued again", released)
        return released

    def _heartbeat(self) -> None:
        while not self._stopping.wait(HEARTBEAT_S):
            with contextlib.suppress(Exception), self.db.session() as db:
                db.execute(update(Job).where(Job.claimed_by == self.instance)
                           .values(heartbeat_at=utcnow()))
