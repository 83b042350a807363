"""Hand regions: exact geometry on constructed landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.pose.hand_roi import (
    HAND_ROI_SCALE,
    KNUCKLE_FOREARMS,
    MIN_ROI_PX,
    POSE_ROI_SCALE,
    ROI_SHIFT,
    HandRegion,
    crop_region,
    region_from_hand,
    region_from_pose,
    to_frame,
)


def turn(points: np.ndarray, degrees: float, about: np.ndarray) -> np.ndarray:
    """Points turned by ``degrees`` (counter-clockwise on screen: y points down) about a point."""
    a = np.deg2rad(degrees)
    rotation = np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    return (np.asarray(points, float) - about) @ rotation.T + about


def upright_hand(wrist=(100.0, 200.0), size=40.0) -> np.ndarray:
    """(21, 2) hand pointing up: wrist at the bottom, knuckles ``size`` above it in a row."""
    wx, wy = wrist
    hand = np.zeros((21, 2))
    hand[0] = wrist
    for finger in range(5):  # landmarks 1-4 thumb, 5-8 index, ..., 17-20 pinky
        x = wx - size / 2 + finger * size / 4
        for joint in range(4):
            hand[1 + 4 * finger + joint] = (x, wy - size * (0.5 if finger == 0 else 1.0)
                                            - joint * size / 4)
    return hand


class TestHandRegion:
    def test_upright_region_is_a_plain_scaled_square(self):
        region = HandRegion(np.array([100.0, 50.0]), 112.0, np.array([0.0, -1.0]))
        matrix = region.crop_to_frame(224)
        assert to_frame(np.array([[112.0, 112.0], [0.0, 0.0], [224.0, 224.0]]), matrix) == \
            pytest.approx(np.array([[100.0, 50.0], [44.0, -6.0], [156.0, 106.0]]))

    def test_the_top_of_the_crop_is_where_the_hand_points(self):
        region = HandRegion(np.array([0.0, 0.0]), 100.0, np.array([1.0, 0.0]))
        matrix = region.crop_to_frame(200)
        top_middle, bottom_middle = to_frame(np.array([[100.0, 0.0], [100.0, 200.0]]), matrix)
        assert top_middle == pytest.approx([50.0, 0.0])
        assert bottom_middle == pytest.approx([-50.0, 0.0])

    def test_the_mapping_is_not_mirrored(self):
        for up in ([0.0, -1.0], [1.0, 0.0], [0.6, 0.8], [-0.8, 0.6]):
            matrix = HandRegion(np.zeros(2), 10.0, np.array(up)).crop_to_frame(10)
            assert np.linalg.det(matrix[:, :2]) > 0

    def test_crop_shows_the_frame_pixel_where_to_frame_says(self):
        rgb = np.zeros((120, 160, 3), np.uint8)
        rgb[30:33, 100:103] = 255  # a bright dot centred on (101, 31)
        region = HandRegion(np.array([90.0, 40.0]), 60.0, np.array([0.6, -0.8]))
        crop, matrix = crop_region(rgb, region, 64)
        v, u = np.unravel_index(np.argmax(crop[..., 0]), crop.shape[:2])
        assert to_frame(np.array([[u, v]], float), matrix)[0] == pytest.approx([101, 31], abs=1.5)

    def test_outside_the_frame_is_black(self):
        rgb = np.full((50, 50, 3), 200, np.uint8)
        crop, _ = crop_region(rgb, HandRegion(np.array([0.0, 0.0]), 50.0,
                                              np.array([0.0, -1.0])), 50)
        assert crop[:20, :20].max() == 0 and crop[-10:, -10:].min() == 200


class TestRegionFromPose:
    def test_centred_past_the_knuckles_along_the_hand(self):
        region = region_from_pose(np.array([0.0, 0.0]), np.array([30.0, -3.0]),
                                  np.array([30.0, 6.0]))
        side = POSE_ROI_SCALE * 2 * 30.0
        assert region.side_px == pytest.approx(side)
        assert region.up == pytest.approx([1.0, 0.0])
        assert region.centre == pytest.approx([30.0 + ROI_SHIFT * side, 0.0])

    def test_collapsed_hand_points_continue_the_forearm(self):
        wrist, elbow = np.array([50.0, 50.0]), np.array([50.0, 150.0])
        region = region_from_pose(wrist, wrist + [1.0, 0.0], wrist, elbow)
        length = KNUCKLE_FOREARMS * 100.0
        side = POSE_ROI_SCALE * 2 * length
        assert region.up == pytest.approx([0.0, -1.0])
        assert region.side_px == pytest.approx(side)
        assert region.centre == pytest.approx([50.0, 50.0 - length - ROI_SHIFT * side])
        assert region_from_pose(wrist, wrist, wrist) is None  # and no elbow: no direction

    def test_usable_hand_points_are_kept_with_an_elbow(self):
        wrist, elbow = np.array([0.0, 0.0]), np.array([-100.0, 0.0])
        region = region_from_pose(wrist, np.array([0.0, -30.0]), np.array([0.0, -30.0]), elbow)
        assert region.up == pytest.approx([0.0, -1.0])
        assert region.side_px == pytest.approx(POSE_ROI_SCALE * 2 * 30.0)

    def test_missing_landmarks_give_no_region(self):
        nan = np.array([np.nan, np.nan])
        assert region_from_pose(nan, np.zeros(2), np.ones(2)) is None
        assert region_from_pose(np.zeros(2), np.array([1.0, 0.0]), np.array([1.0, 0.0])) is None


class TestRegionFromHand:
    def test_upright_hand(self):
        hand = upright_hand(size=40.0)
        region = region_from_hand(hand)
        assert region.up == pytest.approx([0.0, -1.0])
        extent = 50.0  # x 80..120, y 150..200
        assert region.side_px == pytest.approx(HAND_ROI_SCALE * extent)
        centre_y = 175.0 - ROI_SHIFT * region.side_px
        assert region.centre == pytest.approx([100.0, centre_y])

    @pytest.mark.parametrize("degrees", [30.0, 90.0, 180.0, 250.0])
    def test_turning_the_hand_turns_the_region_alike(self, degrees):
        hand = upright_hand()
        about = np.array([60.0, 70.0])
        upright, turned = region_from_hand(hand), region_from_hand(turn(hand, degrees, about))
        assert turned.side_px == pytest.approx(upright.side_px)
        assert turned.centre == pytest.approx(turn(upright.centre[None], degrees, about)[0])
        assert turned.up == pytest.approx(turn(upright.up[None], degrees, np.zeros(2))[0])

    def test_unusable_hands(self):
        hand = upright_hand()
        hand[3] = np.nan
        assert region_from_hand(hand) is None
        assert region_from_hand(upright_hand(size=MIN_ROI_PX / 4)) is None
