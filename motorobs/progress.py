"""Progress bars for analyses, the same in a terminal and in Jupyter.

Both bars are drawn by rich: in a terminal as live lines (on standard error, or the stream
the command line gives), in a Jupyter notebook as a widget that updates in place (rich needs
``ipywidgets`` there: ``pip install "motorobs[notebooks]"``; without it rich warns and prints
the bar once when it finishes). Anywhere else, e.g. output piped to a file, the final state
is printed once.

* :func:`progress_bar`: frames analysed of one clip, for ``analyze_video(..., progress=...)``;
* :class:`BatchProgress`: clips done of a batch, frames analysed and a line per worker, for
  :func:`motorobs.batch.run_batch`'s ``on_plan`` and ``on_event`` (``motorobs analyze`` and
  :func:`motorobs.analyze_folder` use it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

if TYPE_CHECKING:
    from motorobs.batch.executors import JobEvent

ProgressCallback = Callable[[int, int], None]
"""``progress(done, total)``: frames analysed so far, of ``total``."""


def _progress(console: Console | None) -> Progress:
    """A rich progress display: description, bar, done/total, elapsed and remaining time."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


@contextmanager
def progress_bar(description: str = "frames", *,
                 console: Console | None = None) -> Iterator[ProgressCallback]:
    """A progress bar over analysed frames, for :func:`motorobs.analyze_video`::

        with mo.progress_bar("my clip") as progress:
            result = mo.analyze_video("clip.mp4", progress=progress)

    Parameters
    ----------
    description
        The text before the bar.
    console
        Where to draw it (default: rich's console, which finds the terminal or Jupyter).

    Yields
    ------
    ProgressCallback
        ``progress(done, total)``, to pass as ``progress=``.
    """
    with _progress(console) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


class BatchProgress:
    """One progress display for a batch: clips done of total with ETA, frames analysed,
    and a line per worker with the clip it is on. Use it as a context manager around
    :func:`motorobs.batch.run_batch`, passing ``on_plan=display.plan`` and
    ``on_event=display.event``."""

    def __init__(self, console: Console | None = None) -> None:
        self.progress = _progress(console)
        self.clips = self.progress.add_task("clips", total=None)
        self.frames = self.progress.add_task("frames", total=None)
        self.frames_by_clip: dict[str, tuple[int, int]] = {}
        self.rows: dict[str, int] = {}
        self.worker_of: dict[str, str] = {}

    def __enter__(self) -> BatchProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)

    def plan(self, to_run: list, skipped: list[str]) -> None:
        """``on_plan``: the number of clips to run (and how many were already done)."""
        note = f" ({len(skipped)} already done)" if skipped else ""
        self.progress.update(self.clips, total=len(to_run), description=f"clips{note}")

    def event(self, event: JobEvent) -> None:
        """``on_event``: a clip started, progressed (frames) or finished."""
        from motorobs.batch.executors import JobFinished, JobProgress, JobStarted

        if isinstance(event, JobStarted):
            if event.worker == "dask":
                return
            self.worker_of[event.clip] = event.worker
            if event.worker not in self.rows:
                self.rows[event.worker] = self.progress.add_task("", total=None)
            self.progress.reset(self.rows[event.worker], total=None,
                                description=f"  {event.clip}")
        elif isinstance(event, JobProgress):
            self.frames_by_clip[event.clip] = (event.frames_done, event.frames_total)
            done = sum(d for d, _ in self.frames_by_clip.values())
            self.progress.update(self.frames, completed=done)
            row = self.rows.get(self.worker_of.get(event.clip, ""))
            if row is not None:
                self.progress.update(row, completed=event.frames_done,
                                     total=event.frames_total)
        elif isinstance(event, JobFinished):
            self.progress.advance(self.clips)
            row = self.rows.get(self.worker_of.pop(event.outcome.clip, ""))
            if row is not None:
                self.progress.update(row, description="  (idle)")
