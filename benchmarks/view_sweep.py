"""Posture, view and events of known 3-D movements seen from cameras all around the infant.

Run on demand::

    python benchmarks/view_sweep.py CLIP [CLIP ...] [--elevations 0,15,...] [--azimuths ...]

CLIP is a rendered clip's path without suffix (its ``.gt.json`` and ``.events.json``
beside it), e.g. ``validation_clips/m01_midline_reach__top``. The clip's true 3-D
keypoints are projected through a pinhole camera at each elevation (degrees from vertical)
and azimuth (``tests/signals/camera_views.py``: the landmarks an ideal pose model would give), and
motorobs's signals and metrics run on them. Printed per camera: the view read, the share of
frames with the true posture, and the event F1 against the clip's ground truth.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from motorobs.config import AnalysisConfig  # noqa: E402
from motorobs.metrics.compute import compute_metrics  # noqa: E402
from motorobs.signals.prepare import prepare_signals  # noqa: E402
from motorobs.validation import compare_clip, event_scores, posture_agreement  # noqa: E402
from tests.signals.camera_views import Camera, load_truth, seen_from  # noqa: E402


def sweep(clip: Path, elevations: list[float], azimuths: list[float], roll: float,
          config: AnalysisConfig) -> pd.DataFrame:
    gt, events = load_truth(clip)
    rows = []
    for elevation in elevations:
        for azimuth in azimuths:
            seen = seen_from(gt, Camera(elevation, azimuth, roll), float(gt.get("fps", 15)))
            signals = prepare_signals(seen.landmarks, config.signals)
            out = compute_metrics(signals, config.metrics)
            result = SimpleNamespace(events=out.events, metrics=out.values, traces=out.traces,
                                     signals=signals, landmarks=seen.landmarks)
            table, _ = compare_clip(clip.name, events, result)
            scores = event_scores(table).set_index("type")
            row = {"clip": clip.name, "elevation": elevation, "azimuth": azimuth,
                   "view": signals.view,
                   "posture": posture_agreement(events, result).get("posture_share")}
            for kind in ("midline_crossing", "reach", "head_lift"):
                s = scores.loc[kind]
                if s["true"] or s["detected"] or s["not_scored"]:
                    row[kind] = (f"{s['f1']:.2f}" if np.isfinite(s["f1"]) else "-") + (
                        f" ({int(s['not_scored'])} n/s)" if s["not_scored"] else "")
            rows.append(row)
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="+", type=Path)
    parser.add_argument("--elevations", default="0,15,30,45,60,75,85")
    parser.add_argument("--azimuths", default="0,45,90,135,180,225,270,315")
    parser.add_argument("--roll", type=float, default=0.0)
    args = parser.parse_args()
    elevations = [float(v) for v in args.elevations.split(",")]
    azimuths = [float(v) for v in args.azimuths.split(",")]
    config = AnalysisConfig()
    pd.set_option("display.width", 200, "display.max_rows", 500)
    for clip in args.clips:
        print(sweep(clip, elevations, azimuths, args.roll, config).to_string(index=False))


if __name__ == "__main__":
    main()
