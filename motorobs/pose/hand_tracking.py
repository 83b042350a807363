"""The infant's hands from regions of the frame (``PoseConfig.hand_finder = "pose"``).

Instead of searching the whole frame for palms and then deciding which hands are the
infant's (:mod:`motorobs.pose.infant`, rules 2 and 3), each of the infant's hands is looked
for where the infant's pose says it is, with the hand landmark network alone
(:mod:`motorobs.pose.hand_net`). Per side and frame:

1. If the side had a hand in the previous analysed frame, the network looks in the region
   of that hand (:func:`~motorobs.pose.hand_roi.region_from_hand`: hands move little from
   one frame to the next), moved on by the hand's last step where the side had a hand in
   the two previous frames and moved more than :data:`MIN_STEP_REGION_SHARE` of the
   region's side (a hand reaching across the chest moves a quarter to a third of its
   region per frame at 15 frames/s, the wrist first, and slips out of a region that stays
   behind); if the network finds no hand there, in the region of the hand itself. A hand
   found there (presence at least
   ``PoseConfig.min_tracking_confidence``) is followed while its wrist stays within
   :data:`ARM_REACH_BODY_SCALES` of the side's shoulder. Where the pose wrist is in view and
   further than ``PoseConfig.hand_match_max_dist`` from that hand, the network also looks
   where the pose says (rule 2): a hand there that the network is at least as sure of wins
   (the pose and the hand model then agree on it); otherwise the followed hand stays. Over
   the chest the pose model often loses the whole arm (wrist and elbow off by one to two
   shoulder widths, in view with high visibility) while the hand model still sees the hand
   it followed; where the lost wrist points, the network at most half-sees a hand.
2. Otherwise, or if the network finds no hand there, it looks in the region the pose gives
   (:func:`~motorobs.pose.hand_roi.region_from_pose`). A hand found there starts a track:
   the network looks once more in the region of that hand, which fits it better, and keeps
   that answer if it is a hand too.
3. Still no hand, and the side's hand was last seen no longer than
   ``PoseConfig.hand_recall_s`` ago (video only): the network looks where it was last seen,
   in a region :data:`RECALL_REGION_SCALE` times larger (the hand moved on, or stayed
   hidden and comes back where it went out of sight). A hand there needs the start presence
   and the shoulder's reach, and starts a track as in rule 2.
4. A hand found where the pose says counts when the network's presence is at least
   ``PoseConfig.hand_start_confidence`` and its wrist lies within
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

import dataclasses
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
ARM_REACH_BODY_SCALES = 2.5
"""A followed hand is the infant's while its wrist lies within this many body scales
(:func:`motorobs.pose.infant.body_scale_px`, about a shoulder width) of the side's pose
shoulder. An infant's arm, shoulder to wrist, is about 1.3-1.5 shoulder widths long; in
the picture the body scale shrinks with the view (a level camera foreshortens shoulders
and trunk alike). On held-out 4 (tuning data) the true wrist lay more than 2.0 of the
clip's body scales from its shoulder in 1.7 % of frames, all filmed low (the 99th
percentile 2.4). The shoulders are the pose landmarks least often lost."""
MIN_STEP_REGION_SHARE = 0.1
"""The followed region is moved on by the hand's last step only where that step was longer
than this share of the region's side: a hand at rest jitters by a pixel or two, and
moving its region by the jitter changed the fingers the network read (the hand aperture
error of a grasp clip doubled)."""
RECALL_REGION_SCALE = 1.5
"""The region searched for a hand last seen a moment ago is this many times the side of
the region of that hand (:func:`~motorobs.pose.hand_roi.region_from_hand`): room for the
hand to have moved on by about half its size in any direction."""
Network = Callable[[np.ndarray, HandRegion], RegionHand]
"""``network(rgb, region)``: :class:`motorobs.pose.hand_net.HandLandmarkNetwork`."""


def _palm_centre(hand_xy: np.ndarray) -> np.ndarray:
    """(2,) mean of the wrist and the four knuckles of a (21, 2+) hand, pixels."""
    return np.asarray(hand_xy, float)[[0, 5, 9, 13, 17], :2].mean(axis=0)


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
        self.step: dict[str, np.ndarray] = {}
        """(2,) how far each side's hand moved between the two last frames searched (pixels),
        for the sides that had a hand in both."""
        self.last_seen: dict[str, tuple[np.ndarray, float]] = {}
        """(21, 2) hand of each side when last found, and the time then (s), for rule 3."""
        self.calls = 0
        """Network calls so far."""

    def __call__(self, rgb: np.ndarray, infant: np.ndarray | None,
                 time_s: float | None = None) -> dict[str, tuple]:
        """The infant's hands in one frame.

        Parameters
        ----------
        rgb
            (H, W, 3) uint8 upright frame.
        infant
            (33, 5) pose of the infant (``x_px, y_px, z, visibility, presence``), or None.
        time_s
            The frame's time in the video (s), for rule 3 (None: no recall).

        Returns
        -------
        dict
            ``{side: ((21, 3) array x_px, y_px, z; presence)}`` for the sides found.
        """
        if infant is None:
            self.previous, self.step = {}, {}
            return {}
        scale = body_scale_px(infant[:, :2])
        if not (np.isfinite(scale) and scale > 0):
            self.previous, self.step = {}, {}
            return {}
        found = {}
        for side in SIDES:
            hand = self._find_side(rgb, infant, side, scale)
            if hand is None:
                hand = self._recall(rgb, infant, side, scale, time_s)
            if hand is not None:
                found[side] = hand
        found = self._one_hand_one_side(found, infant, scale)
        self.step = {side: _palm_centre(hand.landmarks) - _palm_centre(self.previous[side])
                     for side, hand in found.items() if side in self.previous}
        self.previous = {side: hand.landmarks[:, :2] for side, hand in found.items()} \
            if self.track else {}
        if self.track and time_s is not None:
            self.last_seen.update({side: (hand.landmarks[:, :2], time_s)
                                   for side, hand in found.items()})
        return {side: (hand.landmarks, hand.presence) for side, hand in found.items()}

    def _find_side(self, rgb: np.ndarray, infant: np.ndarray, side: str,
                   scale: float) -> RegionHand | None:
        previous = self.previous.get(side)
        if previous is not None:
            followed = self._follow(rgb, previous, infant, side, scale)
            if followed is not None:
                if self._pose_wrist_agrees(followed, infant, side, scale):
                    return followed
                at_pose = self._start(rgb, infant, side, scale)
                if at_pose is not None and at_pose.presence >= followed.presence:
                    return at_pose
                return followed
        return self._start(rgb, infant, side, scale)

    def _start(self, rgb: np.ndarray, infant: np.ndarray, side: str,
               scale: float) -> RegionHand | None:
        """A hand where the pose says (rule 2), refined in its own region."""
        xy = infant[:, :2]
        wrist = xy[_I[f"{side}_wrist"]]
        region = region_from_pose(wrist, xy[_I[f"{side}_index"]], xy[_I[f"{side}_pinky"]],
                                  xy[_I[f"{side}_elbow"]])
        return self._new_track(rgb, region, wrist, scale)

    def _new_track(self, rgb: np.ndarray, region: HandRegion | None, anchor: np.ndarray,
                   scale: float, max_dist: float | None = None) -> RegionHand | None:
        """A hand in ``region`` at the start presence, then looked for once more in the
        region of that hand, which fits it better (kept if it is a hand too); ``anchor``
        and ``max_dist`` as in :meth:`_look`."""
        hand = self._look(rgb, region, anchor, scale, self.config.hand_start_confidence,
                          max_dist)
        if hand is None:
            return None
        refined = self._look(rgb, region_from_hand(hand.landmarks[:, :2]), anchor, scale,
                             self.config.min_tracking_confidence, max_dist)
        return refined if refined is not None else hand

    def _recall(self, rgb: np.ndarray, infant: np.ndarray, side: str, scale: float,
                time_s: float | None) -> RegionHand | None:
        """The hand where it was last seen, a moment ago (rule 3)."""
        seen = self.last_seen.get(side)
        if seen is None or time_s is None or time_s - seen[1] > self.config.hand_recall_s:
            return None
        region = region_from_hand(seen[0])
        shoulder = infant[_I[f"{side}_shoulder"], :2]
        if region is None or not np.all(np.isfinite(shoulder)):
            return None
        wider = dataclasses.replace(region, side_px=RECALL_REGION_SCALE * region.side_px)
        return self._new_track(rgb, wider, shoulder, scale, ARM_REACH_BODY_SCALES)

    def _follow(self, rgb: np.ndarray, previous: np.ndarray, infant: np.ndarray, side: str,
                scale: float) -> RegionHand | None:
        """The hand of the previous frame, looked for where its last step takes it, then in
        its own region (rule 1)."""
        shoulder = infant[_I[f"{side}_shoulder"], :2]
        anchor, reach = shoulder, ARM_REACH_BODY_SCALES
        if not np.all(np.isfinite(shoulder)):  # no reach to check: the pose wrist decides
            anchor, reach = infant[_I[f"{side}_wrist"], :2], None
        regions = [region_from_hand(previous)]
        step = self.step.get(side)
        if step is not None and regions[0] is not None and (
                np.hypot(*step) > MIN_STEP_REGION_SHARE * regions[0].side_px):
            regions.insert(0, dataclasses.replace(regions[0], centre=regions[0].centre + step))
        for region in regions:
            hand = self._look(rgb, region, anchor, scale, self.config.min_tracking_confidence,
                              reach)
            if hand is not None:
                return hand
        return None

    def _pose_wrist_agrees(self, hand: RegionHand, infant: np.ndarray, side: str,
                           scale: float) -> bool:
        """The pose wrist is out of view, or within ``hand_match_max_dist`` of the hand's."""
        wrist = infant[_I[f"{side}_wrist"]]
        if not wrist[3] >= self.config.wrist_min_visibility:
            return True
        gap = np.linalg.norm(hand.landmarks[0, :2] - wrist[:2]) / scale
        return not gap > self.config.hand_match_max_dist

    def _look(self, rgb: np.ndarray, region: HandRegion | None, anchor: np.ndarray,
              scale: float, min_presence: float, max_dist: float | None = None
              ) -> RegionHand | None:
        """The network's hand in ``region`` if its presence is at least ``min_presence`` and
        its wrist lies within ``max_dist`` (default ``hand_match_max_dist``) body scales of
        ``anchor`` (pixels; not checked where the anchor is missing)."""
        if region is None:
            return None
        self.calls += 1
        hand = self.network(rgb, region)
        if hand.presence < min_presence:
            return None
        limit = self.config.hand_match_max_dist if max_dist is None else max_dist
        gap = np.linalg.norm(hand.landmarks[0, :2] - anchor) / scale
        if np.isfinite(gap) and gap > limit:
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
