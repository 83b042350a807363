"""Shared fixtures: where the sample videos, the model bundles and the real data are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_VIDEOS = REPO / "sample_videos"
SHARED = REPO.parent / "shared"
REALDATA = SHARED / "realdata"
MODEL_FILES = ("pose_landmarker_full.task", "hand_landmarker.task")


def _find_model_dir() -> Path | None:
    for candidate in (os.environ.get("MOTOROBS_MODEL_DIR"), SHARED / "models"):
        if candidate and all((Path(candidate) / f).is_file() for f in MODEL_FILES):
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def model_dir() -> Path:
    """Folder with the MediaPipe bundles ($MOTOROBS_MODEL_DIR or ../shared/models)."""
    found = _find_model_dir()
    if found is None:
        pytest.skip("MediaPipe model bundles not found: set MOTOROBS_MODEL_DIR")
    return found


@pytest.fixture(scope="session")
def sample_videos() -> Path:
    return SAMPLE_VIDEOS
