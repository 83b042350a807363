"""movement's netCDF files: movement itself opens motorobs' export and computes a velocity on
it; a dataset movement built and saved is read back."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from motorobs.io import formats
from motorobs.io.formats import FormatError
from motorobs.landmarks import from_skeleton
from motorobs.skeletons import COCO_17


def moving_nose(n=20, fps=10.0):
    """The nose moves right at 10 px per frame (100 px/s at 10 fps); the rest is still."""
    position = np.full((n, 2, 17), 50.0)
    position[:, 0, 0] = 10.0 * np.arange(n)
    return from_skeleton(position, COCO_17, fps, source_software="COCO")


def test_movement_opens_the_export_and_computes_velocity(tmp_path):
    pytest.importorskip("movement")
    from movement.kinematics import compute_velocity
    from movement.validators.datasets import ValidPosesInputs

    path = formats.write(moving_nose(), tmp_path / "clip.nc")
    with xr.open_dataset(path) as opened:
        ds = opened.load()
    assert ds.attrs["ds_type"] == "poses" and ds.attrs["time_unit"] == "seconds"
    # movement < 0.17 spells two dims in the plural; its validator names the ones it wants
    wanted = dict(zip(("time", "space", "keypoint", "individual"), ValidPosesInputs.DIM_NAMES,
                      strict=True))
    ValidPosesInputs.validate(ds.rename({k: v for k, v in wanted.items() if k != v}))
    velocity = compute_velocity(ds["position"])
    np.testing.assert_allclose(velocity.sel(keypoint="nose", space="x").values, 100.0)
    np.testing.assert_allclose(velocity.sel(keypoint="left_wrist").values, 0.0, atol=1e-9)


def test_a_dataset_movement_made_is_read(tmp_path):
    movement = pytest.importorskip("movement.io.load_poses")
    position = np.zeros((4, 2, 3, 2))
    position[:, 0, 1, 1] = np.arange(4)  # the infant's RWrist moves right
    ds = movement.from_numpy(position, np.full((4, 3, 2), 0.7), ["mum", "infant"],
                             ["Nose", "RWrist", "tail"], fps=25, source_software="DeepLabCut")
    path = tmp_path / "movement.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    back = formats.read(path)
    assert list(back["keypoint"].values) == ["nose", "right_wrist", "tail"]
    np.testing.assert_array_equal(back["position"].sel(keypoint="right_wrist").values[:, 0, 0],
                                  np.arange(4))
    assert back.attrs["source_software"] == "DeepLabCut" and back.attrs["fps"] == 25
    np.testing.assert_array_equal(back["frame"].values, np.arange(4))


def test_legacy_plural_dims_and_frames_time(tmp_path):
    ds = xr.Dataset(
        {"position": (("time", "space", "keypoints", "individuals"), np.ones((3, 2, 1, 1)))},
        coords={"time": [0, 1, 2], "space": ["x", "y"], "keypoints": ["LKnee"],
                "individuals": ["id_0"]},
        attrs={"time_unit": "frames", "ds_type": "poses"})
    path = tmp_path / "old.nc"
    ds.to_netcdf(path, engine="h5netcdf")
    with pytest.raises(FormatError, match="does not record the frame rate"):
        formats.read(path)
    back = formats.read(path, fps=4)
    np.testing.assert_allclose(back["time"].values, [0, 0.25, 0.5])
    assert list(back["keypoint"].values) == ["left_knee"]


def test_a_netcdf_without_positions_is_refused(tmp_path):
    path = tmp_path / "other.nc"
    xr.Dataset({"temperature": ("time", [1.0, 2.0])}).to_netcdf(path, engine="h5netcdf")
    with pytest.raises(FormatError, match="not a movement poses dataset") as info:
        formats.read(path, fps=1)
    assert str(path) in str(info.value)
