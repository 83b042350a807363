"""OpenPose's --write_json folders (BODY_25, COCO-18, hands), and broken ones."""

from __future__ import annotations

import json

import numpy as np
import pytest

from motorobs.io import formats
from motorobs.io.formats import FormatError


def body(n: int, value: float, conf: float = 0.5) -> list[float]:
    """n keypoints at (value + i, 2 value + i) with confidence ``conf``; keypoint 2 not
    found (0, 0, 0)."""
    flat = []
    for i in range(n):
        flat += [0.0, 0.0, 0.0] if i == 2 else [value + i, 2 * value + i, conf]
    return flat


def write_frames(folder, people_per_frame, start=0):
    folder.mkdir()
    for i, people in enumerate(people_per_frame):
        (folder / f"clip_{start + i:012d}_keypoints.json").write_text(
            json.dumps({"version": 1.3, "people": people}))


def test_body25_folder(tmp_path):
    folder = tmp_path / "json"
    write_frames(folder, [
        [{"person_id": [-1], "pose_keypoints_2d": body(25, 10.0, 0.2)},
         {"person_id": [-1], "pose_keypoints_2d": body(25, 100.0, 0.9)}],
        [],
        [{"person_id": [-1], "pose_keypoints_2d": body(25, 20.0)}],
    ], start=5)
    assert formats.detect_format(folder) == "openpose"
    ds = formats.read(folder, fps=10)
    assert list(ds["frame"].values) == [5, 6, 7]
    wrist = ds["position"].sel(keypoint="right_wrist").values[:, :, 0]  # BODY_25 index 4
    np.testing.assert_array_equal(wrist, [[104, 204], [np.nan, np.nan], [24, 44]])
    assert np.isnan(ds["position"].sel(keypoint="right_shoulder").values).all()  # index 2
    assert ds["confidence"].sel(keypoint="nose").values[0, 0] == 0.9  # the surer person
    assert "left_hand_wrist" in ds.attrs["missing_body_parts"]
    assert "Neck" in ds["keypoint"].values
    first = formats.read(folder, fps=10, person=0)
    assert first["confidence"].sel(keypoint="nose").values[0, 0] == 0.2


def test_coco18_with_hands(tmp_path):
    folder = tmp_path / "json"
    hand = [float(v) for i in range(21) for v in (300 + i, 400 + i, 0.7)]
    write_frames(folder, [[{"pose_keypoints_2d": body(18, 1.0),
                            "hand_left_keypoints_2d": hand, "hand_right_keypoints_2d": []}]])
    ds = formats.read(folder, fps=30)
    xy = ds["position"].isel(time=0, individual=0)
    np.testing.assert_array_equal(xy.sel(keypoint="left_hand_wrist").values, [300, 400])
    np.testing.assert_array_equal(xy.sel(keypoint="left_hand_pinky_tip").values, [320, 420])
    assert np.isnan(ds["position"].sel(keypoint="right_hand_wrist").values).all()
    assert "left_heel" in ds.attrs["missing_body_parts"]  # COCO-18 has no feet


def test_wrong_length_and_empty_folder(tmp_path):
    folder = tmp_path / "json"
    write_frames(folder, [[{"pose_keypoints_2d": [1.0] * 60}]])
    with pytest.raises(FormatError, match="expected 75 .BODY_25. or 54") as info:
        formats.read(folder, fps=30)
    assert str(folder) in str(info.value)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FormatError, match="no .*_keypoints.json files"):
        formats.read(empty, format="openpose", fps=30)


def test_a_broken_file_is_named(tmp_path):
    folder = tmp_path / "json"
    write_frames(folder, [[{"pose_keypoints_2d": body(25, 1.0)}]])
    broken = folder / "clip_000000000001_keypoints.json"
    broken.write_text("{")
    with pytest.raises(FormatError, match="not a JSON file") as info:
        formats.read(folder, fps=30)
    assert broken.name in str(info.value)
