"""The infant keypoint head: its numpy layers, decoding, fusion, and finding its crop."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.errors import ModelError
from motorobs.pose.hand_roi import HandRegion
from motorobs.pose.infant_head import (
    HeadCrop,
    InfantHead,
    _conv,
    decode,
    find_crop,
    fuse,
)
from motorobs.pose.pose_net import PersonDetection
from motorobs.pose.refine import original_to_quarter, quarter_to_original, rotate_quarter


def naive_conv(x, weight, bias, dilation):
    """'Same' convolution written as the definition (zero padding)."""
    k = weight.shape[0]
    rows, cols, _ = x.shape
    out = np.tile(bias, (rows, cols, 1)).astype(float)
    half = k // 2
    for r in range(rows):
        for c in range(cols):
            for i in range(k):
                for j in range(k):
                    rr, cc = r + (i - half) * dilation, c + (j - half) * dilation
                    if 0 <= rr < rows and 0 <= cc < cols:
                        out[r, c] += x[rr, cc] @ weight[i, j]
    return out


@pytest.mark.parametrize(("k", "dilation"), [(1, 1), (3, 1), (3, 3)])
def test_conv_is_the_convolution_of_the_definition(k, dilation):
    rng = np.random.default_rng(k + dilation)
    x = rng.normal(size=(9, 8, 4))
    weight, bias = rng.normal(size=(k, k, 4, 3)), rng.normal(size=3)
    assert np.allclose(_conv(x, weight, bias, dilation), naive_conv(x, weight, bias, dilation))


def test_decode_puts_a_sharp_peak_at_its_cell_centre_with_full_confidence():
    logits = np.full((64, 64, 2), -50.0)
    logits[10, 20, 0] = 50.0  # row 10, column 20
    logits[63, 0, 1] = 50.0
    xy, confidence = decode(logits)
    assert np.allclose(xy, [[(20 + 0.5) * 4, (10 + 0.5) * 4], [0.5 * 4, 63.5 * 4]])
    assert np.allclose(confidence, 1.0)


def test_decode_averages_two_equal_neighbours_and_a_flat_map_has_little_confidence():
    logits = np.zeros((64, 64, 2))
    logits[30, 30:32, 0] = 20.0
    xy, confidence = decode(logits)
    assert np.allclose(xy[0], [(30.5 + 0.5) * 4, 30.5 * 4])
    # a flat map peaks at its first cell (0, 0): the window is cut to 3 x 3 cells there
    assert confidence[1] == pytest.approx(9 / 4096)


def test_fuse_takes_the_head_where_sure_or_where_the_estimator_has_nothing():
    head = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    estimator = np.array([[9.0, 9.0], [8.0, 8.0], [np.nan, np.nan]])
    fused = fuse(head, np.array([0.9, 0.1, 0.1]), estimator, 0.5)
    assert np.array_equal(fused, [[1.0, 1.0], [8.0, 8.0], [3.0, 3.0]])


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_crop_and_upright_frame_mappings_are_inverse(turns):
    region = HandRegion(np.array([40.0, 30.0]), 50.0, np.array([0.6, -0.8]))
    crop = HeadCrop(turns, region, region.crop_to_frame(256), np.zeros((64, 64, 87)),
                    np.zeros((39, 5)), (80, 60))
    xy = np.array([[3.0, 4.0], [70.0, 55.0], [40.0, 30.0]])
    assert np.allclose(crop.to_upright(crop.to_crop(xy)), xy)
    # the region's centre (pixels of the turned frame) is the crop's centre
    centre_upright = quarter_to_original(region.centre, turns, 80, 60)
    assert np.allclose(crop.to_crop(centre_upright[None]), [[128.0, 128.0]])


class FakeNetworks:
    """Stands in for PoseNetworks: finds one person, only in the frame turned once, with
    its mid-hip point at ``hip`` and its body-circle point 20 px above (turned pixels)."""

    landmark_px = 256

    def __init__(self, hip_turned):
        self.hip = np.asarray(hip_turned, float)
        self.seen = []
        self.last_features = None

    def detect(self, rgb, min_score, max_count):
        self.seen.append(rgb.shape)
        if len(self.seen) != 2:  # the second call is the frame turned once
            return []
        points = np.array([self.hip, self.hip - [0, 20], self.hip - [0, 10], self.hip])
        return [PersonDetection(0.9, np.zeros(4), points)]

    def landmarks(self, rgb, region):
        self.last_features = np.ones((64, 64, 87), np.float32)
        landmarks = np.zeros((39, 5))
        landmarks[:, :2] = region.centre
        return landmarks, 1.0


def reference_around(hip_xy, torso=30.0):
    """COCO-17 keypoints with both hips at ``hip_xy`` and shoulders ``torso`` px above."""
    ref = np.full((17, 2), np.nan)
    ref[[11, 12]] = hip_xy
    ref[[5, 6]] = np.asarray(hip_xy) - [0, torso]
    return ref


def test_find_crop_tries_the_quarter_turns_and_maps_back_to_the_upright_frame():
    rgb = np.zeros((60, 80, 3), np.uint8)
    hip_upright = np.array([50.0, 20.0])
    hip_turned = original_to_quarter(hip_upright, 1, 80, 60)
    networks = FakeNetworks(hip_turned)
    crop = find_crop(networks, rgb, reference_around(hip_upright))
    assert crop is not None and crop.turns == 1
    assert networks.seen == [(60, 80, 3), rotate_quarter(rgb, 1).shape]
    assert np.allclose(crop.landmarks[0, :2], hip_upright)  # back in the upright frame
    assert crop.region.side_px == pytest.approx(2 * 1.25 * 20)
    assert crop.features.shape == (64, 64, 87)


def test_find_crop_rejects_a_person_far_from_the_reference():
    hip_turned = original_to_quarter(np.array([50.0, 20.0]), 1, 80, 60)
    networks = FakeNetworks(hip_turned)
    far = reference_around(np.array([10.0, 50.0]), torso=10.0)  # > 1 torso size away
    assert find_crop(networks, np.zeros((60, 80, 3), np.uint8), far) is None


def test_find_crop_needs_a_torso_in_the_reference():
    networks = FakeNetworks([0.0, 0.0])
    assert find_crop(networks, np.zeros((60, 80, 3), np.uint8), np.full((17, 2), np.nan)) is None
    assert networks.seen == []


def test_the_shipped_head_gives_17_keypoints_inside_the_crop():
    head = InfantHead()
    features = np.random.default_rng(0).uniform(0, 6, (64, 64, 87)).astype(np.float32)
    xy, confidence = head(features)
    assert xy.shape == (17, 2) and confidence.shape == (17,)
    assert np.all((xy >= 0) & (xy <= 256)) and np.all((confidence > 0) & (confidence <= 1))
    assert 0 <= head.threshold <= 1 and head.version


def test_missing_weights_name_the_file(tmp_path):
    with pytest.raises(ModelError, match="nothing.npz"):
        InfantHead(tmp_path / "nothing.npz")
