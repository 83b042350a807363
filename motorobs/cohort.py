"""A folder of clips from Python: :func:`analyze_folder`, the batch runner with a progress bar.

The same run as ``motorobs analyze FOLDER -o OUT`` (:func:`motorobs.batch.run_batch`):
resumable (clips already done with the same inputs are skipped), one subfolder of results
per clip, ``summary.csv`` and ``index.html``. Read the results back with
:func:`motorobs.metrics_table` and :func:`motorobs.events_table`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from motorobs.io.video import find_videos
from motorobs.pipeline import ConfigLike, as_config

if TYPE_CHECKING:
    from motorobs.batch import BatchSummary


def analyze_folder(
    videos: str | Path | Iterable[str | Path],
    output_dir: str | Path,
    config: ConfigLike = None,
    *,
    workers: int = 1,
    progress: bool = True,
    retry_failed: bool = False,
    force: bool = False,
) -> BatchSummary:
    """Analyse every video in a folder (or the videos given) into ``output_dir``.

    Parameters
    ----------
    videos
        A folder (its videos, by suffix: :func:`motorobs.io.video.find_videos`), a video
        file, or several of either.
    output_dir
        The results folder: ``<output_dir>/<clip>/`` per clip, ``summary.csv``,
        ``index.html``, ``manifest.jsonl``.
    config
        Settings (:class:`motorobs.AnalysisConfig`, a nested dict of overrides, or ``None``).
    workers
        Clips analysed at once, in worker processes (1: one after the other, here).
    progress
        Show a progress bar (clips, frames; in a terminal or a Jupyter notebook).
    retry_failed
        Analyse again the clips that failed before with the same inputs.
    force
        Analyse every clip again, landmarks included.

    Returns
    -------
    motorobs.batch.BatchSummary
        Clips analysed, skipped (already done) and failed with the reason; a failed clip
        never stops the others.

    Raises
    ------
    motorobs.errors.VideoError
        A path that does not exist.
    FileNotFoundError
        No videos were found.
    """
    from motorobs.batch import run_batch
    from motorobs.progress import BatchProgress

    given = [videos] if isinstance(videos, str | Path) else list(videos)
    found = [v for p in map(Path, given)
             for v in (find_videos(p) if p.is_dir() or not p.exists() else [p])]
    if not found:
        raise FileNotFoundError(f"no videos in {', '.join(map(str, given)) or 'nothing'}; "
                                "give a folder of clips or video files.")
    run = dict(workers=workers, retry_failed=retry_failed, force=force,
               reuse_landmarks=not force)
    if not progress:
        return run_batch(found, output_dir, as_config(config), **run)
    with BatchProgress() as display:
        return run_batch(found, output_dir, as_config(config), on_plan=display.plan,
                         on_event=display.event, **run)
