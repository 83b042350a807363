"""Reading caregiver videos: probing, validation and upright RGB frames.

STUB: the public names below are the contract other modules rely on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")


@dataclass(frozen=True)
class VideoInfo:
    """What motorobs knows about a video before analysing it.

    ``width`` and ``height`` are those of the upright frame (after applying the rotation
    recorded in the file's metadata, e.g. a phone filming portrait).
    """

    path: Path
    fps: float
    n_frames: int
    duration_s: float
    width: int
    height: int
    rotation_deg: int
    codec: str
    sha256: str


def probe_video(path: str | Path) -> VideoInfo:
    """Check that ``path`` is a readable video and describe it (raises VideoError)."""
    raise NotImplementedError


def iter_frames(info: VideoInfo, step: int = 1) -> Iterator[tuple[int, float, np.ndarray]]:
    """Yield ``(frame_index, time_s, rgb)`` for every ``step``-th frame, upright, uint8 HxWx3."""
    raise NotImplementedError


def find_videos(folder: str | Path) -> list[Path]:
    """Video files (by suffix, case-insensitive) directly in ``folder``, sorted by name."""
    raise NotImplementedError
