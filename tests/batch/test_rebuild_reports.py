"""`motorobs report`: every clip folder rebuilt from disk; a broken one is named, the rest done."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from motorobs.batch import rebuild_reports
from motorobs.cli import app
from motorobs.config import ReportConfig
from motorobs.report import write_clip_outputs
from tests.report.synthetic_clip import make_result, write_video


def analysed_folder(tmp_path):
    """Two synthetic clips analysed into one results folder (no manifest), videos deleted."""
    video = write_video(tmp_path / "clip.avi")
    results = tmp_path / "results"
    for name in ("week_01", "week_02"):
        write_clip_outputs(make_result(video), results / name, ReportConfig(n_key_frames=2))
    video.unlink()
    return results


def test_every_clip_is_rebuilt_and_a_broken_one_is_named(tmp_path):
    results = analysed_folder(tmp_path)
    for name in ("week_01", "week_02"):
        (results / name / "report.html").unlink()
    (results / "week_02" / "report.json").write_text("{ not json")
    rebuilt, problems = rebuild_reports(results)
    assert rebuilt == ["week_01"]
    assert (results / "week_01" / "report.html").is_file()
    assert [clip for clip, _ in problems] == ["week_02"]
    reason = problems[0][1]
    assert "report.json" in reason and reason.count(str(results / "week_02")) == 1
    index = (results / "index.html").read_text()
    assert "week_01/report.html" in index and "week_02" in index


def test_report_command_exit_status_and_messages(tmp_path):
    results = analysed_folder(tmp_path)
    ok = CliRunner().invoke(app, ["report", str(results)])
    assert ok.exit_code == 0, ok.output
    assert "2 report(s) rebuilt" in ok.output
    shutil.rmtree(results / "week_01" / "keyframes")
    broken = CliRunner().invoke(app, ["report", str(results)])
    assert broken.exit_code == 1
    assert any(line.startswith("failed:") and "week_01" in line
               for line in broken.output.splitlines())
    missing = CliRunner().invoke(app, ["report", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2 and "no such results folder" in missing.output
