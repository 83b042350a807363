"""Where to look for a hand: rotated square regions of the frame (pure geometry).

MediaPipe's hand landmark network sees a square crop of the frame, rotated so that the hand
points up (wrist at the bottom, fingers at the top), resized to its input size. MediaPipe
finds that region either with its palm detector (the costliest part of its hand
landmarker) or from the previous frame's hand. The infant's pose already says where each
hand is: the pose wrist, index and pinky landmarks give the region directly, as in
MediaPipe Holistic, and the hand found in one frame gives the region of the next
(:mod:`motorobs.pose.hand_net`).

All positions are pixels of the upright frame (x right, y down); angles are not stored: a
region keeps the unit vector along which the hand points.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

POSE_ROI_SCALE = 2.7
"""Side of the region found from the pose, in wrist-to-knuckles distances x 2 (MediaPipe
Holistic's value for the hand region it derives from the pose landmarks)."""
HAND_ROI_SCALE = 2.0
"""Side of the region found from a hand, in sides of the hand's bounding square (MediaPipe's
value for tracking a hand from the previous frame)."""
ROI_SHIFT = 0.1
"""Both regions are moved this many region sides towards the fingers (MediaPipe's value):
the hand extends further from the knuckles to the fingertips than to the wrist."""
KNUCKLE_FOREARMS = 0.35
"""Wrist-to-knuckle distance of a hand in forearm lengths (elbow to wrist): about a third,
in infants as in adults (hand length is about 0.6-0.7 forearm lengths, the knuckles a little
past half of it)."""
COLLAPSED_FOREARMS = 0.1
"""The pose's index and pinky landmarks are taken as collapsed onto the wrist (no usable
hand direction or size) when their mean lies closer to it than this many forearms."""
MIN_ROI_PX = 16.0
"""Regions smaller than this many pixels are not searched (nothing a network can read)."""
_PALM_POINTS = (0, 1, 2, 3, 5, 6, 9, 10, 13, 14, 17, 18)
"""Hand landmarks whose bounding box gives the size of a found hand: wrist, thumb base and
the two lowest joints of each finger (stable while the fingers open and close; MediaPipe's
choice)."""


@dataclass(frozen=True)
class HandRegion:
    """A square region of the frame holding a hand, turned so that the hand points up.

    Attributes
    ----------
    centre
        (2,) centre of the square, pixels.
    side_px
        Length of the square's side, pixels.
    up
        (2,) unit vector (frame pixels) from the wrist towards the fingers: the direction
        that becomes "up" in the crop.
    """

    centre: np.ndarray
    side_px: float
    up: np.ndarray

    def crop_to_frame(self, input_px: int) -> np.ndarray:
        """(2, 3) affine matrix from crop pixels (``input_px`` square) to frame pixels.

        The crop's x axis (right) and y axis (down) map to frame vectors ``right`` and
        ``-up``, with ``right`` chosen so that the mapping keeps the orientation (no
        mirror): for ``up = (0, -1)`` the crop is an upright, unrotated square.
        """
        down = -self.up
        right = np.array([down[1], -down[0]])
        scale = self.side_px / input_px
        linear = np.column_stack([right, down]) * scale
        offset = self.centre - linear @ np.array([input_px / 2.0, input_px / 2.0])
        return np.column_stack([linear, offset])


def _unit(vector: np.ndarray) -> np.ndarray | None:
    norm = float(np.hypot(*vector))
    if not np.isfinite(norm) or norm <= 1e-9:
        return None
    return vector / norm


def region_from_pose(wrist: np.ndarray, index: np.ndarray, pinky: np.ndarray,
                     elbow: np.ndarray | None = None) -> HandRegion | None:
    """The region of a hand from the pose model's wrist, index and pinky landmarks.

    The hand points from the wrist to the estimated middle knuckle, two thirds of the way
    from the pinky to the index landmark; the region is centred there and its side is
    :data:`POSE_ROI_SCALE` x twice the wrist-to-knuckle distance, moved :data:`ROI_SHIFT`
    towards the fingers. Where the index and pinky landmarks collapse onto the wrist
    (closer than :data:`COLLAPSED_FOREARMS` forearms), the hand is taken to continue the
    forearm, its knuckles :data:`KNUCKLE_FOREARMS` forearms past the wrist.

    Parameters
    ----------
    wrist, index, pinky
        (2,) pose landmarks of one side, pixels.
    elbow
        (2,) the same side's elbow, pixels (for the collapsed case).

    Returns
    -------
    HandRegion or None
        None when the landmarks are missing or give no direction, or the region is
        smaller than :data:`MIN_ROI_PX`.
    """
    if not (np.all(np.isfinite(wrist)) and np.all(np.isfinite(index))
            and np.all(np.isfinite(pinky))):
        return None
    knuckle = (2.0 * index + pinky) / 3.0
    length = float(np.hypot(*(knuckle - wrist)))
    up = _unit(knuckle - wrist)
    if elbow is not None and np.all(np.isfinite(elbow)):
        forearm = float(np.hypot(*(wrist - elbow)))
        if forearm > 0 and (up is None or length < COLLAPSED_FOREARMS * forearm):
            up = _unit(wrist - elbow)
            length = KNUCKLE_FOREARMS * forearm
            knuckle = wrist + length * up
    if up is None:
        return None
    side = POSE_ROI_SCALE * 2.0 * length
    if not np.isfinite(side) or side < MIN_ROI_PX:
        return None
    return HandRegion(knuckle + ROI_SHIFT * side * up, side, up)


def region_from_hand(hand_xy: np.ndarray) -> HandRegion | None:
    """The region in which to look for a hand found at ``hand_xy`` (21, 2 pixels) again.

    The hand points from the wrist to the middle of its knuckles (middle, and the mean of
    index and ring); the region is the bounding square of :data:`_PALM_POINTS` in the turned
    frame, :data:`HAND_ROI_SCALE` times larger, moved :data:`ROI_SHIFT` towards the fingers.
    None when the landmarks are missing, give no direction or a region under
    :data:`MIN_ROI_PX`.
    """
    points = np.asarray(hand_xy, dtype=float)[:, :2]
    if not np.all(np.isfinite(points)):
        return None
    wrist = points[0]
    knuckles = 0.5 * (0.5 * (points[5] + points[13]) + points[9])
    up = _unit(knuckles - wrist)
    if up is None:
        return None
    right = np.array([-up[1], up[0]])
    palm = points[list(_PALM_POINTS)]
    along, across = palm @ up, palm @ right
    extent = max(float(np.ptp(along)), float(np.ptp(across)))
    side = HAND_ROI_SCALE * extent
    if not np.isfinite(side) or side < MIN_ROI_PX:
        return None
    centre = 0.5 * (along.max() + along.min()) * up + 0.5 * (across.max() + across.min()) * right
    return HandRegion(centre + ROI_SHIFT * side * up, side, up)


def crop_region(rgb: np.ndarray, region: HandRegion, input_px: int) -> tuple[np.ndarray,
                                                                             np.ndarray]:
    """The ``input_px`` square crop of ``region`` (turned so the hand points up, black
    outside the frame) and its (2, 3) crop-to-frame matrix (:meth:`HandRegion.crop_to_frame`)."""
    crop_to_frame = region.crop_to_frame(input_px)
    crop = cv2.warpAffine(rgb, crop_to_frame, (input_px, input_px),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_CONSTANT)
    return crop, crop_to_frame


def to_frame(points_crop: np.ndarray, crop_to_frame: np.ndarray) -> np.ndarray:
    """(N, 2) crop pixels -> (N, 2) frame pixels through a (2, 3) affine matrix."""
    points = np.asarray(points_crop, dtype=float)
    return points @ crop_to_frame[:, :2].T + crop_to_frame[:, 2]
