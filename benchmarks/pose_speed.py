"""Cost of landmark estimation on the video path, variant against variant, per clip.

Run on demand (never part of the test suite)::

    python benchmarks/pose_speed.py [VIDEO_OR_FOLDER ...] [--model-dir DIR] [--fps 15]
        [--variants naive before after] [--repeat 2] [--components]

Defaults to ``sample_videos/``. For every clip it runs each variant in turn (the order
rotating from repeat to repeat, so that the load of a shared machine falls on all variants
alike) and prints wall time, CPU time, analysed frames per second, the share of frames in
which each of the infant's hands was found and, when a ``<clip>.gt.json`` ground truth sits
next to the clip (the synthetic samples), the median error of the 17 COCO keypoints in
shoulder widths and the share of frames with a pose. ``--components`` adds, per variant,
the calls and seconds of each MediaPipe call type (with threads the seconds of different
call types overlap in time).

Variants:

- ``naive``: decode every frame and run the pose and hand models in IMAGE mode on each (no
  frame skipping, no tracking, no quarter turns, no close-ups): the baseline of the speed
  target in docs/performance.md.
- ``before``: :func:`motorobs.pose.estimator.estimate_landmarks` as it was before the
  savings: ``hands_every_frame=True``, ``overlap_models=False``, graphs created per clip.
- ``threads``: ``hands_every_frame=True`` with the models in parallel threads.
- ``backoff``: the close-up back-off without threads.
- ``frame``: the defaults with ``hand_finder="frame"`` (MediaPipe's full-frame hand
  landmarker, the default before the region hand finder).
- ``after``: the defaults.

``--estimators`` and ``--hand-crops`` set ``PoseConfig.estimator`` and ``hand_crops`` for
every variant but ``naive``.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from motorobs.config import PoseConfig
from motorobs.io.annotations import COCO_KEYPOINTS
from motorobs.io.video import find_videos, iter_frames, probe_video
from motorobs.pose import graphs
from motorobs.pose.estimator import HAND_CROP_PX, estimate_landmarks
from motorobs.pose.models import resolve_model

REPO = Path(__file__).resolve().parents[1]
VARIANTS: dict[str, dict] = {
    "before": {"hands_every_frame": True, "overlap_models": False},
    "threads": {"hands_every_frame": True, "overlap_models": True},
    "backoff": {"hands_every_frame": False, "overlap_models": False},
    "frame": {"hand_finder": "frame"},
    "after": {},
}
"""PoseConfig overrides of the estimator variants (``naive`` is separate)."""


class CallStats:
    """Counts and times MediaPipe Tasks calls by type (wraps the landmarker classes)."""

    def __init__(self) -> None:
        self.calls: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
        self._lock = threading.Lock()
        from mediapipe.tasks.python import vision

        for cls, kind in ((vision.PoseLandmarker, "pose"), (vision.HandLandmarker, "hand")):
            self._wrap(cls, "create_from_options", lambda a, kind=kind: f"create {kind}",
                       static=True)
            self._wrap(cls, "detect_for_video", lambda a, kind=kind: f"{kind} VIDEO")
            self._wrap(cls, "detect", lambda a, kind=kind: (
                "hand close-up" if kind == "hand" and a[1].width == HAND_CROP_PX
                else f"{kind} IMAGE"))

    def _wrap(self, cls, name: str, label, static: bool = False) -> None:
        original = getattr(cls, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                with self._lock:
                    entry = self.calls[label(args)]
                    entry[0] += 1
                    entry[1] += time.perf_counter() - started

        setattr(cls, name, staticmethod(timed) if static else timed)

    def take(self) -> dict[str, tuple[int, float]]:
        """The counts and seconds since the last call, by call type."""
        with self._lock:
            out = {k: (int(n), s) for k, (n, s) in sorted(self.calls.items())}
            self.calls.clear()
        return out


def naive_landmarks(info, config: PoseConfig) -> int:
    """The naive pipeline: every frame decoded, pose and hands in IMAGE mode. Frames done."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    image_mode = vision.RunningMode.IMAGE
    pose = vision.PoseLandmarker.create_from_options(vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(
            resolve_model(config.pose_model, config.model_dir))),
        running_mode=image_mode, num_poses=config.max_people))
    hand = vision.HandLandmarker.create_from_options(vision.HandLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(
            resolve_model(config.hand_model, config.model_dir))),
        running_mode=image_mode, num_hands=config.max_hands))
    n = 0
    with pose, hand:
        for _, _, rgb in iter_frames(info, 1):
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
            _as_arrays(pose.detect(image).pose_landmarks)
            _as_arrays(hand.detect(image).hand_landmarks)
            n += 1
    return n


