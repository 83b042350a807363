"""Skeletons as data: the alias table, the built-in skeletons and their validation."""

from __future__ import annotations

import pytest

from motorobs.skeletons import (
    BODY_PARTS,
    COCO_17,
    MEDIAPIPE,
    OPENPOSE_BODY_25,
    Skeleton,
    body_part_for,
    openpose_skeleton,
)


@pytest.mark.parametrize(("name", "part"), [
    ("LWrist", "left_wrist"), ("wrist_left", "left_wrist"), ("l_wrist", "left_wrist"),
    ("Left Wrist", "left_wrist"), ("wristL", "left_wrist"), ("R_Knee", "right_knee"),
    ("right-ankle", "right_ankle"), ("RBigToe", "right_foot_index"), ("LHeel", "left_heel"),
    ("Shoulder_L", "left_shoulder"), ("Eye_R", "right_eye"), ("MouthLeft", "mouth_left"),
    ("Nose", "nose"), ("snout", "nose"), ("left_hand_wrist", "left_hand_wrist"),
    ("right_eye_inner", "right_eye_inner"),
    ("Neck", None), ("MidHip", None), ("tail", None), ("wrist", None), ("LNose", None),
    ("Head", None),
])
def test_alias_table(name, part):
    assert body_part_for(name) == part


def test_mediapipe_skeleton_covers_every_body_part():
    assert MEDIAPIPE.keypoints == BODY_PARTS and len(BODY_PARTS) == 75
    assert MEDIAPIPE.missing_body_parts() == ()
    assert ("left_wrist", "right_wrist") in MEDIAPIPE.symmetries
    assert ("left_hand_thumb_tip", "right_hand_thumb_tip") in MEDIAPIPE.symmetries
    assert len(MEDIAPIPE.symmetries) == 16 + 21


def test_coco17_lacks_hands_heels_and_mouth():
    missing = COCO_17.missing_body_parts()
    assert len(missing) == 75 - 17
    assert {"left_heel", "mouth_left", "left_hand_wrist", "right_foot_index"} <= set(missing)
    assert "left_wrist" not in missing
    assert ("left_hip", "left_knee") in {tuple(sorted(e)) for e in COCO_17.edges}
    assert len(COCO_17.symmetries) == 8


def test_openpose_body25_maps_all_but_neck_midhip_and_small_toes():
    unmapped = [k for k in OPENPOSE_BODY_25.keypoints if OPENPOSE_BODY_25.body_part(k) is None]
    assert unmapped == ["Neck", "MidHip", "LSmallToe", "RSmallToe"]
    with_hands = openpose_skeleton(25, hands=True)
    assert len(with_hands.keypoints) == 25 + 42
    assert with_hands.body_part("right_hand_pinky_tip") == "right_hand_pinky_tip"
    with pytest.raises(ValueError, match="25 .* or 18"):
        openpose_skeleton(17, hands=False)


def test_from_names_with_aliases_and_first_come_first_served():
    skeleton = Skeleton.from_names("dlc", ["hand_L", "LWrist", "left_wrist", "tail"],
                                   aliases={"hand_L": "left_index"})
    assert skeleton.body_part("hand_L") == "left_index"
    assert skeleton.body_part("LWrist") == "left_wrist"
    assert skeleton.body_part("left_wrist") is None  # the body part is LWrist's already
    assert skeleton.dataset_names() == ("left_index", "left_wrist", "left_wrist", "tail")
    with pytest.raises(ValueError, match="does not have"):
        Skeleton.from_names("dlc", ["a"], aliases={"b": "nose"})


def test_json_round_trip():
    skeleton = Skeleton.from_names("dlc", ["LWrist", "RWrist", "tail"], [("LWrist", "tail")])
    assert Skeleton.from_json(skeleton.to_json()) == skeleton
    assert skeleton.symmetries == (("LWrist", "RWrist"),)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"keypoints": ("a", "a")}, "unique"),
    ({"keypoints": ("a",), "edges": (("a", "b"),)}, "edge"),
    ({"keypoints": ("a",), "body_parts": {"a": "left_paw"}}, "not motorobs body parts"),
    ({"keypoints": ("a", "b"), "body_parts": {"a": "nose", "b": "nose"}}, "several keypoints"),
])
def test_invalid_skeletons_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Skeleton("bad", **kwargs)


def test_the_documented_alias_table_is_the_code_s():
    from collections import defaultdict
    from pathlib import Path

    from motorobs.skeletons import PART_ALIASES

    page = (Path(__file__).resolve().parents[1] / "docs" / "formats" / "index.md").read_text()
    names = defaultdict(list)
    for alias, part in PART_ALIASES.items():
        names[part].append(f"`{alias}`")
    for part, aliases in names.items():
        assert f"| {part} | {', '.join(aliases)} |" in page
