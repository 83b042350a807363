"""Batch speed and memory of ``motorobs analyze`` against the naive pipeline.

Run on demand (never part of the test suite), on an otherwise idle machine::

    python benchmarks/batch_speed.py [CLIP ...] [--model-dir DIR] [--workers N] [--skip-memory]

Without clips it uses a set mixing frame rates: the 15 fps sample clip
``a_midline_reach__top`` and, when ``../shared/realdata`` is there, the real 30 fps clips
``prone_video8``, ``sitting_1`` and ``sleeping_3`` (read in place, never copied).

It prints, on the same clips in one run:

1. pure MediaPipe pose + hand inference (IMAGE mode) on frames decoded beforehand;
2. the naive pipeline: decode every frame, pose + hands in IMAGE mode on every frame, one
   process;
3. ``motorobs analyze`` end to end with defaults, 1 worker and N workers (a fresh process
   each, imports and model loading included);
4. the same with the hand model on every analysed frame (``pose.hands_every_frame``);
5. re-running metrics and the report from saved landmarks, per clip (in one process);
6. peak memory (max RSS) of ``motorobs analyze`` on a 20-s clip and on a 3-minute clip made
   by concatenating sample clips.

Speeds are seconds of video per second of wall time ("x real time") and ratios to the naive
pipeline. Write the figures into docs/performance.md with this command line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEFAULT_REAL = (
    "dvirbuss_Infant-Analyzer-app/videos/prone_video8.mp4",
    "shaydamoezzi_ACLab-CodeChallenge/videos/sitting_1.mp4",
    "shaydamoezzi_ACLab-CodeChallenge/videos/sleeping_3.mp4",
)


def default_clips() -> list[Path]:
    clips = [REPO / "sample_videos" / "a_midline_reach__top.mp4"]
    clips += [SHARED / "realdata" / c for c in DEFAULT_REAL if (SHARED / "realdata" / c).is_file()]
    return clips


def video_seconds(path: Path) -> tuple[float, int, float]:
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS)
    n = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    capture.release()
    return n / fps, n, fps


def decode_all(path: Path) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    capture.release()
    return frames


def image_landmarkers(model_dir: Path):
    from mediapipe.tasks.python import BaseOptions, vision

    pose = vision.PoseLandmarker.create_from_options(vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_dir / "pose_landmarker_full.task")),
        running_mode=vision.RunningMode.IMAGE, num_poses=2))
    hands = vision.HandLandmarker.create_from_options(vision.HandLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_dir / "hand_landmarker.task")),
        running_mode=vision.RunningMode.IMAGE, num_hands=4))
    return pose, hands


def infer(pose, hands, rgb: np.ndarray) -> None:
    import mediapipe as mp

    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
    pose.detect(image)
    hands.detect(image)


def pure_inference(clips: list[Path], model_dir: Path) -> float:
    pose, hands = image_landmarkers(model_dir)
    total = 0.0
    for clip in clips:
        frames = decode_all(clip)
        start = time.perf_counter()
        for rgb in frames:
            infer(pose, hands, rgb)
        total += time.perf_counter() - start
    pose.close()
    hands.close()
    return total


def naive_pipeline(clips: list[Path], model_dir: Path) -> float:
    start = time.perf_counter()
    pose, hands = image_landmarkers(model_dir)
    for clip in clips:
        capture = cv2.VideoCapture(str(clip))
        while True:
            ok, bgr = capture.read()
            if not ok:
                break
            infer(pose, hands, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        capture.release()
    pose.close()
    hands.close()
    return time.perf_counter() - start


RUN_BATCH = """
import json, sys
from motorobs.batch import run_batch
from motorobs.config import AnalysisConfig
out, overrides, workers, *clips = sys.argv[1:]
summary = run_batch(clips, out, AnalysisConfig().with_overrides(**json.loads(overrides)),
                    workers=int(workers))
