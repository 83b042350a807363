"""Export then import gives the same landmarks, for every format, within its precision."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.io import formats
from motorobs.skeletons import COCO_17, openpose_skeleton
from tests.fixtures.keypoints import coco17_dataset, mediapipe_dataset

OPENPOSE_NAMES = set(openpose_skeleton(25, hands=True).dataset_names())

# format, file name, tolerance (px and confidence), the keypoints it keeps (None: all)
CASES = [
    ("parquet", "landmarks.parquet", 0.0, None),
    ("movement", "clip.nc", 0.0, None),
    ("dlc", "clip.csv", 1e-9, None),
    ("dlc", "clip.h5", 0.0, None),
    ("sleap", "clip.slp", 1e-3, None),  # float32
    ("coco", "clip.json", 0.0, set(COCO_17.keypoints)),
    ("openpose", "clip_json", 0.0, OPENPOSE_NAMES),
]


@pytest.mark.parametrize("make", [coco17_dataset, mediapipe_dataset],
                         ids=["coco17", "mediapipe"])
@pytest.mark.parametrize(("fmt", "name", "tolerance", "kept"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_export_then_import_gives_the_same_landmarks(tmp_path, make, fmt, name, tolerance,
                                                    kept):
    ds = make()
    path = formats.write(ds, tmp_path / name, fmt)
    assert formats.detect_format(path) == fmt
    back = formats.read(path, fps=ds.attrs["fps"])
    original = [str(k) for k in ds["keypoint"].values]
    expected = [k for k in original if kept is None or k in kept]
    got = [str(k) for k in back["keypoint"].values]
    assert sorted(k for k in got if k in original) == sorted(expected)
    np.testing.assert_array_equal(back["frame"].values, ds["frame"].values)
    np.testing.assert_allclose(back["time"].values, ds["time"].values, rtol=1e-12)
    for var in ("position", "confidence"):
        np.testing.assert_allclose(back[var].sel(keypoint=expected).values,
                                   ds[var].sel(keypoint=expected).values,
                                   atol=tolerance, rtol=0)
    assert back.attrs["fps"] == ds.attrs["fps"]
    assert back.attrs["ds_type"] == "poses"


def test_parquet_and_movement_keep_mediapipe_depth_and_scores(tmp_path):
    ds = mediapipe_dataset()
    for name in ("landmarks.parquet", "clip.nc"):
        back = formats.read(formats.write(ds, tmp_path / name))
        for var in ("depth_z", "visibility", "presence"):
            np.testing.assert_array_equal(back[var].values, ds[var].values)
        assert back.attrs["source_software"] == "MediaPipe"
        assert back.attrs["missing_body_parts"] == "[]"
