"""The command line: bad input gives one clear line and a non-zero exit; good clips still run."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import pytest
from typer.testing import CliRunner

from motorobs.cli import app
from tests.fixtures.clips import short_clip

runner = CliRunner()


def one_line_errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("failed:")]


def test_version_and_help():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and "motorobs" in result.output
    assert "analyze" in runner.invoke(app, ["--help"]).output


def test_info_reports_models_found(model_dir):
    result = runner.invoke(app, ["info", "--model-dir", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "pose_landmarker_full.task" in result.output
    assert "mediapipe" in result.output


def test_metrics_lists_the_catalogue():
    result = runner.invoke(app, ["metrics"])
    assert result.exit_code == 0, result.output
    for name in ("midline_crossings", "hands_together_pct", "reach_count", "prone_time_s"):
        assert name in result.output


def test_missing_path_is_one_line_naming_it(tmp_path):
    missing = tmp_path / "nope.mp4"
    result = runner.invoke(app, ["analyze", str(missing), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    errors = one_line_errors(result.output)
    assert len(errors) == 1 and "nope.mp4" in errors[0]
    assert "Traceback" not in result.output
    assert "nope.mp4" in (tmp_path / "out" / "index.html").read_text()


def test_not_a_video_is_reported(tmp_path):
    fake = tmp_path / "holiday.mp4"
    fake.write_text("this is a text file, not a video")
    result = runner.invoke(app, ["analyze", str(fake), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "holiday.mp4" in " ".join(one_line_errors(result.output))
    assert "Traceback" not in result.output


def test_empty_folder_is_reported(tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["analyze", str(tmp_path / "empty"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "no videos" in result.output


@pytest.mark.mediapipe
def test_one_bad_clip_never_stops_the_others(tmp_path, model_dir, sample_videos):
    folder = tmp_path / "clips"
    folder.mkdir()
    short_clip(sample_videos / "a_midline_reach__top.mp4", folder / "good.mp4")
    good_bytes = (folder / "good.mp4").read_bytes()
    (folder / "cut.mp4").write_bytes(good_bytes[: len(good_bytes) // 2])
    (folder / "notes.txt").write_text("ignored: not a video suffix")
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["analyze", str(folder), "-o", str(out), "--model-dir", str(model_dir)]
    )
    assert result.exit_code == 1, result.output
    errors = one_line_errors(result.output)
    assert len(errors) == 1 and "cut.mp4" in errors[0]
    payload = json.loads((out / "good" / "metrics.json").read_text())
    assert payload["clip"] == "good" and payload["metrics"]
    index = (out / "index.html").read_text()
    assert "good/report.html" in index and "cut.mp4" in index
    assert (out / "run.log").read_text().strip()


@pytest.mark.mediapipe
def test_clip_without_a_baby_says_so(tmp_path, model_dir):
    blank = tmp_path / "blank.avi"
    writer = cv2.VideoWriter(str(blank), cv2.VideoWriter_fourcc(*"MJPG"), 10, (160, 120))
    import numpy as np

    for i in range(10):
        writer.write(np.full((120, 160, 3), 40 + i, np.uint8))
    writer.release()
    result = runner.invoke(
        app, ["analyze", str(blank), "-o", str(tmp_path / "out"), "--model-dir", str(model_dir)]
    )
    assert result.exit_code == 1
    errors = one_line_errors(result.output)
    assert len(errors) == 1 and "blank.avi" in errors[0] and "no baby" in errors[0]


@pytest.mark.mediapipe
def test_validate_scores_clips_with_ground_truth(tmp_path, model_dir, sample_videos):
    folder = tmp_path / "clips"
    folder.mkdir()
    short_clip(sample_videos / "d_negative_control__top.mp4", folder / "still.mp4", 30)
    (folder / "still.events.json").write_text(json.dumps(
        {"fps": 15, "posture": "supine", "midline_crossings": [], "reaches": []}
    ))
    short_clip(sample_videos / "d_negative_control__top.mp4", folder / "no_truth.mp4", 5)
    out = tmp_path / "val"
    result = runner.invoke(
        app, ["validate", str(folder), "-o", str(out), "--model-dir", str(model_dir)]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads((out / "validation.json").read_text())
    assert scores["clips"] == ["still"]  # the clip without ground truth is not scored
    by_type = {row["type"]: row for row in scores["scores"]}
    assert set(by_type) == {"midline_crossing", "reach", "head_lift", "grasp"}
    assert all(row["true"] == 0 and row["detected"] == 0 for row in by_type.values())
    assert (out / "still" / "report.html").is_file()


def test_validate_without_ground_truth_says_so(tmp_path):
    (tmp_path / "clips").mkdir()
    result = runner.invoke(app, ["validate", str(tmp_path / "clips"), "-o", str(tmp_path / "v")])
    assert result.exit_code == 2
    assert "ground-truth" in result.output


def _zero_frames(folder: Path) -> Path:
    from tests.io.test_video import write_cv2

    return write_cv2(folder / "nothing.avi", "MJPG", n_frames=0)


def _undecodable(folder: Path) -> Path:
    from tests.io.test_video import write_cv2

    source = write_cv2(folder / "mjpeg.avi", "MJPG", n_frames=10)
    path = folder / "wrong_codec.avi"
    path.write_bytes(source.read_bytes().replace(b"MJPG", b"VP90"))
    source.unlink()
    return path


def _truncated_while_reading(folder: Path) -> Path:
    from tests.io.test_video import cut_file, write_cv2

    source = write_cv2(folder / "full.avi", "MJPG", n_frames=30, fps=10.0)
    path = cut_file(source, folder / "cut.avi", 0.6)
    source.unlink()
    return path


@pytest.mark.mediapipe
@pytest.mark.parametrize(
    ("make", "words"),
    [
        (_zero_frames, "no frames"),
        (_undecodable, "could be decoded"),
        (_truncated_while_reading, "stopped at frame"),
    ],
    ids=["zero-frames", "unreadable-codec", "truncated"],
)
def test_bad_videos_fail_on_one_line_with_status_1(tmp_path, model_dir, make, words):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = make(folder)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["analyze", str(bad), "-o", str(out), "--model-dir", str(model_dir)]
    )
    assert result.exit_code == 1, result.output
    errors = one_line_errors(result.output)
    assert len(errors) == 1 and bad.name in errors[0] and words in errors[0]
    assert "Traceback" not in result.output
    assert bad.name in (out / "index.html").read_text()
