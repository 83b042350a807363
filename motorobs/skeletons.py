"""Skeletons as data: keypoint names, left/right pairs, edges and the body parts they are.

motorobs' signals and metrics use **body-part names**: MediaPipe's 33 pose names
(``left_wrist``, ``nose``, ``mouth_left`` ...) and its 2 x 21 hand names prefixed by the
hand (``left_hand_wrist``, ``right_hand_index_finger_tip`` ...), listed in
:data:`BODY_PARTS`. A :class:`Skeleton` says which of them each of its own keypoints is.
MediaPipe's skeleton (:data:`MEDIAPIPE`) is one; COCO-17 (:data:`COCO_17`) and OpenPose's
BODY_25 and COCO-18 (:data:`OPENPOSE_BODY_25`, :data:`OPENPOSE_COCO_18`) others; the skeletons
of DeepLabCut and SLEAP projects are built from their files' keypoint names with
:meth:`Skeleton.from_names`, which maps user-chosen names (``LWrist``, ``wrist_left``,
``l_wrist`` ...) through the table of common aliases :data:`PART_ALIASES`
(docs/formats/index.md lists it).

Left and right are the infant's own anatomical sides, as in MediaPipe, COCO and OpenPose.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from motorobs.schema import (
    HAND_CONNECTIONS,
    HAND_LANDMARKS,
    POSE_CONNECTIONS,
    all_keypoints,
    keypoint_name,
)

BODY_PARTS: tuple[str, ...] = tuple(keypoint_name(part, name) for part, name in all_keypoints())
"""Every body-part name motorobs knows (33 pose + 2 x 21 hand), in the dataset order of
MediaPipe's skeleton."""

SIDES: tuple[str, ...] = ("left", "right")