def _as_arrays(found: list) -> list[np.ndarray]:
    """(N, 3) ``x, y, z`` array per person or hand (the naive pipeline's conversion)."""
    return [np.array([[p.x, p.y, p.z] for p in points]) for points in found]


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


def hand_share(ds, side: str) -> float:
    """Share of analysed frames in which the infant's ``side`` hand was found."""
    wrist = ds["confidence"].sel(keypoint=f"{side}_hand_wrist").isel(individual=0).values
    return float(np.isfinite(wrist).mean())


def run_variant(variant: str, info, config: PoseConfig) -> tuple[int, dict]:
    """Run one variant on one clip: analysed frames and the dataset's summary columns."""
    if variant == "naive":
        graphs.close_idle()
        return naive_landmarks(info, config), {}
    if variant == "before":
        graphs.close_idle()  # as before: every clip creates its own graphs
    ds = estimate_landmarks(info, replace(config, **VARIANTS[variant]))
    gt_path = info.path.with_suffix(".gt.json")
    err, found = ground_truth_error(ds, gt_path) if gt_path.is_file() else (np.nan, np.nan)
    return ds.sizes["time"], {"hands": (hand_share(ds, "left"), hand_share(ds, "right")),
                              "err": err, "found": found,
                              "hand_runs": ds.attrs.get("hand_model_frames", -1),
                              "close_ups": ds.attrs.get("hand_close_ups", -1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path, default=[REPO / "sample_videos"])
    parser.add_argument("--model-dir", type=Path, default=None)
    parser.add_argument("--fps", type=float, default=15.0, help="analysis frames per second")
    parser.add_argument("--variants", nargs="+", default=["naive", "before", "after"],
                        choices=["naive", *VARIANTS])
    parser.add_argument("--repeat", type=int, default=1, help="runs of every variant per clip")
    parser.add_argument("--estimators", nargs="+", default=["infant"])
    parser.add_argument("--hand-crops", choices=["on", "off", "both"], default="on",
                        help="close-up search for missed hands (PoseConfig.hand_crops)")
    parser.add_argument("--components", action="store_true",
                        help="print calls and seconds per MediaPipe call type")
    args = parser.parse_args()
    videos = [v for p in args.inputs for v in (find_videos(p) if p.is_dir() else [p])]
    base = PoseConfig(model_dir=args.model_dir, analysis_fps=args.fps or None)
    crops = {"on": [True], "off": [False], "both": [False, True]}[args.hand_crops]
    runs = [(v, replace(base, estimator=e, hand_crops=c), f"{v}/{e}/{'crops' if c else 'no'}")
            for v in args.variants
            for e, c in ([(base.estimator, base.hand_crops)] if v == "naive"
                         else [(e, c) for e in args.estimators for c in crops])]
    stats = CallStats() if args.components else None
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    print(f"{'clip':<30}{'fps':>6}{'run':>24}{'frames':>7}{'wall s':>8}{'cpu s':>7}"
          f"{'frames/s':>9}{'hands L/R':>11}{'err':>7}{'found':>6}{'hand/crop calls':>16}")
    for video in videos:
        info = probe_video(video)
        for repeat in range(args.repeat):
            shift = repeat % len(runs)
            for variant, config, label in runs[shift:] + runs[:shift]:
                wall, cpu = time.perf_counter(), time.process_time()
                n, summary = run_variant(variant, info, config)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                totals[label][0] += n
                totals[label][1] += wall
                totals[label][2] += cpu
                hands = summary.get("hands", (np.nan, np.nan))
                print(f"{video.stem[:29]:<30}{info.fps:>6.1f}{label:>24}{n:>7}{wall:>8.2f}"
                      f"{cpu:>7.2f}{n / wall:>9.1f}{hands[0]:>6.2f}/{hands[1]:.2f}"
                      f"{summary.get('err', np.nan):>7.3f}{summary.get('found', np.nan):>6.2f}"
                      f"{summary.get('hand_runs', n):>9}/{summary.get('close_ups', 0)}",
                      flush=True)
                if stats is not None:
                    print("    " + ", ".join(f"{k} {c} x {1e3 * s / max(c, 1):.1f} ms"
                                             for k, (c, s) in stats.take().items()))
    print(f"{'ALL':<30}{'':>6}{'run':>24}{'frames':>7}{'wall s':>8}{'cpu s':>7}"
          f"{'frames/s':>9}{'x naive':>9}")
    naive_wall = next((t[1] for k, t in totals.items() if k.startswith("naive/")), np.nan)
    for label, (n, wall, cpu) in totals.items():
        print(f"{'ALL':<30}{'':>6}{label:>24}{int(n):>7}{wall:>8.1f}{cpu:>7.1f}"
              f"{n / max(wall, 1e-9):>9.1f}{naive_wall / max(wall, 1e-9):>9.2f}")


if __name__ == "__main__":
    main()
