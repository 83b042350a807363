"""Rendering a clip's ``report.html`` from the files in its folder.

The one way a clip report is made: at analysis time (:func:`motorobs.report.
write_clip_outputs` stores the files, then calls this) and at any later time, without the
video, MediaPipe, OpenCV or the metrics (this module imports none of them).
"""

from __future__ import annotations

from pathlib import Path

from motorobs.io.atomic import write_atomic
from motorobs.report.html import clip_context, render_clip_report
from motorobs.report.record import REPORT_HTML
from motorobs.report.store import read_stored_report


def rebuild_clip_report(clip_dir: Path) -> Path:
    """Render ``clip_dir/report.html`` again from the files stored beside it.

    Parameters
    ----------
    clip_dir
        The folder of one analysed clip: ``metrics.json``, ``report.json``,
        ``traces.parquet`` and the key frames ``report.json`` lists (``keyframes/``).

    Returns
    -------
    Path
        The report written (atomically).

    Raises
    ------
    motorobs.report.store.StoredReportError
        If a file is missing or unreadable; the message names it and says to analyse the
        clip again.
    """
    clip_dir = Path(clip_dir)
    html = render_clip_report(clip_context(read_stored_report(clip_dir)))
    return write_atomic(clip_dir / REPORT_HTML, html)
