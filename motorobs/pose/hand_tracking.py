"""The infant's hands from regions of the frame (``PoseConfig.hand_finder = "pose"``).

Instead of searching the whole frame for palms and then deciding which hands are the
infant's (:mod:`motorobs.pose.infant`, rules 2 and 3), each of the infant's hands is looked
for where the infant's pose says it is, with the hand landmark network alone
(:mod:`motorobs.pose.hand_net`). Per side and frame:

1. If the side had a hand in the previous analysed frame, the network looks in the region
   of that hand (:func:`~motorobs.pose.hand_roi.region_from_hand`: hands move little from
   one frame to the next), unless the pose wrist is in view and that hand is further than
   ``PoseConfig.hand_match_max_dist`` from it (the track was lost).
2. Otherwise, or if the network finds no hand there, it looks in the region the pose gives
   (:func:`~motorobs.pose.hand_roi.region_from_pose`). A hand found there starts a track:
   the network looks once more in the region of that hand, which fits it better, and keeps
   that answer if it is a hand too.
3. A hand counts when the network's presence is at least
   ``PoseConfig.min_tracking_confidence`` (``PoseConfig.hand_start_confidence`` for a hand
   found in the pose's region, which starts a track) and its wrist lies within
   ``PoseConfig.hand_match_max_dist`` body scales of the side's pose wrist (rule 2 of
   :mod:`motorobs.pose.infant`). When both sides found the same hand (:data:`SAME_HAND_SIZES`;
   the regions of two hands held together overlap), the side whose pose wrist is nearer
   keeps it.

Every region comes from the infant's own body, so an adult's hand is not taken unless it is
where the infant's hand should be. The state (the hands of the previous frame) depends
only on the frames seen, in order, so the finder can run in its own thread
(:mod:`motorobs.pose.lanes`) with the same results.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from motorobs.config import PoseConfig
from motorobs.pose.hand_net import RegionHand
from motorobs.pose.hand_roi import HandRegion, region_from_hand, region_from_pose
from motorobs.pose.infant import body_scale_px
from motorobs.schema import POSE_LANDMARKS

_I = {name: i for i, name in enumerate(POSE_LANDMARKS)}
SIDES = ("left", "right")
SAME_HAND_SIZES = 0.25
"""The two sides found the same hand when their landmarks lie a median of less than this
many hand sizes (the larger side of the hand's bounding box) apart: two distinct hands,
even clasped, are at least about half a hand apart."""
Network = Callable[[np.ndarray, HandRegion], RegionHand]
"""``network(rgb, region)``: :class:`motorobs.pose.hand_net.HandLandmarkNetwork`."""


class RegionHandFinder:
    """Finds the infant's left and right hands frame after frame (rules in the module doc).

    Parameters
    ----------
    network
        Runs the hand landmark network on a region of a frame.
    config
        ``min_tracking_confidence``, ``hand_start_confidence``, ``hand_match_max_dist`` and
        ``wrist_min_visibility``.
    track
        Follow each hand from frame to frame (video). ``False``: every frame on its own
        (images).
    """

    def __init__(self, network: Network, config: PoseConfig, *, track: bool = True) -> None:
        self.network = network
        self.config = config
        self.track = track
        self.previous: dict[str, np.ndarray] = {}
        """(21, 2) hand of each side in the last frame searched, for the sides that had one."""
        self.calls = 0
        """Network calls so far."""

    def __call__(self, rgb: np.ndarray, infant: np.ndarray | None) -> dict[str, tuple]:
        """The infant's hands in one frame.

        Parameters
        ----------
        rgb
            (H, W, 3) uint8 upright frame.
        infant
            (33, 5) pose of the infant (``x_px, y_px, z, visibility, presence``), or None.

        Returns
        -------
        dict
            ``{side: ((21, 3) array x_px, y_px, z; presence)}`` for the sides found.
        """
        if infant is None:
            self.previous = {}
            return {}
        scale = body_scale_px(infant[:, :2])
        if not (np.isfinite(scale) and scale > 0):
            self.previous = {}
            return {}
        found = {}
        for side in SIDES:
            hand = self._find_side(rgb, infant, side, scale)
            if hand is not None:
                found[side] = hand
        found = self._one_hand_one_side(found, infant, scale)
        self.previous = {side: hand.landmarks[:, :2] for side, hand in found.items()} \
            if self.track else {}
        return {side: (hand.landmarks, hand.presence) for side, hand in found.items()}

    def _find_side(self, rgb: np.ndarray, infant: np.ndarray, side: str,
                   scale: float) -> RegionHand | None:
        wrist = infant[_I[f"{side}_wrist"], :2]
        previous = self.previous.get(side)
        if previous is not None and self._track_lost(previous, infant, side, scale):
            previous = None
        follow, start = self.config.min_tracking_confidence, self.config.hand_start_confidence
        if previous is not None:
            hand = self._look(rgb, region_from_hand(previous), wrist, scale, follow)
            if hand is not None:
                return hand
        xy = infant[:, :2]
        hand = self._look(rgb, region_from_pose(xy[_I[f"{side}_wrist"]], xy[_I[f"{side}_index"]],
                                                xy[_I[f"{side}_pinky"]], xy[_I[f"{side}_elbow"]]),
                          wrist, scale, start)
        if hand is None:
            return None
        refined = self._look(rgb, region_from_hand(hand.landmarks[:, :2]), wrist, scale, follow)
        return refined if refined is not None else hand

    def _track_lost(self, previous: np.ndarray, infant: np.ndarray, side: str,
                    scale: float) -> bool:
        index = _I[f"{side}_wrist"]
        if not infant[index, 3] >= self.config.wrist_min_visibility:
            return False
        gap = np.linalg.norm(previous[0] - infant[index, :2]) / scale
        return bool(gap > self.config.hand_match_max_dist)

    def _look(self, rgb: np.ndarray, region: HandRegion | None, wrist: np.ndarray,
              scale: float, min_presence: float) -> RegionHand | None:
        if region is None:
            return None
        self.calls += 1
        hand = self.network(rgb, region)
        if hand.presence < min_presence:
            return None
        gap = np.linalg.norm(hand.landmarks[0, :2] - wrist) / scale
        if np.isfinite(gap) and gap > self.config.hand_match_max_dist:
            return None
        return hand

    @staticmethod
    def _one_hand_one_side(found: dict[str, RegionHand], infant: np.ndarray,
                           scale: float) -> dict[str, RegionHand]:
        if len(found) < 2:
            return found
        left, right = found["left"].landmarks[:, :2], found["right"].landmarks[:, :2]
        size = max(float(np.ptp(left, axis=0).max()), float(np.ptp(right, axis=0).max()))
        if np.median(np.linalg.norm(left - right, axis=1)) > SAME_HAND_SIZES * size:
            return found
        gaps = {side: np.linalg.norm(found[side].landmarks[0, :2] -
                                     infant[_I[f"{side}_wrist"], :2])
                for side in SIDES}
        keep = min(SIDES, key=lambda side: (np.nan_to_num(gaps[side], nan=np.inf), side))
        return {keep: found[keep]}