# peak resident memory of this process since its exec (per-process, unlike ru_maxrss)
peak = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
open(out + "/.peak_kib", "w").write(peak)
sys.exit(0 if summary.ok else 1)
"""


def timed_process(args: list[str]) -> float:
    """Wall seconds of a child process."""
    start = time.perf_counter()
    done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args[:6])} ...")
    return time.perf_counter() - start


def motorobs_run(clips: list[Path], model_dir: Path, workers: int, pose: dict | None = None,
                 ) -> tuple[float, int]:
    """Wall seconds and the main process's peak resident memory (KiB, Linux VmHWM; worker
    processes not included) of a batch run in a fresh process."""
    overrides = {"pose": {"model_dir": str(model_dir), **(pose or {})}}
    with tempfile.TemporaryDirectory() as out:
        elapsed = timed_process([sys.executable, "-c", RUN_BATCH, out, json.dumps(overrides),
                                 str(workers), *map(str, clips)])
        return elapsed, int(Path(out, ".peak_kib").read_text())


def rerun_from_landmarks(clips: list[Path], model_dir: Path) -> list[float]:
    """Seconds per clip to recompute metrics and the report from saved landmarks."""
    from motorobs.config import AnalysisConfig
    from motorobs.pipeline import analyze_video

    config = AnalysisConfig().with_overrides(pose={"model_dir": model_dir})
    times = []
    with tempfile.TemporaryDirectory() as out:
        for clip in clips:
            analyze_video(clip, config, output_dir=Path(out) / clip.stem)
        for clip in clips:
            start = time.perf_counter()
            result = analyze_video(clip, config, output_dir=Path(out) / clip.stem)
            times.append(time.perf_counter() - start)
            assert result.provenance["landmarks_reused"]
    return times


def concatenated(sources: list[Path], seconds: float, dest: Path) -> Path:
    """A clip of about ``seconds`` made of ``sources`` one after the other (looped)."""
    writer, written, fps = None, 0, None
    while True:
        for source in sources:
            capture = cv2.VideoCapture(str(source))
            fps = fps or capture.get(cv2.CAP_PROP_FPS)
            while True:
                ok, frame = capture.read()
                if not ok:
                    break
                if writer is None:
                    height, width = frame.shape[:2]
                    writer = cv2.VideoWriter(str(dest), cv2.VideoWriter_fourcc(*"mp4v"), fps,
                                             (width, height))
                if frame.shape[:2] != (height, width):
                    frame = cv2.resize(frame, (width, height))
                writer.write(frame)
                written += 1
                if written >= seconds * fps:
                    writer.release()
                    capture.release()
                    return dest
            capture.release()


def measure_memory(model_dir: Path) -> None:
    """Peak memory of one worker on a 20-s clip and on a 3-minute clip (fresh processes)."""
    samples = sorted((REPO / "sample_videos").glob("*.mp4"))
    with tempfile.TemporaryDirectory() as folder:
        short = concatenated(samples, 20, Path(folder) / "twenty_s.mp4")
        long = concatenated(samples, 180, Path(folder) / "three_min.mp4")
        _, rss_short = motorobs_run([short], model_dir, 1)
        _, rss_long = motorobs_run([long], model_dir, 1)
    print(f"{'peak memory, 20-s clip / 3-min clip':<52} {rss_short / 1024:.0f} MiB / "
          f"{rss_long / 1024:.0f} MiB ({rss_long / rss_short - 1:+.0%})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", type=Path)
    parser.add_argument("--model-dir", type=Path, default=Path(os.environ.get(
        "MOTOROBS_MODEL_DIR", SHARED / "models")))
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--only-memory", action="store_true")
    args = parser.parse_args()
    clips = args.clips or default_clips()
    video_s = 0.0
    print("clips:")
    for clip in clips:
        seconds, n, fps = video_seconds(clip)
        video_s += seconds
        print(f"  {clip.name}: {seconds:.1f} s, {n} frames at {fps:.2f} fps")
    print(f"  total {video_s:.1f} s of video\n")

    def line(label: str, seconds: float, naive: float | None = None) -> None:
        ratio = f", {naive / seconds:.2f}x naive" if naive else ""
        print(f"{label:<52} {seconds:7.1f} s  {video_s / seconds:5.2f}x real time{ratio}",
              flush=True)

    if args.only_memory:
        return measure_memory(args.model_dir)
    pure = pure_inference(clips, args.model_dir)
    line("pure MediaPipe pose + hands (IMAGE, pre-decoded)", pure)
    naive = naive_pipeline(clips, args.model_dir)
    line("naive pipeline (decode + pose + hands, every frame)", naive)
    one, _ = motorobs_run(clips, args.model_dir, 1)
    line("motorobs analyze, defaults, 1 worker", one, naive)
    many, _ = motorobs_run(clips, args.model_dir, args.workers)
    line(f"motorobs analyze, defaults, {args.workers} workers", many, naive)
    print(f"{'':<52} {one / many / args.workers:.2f} x {args.workers} times one worker's "
          "clips per hour")
    every_one, _ = motorobs_run(clips, args.model_dir, 1, {"hands_every_frame": True})
    line("motorobs analyze, hands on every analysed frame, 1 worker", every_one, naive)
    print(f"{'':<52} {pure / every_one:.2f}x pure inference")
    rerun = rerun_from_landmarks(clips, args.model_dir)
    print(f"{'metrics + report from saved landmarks, per clip':<52} "
          f"median {np.median(rerun):.2f} s, max {max(rerun):.2f} s")
    if not args.skip_memory:
        measure_memory(args.model_dir)
    print(f"\nmachine: {os.cpu_count()} cores; python {sys.version.split()[0]}; "
          f"max RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
          " MiB")


if __name__ == "__main__":
    main()
