"""Following the infant and its hands frame after frame (the rules of :mod:`motorobs.pose.infant`).

Three stages, each fed the frames in order (so each can run in its own thread, see
:mod:`motorobs.pose.lanes`, and still give the same results):

- :class:`InfantChooser` (after the pose model): which person is the infant. Its state
  depends on the pose results alone.
- :class:`HandGate` (before the hand model): whether the full-frame hand model runs on the
  frame (:func:`motorobs.pose.schedule.hand_model_due`).
- :class:`InfantTracker` (last): writes the infant's pose and hands into the landmark arrays,
  and, through :func:`find_missed_hands`, runs the close-up search for a missed hand.

Times are in seconds of the video, positions in pixels of the upright frame.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from motorobs.config import PoseConfig
from motorobs.pose.infant import (
    attribute_hands,
    choose_infant,
    hand_search_box,
    pick_crop_hand,
    torso_centre_px,
    torso_size_px,
    unmatched_hands,
)
from motorobs.pose.schedule import close_up_due, hand_model_due
from motorobs.schema import HAND_LANDMARKS, POSE_LANDMARKS

_N_POSE = len(POSE_LANDMARKS)
_N_HAND = len(HAND_LANDMARKS)
_WRISTS = [POSE_LANDMARKS.index("left_wrist"), POSE_LANDMARKS.index("right_wrist")]
_VISIBILITY = 3
"""Column of the visibility in a (33, 5) person array ``x_px, y_px, z, visibility, presence``."""


@dataclass
class SelectionLog:
    """How often each infant-selection rule was used, for the report."""

    rules: Counter = field(default_factory=Counter)
    frames_with_people: Counter = field(default_factory=Counter)
    adult_hands: int = 0
    """Hands of another person (:func:`motorobs.pose.infant.unmatched_hands`)."""
    stray_hands: int = 0
    """Other hand detections near the infant that were not its hands."""
    crop_hands: int = 0
    hand_model_frames: int = 0
    """Frames the full-frame hand model ran on."""
    close_ups: int = 0
    """Close-up searches for a missed hand."""

    def crowded_frames(self) -> int:
        """Analysed frames in which the pose model found more than one person."""
        return sum(v for k, v in self.frames_with_people.items() if k > 1)

    def notes(self, n_frames: int) -> list[str]:
        notes = []
        crowded = self.crowded_frames()
        if crowded:
            notes.append(
                f"More than one person was in view in {crowded} of {n_frames} analysed frames; "
                "the infant was taken to be the person continuing the infant's track, or else "
                f"the smaller body ({self.rules['smaller_body']} frames decided by size)."
            )
        if self.crop_hands:
            notes.append(
                f"{self.crop_hands} time(s), a hand of the baby was found only by looking "
                "again closely around the elbow (it is small in the picture)."
            )
        if self.adult_hands:
            notes.append(
                f"{self.adult_hands} time(s) a hand of another person (a second person was in "
                "view, or the hand was beyond the baby's reach) was found and ignored."
            )
        if self.stray_hands:
            notes.append(
                f"{self.stray_hands} hand detection(s) near the baby did not match its wrists "
                "and were ignored."
            )
        return notes


@dataclass(frozen=True)
class PoseFrame:
    """The people the pose model found in one frame and which of them is the infant."""

    people: list[np.ndarray]
    """One (33, 5) array per person: ``x_px, y_px, z, visibility, presence``."""
    infant: int | None
    """Index of the infant in ``people``; None when nobody was found."""
    rule: str
    """The rule that chose it (:func:`motorobs.pose.infant.choose_infant`)."""

    @property
    def infant_pose(self) -> np.ndarray | None:
        """(33, 5) array of the infant, or None."""
        return None if self.infant is None else self.people[self.infant]


class InfantChooser:
    """Rule 1 of :mod:`motorobs.pose.infant` over consecutive frames: the infant continues
    the infant's track (torso centre and size of the last frame it was found in)."""

    def __init__(self) -> None:
        self.previous_centre: np.ndarray | None = None
        self.previous_size: float | None = None

    def __call__(self, people: list[np.ndarray]) -> PoseFrame:
        """Choose the infant among the people of the next frame."""
        index, rule = choose_infant(
            [p[:, :2] for p in people], self.previous_centre, self.previous_size
        )
        if index is not None:
            xy = people[index][:, :2]
            self.previous_centre = torso_centre_px(xy)
            self.previous_size = torso_size_px(xy) or self.previous_size
        return PoseFrame(people, index, rule)


