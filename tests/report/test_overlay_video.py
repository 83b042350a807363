"""The skeleton video beside the report (--overlay-video): every analysed frame, faces
blurred, skeleton drawn, frames without a locatable face hidden; made once, shown in the
report, removed when no longer asked for."""

from __future__ import annotations

import json

import cv2
import numpy as np

from motorobs.config import ReportConfig
from motorobs.report import rebuild_clip_report, write_clip_outputs
from tests.report.synthetic_clip import FACE_CENTRE, N_FRAMES, NO_FACE_FRAMES


def read_video(path):
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    capture.release()
    return frames


def test_overlay_video_is_blurred_drawn_and_hides_faceless_frames(clip_result, tmp_path):
    written = write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=1,
                                                                     overlay_video=True))
    assert "overlay.webm" in written
    frames = read_video(tmp_path / "overlay.webm")
    assert len(frames) == N_FRAMES
    record = json.loads((tmp_path / "report.json").read_text())["overlay_video"]
    assert (record["frames"], record["hidden_frames"]) == (N_FRAMES, len(NO_FACE_FRAMES))
    assert record["face_search"] == "crop_to_infant"  # no pose model in this test
    for index, frame in enumerate(frames):
        grey = frame.astype(float)
        if index in NO_FACE_FRAMES:  # hidden: grey all over but for its note
            assert np.median(np.abs(grey - 128)) < 8
            continue
        x, y = FACE_CENTRE
        face = frame[y + 6:y + 20, x - 14:x + 14].astype(float).mean(axis=2)
        assert face.std() < 30  # a 0/255 checkerboard has std ~127
        assert frame[100, 160].min() > 170  # the white shoulder bar of the skeleton
        assert np.abs(grey[5:12, 290:310] - 128).max() < 20  # outside the baby: greyed
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<video controls preload="none"' in html and 'src="overlay.webm"' in html


def test_overlay_video_is_reused_shown_after_the_video_is_gone_and_removed(
        clip_result, synthetic_video, tmp_path):
    config = ReportConfig(n_key_frames=1, overlay_video=True)
    write_clip_outputs(clip_result, tmp_path, config)
    before = (tmp_path / "overlay.webm").stat().st_mtime_ns
    synthetic_video.unlink()
    again = write_clip_outputs(clip_result, tmp_path, config)
    assert "overlay.webm" not in again  # same video, landmarks and blur: kept as it is
    assert (tmp_path / "overlay.webm").stat().st_mtime_ns == before
    (tmp_path / "report.html").unlink()
    rebuild_clip_report(tmp_path)
    assert 'src="overlay.webm"' in (tmp_path / "report.html").read_text(encoding="utf-8")
    write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=1))
    assert not (tmp_path / "overlay.webm").exists()
    assert "<video" not in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_without_the_video_the_overlay_is_left_out_with_a_note(clip_result, synthetic_video,
                                                              tmp_path):
    synthetic_video.unlink()
    write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=0, overlay_video=True))
    assert not (tmp_path / "overlay.webm").exists()
    assert "Skeleton video left out" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_other_faces_are_searched_every_fifth_of_a_second_and_blurred_between(
        clip_result, tmp_path, monkeypatch):
    """A stand-in for the pose model finds a "bystander" face over the frame-number marker
    band; the video blurs it in every frame, searched or between two searches."""
    from motorobs.report import overlay_video
    from motorobs.report.faces import FaceRegion

    calls = []

    class Finder:
        def detect(self, rgb, infant_xy=None):
            calls.append(rgb.shape)
            return [FaceRegion(60.0, 9.0, 12.0, "mediapipe_pose")]

    model = tmp_path / "pose.task"
    model.write_bytes(b"stand-in")
    monkeypatch.setattr(overlay_video, "shared_face_detector", lambda path: Finder())
    frames, hidden = overlay_video.write_overlay_video(clip_result, tmp_path / "o.webm",
                                                       pose_model_path=model)
    assert (frames, hidden) == (N_FRAMES, len(NO_FACE_FRAMES))
    assert len(calls) == N_FRAMES // 2 + 1  # every 2nd frame at 10 fps, and the last
    for index, frame in enumerate(read_video(tmp_path / "o.webm")):
        if index in NO_FACE_FRAMES:
            continue
        band = frame[5:13, 52:68].astype(float).mean(axis=2)  # marker of frames 3-4 is here
        # without blurring, frames 3 and 4 have a sharp edge here (marker 250 on grey 110)
        assert np.abs(np.diff(band, axis=1)).max() < 40, index


def test_analyze_overlay_video_option_reaches_the_report_settings(synthetic_video, tmp_path,
                                                                  monkeypatch):
    from typer.testing import CliRunner

    import motorobs.batch
    from motorobs.batch import BatchSummary
    from motorobs.cli import app

    seen = []

    def run_batch(videos, output, config, **kwargs):
        seen.append(config.report)
        return BatchSummary(output)

    monkeypatch.setattr(motorobs.batch, "run_batch", run_batch)
    runner = CliRunner()
    for flags, wanted in (([], False), (["--overlay-video"], True)):
        done = runner.invoke(app, ["analyze", str(synthetic_video), "-o", str(tmp_path / "o"),
                                   *flags])
        assert done.exit_code == 0, done.output
        assert seen[-1].overlay_video is wanted and seen[-1].blur_faces
