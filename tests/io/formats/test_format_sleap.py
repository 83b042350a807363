"""SLEAP files as SLEAP saves them (through sleap-io): tracks, user labels, broken files."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.io import formats
from motorobs.io.formats import FormatError

sio = pytest.importorskip("sleap_io")


def labels_file(tmp_path, tracks=("adult", "infant"), user=False):
    skeleton = sio.Skeleton(["nose", "LWrist", "RWrist"], edges=[("nose", "LWrist")],
                            symmetries=[("LWrist", "RWrist")])
    video = sio.Video(filename="clip.mp4", open_backend=False)
    track_objects = [sio.Track(t) for t in tracks]
    frames = []
    for frame in (3, 4, 6):
        instances = []
        for k, track in enumerate(track_objects):
            xy = np.array([[frame, 10.0 * k], [frame + 1, 10.0 * k + 1], [np.nan, np.nan]])
            if user:
                instances.append(sio.Instance.from_numpy(xy, skeleton, track=track))
            else:
                instances.append(sio.PredictedInstance.from_numpy(
                    xy, skeleton, point_scores=np.array([0.5, 1.7, 0.0]), score=1.0,
                    track=track))
        frames.append(sio.LabeledFrame(video=video, frame_idx=frame, instances=instances))
    labels = sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton],
                        tracks=track_objects)
    path = tmp_path / "clip.predictions.slp"
    sio.save_slp(labels, str(path), verbose=False)
    return path


def test_predictions_take_the_infant_track(tmp_path):
    path = labels_file(tmp_path)
    assert formats.detect_format(path) == "sleap"
    ds = formats.read(path, fps=30)
    assert list(ds["frame"].values) == [3, 4, 6]
    assert list(ds["keypoint"].values) == ["nose", "left_wrist", "right_wrist"]
    np.testing.assert_array_equal(ds["position"].values[:, :, 0, 0], [[3, 10], [4, 10], [6, 10]])
    np.testing.assert_array_equal(ds["confidence"].values[0, :, 0], [0.5, 1.0, np.nan])
    assert ds.attrs["source_video"] == "clip.mp4"
    assert '["LWrist", "RWrist"]' in ds.attrs["skeleton"]
    adult = formats.read(path, fps=30, track="adult")
    assert adult["position"].values[0, 1, 0, 0] == 0.0
    with pytest.raises(FormatError, match="no track 'cat'"):
        formats.read(path, fps=30, track="cat")


def test_user_labels_are_sure(tmp_path):
    ds = formats.read(labels_file(tmp_path, tracks=("a",), user=True), fps=30)
    np.testing.assert_array_equal(ds["confidence"].values[0, :, 0], [1.0, 1.0, np.nan])


def test_a_file_that_is_not_sleaps(tmp_path):
    path = tmp_path / "broken.slp"
    path.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 100)
    with pytest.raises(FormatError, match="not a readable SLEAP file") as info:
        formats.read(path, fps=30)
    assert str(path) in str(info.value)
