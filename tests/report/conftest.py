"""Fixtures of the report tests (see :mod:`tests.report.synthetic_clip`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from motorobs.result import ClipResult
from tests.report.synthetic_clip import landmark_dataset, make_result, write_video


@pytest.fixture
def synthetic_video(tmp_path: Path) -> Path:
    return write_video(tmp_path / "clip.avi")


@pytest.fixture
def landmarks():
    return landmark_dataset()


@pytest.fixture
def clip_result(synthetic_video: Path) -> ClipResult:
    return make_result(synthetic_video)


@pytest.fixture(autouse=True)
def _no_model_dir(monkeypatch, tmp_path):
    """Tests choose their models explicitly: no model folder from the environment or cache."""
    monkeypatch.delenv("MOTOROBS_MODEL_DIR", raising=False)
    monkeypatch.setattr("motorobs.pose.models.default_cache_dir", lambda: tmp_path / "no-cache")


@pytest.fixture(autouse=True)
def _fresh_face_detectors():
    """No MediaPipe detector is shared from one test to the next."""
    from motorobs.report.faces import close_shared_face_detectors

    close_shared_face_detectors()
    yield
    close_shared_face_detectors()
