"""`motorobs analyze --landmarks` and `motorobs export`: keypoints of other tools through the
metrics and the report, and back out, without MediaPipe."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from motorobs.analyze_landmarks import NO_VIDEO_NOTE, analyze_landmarks
from motorobs.cli import app
from motorobs.io import formats
from tests.conftest import REALDATA
from tests.fixtures.keypoints import coco17_dataset

runner = CliRunner()
SYRIP = REALDATA / "ostadabbas_SyRIP_real" / "annotations"
HAND_METRIC = "hand_aperture_median"


def metrics_of(folder):
    return json.loads((folder / "metrics.json").read_text())


def assert_missing_parts_explained(payload, missing):
    by_name = {(m["name"], m["side"]): m for m in payload["metrics"]}
    for side in ("left", "right"):
        hand = by_name[(HAND_METRIC, side)]
        assert hand["status"] == "not_applicable"
        assert any(part in hand["reason"] for part in missing), hand["reason"]


@pytest.fixture
def coco_file(tmp_path):
    return formats.write(coco17_dataset(), tmp_path / "clip.json", "coco")


def test_analyze_a_coco_file(coco_file, tmp_path):
    out = tmp_path / "results"
    result = runner.invoke(app, ["analyze", "--landmarks", str(coco_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    clip = out / "clip"
    assert {"metrics.json", "events.csv", "report.html", "landmarks.parquet"} <= {
        p.name for p in clip.iterdir()}
    payload = metrics_of(clip)
    assert NO_VIDEO_NOTE in payload["notes"]
    assert payload["provenance"]["landmarks"]["source_software"] == "COCO"
    missing = payload["provenance"]["landmarks"]["missing_body_parts"]
    assert "left_hand_wrist" in missing and "left_wrist" not in missing
    assert_missing_parts_explained(payload, missing)
    assert NO_VIDEO_NOTE in (clip / "report.html").read_text()
    assert not (clip / "keyframes").exists() or not list((clip / "keyframes").iterdir())


def test_settings_file_applies(coco_file, tmp_path):
    settings = tmp_path / "motorobs.toml"
    settings.write_text("[report]\nhtml = false\n")
    out = tmp_path / "results"
    result = runner.invoke(app, ["analyze", "--landmarks", str(coco_file), "--config",
                                 str(settings), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "clip" / "metrics.json").is_file()
    assert not (out / "clip" / "report.html").exists()


def test_the_video_gives_frame_rate_and_size(tmp_path):
    ds = coco17_dataset(n_frames=10, fps=20)
    path = formats.write(ds, tmp_path / "clip.csv", "dlc")  # DeepLabCut records no fps
    video = tmp_path / "clip.mp4"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 20.0, (640, 480))
    for _ in range(10):
        writer.write(np.zeros((480, 640, 3), np.uint8))
    writer.release()
    result = analyze_landmarks(path, {"report": {"html": False}}, video=video)
    assert result.landmarks.attrs["fps"] == 20.0
    assert (result.landmarks.attrs["frame_width"], result.landmarks.attrs["frame_height"]) == (
        640, 480)
    assert NO_VIDEO_NOTE not in result.notes
    np.testing.assert_allclose(result.landmarks["time"].values, np.arange(10) / 20.0)


def test_user_mistakes_are_one_line(tmp_path, coco_file):
    out = str(tmp_path / "r")
    both = runner.invoke(app, ["analyze", str(coco_file), "--landmarks", str(coco_file),
                               "-o", out])
    assert both.exit_code == 2 and "not both" in both.output
    neither = runner.invoke(app, ["analyze", "-o", out])
    assert neither.exit_code == 2 and "--landmarks FILE" in neither.output
    csv = formats.write(coco17_dataset(), tmp_path / "clip.csv", "dlc")
    no_fps = runner.invoke(app, ["analyze", "--landmarks", str(csv), "-o", out])
    assert no_fps.exit_code == 2 and "--landmarks-fps" in no_fps.output
    assert "Traceback" not in no_fps.output
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    bad = runner.invoke(app, ["analyze", "--landmarks", str(broken), "--format", "coco",
                              "-o", out])
    assert bad.exit_code == 2 and f"{broken}: not a JSON file" in bad.output


def test_export_to_movement_coco_and_deeplabcut(coco_file, tmp_path):
    out = tmp_path / "results"
    assert runner.invoke(app, ["analyze", "--landmarks", str(coco_file), "-o",
                               str(out)]).exit_code == 0
    original = formats.read(coco_file)
    for to, name in (("movement", "x.nc"), ("coco", "x.json"), ("dlc", "x.csv")):
        target = tmp_path / name
        result = runner.invoke(app, ["export", str(out / "clip"), "--to", to, "-o",
                                     str(target)])
        assert result.exit_code == 0, result.output
        back = formats.read(target, fps=original.attrs["fps"])
        np.testing.assert_allclose(back["position"].values, original["position"].values,
                                   rtol=1e-12)
    missing = runner.invoke(app, ["export", str(tmp_path / "nowhere"), "--to", "coco", "-o",
                                  str(tmp_path / "y.json")])
    assert missing.exit_code == 2 and "no such landmarks file" in missing.output


@pytest.mark.realdata
@pytest.mark.skipif(not SYRIP.is_dir(), reason="../shared/realdata (SyRIP) is absent")
def test_syrip_coco_annotations_through_analyze(tmp_path):
    source = SYRIP / "person_keypoints_validate_infant.json"
    out = tmp_path / "results"
    result = runner.invoke(app, ["analyze", "--landmarks", str(source), "--landmarks-fps", "1",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    payload = metrics_of(out / source.stem)
    missing = payload["provenance"]["landmarks"]["missing_body_parts"]
    assert len(missing) == 75 - 17 and "left_heel" in missing
    assert payload["provenance"]["frames_analysed"] == 500
    assert_missing_parts_explained(payload, missing)
    not_applicable = [m for m in payload["metrics"] if m["status"] == "not_applicable"]
    assert all(m.get("reason") for m in not_applicable)