@dataclass(frozen=True)
class Skeleton:
    """The keypoints a pose tool writes, and which motorobs body part each one is.

    Attributes
    ----------
    name
        Short name (``"mediapipe"``, ``"coco17"``, ``"deeplabcut"`` ...).
    keypoints
        (K,) the tool's own keypoint names, unique, in the tool's order.
    edges
        Pairs of keypoint names joined when the skeleton is drawn.
    symmetries
        Left/right pairs of keypoint names (``("left_wrist", "right_wrist")``), the left
        one first; derived from ``body_parts`` when not given.
    body_parts
        Keypoint name -> motorobs body-part name (one of :data:`BODY_PARTS`), for the
        keypoints that are one; keypoints absent from it (a DeepLabCut ``tail``, OpenPose's
        ``Neck``) are kept in the data but no metric uses them.

    Raises
    ------
    ValueError
        Duplicate keypoint names, an edge or pair naming an unknown keypoint, a body part
        that motorobs does not know, or two keypoints mapped to the same body part.
    """

    name: str
    keypoints: tuple[str, ...]
    edges: tuple[tuple[str, str], ...] = ()
    symmetries: tuple[tuple[str, str], ...] = ()
    body_parts: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keypoints", tuple(str(k) for k in self.keypoints))
        object.__setattr__(self, "edges", tuple((str(a), str(b)) for a, b in self.edges))
        object.__setattr__(self, "body_parts", MappingProxyType(dict(self.body_parts)))
        duplicates = sorted({k for k in self.keypoints if self.keypoints.count(k) > 1})
        if duplicates:
            raise ValueError(f"Skeleton {self.name!r}: keypoint names must be unique; "
                             f"{duplicates} appear more than once.")
        known = set(self.keypoints)
        for kind, pairs in (("edge", self.edges), ("left/right pair", self.symmetries)):
            for pair in pairs:
                if not set(pair) <= known:
                    raise ValueError(f"Skeleton {self.name!r}: {kind} {pair} names a keypoint "
                                     f"that is not in {list(self.keypoints)}.")
        unknown = {k: p for k, p in self.body_parts.items()
                   if k not in known or p not in _BODY_PART_SET}
        if unknown:
            raise ValueError(f"Skeleton {self.name!r}: {unknown} maps keypoints that are not "
                             "in the skeleton, or to names that are not motorobs body parts "
                             "(motorobs.skeletons.BODY_PARTS).")
        parts = list(self.body_parts.values())
        twice = sorted({p for p in parts if parts.count(p) > 1})
        if twice:
            raise ValueError(f"Skeleton {self.name!r}: several keypoints are mapped to the "
                             f"body part(s) {twice}; keep one of them.")
        if not self.symmetries:
            object.__setattr__(self, "symmetries", self._paired_sides())
        object.__setattr__(self, "symmetries",
                           tuple((str(a), str(b)) for a, b in self.symmetries))

    def _paired_sides(self) -> tuple[tuple[str, str], ...]:
        keypoint_of = {part: kp for kp, part in self.body_parts.items()}
        pairs = []
        for kp in self.keypoints:
            part = self.body_parts.get(kp, "")
            other = _mirrored(part)
            if (part.startswith("left") or part.endswith("_left")) and other in keypoint_of:
                pairs.append((kp, keypoint_of[other]))
        return tuple(pairs)

    @classmethod
    def from_names(
        cls,
        name: str,
        keypoints: Iterable[str],
        edges: Iterable[tuple[str, str]] = (),
        aliases: Mapping[str, str] | None = None,
    ) -> Skeleton:
        """A skeleton whose body parts are guessed from its keypoint names. A body part
        that two keypoints would share goes to the first of them only.

        Parameters
        ----------
        name
            The skeleton's name.
        keypoints
            The tool's keypoint names (e.g. a DeepLabCut project's ``bodyparts``).
        edges
            Pairs of keypoint names.
        aliases
            Keypoint name -> body-part name, tried before :func:`body_part_for` (for names
            the alias table does not know, e.g. ``{"hand_L": "left_wrist"}``); a value of
            ``""`` leaves that keypoint unmapped.
        """
        keypoints = tuple(keypoints)
        aliases = dict(aliases or {})
        unknown = set(aliases) - set(keypoints)
        if unknown:
            raise ValueError(f"aliases name keypoints {sorted(unknown)} that the skeleton "
                             f"{name!r} does not have ({list(keypoints)}).")
        mapping: dict[str, str] = {}
        for kp in keypoints:
            part = aliases[kp] if kp in aliases else body_part_for(kp)
            if part and part not in mapping.values():
                mapping[kp] = part
        return cls(name, keypoints, tuple(edges), (), mapping)

    def body_part(self, keypoint: str) -> str | None:
        """The body part ``keypoint`` is, or ``None`` if it is none of motorobs'."""
        return self.body_parts.get(keypoint)

    def dataset_names(self) -> tuple[str, ...]:
        """(K,) names in a motorobs dataset: the body part, else the tool's own name."""
        return tuple(self.body_parts.get(k, k) for k in self.keypoints)

    def missing_body_parts(self) -> tuple[str, ...]:
        """Motorobs body parts this skeleton has no keypoint for, in :data:`BODY_PARTS`
        order (empty for MediaPipe's)."""
        have = set(self.body_parts.values())
        return tuple(p for p in BODY_PARTS if p not in have)

    def to_json(self) -> str:
        """JSON form (stored in a dataset's ``attrs["skeleton"]``)."""
        return json.dumps({"name": self.name, "keypoints": list(self.keypoints),
                           "edges": [list(e) for e in self.edges],
                           "symmetries": [list(s) for s in self.symmetries],
                           "body_parts": dict(self.body_parts)})

    @classmethod
    def from_json(cls, text: str | Mapping[str, Any]) -> Skeleton:
        """Inverse of :meth:`to_json`."""
        data = json.loads(text) if isinstance(text, str) else dict(text)
        return cls(data["name"], tuple(data["keypoints"]),
                   tuple(tuple(e) for e in data.get("edges", ())),
                   tuple(tuple(s) for s in data.get("symmetries", ())),
                   data.get("body_parts", {}))


