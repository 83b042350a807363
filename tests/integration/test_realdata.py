"""Real infant footage (third-party clips under ../shared/realdata; skipped when absent).

There is no ground truth for these clips: every one must complete with a report, and every
metric's status, value and coverage must be consistent (never a value on too little data).
Clips are analysed at a reduced frame rate to keep the suite short.
"""

from __future__ import annotations

import json

import pytest

from motorobs.batch import run_batch
from motorobs.config import AnalysisConfig

from ..conftest import REALDATA

pytestmark = [pytest.mark.mediapipe, pytest.mark.realdata]

REAL_CLIPS = sorted(REALDATA.glob("**/*.mp4")) if REALDATA.is_dir() else []


@pytest.fixture(scope="module")
def real_results(tmp_path_factory, model_dir):
    if not REAL_CLIPS:
        pytest.skip(f"no real clips under {REALDATA}")
    config = AnalysisConfig().with_overrides(pose={"model_dir": model_dir, "analysis_fps": 5.0})
    out = tmp_path_factory.mktemp("real")
    return out, run_batch(REAL_CLIPS, out, config)


def test_every_real_clip_completes_with_a_report(real_results):
    out, batch = real_results
    assert batch.failures == []
    for clip in REAL_CLIPS:
        assert (out / clip.stem / "report.html").is_file()
        assert (out / clip.stem / "metrics.json").is_file()


def test_coverage_and_status_are_consistent(real_results):
    out, batch = real_results
    minimum = AnalysisConfig().metrics.min_coverage
    for clip in REAL_CLIPS:
        payload = json.loads((out / clip.stem / "metrics.json").read_text())
        assert payload["metrics"], clip.name
        for m in payload["metrics"]:
            where = f"{clip.name}: {m['name']}/{m['side']}"
            assert m["status"] in {"ok", "insufficient_data", "not_applicable"}, where
            assert 0.0 <= m["coverage"] <= 1.0, where
            if m["status"] == "ok":
                assert m["value"] is not None, where
                assert m["coverage"] >= minimum, where
            else:
                assert m["value"] is None and m["reason"], where
