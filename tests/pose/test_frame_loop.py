"""The shared frame loop, run with the fake backend: frame step, threads, progress."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import PoseConfig
from motorobs.io.video import probe_video
from motorobs.pose.fake import FakeBackend
from motorobs.pose.frame_loop import frame_step, run_frames
from tests.fixtures.videos import textured_clip


@pytest.mark.parametrize(("fps", "analysis_fps", "step"),
                         [(30, 15, 2), (30, 10, 3), (25, 15, 2), (10, 15, 1), (30, None, 1),
                          (30, 0, 1), (60, 7, 9)])
def test_frame_step_keeps_at_most_the_analysis_rate(fps, analysis_fps, step):
    assert frame_step(fps, analysis_fps) == step


@pytest.fixture(scope="module")
def info(tmp_path_factory):
    return probe_video(textured_clip(tmp_path_factory.mktemp("v") / "clip.avi", seconds=2.0))


def run(info, **settings):
    config = PoseConfig(backend="fake", **settings)
    calls = []
    with FakeBackend(config).open() as landmarker:
        found = run_frames(info, config, landmarker, lambda done, total: calls.append(
            (done, total)))
    return found, calls


def test_every_analysed_frame_in_order_with_progress(info):
    found, calls = run(info, analysis_fps=5.0)
    assert found.step == 2
    assert found.frames.tolist() == list(range(0, 20, 2))
    assert np.allclose(found.times_s, found.frames / info.fps)
    assert calls == [(done, 10) for done in range(1, 11)]
    assert found.tracker.log.hand_model_frames == 10


def test_threads_change_nothing(info):
    threaded, _ = run(info, overlap_models=True)
    single, _ = run(info, overlap_models=False)
    for name, values in threaded.arrays.items():
        assert np.array_equal(values, single.arrays[name], equal_nan=True), name
    assert np.isfinite(threaded.arrays["position"]).all()
