"""Key frames of a real rendered clip (sample_videos), landmarks from its ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from motorobs.config import ReportConfig
from motorobs.io.video import probe_video
from motorobs.landmarks import build_dataset, empty_arrays
from motorobs.metrics.base import Event
from motorobs.report import write_clip_outputs
from motorobs.report.faces import AdultFaceDetector, close_shared_face_detectors
from motorobs.report.keyframes import extract_key_frames, read_frames
from motorobs.report.overlay import draw_skeleton, render_key_frame
from motorobs.schema import all_keypoints, keypoint_name
from tests.report.synthetic_clip import make_result

CLIP = "a_midline_reach__top"


def _ground_truth(sample_videos: Path) -> tuple[dict, Path]:
    video = sample_videos / f"{CLIP}.mp4"
    if not video.is_file():
        pytest.skip(f"{video} missing")
    return json.loads((sample_videos / f"{CLIP}.gt.json").read_text()), video


def _dataset(truth: dict):
    """Landmarks dataset holding the true 2-D keypoints that MediaPipe's names share."""
    points = np.asarray(truth["keypoints_2d"], float)
    arrays = empty_arrays(points.shape[0])
    index = {keypoint_name(p, n): i for i, (p, n) in enumerate(all_keypoints())}
    for j, name in enumerate(truth["keypoint_names"]):
        if name in index:
            arrays["position"][:, :, index[name]] = points[:, j, :2]
    frames = np.arange(points.shape[0])
    return build_dataset(arrays, frames, frames / truth["fps"],
                         {"frame_width": truth["width"], "frame_height": truth["height"]})


@pytest.mark.mediapipe
def test_real_frame_head_is_blurred_and_the_rest_untouched(model_dir, sample_videos):
    truth, video = _ground_truth(sample_videos)
    ds = _dataset(truth)
    frame = 30
    rgb = read_frames(video, [frame], truth["width"], truth["height"])[frame]
    with AdultFaceDetector(model_dir / "pose_landmarker_full.task") as detector:
        published = render_key_frame(rgb, ds, frame, face_detector=detector)
    skeleton_only = draw_skeleton(rgb, ds, frame)
    names = truth["keypoint_names"]
    head = {n: np.array(truth["keypoints_2d"][frame][names.index(n)][:2])
            for n in ("nose", "left_ear", "right_ear")}
    ear_distance = np.hypot(*(head["left_ear"] - head["right_ear"]))
    yy, xx = np.mgrid[0:truth["height"], 0:truth["width"]]
    distance = np.hypot(xx - head["nose"][0], yy - head["nose"][1])
    diff = np.abs(published.astype(int) - skeleton_only.astype(int)).max(axis=2)
    assert diff[distance < 0.5 * ear_distance].mean() > 15
    assert (diff[distance > 4 * ear_distance] == 0).all()


@pytest.mark.mediapipe
def test_key_frames_of_a_real_clip(model_dir, sample_videos):
    truth, video = _ground_truth(sample_videos)
    ds = _dataset(truth)
    fps = truth["fps"]
    events = [Event("midline_crossing", "right", 1.4, 2.9)]
    key_frames, notes = extract_key_frames(
        ds, events, video, 3, pose_model_path=model_dir / "pose_landmarker_full.task",
        width=truth["width"], height=truth["height"])
    assert notes == []
    assert len(key_frames) == 3
    crossing = [k for k in key_frames if "Midline crossing" in k.caption]
    assert len(crossing) == 1 and abs(crossing[0].frame_index / fps - 2.15) <= 1 / fps
    assert all(k.image.shape == (truth["height"], truth["width"], 3) for k in key_frames)


@pytest.mark.mediapipe
def test_a_second_persons_face_is_blurred_too(model_dir, sample_videos):
    """Beside the clip's frame, a mirrored copy of it: a second person whose face no infant
    landmark gives. Both faces are blurred; pixels far from both are untouched."""
    truth, video = _ground_truth(sample_videos)
    frame = 30
    rgb = read_frames(video, [frame], truth["width"], truth["height"])[frame]
    width = truth["width"]
    pair = np.ascontiguousarray(np.hstack([rgb, rgb[:, ::-1]]))
    ds = _dataset(truth)
    ds.attrs["frame_width"] = 2 * width
    names = truth["keypoint_names"]
    points = np.asarray(truth["keypoints_2d"][frame], float)[:, :2]
    nose, left_ear, right_ear = (points[names.index(n)]
                                 for n in ("nose", "left_ear", "right_ear"))
    ear_distance = np.hypot(*(left_ear - right_ear))
    bystander = np.array([2 * width - nose[0], nose[1]])
    with AdultFaceDetector(model_dir / "pose_landmarker_full.task") as detector:
        published = render_key_frame(pair, ds, frame, face_detector=detector)
    diff = np.abs(published.astype(int) - draw_skeleton(pair, ds, frame).astype(int)).max(axis=2)
    yy, xx = np.mgrid[0:pair.shape[0], 0:pair.shape[1]]
    near_infant = np.hypot(xx - nose[0], yy - nose[1])
    near_bystander = np.hypot(xx - bystander[0], yy - bystander[1])
    assert diff[near_infant < 0.5 * ear_distance].mean() > 15
    assert diff[near_bystander < 0.5 * ear_distance].mean() > 15
    far = (near_infant > 4 * ear_distance) & (near_bystander > 4 * ear_distance)
    assert (diff[far] == 0).all()


@pytest.mark.mediapipe
def test_writing_the_report_again_searches_no_face(model_dir, sample_videos, tmp_path):
    """The second report of the same analysis reuses the stored key frames: no detector is
    taken, the video is not read."""
    truth, video = _ground_truth(sample_videos)
    result = make_result(video, ds=_dataset(truth))
    result.video = probe_video(video)
    model = model_dir / "pose_landmarker_full.task"
    first = write_clip_outputs(result, tmp_path, ReportConfig(n_key_frames=3),
                               pose_model_path=model)
    assert len([k for k in first if k.startswith("keyframes/")]) == 3
    assert close_shared_face_detectors() == 1  # the first run searched for faces
    again = write_clip_outputs(result, tmp_path, ReportConfig(n_key_frames=3),
                               pose_model_path=model)
    assert not [k for k in again if k.startswith("keyframes/")]
    assert close_shared_face_detectors() == 0  # the second did not


@pytest.mark.mediapipe
def test_overlay_video_of_a_real_analysis(model_dir, sample_videos, tmp_path):
    """analyze with overlay_video: every analysed frame in overlay.webm, other people's
    faces searched for with the pose model, and the report shows it."""
    import cv2

    import motorobs as mo

    video = sample_videos / f"{CLIP}.mp4"
    config = {"pose": {"model_dir": str(model_dir), "analysis_fps": 5},
              "report": {"overlay_video": True}}
    result = mo.analyze_video(video, config, output_dir=tmp_path)
    record = json.loads((tmp_path / "report.json").read_text())["overlay_video"]
    assert record["face_search"] == "mediapipe_pose"
    capture = cv2.VideoCapture(str(tmp_path / "overlay.webm"))
    count = 0
    while capture.read()[0]:
        count += 1
    capture.release()
    assert count == record["frames"] == result.landmarks.sizes["time"]
    assert 'src="overlay.webm"' in (tmp_path / "report.html").read_text(encoding="utf-8")
