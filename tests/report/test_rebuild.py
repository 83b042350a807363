"""Rebuilding a clip's report.html from its folder alone: no video, no MediaPipe, no
matplotlib; clear errors when a stored file is missing or broken."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from motorobs.config import ReportConfig
from motorobs.report import StoredReportError, rebuild_clip_report, write_clip_outputs
from tests.report.synthetic_clip import make_result, write_video

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def clip_dir(tmp_path) -> Path:
    """An analysed synthetic clip whose video has been deleted since."""
    video = write_video(tmp_path / "clip.avi")
    result = make_result(video)
    result.provenance["analysed_at"] = "2026-01-02T10:30:00+00:00"  # the same in both renders
    out = tmp_path / "results" / "clip"
    write_clip_outputs(result, out, ReportConfig(n_key_frames=3))
    video.unlink()
    return out


def test_rebuild_without_the_video_gives_the_same_report(clip_dir):
    first = (clip_dir / "report.html").read_bytes()
    (clip_dir / "report.html").unlink()
    assert rebuild_clip_report(clip_dir) == clip_dir / "report.html"
    html = (clip_dir / "report.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/jpeg;base64,') == 3  # the key frames
    assert html.count('<svg class="chart"') == 2 and html.count('class="band"') >= 1  # plots
    assert html.count('<svg class="timeline"') == 1
    assert "Right hand distance from midline" in html and "(frame " in html
    assert html.encode("utf-8") == first  # the one code path: identical to analysis time


def test_rebuild_imports_neither_mediapipe_nor_video_reading_nor_matplotlib(clip_dir):
    code = (
        "import json, sys\n"
        "from motorobs.report import rebuild_clip_report\n"
        f"rebuild_clip_report({str(clip_dir)!r})\n"
        "heavy = ('mediapipe', 'matplotlib', 'motorobs.io.video', 'motorobs.pose')\n"
        "print(json.dumps([m for m in sys.modules if m.split('.')[0] in heavy or m in heavy]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=REPO, check=True, timeout=120)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
    assert (clip_dir / "report.html").is_file()


@pytest.mark.parametrize(("damage", "named"), [
    (lambda d: (d / "report.json").unlink(), "report.json is missing"),
    (lambda d: (d / "metrics.json").write_text("{not json"), "metrics.json cannot be read"),
    (lambda d: (d / "traces.parquet").write_bytes(b"PAR1 broken"), "traces.parquet cannot be"),
    (lambda d: next((d / "keyframes").glob("*.jpg")).unlink(), "keyframes/frame_"),
    (lambda d: (d / "report.json").write_text('{"format": 99}'), "format 99"),
])
def test_missing_or_broken_files_name_the_folder_and_the_fix(clip_dir, damage, named):
    damage(clip_dir)
    with pytest.raises(StoredReportError) as caught:
        rebuild_clip_report(clip_dir)
    message = str(caught.value)
    assert str(clip_dir) in message and named in message
    assert "run `motorobs analyze`" in message


def test_a_trace_column_missing_from_the_table_is_named(clip_dir):
    report = json.loads((clip_dir / "report.json").read_text())
    report["traces"][0]["column"] = "gone"
    (clip_dir / "report.json").write_text(json.dumps(report))
    with pytest.raises(StoredReportError, match="lacks the column"):
        rebuild_clip_report(clip_dir)


def test_not_a_clip_folder(tmp_path):
    with pytest.raises(StoredReportError, match="no such clip folder"):
        rebuild_clip_report(tmp_path / "nothing")
