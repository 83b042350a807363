"""Progress bars: frames of one clip, clips and frames of a batch (rich, terminal or Jupyter)."""

from __future__ import annotations

import io

from rich.console import Console

import motorobs as mo
from motorobs.batch.executors import JobFinished, JobProgress, JobStarted
from motorobs.batch.jobs import ClipOutcome
from motorobs.progress import BatchProgress


def console() -> tuple[Console, io.StringIO]:
    stream = io.StringIO()
    return Console(file=stream, width=100, force_terminal=False), stream


def test_progress_bar_counts_frames():
    out, stream = console()
    with mo.progress_bar("clip.mp4", console=out) as progress:
        for done in range(1, 31):
            progress(done, 30)
    text = stream.getvalue()
    assert "clip.mp4" in text and "30/30" in text


def test_batch_progress_counts_clips_and_frames():
    out, stream = console()
    with BatchProgress(out) as display:
        display.plan(["a", "b"], ["c"])
        for clip in ("a", "b"):
            display.event(JobStarted(clip, "w1"))
            display.event(JobProgress(clip, 10, 10))
            display.event(JobFinished(ClipOutcome(clip, "done", worker="w1")))
    text = stream.getvalue()
    assert "clips (1 already done)" in text and "2/2" in text  # clips of the plan
    assert "20/?" in text  # frames of both clips
    assert "(idle)" in text
