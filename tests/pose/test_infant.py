"""Choosing the infant among people, and the infant's hands among hands."""

from __future__ import annotations

import numpy as np

from motorobs.pose.infant import attribute_hands, choose_infant, torso_size_px
from motorobs.schema import POSE_LANDMARKS

IDX = {n: i for i, n in enumerate(POSE_LANDMARKS)}


def person(centre: tuple[float, float], shoulder_width: float) -> np.ndarray:
    """An upright stick figure: shoulders, hips one shoulder width below, wrists at the side."""
    xy = np.full((33, 2), np.nan)
    cx, cy = centre
    half = shoulder_width / 2
    xy[IDX["left_shoulder"]] = (cx + half, cy - half)
    xy[IDX["right_shoulder"]] = (cx - half, cy - half)
    xy[IDX["left_hip"]] = (cx + half, cy + half)
    xy[IDX["right_hip"]] = (cx - half, cy + half)
    xy[IDX["left_wrist"]] = (cx + 2 * half, cy + half)
    xy[IDX["right_wrist"]] = (cx - 2 * half, cy + half)
    return xy


def test_torso_size_is_the_mean_diagonal():
    assert torso_size_px(person((0, 0), 10.0)) == np.hypot(10, 10)


def test_smaller_body_is_the_infant_without_history():
    adult, infant = person((100, 100), 80), person((300, 300), 30)
    assert choose_infant([adult, infant], None, None) == (1, "smaller_body")


def test_continuity_keeps_the_tracked_infant_even_when_larger_in_frame():
    infant, other = person((300, 300), 60), person((50, 50), 40)
    index, rule = choose_infant([other, infant], np.array([305.0, 298.0]), 85.0)
    assert (index, rule) == (1, "continuity")


def test_far_jump_falls_back_to_the_smaller_body():
    a, b = person((0, 0), 60), person((500, 500), 30)
    assert choose_infant([a, b], np.array([1000.0, 0.0]), 40.0) == (1, "smaller_body")


def test_no_people_no_infant():
    assert choose_infant([], None, None) == (None, "none")


def test_hands_near_the_infant_wrists_are_attributed_by_side():
    infant = person((200, 200), 40)
    left_wrist, right_wrist = infant[IDX["left_wrist"]], infant[IDX["right_wrist"]]
    adult_hand = np.array([600.0, 50.0])
    hands = [adult_hand, right_wrist + 3, left_wrist - 2]
    assert attribute_hands(infant, hands, max_dist=0.6) == {"right": 1, "left": 2}


def test_each_hand_goes_to_one_wrist_only():
    infant = person((200, 200), 40)
    infant[IDX["right_wrist"]] = infant[IDX["left_wrist"]] + 1  # wrists together
    hands = [infant[IDX["left_wrist"]].copy()]
    owned = attribute_hands(infant, hands, max_dist=0.6)
    assert len(owned) == 1 and list(owned.values()) == [0]


def test_hand_far_from_both_wrists_is_an_adults():
    infant = person((200, 200), 40)
    assert attribute_hands(infant, [np.array([200.0, 400.0])], max_dist=0.6) == {}


def test_hand_between_crossed_wrists_is_left_unattributed():
    infant = person((200, 200), 40)
    infant[IDX["right_wrist"]] = (205.0, 200.0)  # right hand crossed near the left wrist
    infant[IDX["left_wrist"]] = (225.0, 200.0)
    between = np.array([214.0, 200.0])  # 9 px from right, 11 px from left: ambiguous
    assert attribute_hands(infant, [between], max_dist=0.6) == {}


def test_a_tracked_hand_keeps_its_side_while_crossing():
    infant = person((200, 200), 40)
    infant[IDX["right_wrist"]] = (205.0, 200.0)
    infant[IDX["left_wrist"]] = (225.0, 200.0)
    hand = np.array([218.0, 200.0])  # nearer the left wrist, but continues the right hand
    owned = attribute_hands(infant, [hand], max_dist=0.6, previous={"right": hand - 3})
    assert owned == {"right": 0}