def wrists_in_view(pose: np.ndarray, min_visibility: float) -> bool:
    """Whether both pose wrists of a (33, 5) person array have at least ``min_visibility``."""
    visibility = pose[_WRISTS, _VISIBILITY]
    return bool(np.all(np.isfinite(visibility) & (visibility >= min_visibility)))


class HandGate:
    """Whether the full-frame hand model runs on each next frame.

    Always with ``config.hands_every_frame``. Otherwise not on frames without the infant (no
    hand could be attributed), and, when ``config.hand_detail_max_gap_s`` is above the frame
    interval (by default it is not), on frames where both of the infant's pose wrists are in
    view only that often (:func:`motorobs.pose.schedule.hand_model_due`).

    Parameters
    ----------
    config
        The pose settings.
    frame_interval_s
        Time between two analysed frames (s).
    """

    def __init__(self, config: PoseConfig, frame_interval_s: float) -> None:
        self.config = config
        self.frame_interval_s = frame_interval_s
        self.last_run_s: float | None = None

    def __call__(self, frame: PoseFrame, time_s: float) -> bool:
        """Decide for the frame at ``time_s`` (called once per frame, in order)."""
        config = self.config
        if config.hands_every_frame:
            return True
        infant = frame.infant_pose
        if infant is None:
            return False
        due = hand_model_due(time_s, self.last_run_s, self.frame_interval_s,
                             config.hand_detail_max_gap_s,
                             wrists_in_view(infant, config.wrist_min_visibility))
        if due:
            self.last_run_s = time_s
        return due


class InfantTracker:
    """Writes the infant's pose and hands, frame after frame, into the landmark arrays."""

    def __init__(self, hand_match_max_dist: float) -> None:
        self.hand_match_max_dist = hand_match_max_dist
        self.log = SelectionLog()
        self.previous_hands: dict[str, np.ndarray] = {}
        """Hand-model wrist (pixels) of the infant's hand of each side in the last frame
        the hand model ran on, for the sides that had one."""
        self.frame_infant: np.ndarray | None = None
        """(33, 2) pose of the infant in the frame last stored (None if not found)."""
        self.hands_ran = False
        """Whether the hand model ran on the frame last stored."""
        self.hand_seen_s: dict[str, float] = {}
        """Per side: time (s) the infant's hand was last found, or the side first searched."""
        self.searched_s: dict[str, float] = {}
        """Per side: time (s) of the last close-up search."""

    def store(self, arrays: dict[str, np.ndarray], row: int, frame: PoseFrame,
              hands: list | Mapping[str, tuple] | None, time_s: float = 0.0) -> None:
        """Write the infant's pose and hands of one frame (at ``time_s`` seconds) into row
        ``row`` of ``arrays``. ``hands``: the full-frame hand model's ``((21, 3) array,
        score)`` per hand (attributed here, :func:`~motorobs.pose.infant.attribute_hands`),
        or ``{side: ((21, 3) array, score)}``, hands already found as the infant's
        (:mod:`motorobs.pose.hand_tracking`), or None when no hand model ran on this frame
        (the hands of the last frame it ran on then stay the reference for continuity)."""
        self.log.frames_with_people[len(frame.people)] += 1
        infant = frame.infant_pose
        self.frame_infant = None
        self.hands_ran = hands is not None
        self.log.hand_model_frames += self.hands_ran
        if infant is None:
            self.previous_hands = {}
            return
        self.log.rules[frame.rule] += 1
        self.frame_infant = infant[:, :2]
        store_pose(arrays, row, infant)
        if hands is None:
            return
        if isinstance(hands, Mapping):  # the "pose" hand finder: already the infant's
            for side, hand in hands.items():
                store_hand(arrays, row, side, *hand)
                self.hand_seen_s[side] = time_s
            self.previous_hands = {side: hand[0][0, :2] for side, hand in hands.items()}
            return
        owned = attribute_hands(
            infant[:, :2],
            [h[0][0, :2] for h in hands],
            self.hand_match_max_dist,
            previous=self.previous_hands,
        )
        self.previous_hands = {side: hands[h][0][0, :2] for side, h in owned.items()}
        others, strays = unmatched_hands(infant[:, :2], [h[0][0, :2] for h in hands], owned,
                                         len(frame.people))
        self.log.adult_hands += others
        self.log.stray_hands += strays
        for side, h in owned.items():
            store_hand(arrays, row, side, *hands[h])
            self.hand_seen_s[side] = time_s

    def close_up_due(self, side: str, time_s: float, config: PoseConfig) -> bool:
        """Whether the ``side`` hand, missing at ``time_s``, gets the close-up search
        (:func:`motorobs.pose.schedule.close_up_due`; always with ``hands_every_frame``)."""
        if config.hands_every_frame:
            return True
        self.hand_seen_s.setdefault(side, time_s)
        return close_up_due(time_s, self.hand_seen_s[side], self.searched_s.get(side),
                            config.hand_search_patience_s, config.hand_search_retry_s)

    def store_crop_hand(self, arrays: dict[str, np.ndarray], row: int, side: str,
                        hands: list, time_s: float = 0.0) -> None:
        """Keep the hand found in the ``side`` elbow's close-up at ``time_s`` that is the
        infant's (:func:`motorobs.pose.infant.pick_crop_hand`), if any, as that side's hand."""
        self.searched_s[side] = time_s
        self.log.close_ups += 1
        if self.frame_infant is None or not hands:
            return
        other = "right" if side == "left" else "left"
        h = pick_crop_hand(self.frame_infant, side, [hand[0][0, :2] for hand in hands],
                           self.previous_hands.get(other))
        if h is None:
            return
        store_hand(arrays, row, side, *hands[h])
        self.previous_hands[side] = hands[h][0][0, :2]
        self.hand_seen_s[side] = time_s
        self.log.crop_hands += 1


