"""Batches of short clips through the fake pose backend (no MediaPipe): bad clips, SIGKILL and
resume, workers, Dask, and reports rebuilt without the videos."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from motorobs.batch import LocalProcessExecutor, Manifest, run_batch
from motorobs.cli import app
from tests.fixtures.videos import fake_config, no_mediapipe_bundles, textured_clip  # noqa: F401

pytestmark = pytest.mark.usefixtures("no_mediapipe_bundles")

SOURCES = ("first", "second", "third")
FPS = "5"
FAKE = ["--pose-backend", "fake"]


@pytest.fixture(scope="module")
def good_clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("videos")
    for seconds, name in enumerate(SOURCES, start=2):
        textured_clip(folder / f"{name}.avi", seconds=float(seconds))
    return folder


CONFIG = fake_config(analysis_fps=float(FPS))


def metric_values(out: Path, clip: str) -> list:
    return json.loads((out / clip / "metrics.json").read_text())["metrics"]


def assert_outputs_whole(out: Path, clip: str) -> None:
    json.loads((out / clip / "metrics.json").read_text())
    assert (out / clip / "report.html").read_text().rstrip().endswith("</html>")
    assert pq.read_table(out / clip / "landmarks.parquet").num_rows > 0
    assert not list((out / clip).glob(".*.part"))


def test_good_clips_finish_and_bad_ones_are_listed_with_reasons(tmp_path, good_clips):
    folder = tmp_path / "in"
    shutil.copytree(good_clips, folder)
    good = sorted(p.stem for p in folder.glob("*.avi"))
    data = (folder / f"{SOURCES[0]}.avi").read_bytes()
    (folder / "cut_off.avi").write_bytes(data[: len(data) // 2])
    (folder / "notes.mov").write_text("caregiver's notes, not a video")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyze", str(folder), "-o", str(out), "--fps", FPS,
                                      "--workers", "1", *FAKE])
    assert result.exit_code == 1, result.output
    failed = [line for line in result.output.splitlines() if line.startswith("failed:")]
    assert len(failed) == 2
    assert any("cut_off.avi" in line for line in failed)
    assert any("notes.mov" in line for line in failed)
    states = {c: r.state for c, r in Manifest(out).read().items()}
    assert states == {**dict.fromkeys(good, "done"), "cut_off": "failed", "notes": "failed"}
    summary = (out / "summary.csv").read_text()
    for clip in good:
        assert_outputs_whole(out, clip)
        assert summary.count(f"\n{clip},") == len(metric_values(out, clip))
    index = (out / "index.html").read_text()
    assert "cut_off.avi" in index and "notes.mov" in index
    assert (out / "cut_off" / "analysis.log").is_file()


KILLED_RUN = """
import sys
from motorobs.cli import app
sys.argv = ["motorobs", *sys.argv[1:]]
app()
"""


def test_a_batch_killed_mid_run_resumes_without_redoing_finished_clips(tmp_path, good_clips):
    out = tmp_path / "out"
    args = ["analyze", str(good_clips), "-o", str(out), "--fps", FPS, "--workers", "1", *FAKE]
    process = subprocess.Popen([sys.executable, "-c", KILLED_RUN, *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    manifest = Manifest(out)
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            if any(r.state == "done" for r in manifest.read().values()):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the first clip never finished")
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        process.kill()
        process.wait()
    before = manifest.read()
    finished = [c for c, r in before.items() if r.state == "done"]
    assert 1 <= len(finished) < len(SOURCES)
    landmarks_mtime = {c: (out / c / "landmarks.parquet").stat().st_mtime_ns for c in finished}

    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    after = manifest.read()
    assert all(after[c].state == "done" for c in SOURCES)
    for clip in SOURCES:
        assert_outputs_whole(out, clip)
    for clip in finished:  # not analysed again: same record, same files
        assert after[clip] == before[clip]
        assert (out / clip / "landmarks.parquet").stat().st_mtime_ns == landmarks_mtime[clip]
    assert "already done" in result.output


def test_two_workers_and_a_dask_cluster_give_the_same_metrics_as_one(tmp_path, good_clips):
    videos = sorted(good_clips.glob("*.avi"))[:2]
    config = CONFIG
    one = run_batch(videos, tmp_path / "one", config)
    two = run_batch(videos, tmp_path / "two", config,
                    executor=LocalProcessExecutor(2))
    assert one.ok and two.ok and sorted(one.analysed) == sorted(two.analysed)
    for video in videos:
        assert metric_values(tmp_path / "two", video.stem) == metric_values(tmp_path / "one",
                                                                           video.stem)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_dask = run_batch(videos, tmp_path / "dask", config,
                            scheduler=cluster.scheduler_address)
    assert on_dask.ok
    for video in videos:
        assert metric_values(tmp_path / "dask", video.stem) == metric_values(
            tmp_path / "one", video.stem)
        assert_outputs_whole(tmp_path / "dask", video.stem)


def test_report_rebuilds_every_report_and_the_index_without_the_videos(tmp_path, good_clips):
    folder = tmp_path / "in"
    shutil.copytree(good_clips, folder)
    out = tmp_path / "out"
    summary = run_batch(sorted(folder.glob("*.avi")), out, CONFIG)
    assert summary.ok
    shutil.rmtree(folder)  # the videos are gone (a retention setting, a moved drive)
    for clip in summary.analysed:
        (out / clip / "report.html").unlink()
    (out / "index.html").unlink()
    (out / "summary.csv").unlink()
    result = CliRunner().invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text()
    for clip in summary.analysed:
        report = (out / clip / "report.html").read_text()
        assert clip in report and "<img" in report  # key frames came from the saved outputs
        assert clip in index
    assert len((out / "summary.csv").read_text().splitlines()) > len(summary.analysed)
