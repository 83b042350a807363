"""Stored key frames: reused when the same video, blur setting and landmarks make them,
made again otherwise, and removed when no longer chosen."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import cv2
import numpy as np

from motorobs.config import ReportConfig
from motorobs.report import write_clip_outputs
from motorobs.report.keyframe_store import key_frame_file, remove_stale_key_frames
from tests.report.synthetic_clip import FACE_CENTRE, NO_FACE_FRAMES, landmark_dataset, make_result


def _stored(out: Path) -> dict[str, tuple[int, bytes]]:
    """Key frame file -> (modification time in ns, bytes), as report.json lists them."""
    files = [k["file"] for k in json.loads((out / "report.json").read_text())["key_frames"]]
    return {f: ((out / f).stat().st_mtime_ns, (out / f).read_bytes()) for f in files}


def _on_disk(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in (out / "keyframes").glob("*"))


def test_frames_are_reused_without_the_video(clip_result, synthetic_video, tmp_path):
    out = tmp_path / "clip"
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=4))
    before = _stored(out)
    assert len(before) == 4 and _on_disk(out) == sorted(before)
    synthetic_video.unlink()  # nothing can be read again
    written = write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=4))
    assert not [k for k in written if k.startswith("keyframes/")]
    assert _stored(out) == before  # same files, untouched
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/jpeg;base64,') == 4
    assert "is not available" not in html  # the video was never asked for


def test_frames_no_longer_chosen_are_removed(clip_result, tmp_path):
    out = tmp_path / "clip"
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=4))
    four = _stored(out)
    clip_result.events = []  # other choices: evenly spaced frames only
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=2))
    two = _stored(out)
    assert len(two) == 2 and _on_disk(out) == sorted(two)
    assert all(not (out / f).exists() for f in set(four) - set(two))
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=0))
    assert not (out / "keyframes").exists()


def test_another_blur_setting_makes_the_frames_again(synthetic_video, tmp_path):
    out = tmp_path / "clip"
    clip_result = make_result(synthetic_video, ds=landmark_dataset(no_face_frames=()))
    clip_result.events = []  # one evenly spaced frame, the same with blurring on or off
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=1))
    (blurred,) = _stored(out).items()
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=1, blur_faces=False))
    (plain,) = _stored(out).items()
    assert plain[0] == blurred[0] and plain[1] != blurred[1]  # same frame, made again
    image = cv2.imdecode(np.frombuffer(plain[1][1], np.uint8), cv2.IMREAD_GRAYSCALE)
    x, y = FACE_CENTRE
    assert image[y + 6:y + 20, x - 14:x + 14].std() > 60  # the checkerboard face is sharp


def test_other_landmarks_or_another_video_make_the_frames_again(clip_result, tmp_path):
    out = tmp_path / "clip"
    clip_result.events = []
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=2))
    first = _stored(out)
    moved = clip_result.landmarks.copy(deep=True)
    moved["position"].values[:, 0, :, :] += 3.0  # the infant drawn 3 px further right
    clip_result.landmarks = moved
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=2))
    second = _stored(out)
    assert second.keys() == first.keys()
    assert all(second[f][1] != first[f][1] for f in first)
    clip_result.video = dataclasses.replace(clip_result.video, sha256="1" * 64)
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=2))
    assert all(_stored(out)[f][0] != second[f][0] for f in second)  # written anew


def test_reused_frames_never_include_a_faceless_frame(clip_result, tmp_path):
    out = tmp_path / "clip"
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=20, blur_faces=False))
    assert {key_frame_file(f) for f in NO_FACE_FRAMES} <= set(_stored(out))
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=20))  # blurring on again
    shown = {k["frame"] for k in json.loads((out / "report.json").read_text())["key_frames"]}
    assert shown and not shown & set(NO_FACE_FRAMES)
    assert not {key_frame_file(f) for f in NO_FACE_FRAMES} & set(_on_disk(out))


def test_remove_stale_key_frames_keeps_what_is_listed_and_other_files(tmp_path):
    folder = tmp_path / "keyframes"
    folder.mkdir()
    for name in ("frame_000001.jpg", "frame_000002.jpg", "notes.txt"):
        (folder / name).write_bytes(b"x")
    removed = remove_stale_key_frames(tmp_path, [key_frame_file(1)])
    assert [p.name for p in removed] == ["frame_000002.jpg"]
    assert sorted(p.name for p in folder.iterdir()) == ["frame_000001.jpg", "notes.txt"]
