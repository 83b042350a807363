"""Stand-in job functions for the web tests (no MediaPipe), top-level so that worker
processes can import them.

``fake_analysis`` takes ``MOTOROBS_TEST_JOB_SECONDS`` seconds (default 0), reports frame
progress, appends ``start``/``end`` lines with its pid and times to ``<clip>/runs.log`` (so
tests can tell how often, and whether at the same time, a clip was analysed), and writes a
small ``metrics.json`` and ``report.html`` atomically.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from motorobs.batch.jobs import ClipJob, ClipOutcome
from motorobs.io.atomic import write_atomic

FRAMES = 5
RUNS_LOG = "runs.log"


def _log(folder: Path, what: str) -> None:
    with open(folder / RUNS_LOG, "a", encoding="utf-8") as stream:
        stream.write(f"{what} {os.getpid()} {time.time():.6f}\n")
        stream.flush()
        os.fsync(stream.fileno())


def fake_analysis(job: ClipJob, progress) -> ClipOutcome:
    folder = Path(job.output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    _log(folder, "start")
    seconds = float(os.environ.get("MOTOROBS_TEST_JOB_SECONDS", "0"))
    for frame in range(1, FRAMES + 1):
        time.sleep(seconds / FRAMES)
        if progress:
            progress(frame, FRAMES)
    metrics = {"clip": job.clip, "duration_s": 1.0, "notes": [], "provenance": {},
               "metrics": [
                   {"name": "recording_quality", "side": None, "value": 1.0, "unit": "verdict",
                    "coverage": 1.0, "status": "ok", "definition": "stand-in"},
                   {"name": "reaches_per_min", "side": "left", "value": 3.25, "unit": "per min",
                    "coverage": 0.9, "status": "ok", "definition": "stand-in"},
                   {"name": "head_lift_max_deg", "side": None, "value": None, "unit": "degrees",
                    "coverage": 0.0, "status": "not_applicable", "definition": "stand-in",
                    "reason": "no tummy time in this clip"},
               ],
               "summary": [{"family": "reaching", "kind": "measured",
                            "text": "Reached 3 times, all with the left hand <3.",
                            "certainty": "Hands seen 90 % of the time, filmed from above.",
                            "moment_s": 0.5, "event_type": "reach", "side": "left"}]}
    write_atomic(folder / "metrics.json", json.dumps(metrics))
    write_atomic(folder / "report.html",
                 f"<!doctype html><html><body><h1>Report {job.clip}</h1>"
                 f"<p>stand-in report</p></body></html>")
    _log(folder, "end")
    return ClipOutcome(job.clip, "done", frames=FRAMES, worker=str(os.getpid()))


def fake_failure(job: ClipJob, progress) -> ClipOutcome:
    return ClipOutcome(job.clip, "failed",
                       f"{job.video}: no baby was found in any of the 5 analysed frames. "
                       "Film the whole baby, lit, filling a good part of the picture, and try "
                       "again.")
