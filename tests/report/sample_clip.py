"""A shipped sample clip analysed without MediaPipe: its ground-truth keypoints (the
renderer's exact 2-D points, ``<clip>.gt.json``) stand in for the landmarks, then the real
signals, metrics and report code run on them. The report then shows the clip's real video
frames; other people's faces are not searched for (no pose model), so key frames are
cropped to the baby, as documented."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from motorobs.config import AnalysisConfig
from motorobs.io.video import probe_video
from motorobs.landmarks import build_dataset, empty_arrays
from motorobs.result import ClipResult
from motorobs.schema import all_keypoints, keypoint_name

SAMPLE_VIDEOS = Path(__file__).resolve().parents[2] / "sample_videos"


def ground_truth_landmarks(truth: dict):
    """Landmarks dataset of the true 2-D keypoints whose names MediaPipe shares, every one
    seen (visibility 0.95, as MediaPipe gives a body in full view)."""
    points = np.asarray(truth["keypoints_2d"], float)
    arrays = empty_arrays(points.shape[0])
    index = {keypoint_name(p, n): i for i, (p, n) in enumerate(all_keypoints())}
    for j, name in enumerate(truth["keypoint_names"]):
        if name not in index:
            continue
        k = index[name]
        arrays["position"][:, :, k] = points[:, j, :2]
        arrays["depth_z"][:, k] = 0.0
        for score in ("visibility", "presence", "confidence"):
            arrays[score][:, k] = 0.95
    frames = np.arange(points.shape[0])
    return build_dataset(arrays, frames, frames / truth["fps"],
                         {"fps": truth["fps"], "frame_width": truth["width"],
                          "frame_height": truth["height"]})


def sample_clip_result(clip: str) -> ClipResult:
    """The analysis of ``sample_videos/<clip>.mp4`` from its ground truth (skips the test
    when the clip is not there)."""
    from motorobs.metrics import compute_metrics
    from motorobs.signals import prepare_signals

    video = SAMPLE_VIDEOS / f"{clip}.mp4"
    if not video.is_file():
        pytest.skip(f"{video} missing")
    truth = json.loads((SAMPLE_VIDEOS / f"{clip}.gt.json").read_text())
    ds = ground_truth_landmarks(truth)
    config = AnalysisConfig()
    signals = prepare_signals(ds, config.signals)
    outputs = compute_metrics(signals, config.metrics)
    return ClipResult(clip=clip, video=probe_video(video), landmarks=ds, signals=signals,
                      metrics=outputs.values, events=outputs.events, traces=outputs.traces,
                      provenance={"motorobs_version": "test",
                                  "analysed_at": "2026-01-02T10:30:00+00:00"})


def long_sample_clip(clip: str, seconds: float, folder: Path) -> ClipResult:
    """A ``seconds`` long clip made of ``sample_videos/<clip>.mp4`` played again and again:
    its frames written to ``folder/<clip>_long.avi`` (MJPG, the same size), its
    ground-truth landmarks repeated alike, then analysed as :func:`sample_clip_result`. For
    the size of a long clip's report without MediaPipe."""
    import cv2

    from motorobs.metrics import compute_metrics
    from motorobs.signals import prepare_signals

    video = SAMPLE_VIDEOS / f"{clip}.mp4"
    if not video.is_file():
        pytest.skip(f"{video} missing")
    truth = json.loads((SAMPLE_VIDEOS / f"{clip}.gt.json").read_text())
    capture = cv2.VideoCapture(str(video))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    n_frames = int(round(seconds * truth["fps"]))
    repeats = [i % len(frames) for i in range(n_frames)]
    path = folder / f"{clip}_long.avi"
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), truth["fps"],
                             (width, height))
    for i in repeats:
        writer.write(frames[i])
    writer.release()
    truth = {**truth, "keypoints_2d": [truth["keypoints_2d"][i % len(truth["keypoints_2d"])]
                                       for i in range(n_frames)]}
    ds = ground_truth_landmarks(truth)
    config = AnalysisConfig()
    signals = prepare_signals(ds, config.signals)
    outputs = compute_metrics(signals, config.metrics)
    return ClipResult(clip=f"{clip}_long", video=probe_video(path), landmarks=ds,
                      signals=signals, metrics=outputs.values, events=outputs.events,
                      traces=outputs.traces,
                      provenance={"motorobs_version": "test",
                                  "analysed_at": "2026-01-02T10:30:00+00:00"})
