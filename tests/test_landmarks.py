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
    assert back.attrs == dataset.attrs
    assert back.attrs["fps"] == 30 and back.attrs["missing_body_parts"] == "[]"
    assert b"motorobs" in pq.read_schema(path).metadata


def test_unreadable_landmarks_file_names_the_file(tmp_path):
    bad = tmp_path / "landmarks.parquet"
    bad.write_text("not parquet")
    with pytest.raises(LandmarksFileError, match="landmarks.parquet"):
        load_landmarks(bad)


# --- the one validated constructor, from any skeleton ------------------------------------

def _coco(**overrides):
    from motorobs.landmarks import from_skeleton
    from motorobs.skeletons import COCO_17

    kwargs = {"position": np.zeros((5, 2, 17)), "skeleton": COCO_17, "fps": 10.0,
              "source_software": "COCO"}
    kwargs.update(overrides)
    return from_skeleton(**kwargs)


def test_from_skeleton_carries_movements_attributes_and_the_missing_body_parts():
    import json

    ds = _coco()
    assert ds["position"].dims == ("time", "space", "keypoint", "individual")
    assert {k: ds.attrs[k] for k in ("ds_type", "source_software", "fps", "time_unit")} == {
        "ds_type": "poses", "source_software": "COCO", "fps": 10.0, "time_unit": "seconds"}
    missing = json.loads(ds.attrs["missing_body_parts"])
    assert len(missing) == 58 and "left_heel" in missing and "left_wrist" not in missing
    np.testing.assert_allclose(ds["time"].values, np.arange(5) / 10.0)
    assert (ds["confidence"].values == 1.0).all()  # labels without scores: sure
    assert (ds["depth_z"].values == 0.0).all() and ds.attrs["depth"] == "none"
    assert list(ds["part"].values[:2]) == ["pose", "pose"]


def test_from_skeleton_keeps_keypoints_that_are_no_body_part():
    from motorobs.landmarks import from_skeleton
    from motorobs.skeletons import Skeleton

    skeleton = Skeleton.from_names("dlc", ["LWrist", "tail"])
    ds = from_skeleton(np.ones((2, 2, 2)), skeleton, 30, source_software="DeepLabCut")
    assert list(ds["keypoint"].values) == ["left_wrist", "tail"]
    assert list(ds["source_keypoint"].values) == ["LWrist", "tail"]
    assert list(ds["part"].values) == ["pose", "other"]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"position": np.zeros((5, 2, 16))}, r"expected shape \(5, 2, 17\)"),
    ({"position": np.zeros((5, 17))}, r"\(T, 2, 17\)"),
    ({"position": np.zeros((0, 2, 17))}, "no frames"),
    ({"position": np.full((5, 2, 17), np.inf)}, "infinite"),
    ({"confidence": np.zeros((5, 3))}, r"'confidence': expected shape \(5, 17\)"),
    ({"fps": 0}, "positive"),
    ({"fps": float("nan")}, "positive"),
    ({"fps": "fast"}, "positive"),
    ({"times_s": np.array([0, 1, 1, 2, 3.0])}, "strictly increasing"),
    ({"frames": np.array([0, 1, 2])}, r"frames: expected shape \(5,\)"),
    ({"per_point": {"depth": np.zeros((5, 17))}}, "unknown arrays"),
])
def test_from_skeleton_refuses_bad_input_clearly(overrides, message):
    with pytest.raises(ValueError, match=message):
        _coco(**overrides)


def test_two_keypoints_with_one_dataset_name_are_refused():
    from motorobs.landmarks import from_skeleton
    from motorobs.skeletons import Skeleton

    skeleton = Skeleton.from_names("dlc", ["LWrist", "left_wrist"])
    with pytest.raises(ValueError, match="share one name"):
        from_skeleton(np.ones((2, 2, 2)), skeleton, 30, source_software="DeepLabCut")


def test_mediapipe_datasets_go_through_the_same_constructor(dataset):
    assert dataset.attrs["source_software"] == "MediaPipe"
    assert dataset.attrs["missing_body_parts"] == "[]"
    assert "depth" not in dataset.attrs


def test_every_body_part_after_reindexing_a_coco_dataset():
    from motorobs.landmarks import with_all_body_parts
    from motorobs.skeletons import BODY_PARTS

    ds = _coco(position=np.full((5, 2, 17), 7.0))
    full = with_all_body_parts(ds)
    assert list(full["keypoint"].values) == list(BODY_PARTS)
    assert np.isnan(full["position"].sel(keypoint="left_heel").values).all()
    assert (full["position"].sel(keypoint="left_wrist").values == 7.0).all()
    assert with_all_body_parts(full) is full


def test_parquet_round_trip_of_a_coco_dataset(tmp_path):
    from tests.fixtures.keypoints import coco17_dataset

    ds = coco17_dataset()
    back = load_landmarks(save_landmarks(ds, tmp_path / "landmarks.parquet"))
    assert list(back["keypoint"].values) == list(ds["keypoint"].values)
    for name in ("position", "confidence", "depth_z"):
        np.testing.assert_array_equal(back[name].values, ds[name].values)
    assert back.attrs == ds.attrs


def test_signals_run_on_a_coco17_dataset_without_hands_or_heels():
    from motorobs.config import SignalConfig
    from motorobs.signals import prepare_signals
    from tests.fixtures.keypoints import coco17_dataset

    signals = prepare_signals(coco17_dataset(), SignalConfig())
    assert np.isnan(signals.point_px("left_heel")).all()
    assert np.isnan(signals.point_px("left_hand_wrist")).all()
    # the hand point falls back to the pose wrist, which COCO has
    np.testing.assert_allclose(signals.point_px("left_hand_point")[5:-5, 1], 310.0, atol=1e-6)