_BODY_PART_SET = frozenset(BODY_PARTS)


def _mirrored(part: str) -> str:
    for a, b in (("left", "right"), ("right", "left")):
        if part.startswith(a):
            return b + part[len(a):]
        if part.endswith("_" + a):
            return part[: -len(a)] + b
    return ""


PART_ALIASES: dict[str, str] = {
    "nose": "nose", "snout": "nose", "nose_tip": "nose",
    "eye": "eye", "eye_inner": "eye_inner", "inner_eye": "eye_inner",
    "eye_outer": "eye_outer", "outer_eye": "eye_outer",
    "ear": "ear",
    "mouth": "mouth", "mouth_corner": "mouth", "lip_corner": "mouth",
    "shoulder": "shoulder", "shldr": "shoulder", "sho": "shoulder",
    "elbow": "elbow", "elb": "elbow",
    "wrist": "wrist", "wri": "wrist",
    "pinky": "pinky", "little_finger": "pinky", "index": "index", "index_finger": "index",
    "thumb": "thumb",
    "hip": "hip",
    "knee": "knee", "kne": "knee",
    "ankle": "ankle", "ank": "ankle",
    "heel": "heel",
    "foot_index": "foot_index", "big_toe": "foot_index", "toe": "foot_index",
    "toes": "foot_index", "bigtoe": "foot_index", "mtp_joint": "foot_index",
}
"""Part of a keypoint name (once the side is taken out) -> motorobs' part. A sided part
becomes ``<side>_<part>`` (``mouth`` becomes ``mouth_<side>``); only ``nose`` may have no
side. See :func:`body_part_for`."""

LEFT_TOKENS = frozenset({"l", "left", "lt"})
RIGHT_TOKENS = frozenset({"r", "right", "rt"})


