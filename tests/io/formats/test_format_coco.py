"""COCO keypoint files as COCO documents them (v flags, several annotations), broken ones."""

from __future__ import annotations

import json

import numpy as np
import pytest

from motorobs.io import formats
from motorobs.io.formats import FormatError
from motorobs.landmarks import skeleton_of


def coco_file(tmp_path, annotations, keypoints=("nose", "LShoulder", "RShoulder"), **extra):
    data = {
        "images": [{"id": 7, "file_name": "b.jpg", "width": 640, "height": 480},
                   {"id": 3, "file_name": "a.jpg", "width": 800, "height": 600}],
        "annotations": annotations,
        "categories": [{"id": 1, "name": "person", "keypoints": list(keypoints),
                        "skeleton": [[2, 3], [1, 2]]}],
        **extra,
    }
    path = tmp_path / "annotations.json"
    path.write_text(json.dumps(data))
    return path


def test_images_are_frames_and_flags_say_what_is_labelled(tmp_path):
    path = coco_file(tmp_path, [
        {"id": 1, "image_id": 3, "category_id": 1, "area": 10,
         "keypoints": [10, 20, 2, 30, 40, 1, -45, -45, 0]},
        {"id": 2, "image_id": 7, "category_id": 1, "area": 99,  # an adult, fewer labels
         "keypoints": [0, 0, 0, 0, 0, 0, 5, 5, 2]},
        {"id": 3, "image_id": 7, "category_id": 1, "area": 50,
         "keypoints": [11, 21, 2, 31, 41, 2, 51, 61, 2]},
    ])
    assert formats.detect_format(path) == "coco"
    ds = formats.read(path, fps=2)
    assert list(ds["keypoint"].values) == ["nose", "left_shoulder", "right_shoulder"]
    xy = ds["position"].values[:, :, :, 0]
    np.testing.assert_array_equal(xy[0].T, [[10, 20], [30, 40], [np.nan, np.nan]])  # image 3
    np.testing.assert_array_equal(xy[1].T, [[11, 21], [31, 41], [51, 61]])  # image 7
    np.testing.assert_array_equal(ds["confidence"].values[0, :, 0], [1.0, 1.0, np.nan])
    assert (ds.attrs["frame_width"], ds.attrs["frame_height"]) == (800, 600)
    np.testing.assert_allclose(ds["time"].values, [0.0, 0.5])
    assert skeleton_of(ds).edges == (("LShoulder", "RShoulder"), ("nose", "LShoulder"))


def test_keypoint_scores_and_info_fps(tmp_path):
    path = coco_file(tmp_path, [
        {"id": 1, "image_id": 3, "category_id": 1, "keypoints": [1, 2, 2, 3, 4, 2, 5, 6, 2],
         "keypoint_scores": [0.1, 0.2, 0.3]}], info={"fps": 12.5})
    ds = formats.read(path)
    assert ds.attrs["fps"] == 12.5
    np.testing.assert_array_equal(ds["confidence"].values[0, :, 0], [0.1, 0.2, 0.3])
    assert np.isnan(ds["position"].values[1]).all()  # image 7 has no annotation


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "not a JSON file"),
    (json.dumps({"images": [], "annotations": [], "categories": [{"id": 1}]}),
     "no category with 'keypoints'"),
])
def test_malformed_files_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(FormatError, match=message) as info:
        formats.read(path, format="coco", fps=1)
    assert str(path) in str(info.value)


def test_wrong_number_of_keypoint_values(tmp_path):
    path = coco_file(tmp_path, [{"id": 9, "image_id": 3, "category_id": 1,
                                 "keypoints": [1, 2, 2]}])
    with pytest.raises(FormatError, match="annotation 9 has 3 keypoint values; expected 9"):
        formats.read(path, fps=1)
