"""The region hand finder on constructed poses, with a stand-in for the network.

The stand-in "sees" a hand when the region's centre lies within half the region's side of
a true hand's palm centre and returns the nearest such hand; elsewhere it returns nothing (presence
0.05). So which regions the finder looks in, and what it keeps, are known exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import PoseConfig
from motorobs.pose.hand_net import RegionHand
from motorobs.pose.hand_roi import HandRegion, region_from_hand
from motorobs.pose.hand_tracking import ARM_REACH_BODY_SCALES, RegionHandFinder
from motorobs.schema import POSE_LANDMARKS
from tests.pose.test_hand_roi import upright_hand

AT = {name: i for i, name in enumerate(POSE_LANDMARKS)}
RGB = np.zeros((480, 640, 3), np.uint8)


class StandInNetwork:
    def __init__(self, hands: list[np.ndarray], presence: float | list[float] = 0.95) -> None:
        self.hands = hands
        self.presence = presence
        self.regions: list[HandRegion] = []

    def __call__(self, rgb: np.ndarray, region: HandRegion) -> RegionHand:
        self.regions.append(region)
        gaps = [np.linalg.norm(region.centre - hand[[0, 5, 9, 13, 17]].mean(axis=0))
                for hand in self.hands]
        if gaps and min(gaps) <= region.side_px / 2:
            nearest = int(np.argmin(gaps))
            presence = self.presence if np.isscalar(self.presence) else self.presence[nearest]
            return RegionHand(np.column_stack([self.hands[nearest], np.zeros(21)]), presence)
        return RegionHand(np.zeros((21, 3)), 0.05)


def infant_pose(left_wrist=(400.0, 300.0), right_wrist=(240.0, 300.0), visibility=0.9):
    """(33, 5) supine infant, shoulders 100 px apart, forearms pointing up to the wrists."""
    pose = np.full((33, 5), np.nan)
    pose[:, 2:] = [0.0, visibility, 0.99]
    pose[AT["left_shoulder"], :2] = (370.0, 400.0)
    pose[AT["right_shoulder"], :2] = (270.0, 400.0)
    pose[AT["left_hip"], :2] = (360.0, 560.0)
    pose[AT["right_hip"], :2] = (280.0, 560.0)
    for side, wrist in (("left", left_wrist), ("right", right_wrist)):
        wrist = np.asarray(wrist)
        pose[AT[f"{side}_wrist"], :2] = wrist
        pose[AT[f"{side}_elbow"], :2] = wrist + (0.0, 60.0)
        pose[AT[f"{side}_index"], :2] = wrist + (-3.0, -20.0)
        pose[AT[f"{side}_pinky"], :2] = wrist + (6.0, -20.0)
    return pose


def hand_at(wrist) -> np.ndarray:
    return upright_hand(wrist=tuple(wrist), size=20.0)


CONFIG = PoseConfig()


def test_first_frame_searches_the_pose_region_then_refines():
    pose = infant_pose()
    network = StandInNetwork([hand_at(pose[AT["left_wrist"], :2]),
                              hand_at(pose[AT["right_wrist"], :2])])
    found = RegionHandFinder(network, CONFIG)(RGB, pose)
    assert set(found) == {"left", "right"}
    assert found["left"][0][0, :2] == pytest.approx(pose[AT["left_wrist"], :2])
    assert found["left"][1] == pytest.approx(0.95)
    assert len(network.regions) == 4  # per side: the pose region, then the hand's region


def test_next_frames_follow_the_hand_with_one_call_per_side():
    pose = infant_pose()
    network = StandInNetwork([hand_at(pose[AT["left_wrist"], :2]),
                              hand_at(pose[AT["right_wrist"], :2])])
    finder = RegionHandFinder(network, CONFIG)
    finder(RGB, pose)
    network.regions.clear()
    pose_now = pose.copy()
    pose_now[AT["left_index"], :2] = pose_now[AT["left_wrist"], :2] + (200.0, 0.0)  # bad pose hand
    found = finder(RGB, pose_now)
    assert set(found) == {"left", "right"} and len(network.regions) == 2
    assert finder.calls == 6


def test_lost_track_goes_back_to_the_pose():
    pose = infant_pose()
    network = StandInNetwork([hand_at(pose[AT["left_wrist"], :2])])
    finder = RegionHandFinder(network, CONFIG)
    assert set(finder(RGB, pose)) == {"left"}
    moved = infant_pose(left_wrist=(480.0, 200.0))  # the wrist jumped ~1.3 shoulder widths
    network.hands = [hand_at(moved[AT["left_wrist"], :2])]
    network.regions.clear()
    found = finder(RGB, moved)
    assert found["left"][0][0, :2] == pytest.approx(moved[AT["left_wrist"], :2])
    followed, at_pose = network.regions[:2]  # the old hand's region (empty), then the pose's
    assert np.linalg.norm(followed.centre - pose[AT["left_wrist"], :2]) < followed.side_px
    assert np.linalg.norm(at_pose.centre - moved[AT["left_wrist"], :2]) < at_pose.side_px


def test_a_followed_hand_stays_when_the_pose_loses_the_arm():
    """Over the chest the pose wrist (in view, confident) jumps away from a hand the hand
    model still sees: with no hand where the pose says, the followed hand is kept."""
    pose = infant_pose()
    hand = hand_at(pose[AT["left_wrist"], :2])
    network = StandInNetwork([hand])
    finder = RegionHandFinder(network, CONFIG)
    finder(RGB, pose)
    lost_arm = infant_pose(left_wrist=(480.0, 200.0), visibility=0.97)
    for _ in range(3):
        found = finder(RGB, lost_arm)
        assert found["left"][0][:, :2] == pytest.approx(hand)


@pytest.mark.parametrize(("at_pose_presence", "pose_wins"), [(0.97, True), (0.7, False)])
def test_a_hand_where_the_pose_says_wins_if_the_network_is_as_sure_of_it(at_pose_presence,
                                                                          pose_wins):
    pose = infant_pose()
    followed = hand_at(pose[AT["left_wrist"], :2])
    network = StandInNetwork([followed])
    finder = RegionHandFinder(network, CONFIG)
    finder(RGB, pose)
    moved = infant_pose(left_wrist=(480.0, 200.0))
    at_pose = hand_at(moved[AT["left_wrist"], :2])
    network.hands, network.presence = [followed, at_pose], [0.95, at_pose_presence]
    kept = finder(RGB, moved)["left"][0][:, :2]
    assert kept == pytest.approx(at_pose if pose_wins else followed)


@pytest.mark.parametrize(("beyond_px", "kept"), [(30.0, False), (-30.0, True)])
def test_a_followed_hand_beyond_the_arms_reach_is_dropped(beyond_px, kept):
    pose = infant_pose()
    hand = hand_at(pose[AT["left_wrist"], :2])
    finder = RegionHandFinder(StandInNetwork([hand]), CONFIG)
    finder(RGB, pose)
    # the hand stays put while the body moves down the picture until the left shoulder is
    # the arm's reach (shoulders 100 px apart) plus ``beyond_px`` from the hand's wrist;
    # no pose wrist in view says where the hand is
    moved = infant_pose(visibility=0.2)
    shoulder = moved[AT["left_shoulder"], :2]
    along = np.sqrt((ARM_REACH_BODY_SCALES * 100.0 + beyond_px) ** 2
                    - (shoulder[0] - hand[0, 0]) ** 2)
    moved[:, 1] += hand[0, 1] + along - shoulder[1]
    gap = np.linalg.norm(hand[0] - moved[AT["left_shoulder"], :2])
    assert gap == pytest.approx(ARM_REACH_BODY_SCALES * 100.0 + beyond_px)
    assert ("left" in finder(RGB, moved)) is kept


def test_no_hand_below_the_presence_threshold_and_the_track_ends():
    pose = infant_pose()
    network = StandInNetwork([hand_at(pose[AT["left_wrist"], :2])], presence=0.4)
    finder = RegionHandFinder(network, CONFIG)
    assert finder(RGB, pose) == {}
    assert finder.previous == {}


def test_a_hand_far_from_the_sides_wrist_is_not_taken():
    pose = infant_pose()
    # a hand in the left pose region, its wrist 0.65 shoulder widths from the pose wrist
    far = hand_at(pose[AT["left_wrist"], :2] + (0.0, -65.0))
    network = StandInNetwork([far])
    found = RegionHandFinder(network, PoseConfig(hand_match_max_dist=0.6))(RGB, pose)
    network_near = StandInNetwork([far])
    found_loose = RegionHandFinder(network_near, PoseConfig(hand_match_max_dist=1.0))(RGB, pose)
    assert "left" not in found
    assert "left" in found_loose


def test_one_hand_found_from_both_sides_goes_to_the_nearer_wrist():
    pose = infant_pose(left_wrist=(330.0, 300.0), right_wrist=(310.0, 300.0))
    hand = hand_at((328.0, 300.0))
    found = RegionHandFinder(StandInNetwork([hand]), CONFIG)(RGB, pose)
    assert set(found) == {"left"}


def test_two_hands_held_together_stay_two():
    pose = infant_pose(left_wrist=(335.0, 300.0), right_wrist=(305.0, 300.0))
    network = StandInNetwork([hand_at((335.0, 300.0)), hand_at((305.0, 300.0))])
    found = RegionHandFinder(network, CONFIG)(RGB, pose)
    assert set(found) == {"left", "right"}


def test_no_infant_no_hands_and_no_memory():
    pose = infant_pose()
    network = StandInNetwork([hand_at(pose[AT["left_wrist"], :2])])
    finder = RegionHandFinder(network, CONFIG)
    finder(RGB, pose)
    assert finder(RGB, None) == {} and finder.previous == {}


def test_images_are_not_tracked():
    pose = infant_pose()
    network = StandInNetwork([hand_at(pose[AT["left_wrist"], :2])])
    finder = RegionHandFinder(network, CONFIG, track=False)
    finder(RGB, pose)
    assert finder.previous == {}


def test_a_new_track_needs_the_start_presence_a_followed_hand_the_tracking_one():
    pose = infant_pose()
    network = StandInNetwork([hand_at(pose[AT["left_wrist"], :2])], presence=0.7)
    config = PoseConfig(hand_start_confidence=0.8, min_tracking_confidence=0.5)
    strict = RegionHandFinder(network, config)
    assert strict(RGB, pose) == {}  # 0.7 does not start a track
    loose = RegionHandFinder(network, PoseConfig(hand_start_confidence=0.6))
    assert set(loose(RGB, pose)) == {"left"}
    loose.config = config  # once followed, 0.7 is enough to keep it
    assert set(loose(RGB, pose)) == {"left"}


def test_a_fast_hand_is_followed_where_its_last_step_takes_it():
    """A hand moving a region's half-side per frame slips out of a region left where it
    was; moved on by the last step, the region keeps it (the pose wrist is lost)."""
    start = np.array([300.0, 300.0])
    lost = infant_pose(left_wrist=(300.0, 300.0), visibility=0.2)
    positions = [start, start + (15.0, 0.0), start + (40.0, 0.0), start + (65.0, 0.0)]
    network = StandInNetwork([hand_at(start)])
    finder = RegionHandFinder(network, CONFIG)
    assert "left" in finder(RGB, infant_pose(left_wrist=tuple(start)))
    for wrist in positions[1:]:
        network.hands = [hand_at(wrist)]
        found = finder(RGB, lost)
        assert found["left"][0][0, :2] == pytest.approx(wrist)
    region = region_from_hand(hand_at(positions[2]))
    assert np.linalg.norm(region.centre - hand_at(positions[3])[[0, 5, 9, 13, 17]].mean(axis=0)) \
        > region.side_px / 2  # without the step the last frame's hand is outside the region


def test_a_hand_at_rest_is_looked_for_in_its_own_region_not_moved_by_its_jitter():
    pose = infant_pose()
    network = StandInNetwork([hand_at(pose[AT["left_wrist"], :2])])
    finder = RegionHandFinder(network, CONFIG)
    finder(RGB, pose)
    jittered = hand_at(pose[AT["left_wrist"], :2] + (2.0, 0.0))
    network.hands = [jittered]
    finder(RGB, pose)
    network.regions.clear()
    finder(RGB, pose)
    assert network.regions[0].centre == pytest.approx(region_from_hand(jittered).centre)
