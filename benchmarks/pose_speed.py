"""Cost (analysed frames per second) of the landmark estimators on the video path.

Run on demand (never part of the test suite)::

    python benchmarks/pose_speed.py [VIDEO_OR_FOLDER ...] [--model-dir DIR] [--fps 15]

Defaults to ``sample_videos/``. For every clip and estimator (``mediapipe``, ``infant``), with
and without the close-up search for missed hands (``--hand-crops on|off|both``), it runs
:func:`motorobs.pose.estimator.estimate_landmarks` and prints wall time, analysed frames per
second, the share of frames in which each of the infant's hands was found by the hand model
and, when a ``<clip>.gt.json`` ground truth sits next to the clip (the
synthetic samples), the median error of the 17 COCO keypoints in shoulder widths and the
share of frames with a pose, so that a change of estimator can be checked not to make the
synthetic clips worse.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from motorobs.config import PoseConfig
from motorobs.io.annotations import COCO_KEYPOINTS
from motorobs.io.video import find_videos, probe_video
from motorobs.pose.estimator import estimate_landmarks

REPO = Path(__file__).resolve().parents[1]


def ground_truth_error(ds, gt_path: Path) -> tuple[float, float]:
    """Median COCO-17 error (shoulder widths) and share of analysed frames with a pose."""
    gt = json.loads(gt_path.read_text())
    names = gt["keypoint_names"]
    truth = np.asarray(gt["keypoints_2d"], float)[:, [names.index(n) for n in COCO_KEYPOINTS]]
    frames = ds["frame"].values
    pred = ds["position"].sel(keypoint=list(COCO_KEYPOINTS)).isel(individual=0).values
    pred = np.transpose(pred, (0, 2, 1))  # (T, 17, 2)
    truth = truth[frames]
    shoulders = np.linalg.norm(truth[:, 5, :2] - truth[:, 6, :2], axis=1)
    err = np.linalg.norm(pred - truth[:, :, :2], axis=2) / shoulders[:, None]
    found = np.isfinite(pred).all(axis=(1, 2))
    return float(np.nanmedian(err)), float(found.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path, default=[REPO / "sample_videos"])
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--fps", type=float, default=15.0, help="analysis frames per second")
    parser.add_argument("--estimators", nargs="+", default=["mediapipe", "infant"])
    parser.add_argument("--hand-crops", choices=["on", "off", "both"], default="on",
                        help="close-up search for missed hands (PoseConfig.hand_crops)")
    args = parser.parse_args()
    videos = [v for p in args.inputs for v in (find_videos(p) if p.is_dir() else [p])]
    base = PoseConfig(model_dir=args.model_dir, analysis_fps=args.fps or None)
    crops = {"on": [True], "off": [False], "both": [False, True]}[args.hand_crops]
    runs = [(name, crop) for name in args.estimators for crop in crops]
    totals: dict[tuple[str, bool], list[float]] = {run: [0.0, 0.0] for run in runs}
    print(f"{'clip':<32}{'estimator':>10}{'crops':>6}{'frames':>8}{'s':>8}{'frames/s':>10}"
          f"{'hands L/R':>11}{'median err':>12}{'found':>7}  turns")
    for video in videos:
        info = probe_video(video)
        gt_path = video.with_suffix(".gt.json")
        for name, crop in runs:
            started = time.perf_counter()
            ds = estimate_landmarks(info, replace(base, estimator=name, hand_crops=crop))
            seconds = time.perf_counter() - started
            n = ds.sizes["time"]
            totals[(name, crop)][0] += n
            totals[(name, crop)][1] += seconds
            err, found = ground_truth_error(ds, gt_path) if gt_path.is_file() else (np.nan, np.nan)
            left, right = (hand_share(ds, side) for side in ("left", "right"))
            print(f"{video.stem:<32}{name:>10}{'on' if crop else 'off':>6}{n:>8}{seconds:>8.1f}"
                  f"{n / seconds:>10.1f}{left:>6.2f}/{right:.2f}{err:>12.3f}{found:>7.2f}  "
                  f"{ds.attrs.get('pose_turns', '')}", flush=True)
    for (name, crop), (n, seconds) in totals.items():
        print(f"{'ALL':<32}{name:>10}{'on' if crop else 'off':>6}{int(n):>8}{seconds:>8.1f}"
              f"{n / max(seconds, 1e-9):>10.1f}")


def hand_share(ds, side: str) -> float:
    """Share of analysed frames in which the hand model gave the infant's ``side`` wrist."""
    wrist = ds["confidence"].sel(keypoint=f"{side}_hand_wrist").isel(individual=0).values
    return float(np.isfinite(wrist).mean())


if __name__ == "__main__":
    main()
