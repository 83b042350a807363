"""End to end on sample_videos/ with real MediaPipe inference, checked against ground truth.

The whole folder is analysed once through the command line (as a user would) and every
clip's outputs are compared with its ``.events.json`` ground truth.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from motorobs.cli import app

pytestmark = pytest.mark.mediapipe

CLIPS = [
    "a_midline_reach__side",
    "a_midline_reach__top",
    "b_reach_up_toy__side",
    "b_reach_up_toy__top",
    "c_prone_head_lift__side",
    "c_prone_head_lift__top",
    "d_negative_control__side",
    "d_negative_control__top",
]


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, model_dir, sample_videos) -> Path:
    out = tmp_path_factory.mktemp("results")
    result = CliRunner().invoke(
        app, ["analyze", str(sample_videos), "-o", str(out), "--model-dir", str(model_dir)]
    )
    assert result.exit_code == 0, result.output
    return out


def truth(sample_videos: Path, clip: str) -> dict:
    return json.loads((sample_videos / f"{clip}.events.json").read_text())


def events(analysed: Path, clip: str) -> pd.DataFrame:
    return pd.read_csv(analysed / clip / "events.csv")


def metric(analysed: Path, clip: str, name: str, side: str | None = None) -> dict:
    payload = json.loads((analysed / clip / "metrics.json").read_text())
    matches = [m for m in payload["metrics"] if m["name"] == name and m["side"] == side]
    assert len(matches) == 1, f"{clip}: {name}/{side} appears {len(matches)} times"
    return matches[0]


@pytest.mark.parametrize("clip", CLIPS)
def test_every_output_file_is_written(analysed, clip):
    folder = analysed / clip
    for name in ("landmarks.parquet", "metrics.json", "events.csv", "report.html"):
        assert (folder / name).is_file(), f"{clip}: {name} missing"
    table = pq.read_table(folder / "landmarks.parquet")
    assert table.column_names[:9] == [
        "frame", "time_s", "part", "landmark", "x_px", "y_px", "z", "visibility", "presence"
    ]
    meta = json.loads(table.schema.metadata[b"motorobs"])
    assert meta["fps"] == pytest.approx(15.0)
    assert (meta["frame_width"], meta["frame_height"]) == (640, 480)
    assert len(meta["video_sha256"]) == 64
    assert {m["name"] for m in json.loads(meta["models"])} == {
        "pose_landmarker_full.task", "hand_landmarker.task"
    }
    assert meta["motorobs_version"]
    payload = json.loads((folder / "metrics.json").read_text())
    assert payload["clip"] == clip
    assert payload["duration_s"] == pytest.approx(7.0, abs=0.1)
    for m in payload["metrics"]:
        assert {"name", "value", "unit", "coverage", "status", "definition"} <= set(m)
    assert list(events(analysed, clip).columns[:4]) == ["type", "side", "start_s", "end_s"]


@pytest.mark.parametrize("clip", [c for c in CLIPS if c.endswith("__top")])
def test_midline_crossings_match_truth_in_top_views(analysed, sample_videos, clip):
    """Supine from above: exact counts. Prone (tummy time): midline metrics do not apply."""
    gt = truth(sample_videos, clip)
    true = [m for m in gt["midline_crossings"] if m["basis"] == "3d_body_sagittal_plane"]
    found = events(analysed, clip).query("type == 'midline_crossing'")
    for hand in ("left", "right"):
        n_true = sum(m["hand"] == hand for m in true)
        assert (found["side"] == hand).sum() == n_true, f"{clip} {hand}"
        crossings = metric(analysed, clip, "midline_crossings", hand)
        if gt["posture"] == "prone":
            assert crossings["status"] == "not_applicable" and crossings["reason"]
        else:
            assert crossings["value"] == n_true, f"{clip} {hand}: {crossings}"


@pytest.mark.parametrize("clip", [c for c in CLIPS if c.endswith("__side")])
def test_midline_is_not_applicable_side_on(analysed, clip):
    for hand in ("left", "right"):
        m = metric(analysed, clip, "midline_crossings", hand)
        assert m["status"] == "not_applicable" and m["value"] is None and m["reason"]
    assert not (events(analysed, clip)["type"] == "midline_crossing").any()


@pytest.mark.parametrize("clip", CLIPS)
def test_reach_counts_match_truth(analysed, sample_videos, clip):
    """Counts match the truth; side-on, the far hand (the right: the camera films the
    infant's left side) is hidden and must be reported as insufficient data instead."""
    true = truth(sample_videos, clip)["reaches"]
    found = events(analysed, clip).query("type == 'reach'")
    for hand in ("left", "right"):
        count = metric(analysed, clip, "reach_count", hand)
        hidden = clip.endswith("__side") and hand == "right"
        if hidden and count["status"] == "insufficient_data":
            assert count["value"] is None and not (found["side"] == hand).any()
            continue
        n_true = sum(r["hand"] == hand for r in true)
        assert count["status"] == "ok" and count["value"] == n_true, f"{clip} {hand}: {count}"
        assert (found["side"] == hand).sum() == n_true, (
            f"{clip} {hand}: found {found[found['side'] == hand][['start_s', 'end_s']]}"
        )


@pytest.mark.parametrize("clip", CLIPS)
def test_head_lift_episodes_match_truth(analysed, sample_videos, clip):
    gt = truth(sample_videos, clip)
    found = events(analysed, clip).query("type == 'head_lift'")
    expected = 1 if gt["posture"] == "prone" and gt["view"] == "side" else 0
    assert len(found) == expected
    if gt["posture"] != "prone":
        assert metric(analysed, clip, "head_lift_max_deg")["status"] == "not_applicable"
    elif gt["view"] == "top":
        m = metric(analysed, clip, "head_lift_max_deg")
        assert m["status"] == "not_applicable" and "side" in m["reason"]


def test_prone_time_matches_truth(analysed, sample_videos):
    for clip in CLIPS:
        seen = metric(analysed, clip, "prone_time_s")
        if truth(sample_videos, clip)["posture"] == "prone":
            assert seen["status"] == "ok" and seen["value"] >= 6.0, clip
        else:
            assert seen["value"] in (0, 0.0, None), clip


def test_negative_controls_have_no_events(analysed):
    for clip in ("d_negative_control__top", "d_negative_control__side"):
        assert events(analysed, clip).empty, clip


def test_batch_summary_and_index(analysed):
    summary = pd.read_csv(analysed / "summary.csv")
    assert set(summary["clip"]) == set(CLIPS)
    index = (analysed / "index.html").read_text()
    for clip in CLIPS:
        assert f"{clip}/report.html" in index


def test_second_run_reuses_landmarks(analysed, model_dir, sample_videos, tmp_path):
    from motorobs.config import AnalysisConfig
    from motorobs.pipeline import analyze_video

    clip = "d_negative_control__top"
    config = AnalysisConfig().with_overrides(pose={"model_dir": model_dir})
    first = json.loads((analysed / clip / "metrics.json").read_text())
    again = analyze_video(sample_videos / f"{clip}.mp4", config, output_dir=analysed / clip)
    assert again.provenance["landmarks_reused"] is True
    assert [m["value"] for m in first["metrics"]] == [
        m.to_dict()["value"] for m in again.metrics
    ]
