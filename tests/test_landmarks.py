"""The landmark data model: building, pandas views and a lossless Parquet round trip."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from motorobs.errors import LandmarksFileError
from motorobs.landmarks import (
    build_dataset,
    empty_arrays,
    load_landmarks,
    save_landmarks,
    to_dataframe,
)
from motorobs.schema import all_keypoints


@pytest.fixture
def dataset():
    rng = np.random.default_rng(0)
    arrays = empty_arrays(4)
    arrays["position"][:, :, :33] = rng.uniform(0, 640, (4, 2, 33))
    arrays["visibility"][:, :33] = rng.uniform(0, 1, (4, 33))
    arrays["presence"][:, :33] = 1.0
    arrays["confidence"][:, :33] = arrays["visibility"][:, :33]
    arrays["depth_z"][:, :33] = rng.normal(size=(4, 33))
    arrays["position"][2, :, 33:54] = 100.0  # left hand seen in frame 2 only
    arrays["presence"][2, 33:54] = arrays["visibility"][2, 33:54] = 0.9
    arrays["confidence"][2, 33:54] = 0.9
    return build_dataset(arrays, np.array([0, 2, 4, 6]), np.array([0, 2, 4, 6]) / 30, {"fps": 30})


def test_dimensions_follow_movement(dataset):
    assert dataset["position"].dims == ("time", "space", "keypoint", "individual")
    assert dataset.sizes["keypoint"] == len(all_keypoints()) == 75
    assert "left_hand_wrist" in dataset["keypoint"].values
    assert list(dataset["frame"].values) == [0, 2, 4, 6]


def test_wrong_shape_is_rejected_with_the_expected_shape():
    arrays = empty_arrays(3)
    arrays["visibility"] = np.zeros((3, 10))
    with pytest.raises(ValueError, match=r"expected shape \(3, 75\)"):
        build_dataset(arrays, np.arange(3), np.arange(3) / 30.0)


def test_long_layout(dataset):
    table = to_dataframe(dataset, "long")
    assert len(table) == 4 * 75
    assert list(table.columns) == [
        "frame", "time_s", "part", "landmark", "x_px", "y_px", "z", "visibility", "presence"
    ]
    row = table[(table.frame == 4) & (table.part == "left_hand") & (table.landmark == "wrist")]
    assert row.x_px.item() == 100.0 and row.presence.item() == 0.9


def test_wide_layout(dataset):
    table = to_dataframe(dataset, "wide")
    assert len(table) == 4
    assert table["nose_x"].tolist() == dataset["position"].sel(
        keypoint="nose", space="x", individual="infant").values.tolist()


def test_unknown_layout_lists_choices(dataset):
    with pytest.raises(ValueError, match="long"):
        to_dataframe(dataset, "tall")


def test_parquet_round_trip_is_lossless(dataset, tmp_path):
    path = save_landmarks(dataset, tmp_path / "landmarks.parquet")
    assert not list(tmp_path.glob("*.part"))
    back = load_landmarks(path)
    for name in ("position", "visibility", "presence", "confidence", "depth_z"):
        np.testing.assert_array_equal(back[name].values, dataset[name].values)
    np.testing.assert_array_equal(back["time"].values, dataset["time"].values)
    assert back.attrs == {"fps": 30}
    assert b"motorobs" in pq.read_schema(path).metadata


def test_unreadable_landmarks_file_names_the_file(tmp_path):
    bad = tmp_path / "landmarks.parquet"
    bad.write_text("not parquet")
    with pytest.raises(LandmarksFileError, match="landmarks.parquet"):
        load_landmarks(bad)
