"""Names of the landmarks motorobs works with (MediaPipe Pose and Hand landmarkers).

Left and right always mean the infant's anatomical side, as in MediaPipe and COCO.
"""

from __future__ import annotations

POSE_LANDMARKS: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
"""The 33 MediaPipe Pose landmarks, in the model's output order."""

HAND_LANDMARKS: tuple[str, ...] = (
    "wrist",
    "thumb_cmc",
    "thumb_mcp",
    "thumb_ip",
    "thumb_tip",
    "index_finger_mcp",
    "index_finger_pip",
    "index_finger_dip",
    "index_finger_tip",
    "middle_finger_mcp",
    "middle_finger_pip",
    "middle_finger_dip",
    "middle_finger_tip",
    "ring_finger_mcp",
    "ring_finger_pip",
    "ring_finger_dip",
    "ring_finger_tip",
    "pinky_mcp",
    "pinky_pip",
    "pinky_dip",
    "pinky_tip",
)
"""The 21 MediaPipe Hand landmarks, in the model's output order."""

PARTS: tuple[str, ...] = ("pose", "left_hand", "right_hand")
"""Body parts of the landmark data model; hands are the infant's own left and right."""

FACE_LANDMARKS: tuple[str, ...] = POSE_LANDMARKS[:11]
"""Pose landmarks on the face (nose, eyes, ears, mouth): used to blur faces."""

POSE_CONNECTIONS: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"),
    ("left_shoulder", "left_elbow"),
    ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"),
    ("right_elbow", "right_wrist"),
    ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"),
    ("left_hip", "right_hip"),
    ("left_hip", "left_knee"),
    ("left_knee", "left_ankle"),
    ("right_hip", "right_knee"),
    ("right_knee", "right_ankle"),
    ("left_ear", "left_eye"),
    ("left_eye", "nose"),
    ("nose", "right_eye"),
    ("right_eye", "right_ear"),
)
"""Segments drawn for the skeleton overlay."""

HAND_CONNECTIONS: tuple[tuple[str, str], ...] = tuple(
    pair
    for finger in ("thumb", "index_finger", "middle_finger", "ring_finger", "pinky")
    for pair in zip(
        ("wrist",) + tuple(n for n in HAND_LANDMARKS if n.startswith(finger))[:-1],
        tuple(n for n in HAND_LANDMARKS if n.startswith(finger)),
        strict=True,
    )
)


def keypoint_name(part: str, landmark: str) -> str:
    """Unique keypoint name in the dataset: pose names as-is, hands prefixed by the part.

    >>> keypoint_name("left_hand", "wrist")
    'left_hand_wrist'
    """
    return landmark if part == "pose" else f"{part}_{landmark}"


def all_keypoints() -> list[tuple[str, str]]:
    """``(part, landmark)`` for every keypoint of the data model, in dataset order."""
    return [("pose", n) for n in POSE_LANDMARKS] + [
        (part, n) for part in ("left_hand", "right_hand") for n in HAND_LANDMARKS
    ]