def _tokens(name: str) -> list[str]:
    """``"LWrist"`` -> ``["l", "wrist"]``; ``"wrist-left"`` -> ``["wrist", "left"]``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name.strip())
    return [t for t in re.split(r"[^a-z0-9]+", spaced.lower()) if t]


def body_part_for(name: str) -> str | None:
    """The motorobs body part a pose tool's keypoint name means, or ``None``.

    A motorobs body-part name maps to itself. Otherwise the name is split into words
    (camelCase, ``_``, ``-``, ``.`` and spaces), one word naming the side is taken out
    (``l``/``left``/``lt`` or ``r``/``right``/``rt``, first or last), and the rest is looked up
    in :data:`PART_ALIASES`.

    >>> [body_part_for(n) for n in ("LWrist", "wrist_left", "R_Knee", "RBigToe", "Neck")]
    ['left_wrist', 'left_wrist', 'right_knee', 'right_foot_index', None]
    """
    if name in _BODY_PART_SET:
        return name
    tokens = _tokens(name)
    side = None
    for position in (0, -1):
        if len(tokens) > 1 and tokens[position] in LEFT_TOKENS | RIGHT_TOKENS:
            side = "left" if tokens.pop(position) in LEFT_TOKENS else "right"
            break
    part = PART_ALIASES.get("_".join(tokens))
    if part is None:
        return None
    if side is None:
        return part if part == "nose" else None
    if part == "nose":
        return None
    return f"mouth_{side}" if part == "mouth" else f"{side}_{part}"


def _hand_edges() -> tuple[tuple[str, str], ...]:
    return tuple((keypoint_name(hand, a), keypoint_name(hand, b))
                 for hand in ("left_hand", "right_hand") for a, b in HAND_CONNECTIONS)


MEDIAPIPE = Skeleton(
    "mediapipe", BODY_PARTS, POSE_CONNECTIONS + _hand_edges(), (),
    {p: p for p in BODY_PARTS},
)
"""MediaPipe's Pose (33) and the two hands (2 x 21): motorobs' own skeleton."""

COCO_17_KEYPOINTS: tuple[str, ...] = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
)
COCO_17 = Skeleton(
    "coco17", COCO_17_KEYPOINTS,
    tuple((COCO_17_KEYPOINTS[a - 1], COCO_17_KEYPOINTS[b - 1]) for a, b in (
        (16, 14), (14, 12), (17, 15), (15, 13), (12, 13), (6, 12), (7, 13), (6, 7), (6, 8),
        (7, 9), (8, 10), (9, 11), (2, 3), (1, 2), (1, 3), (2, 4), (3, 5), (4, 6), (5, 7))),
    (), {k: k for k in COCO_17_KEYPOINTS},
)
"""The 17 COCO person keypoints (SyRIP's too), with COCO's drawing edges."""

_OPENPOSE_BODY_25_NAMES: tuple[str, ...] = (
    "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist",
    "MidHip", "RHip", "RKnee", "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar",
    "LEar", "LBigToe", "LSmallToe", "LHeel", "RBigToe", "RSmallToe", "RHeel",
)
_OPENPOSE_COCO_18_NAMES: tuple[str, ...] = (
    "Nose", "Neck", "RShoulder", "RElbow", "RWrist", "LShoulder", "LElbow", "LWrist", "RHip",
    "RKnee", "RAnkle", "LHip", "LKnee", "LAnkle", "REye", "LEye", "REar", "LEar",
)
_OPENPOSE_EDGES = (
    ("Neck", "Nose"), ("Neck", "RShoulder"), ("RShoulder", "RElbow"), ("RElbow", "RWrist"),
    ("Neck", "LShoulder"), ("LShoulder", "LElbow"), ("LElbow", "LWrist"), ("Neck", "RHip"),
    ("RHip", "RKnee"), ("RKnee", "RAnkle"), ("Neck", "LHip"), ("LHip", "LKnee"),
    ("LKnee", "LAnkle"), ("Nose", "REye"), ("REye", "REar"), ("Nose", "LEye"),
    ("LEye", "LEar"),
)
OPENPOSE_HAND: tuple[str, ...] = HAND_LANDMARKS
"""OpenPose's 21 hand keypoints are in MediaPipe's hand order (wrist, then each finger
from the palm out)."""


def openpose_skeleton(n_body: int, hands: bool) -> Skeleton:
    """OpenPose's BODY_25 (``n_body=25``) or COCO-18 (``n_body=18``) skeleton, with the two
    hands (``hand_left_keypoints_2d`` / ``hand_right_keypoints_2d``, named
    ``left_hand_wrist`` ...) when ``hands``."""
    names = {25: _OPENPOSE_BODY_25_NAMES, 18: _OPENPOSE_COCO_18_NAMES}.get(n_body)
    if names is None:
        raise ValueError(f"OpenPose body models have 25 (BODY_25) or 18 (COCO) keypoints, "
                         f"not {n_body}.")
    edges = _OPENPOSE_EDGES + ((("Neck", "MidHip"),) if n_body == 25 else ())
    hand_names = tuple(keypoint_name(h, n) for h in ("left_hand", "right_hand")
                       for n in OPENPOSE_HAND) if hands else ()
    base = Skeleton.from_names(f"openpose_body{n_body}", names + hand_names, edges)
    return Skeleton(base.name, base.keypoints, base.edges + (_hand_edges() if hands else ()),
                    (), base.body_parts)


OPENPOSE_BODY_25 = openpose_skeleton(25, hands=False)
OPENPOSE_COCO_18 = openpose_skeleton(18, hands=False)

SKELETONS: dict[str, Skeleton] = {
    s.name: s for s in (MEDIAPIPE, COCO_17, OPENPOSE_BODY_25, OPENPOSE_COCO_18)
}
"""The built-in skeletons by name."""
