"""The report stays light: a sample clip's report and a one-minute clip's report are under
their budgets, and what grows with the clip's length (plots, timeline) stays compact.

Without MediaPipe no other person's face can be searched for, so these key frames are
cropped to the baby (smaller than the whole frames of a real analysis); the budget is
therefore checked with every key frame counted at the size of a whole sample-video frame.
"""

from __future__ import annotations

import re

import pytest

from motorobs.config import ReportConfig
from motorobs.report import write_clip_outputs
from motorobs.report.keyframe_store import encode_jpeg
from motorobs.report.keyframes import MAX_SIDE_PX, read_frames, shrink
from motorobs.report.overlay import stamp_time
from tests.report.sample_clip import SAMPLE_VIDEOS, long_sample_clip, sample_clip_result

CLIP = "a_midline_reach__top"
MINUTE_BUDGET = 1_000_000
"""Bytes of the report of a one-minute clip at most (issue 16)."""
SAMPLE_BUDGET = 500_000
"""Bytes of the report of the 7-s sample clip at most."""
GROWTH_PER_MINUTE = 250_000
"""Bytes of plots and timeline per minute of clip at most."""
IMAGE = re.compile(r"data:image/jpeg;base64,[A-Za-z0-9+/=]+")
SVG = re.compile(r"<svg.*?</svg>", re.S)


@pytest.fixture(scope="module")
def whole_frame_uri_bytes() -> int:
    """Bytes a whole 640 x 480 sample-video frame takes in the report (JPEG as stored, time
    written on it, base64)."""
    video = SAMPLE_VIDEOS / f"{CLIP}.mp4"
    if not video.is_file():
        pytest.skip(f"{video} missing")
    frame = read_frames(video, [40])[40]
    jpeg = encode_jpeg(stamp_time(shrink(frame, MAX_SIDE_PX), 2.7))
    return len("data:image/jpeg;base64,") + 4 * ((len(jpeg) + 2) // 3)


def parts(html: str) -> dict[str, int]:
    return {"total": len(html.encode("utf-8")),
            "images": sum(len(m) for m in IMAGE.findall(html)),
            "n_images": len(IMAGE.findall(html)),
            "svg": sum(len(m) for m in SVG.findall(html))}


def with_whole_frames(size: dict[str, int], frame_bytes: int) -> int:
    """The report's bytes had each key frame been a whole frame."""
    return size["total"] - size["images"] + size["n_images"] * max(
        frame_bytes, size["images"] // max(1, size["n_images"]))


def test_sample_clip_report_is_under_its_budget(tmp_path, whole_frame_uri_bytes):
    write_clip_outputs(sample_clip_result(CLIP), tmp_path, ReportConfig())
    size = parts((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert size["n_images"] == ReportConfig().n_key_frames
    assert whole_frame_uri_bytes < 60_000  # a compressed image at a sensible size
    assert with_whole_frames(size, whole_frame_uri_bytes) < SAMPLE_BUDGET


def test_one_minute_clip_report_is_under_one_megabyte(tmp_path, whole_frame_uri_bytes):
    result = long_sample_clip(CLIP, 60.0, tmp_path)
    assert result.video.duration_s == pytest.approx(60.0, abs=0.1)
    assert len([e for e in result.events if e.type == "midline_crossing"]) >= 10
    write_clip_outputs(result, tmp_path / "out", ReportConfig())
    size = parts((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    assert size["svg"] < GROWTH_PER_MINUTE
    assert with_whole_frames(size, whole_frame_uri_bytes) < MINUTE_BUDGET
