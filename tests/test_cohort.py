"""analyze_folder: a folder of clips through the batch runner, resumable, with progress."""

from __future__ import annotations

import pytest

import motorobs as mo
from motorobs.errors import VideoError
from tests.fixtures.cohort import CLIP_SECONDS, analysed_cohort
from tests.fixtures.videos import fake_config, no_mediapipe_bundles  # noqa: F401 - a fixture


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    return analysed_cohort(tmp_path_factory)


def test_every_video_of_the_folder_is_analysed(cohort):
    _, results, summary = cohort
    assert sorted(summary.analysed) == sorted(CLIP_SECONDS) and summary.ok
    for clip in CLIP_SECONDS:
        assert (results / clip / "metrics.json").is_file()
    assert (results / "summary.csv").is_file() and (results / "index.html").is_file()


@pytest.mark.usefixtures("no_mediapipe_bundles")
def test_a_second_run_skips_the_clips_done_and_shows_progress(cohort, capsys):
    videos, results, _ = cohort
    again = mo.analyze_folder(videos, results, fake_config())
    assert sorted(again.skipped) == sorted(CLIP_SECONDS) and not again.analysed
    assert "clips (2 already done)" in capsys.readouterr().out


@pytest.mark.usefixtures("no_mediapipe_bundles")
def test_files_and_folders_together(cohort, tmp_path):
    videos, _, _ = cohort
    summary = mo.analyze_folder([videos / "short.avi"], tmp_path / "one", fake_config(),
                                progress=False)
    assert summary.analysed == ["short"]


def test_no_videos_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no videos in"):
        mo.analyze_folder(tmp_path, tmp_path / "out", fake_config(), progress=False)
    with pytest.raises(VideoError, match="no such folder"):
        mo.analyze_folder(tmp_path / "missing.mp4", tmp_path / "out", fake_config(),
                          progress=False)