def find_missed_hands(detect_in_box: Callable[[np.ndarray, tuple[int, int, int, int]], list],
                      config: PoseConfig, tracker: InfantTracker,
                      arrays: dict[str, np.ndarray], row: int, rgb: np.ndarray,
                      time_s: float = 0.0) -> None:
    """Search a close-up of the elbow for each infant hand the full frame did not give, when
    the search is due (:meth:`InfantTracker.close_up_due`), with ``detect_in_box(rgb, box)``
    (:meth:`motorobs.pose.estimator.LandmarkEstimator.detect_hands_in_box`)."""
    if not config.hand_crops or tracker.frame_infant is None or not tracker.hands_ran:
        return
    for side in ("left", "right"):
        if side in tracker.previous_hands or not tracker.close_up_due(side, time_s, config):
            continue
        box = hand_search_box(tracker.frame_infant, side, *rgb.shape[:2])
        if box is not None:
            tracker.store_crop_hand(arrays, row, side, detect_in_box(rgb, box), time_s)


def store_pose(arrays: dict[str, np.ndarray], row: int, person: np.ndarray) -> None:
    """Write a (33, 5) person array into row ``row`` of the landmark arrays."""
    arrays["position"][row, :, :_N_POSE] = person[:, :2].T
    arrays["depth_z"][row, :_N_POSE] = person[:, 2]
    arrays["visibility"][row, :_N_POSE] = person[:, 3]
    arrays["presence"][row, :_N_POSE] = person[:, 4]
    arrays["confidence"][row, :_N_POSE] = person[:, 3]


def store_hand(
    arrays: dict[str, np.ndarray], row: int, side: str, hand: np.ndarray, score: float
) -> None:
    """Write a (21, 3) hand (``x_px, y_px, z``) with its handedness score as ``side``."""
    start = _N_POSE + (0 if side == "left" else _N_HAND)
    cols = slice(start, start + _N_HAND)
    arrays["position"][row, :, cols] = hand[:, :2].T
    arrays["depth_z"][row, cols] = hand[:, 2]
    for name in ("visibility", "presence", "confidence"):
        arrays[name][row, cols] = score
