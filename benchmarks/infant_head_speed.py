"""Cost of the infant keypoint head on the video path, against the ``infant`` estimator.

Run on demand (never part of the test suite)::

    python benchmarks/infant_head_speed.py [VIDEO_OR_FOLDER ...] [--model-dir DIR] [--fps 15]

Defaults to ``sample_videos/``. For every clip it runs
:func:`motorobs.pose.estimator.estimate_landmarks` with the ``infant`` estimator (pose and
hand models, the defaults) and then, on the same analysed frames, the ``infant_head``
estimator's extra step (:class:`motorobs.pose.infant_head.InfantHeadRefiner`: BlazePose's
detector and landmark network with its features kept, the head, the fusion) on the infant's
pose of each frame. It prints the seconds of both, the analysed frames per second with and
without the head, the split of the head's step into its parts, and the share of frames
whose pose the head changed.

The step is measured as it runs in the image path (its own detector and landmark network on
each frame). In the video path the landmark network already runs once per frame inside
MediaPipe's graph; a pose backend that runs BlazePose's networks itself
(``motorobs/pose/pose_net.py``) would pay only the kept features and the head
(``features`` + ``head`` below), not the detector and a second landmark network.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from motorobs.config import PoseConfig
from motorobs.io.video import find_videos, iter_frames, probe_video
from motorobs.pose.estimator import estimate_landmarks
from motorobs.pose.evaluation import MEDIAPIPE_TO_COCO
from motorobs.pose.infant_head import InfantHeadRefiner, find_crop
from motorobs.pose.models import resolve_model
from motorobs.pose.pose_net import PoseNetworks, region_of

REPO = Path(__file__).resolve().parents[1]


def landmark_seconds(networks: PoseNetworks, rgb: np.ndarray, region, repeat: int = 3) -> float:
    """Seconds of one landmark-network call (median of ``repeat``)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        networks.landmarks(rgb, region)
        times.append(time.perf_counter() - started)
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path, default=[REPO / "sample_videos"])
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--fps", type=float, default=15.0, help="analysis frames per second")
    args = parser.parse_args()
    videos = [v for p in args.inputs for v in (find_videos(p) if p.is_dir() else [p])]
    config = replace(PoseConfig(model_dir=args.model_dir, analysis_fps=args.fps or None),
                     estimator="infant")
    bundle = resolve_model(config.pose_model, config.model_dir)
    refiner = InfantHeadRefiner(bundle)
    plain = PoseNetworks(bundle)
    coco = list(MEDIAPIPE_TO_COCO)
    print(f"{'clip':<34}{'frames':>7}{'infant s':>9}{'head s':>8}{'f/s':>6}{'f/s+head':>9}"
          f"{'changed':>8}   per frame ms: crop (detector + net with features) / "
          "net plain / net with features / head")
    total = np.zeros(3)
    for video in videos:
        info = probe_video(video)
        started = time.perf_counter()
        ds = estimate_landmarks(info, config)
        infant_s = time.perf_counter() - started
        frames = set(ds["frame"].values.tolist())
        poses = ds["position"].isel(individual=0).values  # (T, 2, K)
        head_s, changed, n = 0.0, 0, 0
        parts = np.zeros(4)
        row = {f: i for i, f in enumerate(ds["frame"].values.tolist())}
        for frame, _, rgb in iter_frames(info, 1):
            if frame not in frames:
                continue
            pose = poses[row[frame]].T[:33]
            if not np.isfinite(pose).any():
                continue
            n += 1
            started = time.perf_counter()
            _, replaced = refiner.refine(rgb, pose)
            head_s += time.perf_counter() - started
            changed += replaced > 0
            t0 = time.perf_counter()
            crop = find_crop(refiner.networks, rgb, pose[coco])
            t1 = time.perf_counter()
            if crop is None:
                continue
            region = region_of(crop.landmarks[33, :2], crop.landmarks[34, :2])
            if crop.turns or region is None:
                region = crop.region
            t2 = time.perf_counter()
            refiner.head(crop.features)
            t3 = time.perf_counter()
            parts += (t1 - t0, landmark_seconds(plain, rgb, region),
                      landmark_seconds(refiner.networks, rgb, region), t3 - t2)
        frames_n = ds.sizes["time"]
        total += (frames_n, infant_s, head_s)
        per = parts / max(n, 1) * 1000
        print(f"{video.name[:33]:<34}{frames_n:>7}{infant_s:>9.1f}{head_s:>8.1f}"
              f"{frames_n / infant_s:>6.2f}{frames_n / (infant_s + head_s):>9.2f}"
              f"{changed / max(n, 1):>8.2f}   {per[0]:.0f} / {per[1]:.0f} / {per[2]:.0f} / "
              f"{per[3]:.0f}")
    frames_n, infant_s, head_s = total
    print(f"{'all':<34}{frames_n:>7.0f}{infant_s:>9.1f}{head_s:>8.1f}"
          f"{frames_n / infant_s:>6.2f}{frames_n / (infant_s + head_s):>9.2f}")


if __name__ == "__main__":
    main()
