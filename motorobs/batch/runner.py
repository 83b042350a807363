"""The batch runner: which clips of a batch need analysing, running them, and the manifest.

:func:`run_batch` is what ``motorobs analyze`` and the web app's job queue call. It locks
the output folder, reads the manifest, skips clips already done with the same inputs, runs
the rest on an executor (:mod:`motorobs.batch.executors`), records every state change in the
manifest as it happens, and finally rebuilds ``summary.csv`` and ``index.html`` from the
per-clip files on disk. The batch never holds a clip's full result: workers write their
outputs and send back a few numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import motorobs
from motorobs.batch.executors import (
    EventCallback,
    Executor,
    JobEvent,
    JobFinished,
    JobStarted,
    make_executor,
)
from motorobs.batch.jobs import (
    ClipJob,
    config_fingerprint,
    model_fingerprints,
)
from motorobs.batch.lock import OutputLock
from motorobs.batch.manifest import ClipInputs, ClipRecord, Manifest
from motorobs.config import AnalysisConfig
from motorobs.errors import MotorobsError
from motorobs.io.atomic import remove_leftovers

CLIP_OUTPUTS: tuple[str, ...] = ("metrics.json", "events.csv")
"""Files a clip marked ``done`` must still have for its outputs to be trusted."""


class BatchInterrupted(KeyboardInterrupt):
    """The run was stopped (Ctrl-C); :attr:`summary` says what was done."""

    def __init__(self, summary: BatchSummary) -> None:
        super().__init__("batch interrupted")
        self.summary = summary


@dataclass
class BatchSummary:
    """What a batch run did, by clip name."""

    output_root: Path
    analysed: list[str] = field(default_factory=list)
    """Clips analysed in this run."""
    skipped: list[str] = field(default_factory=list)
    """Clips already done with the same inputs (not analysed again)."""
    failures: list[tuple[str, str]] = field(default_factory=list)
    """``(clip or file, one-line reason)``: failed in this run, failed before and not
    retried, and paths that were not videos."""
    interrupted: list[str] = field(default_factory=list)
    """Clips stopped or never started because the run was stopped."""

    @property
    def done(self) -> list[str]:
        return self.analysed + self.skipped

    @property
    def ok(self) -> bool:
        return not self.failures and not self.interrupted


def clip_name(video: Path) -> str:
    """A clip's name and output folder: the video's file name without its suffix."""
    return Path(video).stem


def check_collisions(videos: Sequence[Path]) -> None:
    """Raise ``ValueError`` if two videos would write to the same output folder."""
    seen: dict[str, Path] = {}
    for video in videos:
        other = seen.setdefault(clip_name(video), Path(video))
        if Path(other) != Path(video):
            raise ValueError(f"{other} and {video} would both write to the folder "
                             f"{clip_name(video)!r}; rename one of them.")


def _outputs_present(clip_dir: Path) -> bool:
    return all((clip_dir / name).is_file() for name in CLIP_OUTPUTS)


def plan(
    videos: Sequence[Path],
    output_root: Path,
    config_fingerprint: str,
    models: tuple[tuple[str, str], ...],
    latest: dict[str, ClipRecord],
    *,
    retry_failed: bool = False,
    force: bool = False,
) -> tuple[list[ClipRecord], list[str], list[tuple[str, str]]]:
    """Decide, for every video, whether it must be analysed.

    ``config_fingerprint`` and ``models`` are the current settings' and bundles'
    (:func:`~motorobs.batch.jobs.config_fingerprint`,
    :func:`~motorobs.batch.jobs.model_fingerprints`); ``latest`` the manifest's records.

    Returns
    -------
    (to_run, skipped, failures)
        ``queued`` records of the clips to analyse; names of clips done with the same
        inputs whose outputs are all present; ``(clip, reason)`` of clips that failed with
        the same inputs before (not retried without ``retry_failed``) or whose video cannot
        be read. ``force``: every readable video is analysed.
    """
    from motorobs.io.hashing import file_sha256

    to_run, skipped, failures = [], [], []
    for video in videos:
        clip = clip_name(video)
        try:
            sha = file_sha256(video)
        except OSError as exc:
            failures.append((Path(video).name, f"{video}: cannot be read "
                             f"({exc.strerror or exc}); check the file and its permissions."))
            continue
        inputs = ClipInputs(sha, config_fingerprint, models, motorobs.__version__)
        previous = latest.get(clip)
        same = not force and previous is not None and previous.inputs == inputs
        if same and previous.state == "done" and _outputs_present(output_root / clip):
            skipped.append(clip)
        elif same and previous.state == "failed" and not retry_failed:
            failures.append((clip, f"{previous.reason} (not retried: add --retry-failed "
                                   "to try again)"))
        else:
            to_run.append(ClipRecord(clip, str(video), "queued", inputs))
    return to_run, skipped, failures


def run_batch(
    videos: Iterable[str | Path],
    output_root: str | Path,
    config: AnalysisConfig | None = None,
    *,
    workers: int = 1,
    scheduler=None,
    executor: Executor | None = None,
    native_log: Path | None = None,
    retry_failed: bool = False,
    force: bool = False,
    reuse_landmarks: bool = True,
    extra_failures: Iterable[tuple[str, str]] = (),
    on_event: EventCallback | None = None,
    on_plan: Callable[[list[ClipRecord], list[str]], None] | None = None,
) -> BatchSummary:
    """Analyse a batch of videos into ``output_root``, resumably.

    Parameters
    ----------
    videos
        Video files; each clip's outputs go to ``<output_root>/<video stem>/``.
    output_root
        The batch's output folder (created if missing), with ``manifest.jsonl``.
    config
        Analysis settings (defaults when ``None``).
    workers
        Local worker processes (1: in this process). Never more than there are clips to run.
    scheduler
        A Dask scheduler address (``tcp://HOST:8786``) or ``distributed.Client``: run the
        clips on that cluster instead (see docs/batch.md).
    executor
        Where the jobs run, overriding ``workers`` and ``scheduler``.
    native_log
        Where local worker processes send what native libraries print on stderr.
    retry_failed
        Analyse again clips that failed before with the same inputs.
    force
        Analyse every clip again, also those done with the same inputs.
    reuse_landmarks
        Let a clip whose inputs changed (e.g. a metric setting) reuse its saved landmarks
        when they were made from the same video, models and pose settings.
    extra_failures
        ``(name, reason)`` of inputs that were not videos (listed in the index).
    on_event
        Called with every :mod:`~motorobs.batch.executors` event, after the manifest
        recorded it (progress displays).
    on_plan
        Called once with the clips to run and the clips skipped, before any runs.

    Returns
    -------
    BatchSummary

    Raises
    ------
    BatchInterrupted
        On Ctrl-C: the work in progress is stopped, the manifest records those clips as
        ``interrupted``, and the index is rebuilt from what was done.
    motorobs.batch.lock.OutputFolderBusyError
        Another run holds the output folder.
    motorobs.errors.ModelError
        The model bundles are missing and cannot be downloaded.
    ValueError
        Two videos would write to the same clip folder.
    """
    config = config or AnalysisConfig()
    output_root = Path(output_root)
    videos = [Path(v) for v in videos]
    check_collisions(videos)
    summary = BatchSummary(output_root, failures=list(extra_failures))
    with OutputLock(output_root):
        manifest = Manifest(output_root)
        manifest.compact()
        remove_leftovers(output_root)
        models = model_fingerprints(config) if videos else ()
        to_run, skipped, failures = plan(videos, output_root, config_fingerprint(config),
                                         models, manifest.read(),
                                         retry_failed=retry_failed, force=force)
        summary.skipped += skipped
        summary.failures += failures
        records = {r.clip: r for r in to_run}
        for record in to_run:
            remove_leftovers(output_root / record.clip)
            manifest.append(record)
        if on_plan:
            on_plan(to_run, skipped)
        jobs = [ClipJob(r.clip, r.video, str(output_root / r.clip), config.to_dict(),
                        reuse_landmarks) for r in to_run]
        finished: set[str] = set()
        if executor is None:
            executor = make_executor(max(1, min(workers, len(jobs))), scheduler, native_log)

        def record_event(event: JobEvent) -> None:
            if isinstance(event, JobStarted):
                records[event.clip] = records[event.clip].moved_to("running",
                                                                    worker=event.worker)
                manifest.append(records[event.clip])
            elif isinstance(event, JobFinished):
                outcome = event.outcome
                records[outcome.clip] = records[outcome.clip].moved_to(
                    outcome.state, reason=outcome.reason, seconds=round(outcome.seconds, 2),
                    frames=outcome.frames, worker=outcome.worker or None)
                manifest.append(records[outcome.clip])
                finished.add(outcome.clip)
                if outcome.state == "done":
                    summary.analysed.append(outcome.clip)
                else:
                    summary.failures.append((outcome.clip, outcome.reason or "failed"))
            if on_event:
                on_event(event)

        try:
            executor.run(jobs, record_event)
        except KeyboardInterrupt:
            for clip, record in records.items():
                if clip not in finished:
                    reason = ("stopped while running" if record.state == "running"
                              else "stopped before it started")
                    manifest.append(record.moved_to(
                        "interrupted", reason=f"{reason}; run the same command again to "
                                              "analyse it"))
                    summary.interrupted.append(clip)
            write_index(output_root, summary.failures)
            raise BatchInterrupted(summary) from None
        write_index(output_root, summary.failures)
    return summary


def write_index(output_root: Path, extra_failures: Iterable[tuple[str, str]] = ()) -> None:
    """Rebuild ``summary.csv`` and ``index.html`` from the clip folders on disk: every clip
    the manifest records as ``done``, plus the failures (the manifest's ``failed`` and
    ``interrupted`` clips and ``extra_failures``)."""
    from motorobs.report import write_batch_index

    latest = Manifest(output_root).read()
    failures = dict(extra_failures)
    for clip, record in latest.items():
        if record.state in ("failed", "interrupted") and clip not in failures:
            failures[clip] = record.reason or record.state
    done = [clip for clip, r in latest.items()
            if r.state == "done" and _outputs_present(output_root / clip)]
    write_batch_index(output_root, list(failures.items()), clips=sorted(done))


def rebuild_reports(output_root: str | Path) -> tuple[list[str], list[tuple[str, str]]]:
    """Render every done clip's ``report.html`` again from its saved outputs, then the
    index and summary (``motorobs report``). Needs neither the videos nor MediaPipe.

    Clips are those the manifest records as done; without a manifest, every subfolder with
    a ``metrics.json``.

    Returns
    -------
    (rebuilt, problems)
        Clips whose report was rebuilt, and ``(clip, reason)`` for those that could not be.

    Raises
    ------
    FileNotFoundError
        ``output_root`` is not a folder.
    """
    from motorobs.report import rebuild_clip_report

    output_root = Path(output_root)
    if not output_root.is_dir():
        raise FileNotFoundError(f"{output_root}: no such results folder; give the folder "
                                "that `motorobs analyze -o` wrote.")
    with OutputLock(output_root):
        manifest = Manifest(output_root)
        latest = manifest.read()
        if latest:
            clips = sorted(c for c, r in latest.items() if r.state == "done")
        else:
            clips = sorted(p.parent.name for p in output_root.glob("*/metrics.json"))
        rebuilt, problems = [], []
        for clip in clips:
            try:
                rebuild_clip_report(output_root / clip)
                rebuilt.append(clip)
            except MotorobsError as exc:  # its message names the folder and the fix
                problems.append((clip, str(exc)))
            except Exception as exc:  # one broken clip folder must not stop the others
                problems.append((clip, f"{output_root / clip}: {type(exc).__name__}: {exc}"))
        if latest:
            write_index(output_root, problems)
        else:
            from motorobs.report import write_batch_index

            write_batch_index(output_root, problems, clips=rebuilt)
    return rebuilt, problems
