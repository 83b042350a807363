"""DeepLabCut's CSV and HDF5 files, as DeepLabCut writes them, and broken ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motorobs.io import formats
from motorobs.io.formats import FormatError

SCORER = "DLC_resnet50_infantNov1shuffle1_100000"
SINGLE = (
    f"scorer,{SCORER},{SCORER},{SCORER},{SCORER},{SCORER},{SCORER},{SCORER},{SCORER},{SCORER}\n"
    "bodyparts,LWrist,LWrist,LWrist,wrist_right,wrist_right,wrist_right,tail,tail,tail\n"
    "coords,x,y,likelihood,x,y,likelihood,x,y,likelihood\n"
    "0,10.5,20.25,0.9,30.0,40.0,0.8,1.0,2.0,0.1\n"
    "1,11.5,21.25,0.95,,,,1.0,2.0,0.2\n"
)


def test_single_animal_csv(tmp_path):
    path = tmp_path / "clipDLC_resnet50.csv"
    path.write_text(SINGLE)
    assert formats.detect_format(path) == "dlc"
    ds = formats.read(path, fps=25)
    assert list(ds["keypoint"].values) == ["left_wrist", "right_wrist", "tail"]
    assert list(ds["source_keypoint"].values) == ["LWrist", "wrist_right", "tail"]
    np.testing.assert_array_equal(ds["position"].sel(keypoint="left_wrist").values[:, :, 0],
                                  [[10.5, 20.25], [11.5, 21.25]])
    assert np.isnan(ds["position"].sel(keypoint="right_wrist").values[1]).all()
    np.testing.assert_array_equal(ds["confidence"].values[:, :, 0], [[0.9, 0.8, 0.1],
                                                                      [0.95, np.nan, 0.2]])
    np.testing.assert_allclose(ds["time"].values, [0.0, 0.04])
    assert ds.attrs["source_software"] == "DeepLabCut"
    assert "left_heel" in ds.attrs["missing_body_parts"]


def test_multi_animal_csv_takes_the_infant(tmp_path):
    path = tmp_path / "ma.csv"
    path.write_text(
        f"scorer,{SCORER},{SCORER},{SCORER},{SCORER},{SCORER},{SCORER}\n"
        "individuals,adult,adult,adult,infant,infant,infant\n"
        "bodyparts,nose,nose,nose,nose,nose,nose\n"
        "coords,x,y,likelihood,x,y,likelihood\n"
        "0,1,2,0.5,100,200,0.9\n")
    ds = formats.read(path, fps=30)
    np.testing.assert_array_equal(ds["position"].values[0, :, 0, 0], [100, 200])
    adult = formats.read(path, fps=30, individual="adult")
    np.testing.assert_array_equal(adult["position"].values[0, :, 0, 0], [1, 2])
    with pytest.raises(FormatError, match=r"no individual 'dog'; the file has \['adult'"):
        formats.read(path, fps=30, individual="dog")


def test_labelled_data_without_likelihood_is_sure(tmp_path):
    path = tmp_path / "CollectedData_me.csv"
    path.write_text("scorer,me,me\nbodyparts,LKnee,LKnee\ncoords,x,y\n"
                    "labeled-data/clip/img001.png,5,6\nlabeled-data/clip/img002.png,,\n")
    ds = formats.read(path, fps=10)
    assert list(ds["frame"].values) == [0, 1]
    np.testing.assert_array_equal(ds["confidence"].values[:, 0, 0], [1.0, np.nan])


def test_hdf5_as_deeplabcut_writes_it(tmp_path):
    pytest.importorskip("tables")
    csv = tmp_path / "clip.csv"
    csv.write_text(SINGLE)
    table = pd.read_csv(csv, header=[0, 1, 2], index_col=0)
    path = tmp_path / "clipDLC_resnet50.h5"
    table.to_hdf(path, key="df_with_missing", mode="w")
    assert formats.detect_format(path) == "dlc"
    from_h5, from_csv = formats.read(path, fps=25), formats.read(csv, fps=25)
    np.testing.assert_array_equal(from_h5["position"].values, from_csv["position"].values)


@pytest.mark.parametrize(("text", "message"), [
    ("scorer,a,a\nbodyparts,nose,nose\ncoords,x,z\n0,1,2\n", "expected x, y"),
    ("scorer,a,a\nbodyparts,nose,nose\ncoords,x,y\n0,1,abc\n", "not a number"),
])
def test_malformed_csv_names_the_file(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(FormatError, match=message) as info:
        formats.read(path, fps=30)
    assert str(path) in str(info.value)


def test_frame_rate_is_required(tmp_path):
    path = tmp_path / "clip.csv"
    path.write_text(SINGLE)
    with pytest.raises(FormatError, match="does not record the frame rate; pass fps"):
        formats.read(path)


def test_a_csv_that_is_not_deeplabcuts_is_not_detected(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(FormatError, match=r"not a keypoint file motorobs can read .*\['dlc'\]"):
        formats.read(path, fps=30)