# --- rule 3: a hand missed in the full frame, looked for in a close-up of the elbow ------


def with_elbows(xy: np.ndarray) -> np.ndarray:
    """Elbows halfway between each shoulder and wrist of a :func:`person`."""
    xy = xy.copy()
    for side in ("left", "right"):
        xy[IDX[f"{side}_elbow"]] = (xy[IDX[f"{side}_shoulder"]] + xy[IDX[f"{side}_wrist"]]) / 2
    return xy


def test_search_box_is_centred_on_the_elbow_and_clipped_to_the_frame():
    from motorobs.pose.infant import HAND_SEARCH_SCALES, hand_search_box

    infant = with_elbows(person((100, 100), 40))   # body scale = 40 px (shoulder width)
    elbow = infant[IDX["right_elbow"]]             # (70, 100)
    half = HAND_SEARCH_SCALES * 40
    assert hand_search_box(infant, "right", 480, 640) == (
        int(elbow[0] - half), int(elbow[1] - half), int(elbow[0] + half), int(elbow[1] + half))
    x0, y0, x1, y1 = hand_search_box(infant, "right", 480, 80)  # a narrow frame clips x1
    assert x1 == 80 and x0 == int(elbow[0] - half)
    infant[IDX["left_elbow"]] = np.nan
    assert hand_search_box(infant, "left", 480, 640) is None


def test_crop_hand_must_be_within_reach_of_the_elbow_and_not_the_other_hand():
    from motorobs.pose.infant import pick_crop_hand

    infant = with_elbows(person((100, 100), 40))
    elbow, wrist = infant[IDX["right_elbow"]], infant[IDX["right_wrist"]]
    # The pose wrist is lost on the chest, the true hand lies across the body midline.
    on_chest = np.array([105.0, 95.0])        # 35 px = 0.9 body scales from the elbow
    too_far = elbow + np.array([0.0, 60.0])   # 1.5 body scales: not this forearm's hand
    assert pick_crop_hand(infant, "right", [too_far, on_chest], None) == 1
    assert pick_crop_hand(infant, "right", [too_far], None) is None
    # The left hand was already found right there: it is not taken twice.
    assert pick_crop_hand(infant, "right", [on_chest], on_chest + 5.0) is None
    # Two candidates within reach: the one nearer the pose wrist.
    near_wrist = wrist + np.array([3.0, 0.0])
    assert pick_crop_hand(infant, "right", [on_chest, near_wrist], None) == 1


def test_unmatched_hands_are_another_persons_only_with_evidence():
    from motorobs.pose.infant import OUT_OF_REACH_SCALES, unmatched_hands

    infant = person((300, 300), 40)  # body scale 40 px
    left, right = infant[IDX["left_wrist"]], infant[IDX["right_wrist"]]
    owned = {"left": 0, "right": 1}
    near = infant[IDX["left_shoulder"]] + (0.0, 60.0)  # 1.5 scales from the shoulder
    far = infant[IDX["left_shoulder"]] + (0.0, (OUT_OF_REACH_SCALES + 0.5) * 40)
    # alone in view: a stray hand near the baby is not a caregiver's, a far one is
    assert unmatched_hands(infant, [left, right, near], owned, 1) == (0, 1)
    assert unmatched_hands(infant, [left, right, far], owned, 1) == (1, 0)
    # a second body in view is evidence of another person
    assert unmatched_hands(infant, [left, right, near], owned, 2) == (1, 0)


def test_the_same_hand_found_twice_is_counted_once():
    from motorobs.pose.infant import unmatched_hands

    infant = person((300, 300), 40)
    left = infant[IDX["left_wrist"]]
    echo = left + (2.0, 1.0)  # the infant's left hand again
    near = infant[IDX["left_shoulder"]] + (0.0, 60.0)
    assert unmatched_hands(infant, [left, echo], {"left": 0}, 1) == (0, 0)
    assert unmatched_hands(infant, [left, near, near + (1.0, 0.0)], {"left": 0}, 1) == (0, 1)
    assert unmatched_hands(infant, [near], {}, 1) == (0, 1)
