"""The fake pose backend: deterministic, plausible, and its crossings known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import PoseConfig
from motorobs.io.video import probe_video
from motorobs.pose.backend import get_backend
from motorobs.pose.estimator import estimate_landmarks
from motorobs.pose.fake import (
    FIRST_CROSSING_S,
    HOLD_S,
    MOVE_S,
    FakeBackend,
    body_points,
    contralateral_intervals,
    crossing_progress,
    crossing_starts,
)
from motorobs.schema import HAND_LANDMARKS, POSE_LANDMARKS
from tests.fixtures.videos import flat_clip, textured_clip

FRAME = np.tile(np.arange(160, dtype=np.uint8), (120, 1))[..., None].repeat(3, axis=2)
"""A 160 x 120 frame with contrast (a horizontal ramp)."""


def people_at(backend: FakeBackend, ms: int, frame: np.ndarray = FRAME) -> list[np.ndarray]:
    with backend.open() as landmarker:
        return landmarker.detect_people(frame, ms)


def test_registered_as_fake_and_keyed_on_its_trajectory(tmp_path):
    backend = get_backend("fake", PoseConfig(analysis_fps=5.0))
    assert isinstance(backend, FakeBackend) and backend.name == "fake"
    key = backend.cache_key()
    assert key["models"] == [] and key["settings"]["analysis_fps"] == 5.0
    assert key["settings"]["fake"] == {"seed": 0, "period_s": 2.0, "noise_px": 0.3}
    assert FakeBackend(PoseConfig(), seed=1).cache_key() != FakeBackend(PoseConfig()).cache_key()
    model = tmp_path / "m.bin"
    model.write_bytes(b"x")
    assert [m["name"] for m in FakeBackend(PoseConfig(), model=model).cache_key()["models"]] \
        == ["m.bin"]


def test_the_same_frame_gives_the_same_landmarks_and_another_seed_others():
    first = people_at(FakeBackend(PoseConfig()), 1234)
    again = people_at(FakeBackend(PoseConfig()), 1234)
    other_seed = people_at(FakeBackend(PoseConfig(), seed=7), 1234)
    assert len(first) == 1 and first[0].shape == (len(POSE_LANDMARKS), 5)
    assert np.array_equal(first[0], again[0])
    assert not np.array_equal(first[0][:, :2], other_seed[0][:, :2])
    assert np.abs(first[0][:, :2] - other_seed[0][:, :2]).max() < 3.0  # jitter only


def test_no_one_in_a_frame_without_contrast_and_no_hands_without_the_infant():
    flat = np.full((120, 160, 3), 90, np.uint8)
    backend = FakeBackend(PoseConfig())
    assert people_at(backend, 0, flat) == []
    with backend.open() as landmarker:
        assert landmarker.detect_infant_hands(flat, 0, None) == {}
        hands = landmarker.detect_infant_hands(FRAME, 0, people_at(backend, 0)[0])
    assert set(hands) == {"left", "right"}
    for landmarks, score in hands.values():
        assert landmarks.shape == (len(HAND_LANDMARKS), 3) and 0 < score <= 1


def test_supine_from_above_head_up_inside_the_frame_without_noise():
    (person,) = people_at(FakeBackend(PoseConfig(), noise_px=0.0), 0)
    xy = {name: person[i, :2] for i, name in enumerate(POSE_LANDMARKS)}
    assert np.all((person[:, 0] > 0) & (person[:, 0] < 160))
    assert np.all((person[:, 1] > 0) & (person[:, 1] < 120))
    # Lying on its back, seen from above: its left is the picture's right, its head up.
    assert xy["left_shoulder"][0] > xy["right_shoulder"][0]
    assert xy["nose"][1] < xy["left_shoulder"][1] < xy["left_hip"][1] < xy["left_ankle"][1]
    # Shoulder width: 0.2 of the shorter side (120 px).
    assert np.linalg.norm(xy["left_shoulder"] - xy["right_shoulder"]) == pytest.approx(24.0)


def test_the_right_hand_crosses_the_midline_at_the_stated_times():
    assert crossing_progress(0.0) == 0.0 and crossing_progress(FIRST_CROSSING_S) == 0.0
    hold = FIRST_CROSSING_S + MOVE_S + HOLD_S / 2
    assert crossing_progress(hold) == 1.0 and crossing_progress(hold + 2.0) == 1.0
    assert crossing_progress(FIRST_CROSSING_S + 2 * MOVE_S + HOLD_S) == 0.0
    lateral = {t: body_points(t)["right_wrist"][0] for t in (0.0, hold)}
    assert lateral[0.0] < 0 < lateral[hold]  # its own (right) side, then the left side
    assert body_points(hold)["left_wrist"][0] == body_points(0.0)["left_wrist"][0]
    assert crossing_starts(1.9) == [0.5] and crossing_starts(6.0) == [0.5, 2.5, 4.5]
    assert crossing_starts(1.8) == []
    ((start, end),) = contralateral_intervals(2.0)
    for at_midline in (start, end):
        assert body_points(at_midline)["right_wrist"][0] == pytest.approx(0.0, abs=1e-9)
    assert body_points((start + end) / 2)["right_wrist"][0] > 0
    assert FIRST_CROSSING_S < start < FIRST_CROSSING_S + MOVE_S


def test_a_clip_through_the_shared_frame_loop(tmp_path):
    info = probe_video(textured_clip(tmp_path / "clip.avi", seconds=2.0))
    ds = estimate_landmarks(info, PoseConfig(backend="fake", analysis_fps=5.0))
    assert ds.sizes["time"] == 10 and ds.attrs["analysis_step"] == 2
    assert ds.attrs["pose_backend"] == "fake" and ds.attrs["estimator"] == "fake"
    assert np.isfinite(ds["position"].values).all()  # every keypoint, every frame
    assert ds.attrs["hand_model_frames"] == 10

    nobody = estimate_landmarks(probe_video(flat_clip(tmp_path / "flat.avi")),
                                PoseConfig(backend="fake"))
    assert np.isnan(nobody["position"].values).all()
