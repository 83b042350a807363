"""The command line: bad input gives one clear line and a non-zero exit; good clips still run."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from motorobs.cli import app
from motorobs.pose.fake import contralateral_intervals
from tests.fixtures.videos import (  # noqa: F401 - no_mediapipe_bundles: a fixture
    FPS,
    expected_crossings,
    flat_clip,
    no_mediapipe_bundles,
    textured_clip,
    truncated_clip,
    undecodable_clip,
    zero_frame_clip,
)

runner = CliRunner()
FAKE = ["--pose-backend", "fake", "--workers", "1"]
"""Options of every analysis here: the fake pose backend (no MediaPipe), in this process."""


pytestmark = pytest.mark.usefixtures("no_mediapipe_bundles")


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
    result = runner.invoke(app, ["analyze", str(fake), "-o", str(tmp_path / "out"), *FAKE])
    assert result.exit_code == 1
    assert "holiday.mp4" in " ".join(one_line_errors(result.output))
    assert "Traceback" not in result.output


def test_empty_folder_is_reported(tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["analyze", str(tmp_path / "empty"), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "no videos" in result.output


def test_one_bad_clip_never_stops_the_others(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    good_bytes = textured_clip(folder / "good.avi").read_bytes()
    (folder / "cut.avi").write_bytes(good_bytes[: len(good_bytes) // 2])
    (folder / "notes.txt").write_text("ignored: not a video suffix")
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(folder), "-o", str(out), *FAKE])
    assert result.exit_code == 1, result.output
    errors = one_line_errors(result.output)
    assert len(errors) == 1 and "cut.avi" in errors[0]
    payload = json.loads((out / "good" / "metrics.json").read_text())
    assert payload["clip"] == "good" and payload["metrics"]
    index = (out / "index.html").read_text()
    assert "good/report.html" in index and "cut.avi" in index
    assert (out / "run.log").read_text().strip()


def test_clip_without_a_baby_says_so(tmp_path):
    blank = flat_clip(tmp_path / "blank.avi")
    result = runner.invoke(app, ["analyze", str(blank), "-o", str(tmp_path / "out"), *FAKE])
    assert result.exit_code == 1
    errors = one_line_errors(result.output)
    assert len(errors) == 1 and "blank.avi" in errors[0] and "no baby" in errors[0]


def test_the_fake_infant_s_crossings_are_found_and_a_rerun_skips_the_clip(tmp_path):
    video = textured_clip(tmp_path / "baby.avi", seconds=4.0)
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(video), "-o", str(out), *FAKE])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "baby" / "metrics.json").read_text())
    crossings = {m["side"]: m["value"] for m in metrics["metrics"]
                 if m["name"] == "midline_crossings"}
    assert crossings == {"left": 0, "right": expected_crossings(4.0)}
    assert metrics["provenance"]["pose_backend"] == "fake"
    again = runner.invoke(app, ["analyze", str(video), "-o", str(out), *FAKE])
    assert again.exit_code == 0 and "1 already done" in again.output


def test_unreadable_saved_landmarks_are_made_again(tmp_path):
    video = textured_clip(tmp_path / "baby.avi")
    out = tmp_path / "out"
    assert runner.invoke(app, ["analyze", str(video), "-o", str(out), *FAKE]).exit_code == 0
    (out / "baby" / "landmarks.parquet").write_bytes(b"\x00 damaged on a USB stick")
    # Another metric setting: the clip runs again and would reuse its landmarks.
    result = runner.invoke(app, ["analyze", str(video), "-o", str(out), "--camera", "above",
                                 *FAKE])
    assert result.exit_code == 0, result.output
    assert "ignoring unreadable landmarks" in (out / "baby" / "analysis.log").read_text()
    assert pq.read_table(out / "baby" / "landmarks.parquet").num_rows > 0


def test_an_unknown_pose_backend_is_refused_with_the_choices(tmp_path):
    video = textured_clip(tmp_path / "baby.avi", seconds=1.0)
    result = runner.invoke(app, ["analyze", str(video), "-o", str(tmp_path / "out"),
                                 "--pose-backend", "openpose"])
    assert result.exit_code == 2
    assert "openpose" in result.output and "fake, mediapipe" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option", [["--fps", "-1"], ["--workers", "0"], ["--camera", "below"]])
def test_bad_options_exit_2_before_any_work(tmp_path, option):
    video = textured_clip(tmp_path / "baby.avi", seconds=1.0)
    result = runner.invoke(app, ["analyze", str(video), "-o", str(tmp_path / "out"), *FAKE,
                                 *option])
    assert result.exit_code == 2, result.output
    assert option[0] in result.output
    assert not (tmp_path / "out").exists()


def test_a_config_file_can_choose_the_backend_for_validate(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    textured_clip(folder / "baby.avi", seconds=4.0)
    crossings = [{"hand": "right", "start_frame": round(start * FPS),
                  "end_frame": round(end * FPS), "basis": "3d_body_sagittal_plane"}
                 for start, end in contralateral_intervals(4.0 - 1 / FPS)]
    (folder / "baby.events.json").write_text(json.dumps(
        {"fps": FPS, "posture": "supine", "midline_crossings": crossings, "reaches": []}))
    textured_clip(folder / "no_truth.avi", seconds=1.0)
    settings = tmp_path / "fake.toml"
    settings.write_text('[pose]\nbackend = "fake"\n')
    out = tmp_path / "val"
    result = runner.invoke(app, ["validate", str(folder), "-o", str(out),
                                 "--config", str(settings)])
    assert result.exit_code == 0, result.output
    scores = json.loads((out / "validation.json").read_text())
    assert scores["clips"] == ["baby"]  # the clip without ground truth is not scored
    by_type = {row["type"]: row for row in scores["scores"]}
    assert by_type["midline_crossing"]["true"] == 2
    assert by_type["midline_crossing"]["detected"] == 2
    assert by_type["midline_crossing"]["f1"] == 1.0
    assert (out / "baby" / "report.html").is_file()


def test_validate_without_ground_truth_says_so(tmp_path):
    (tmp_path / "clips").mkdir()
    result = runner.invoke(app, ["validate", str(tmp_path / "clips"), "-o", str(tmp_path / "v")])
    assert result.exit_code == 2
    assert "ground-truth" in result.output


def test_validate_where_no_clip_can_be_analysed_says_why(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    bad = undecodable_clip(folder)
    (folder / f"{bad.stem}.events.json").write_text(json.dumps(
        {"fps": FPS, "posture": "supine", "midline_crossings": [], "reaches": []}))
    settings = tmp_path / "fake.toml"
    settings.write_text('[pose]\nbackend = "fake"\n')
    result = runner.invoke(app, ["validate", str(folder), "-o", str(tmp_path / "v"),
                                 "--config", str(settings)])
    assert result.exit_code == 2, result.output  # one error line, as for other user errors
    assert "Traceback" not in result.output
    assert "nothing was scored" in result.output and bad.name in result.output


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda folder: zero_frame_clip(folder / "nothing.avi"), "no frames"),
        (undecodable_clip, "could be decoded"),
        (truncated_clip, "stopped at frame"),
    ],
    ids=["zero-frames", "unreadable-codec", "truncated"],
)
def test_bad_videos_fail_on_one_line_with_status_1(tmp_path, make, words):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = make(folder)
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(bad), "-o", str(out), *FAKE])
    assert result.exit_code == 1, result.output
    errors = one_line_errors(result.output)
    assert len(errors) == 1 and bad.name in errors[0] and words in errors[0]
    assert "Traceback" not in result.output
    assert bad.name in (out / "index.html").read_text()
