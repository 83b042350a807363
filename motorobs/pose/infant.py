"""Telling the infant apart from adults, and the infant's hands from adults' hands.

Pure functions over per-frame candidate landmarks (pixels of the upright frame).

The rule, as documented in the README and stated in every report that needed it:

1. Among the people the pose model finds in a frame, the infant is the one closest to where
   the infant was in the previous frames (continuity), measured in the infant's own torso
   sizes. When there is no previous position yet, or no candidate is close (within
   ``MAX_JUMP_TORSOS`` torso sizes), the **smaller body** (smaller torso size: the mean of the
   two shoulder-to-opposite-hip diagonals) is taken to be the infant.
2. A detected hand belongs to the infant only when its wrist lies within
   ``max_dist`` (in infant body scales, see :func:`body_scale_px`) of the infant's pose
   wrist of the same side; each infant wrist takes at most one hand (the nearest).
   A hand that continues, within ``CONTINUITY_SCALES``, the infant's hand of one side in the
   previous frame keeps that side. Otherwise a hand must be clearly nearer one wrist than the
   other (distance ratio at most ``AMBIGUITY_RATIO``): when the infant's hands are close
   together, as when one hand crosses to the other side, a hand between the two wrists is
   left unattributed rather than given to the wrong side.
3. For a side that got no hand, the hand model looks again in a close-up of the infant's
   elbow (:func:`hand_search_box`): infant hands are small in the frame and the hand model's
   palm detector misses many of them, most of all when a hand lies on the chest, where the
   pose model also loses the wrist. A hand found there is the infant's ``side`` hand when its
   wrist lies within ``HAND_REACH_SCALES`` of that elbow and is not the other side's hand
   (:func:`pick_crop_hand`).
"""

from __future__ import annotations

import numpy as np

from motorobs.schema import POSE_LANDMARKS

_I = {name: i for i, name in enumerate(POSE_LANDMARKS)}
MAX_JUMP_TORSOS = 1.5
"""A candidate further than this (in torso sizes) from the infant's last position is not
taken as continuity; the smaller-body rule decides instead."""
CONTINUITY_SCALES = 0.3
"""A hand within this many body scales of the infant's hand of one side in the previous
frame is the same hand."""
AMBIGUITY_RATIO = 0.6
"""A hand is attributed by distance only when it is at most this fraction of its distance
to the other wrist away from the chosen wrist."""


HAND_SEARCH_SCALES = 1.5
"""Half the side of the square searched for a missed hand, centred on the elbow, in body
scales (:func:`body_scale_px`): an infant's forearm and hand are about one shoulder width."""
HAND_REACH_SCALES = 1.2
"""A hand found in the close-up is the elbow's own only if its wrist is within this many body
scales of the elbow (a forearm is about 0.6-0.7 of the shoulder width)."""
OUT_OF_REACH_SCALES = 2.5
"""A hand whose wrist is further than this many body scales from both of the infant's
shoulders is beyond the infant's reach (an infant's arm, shoulder to wrist, is about one to
one and a half shoulder widths; the margin covers pose errors): another person's hand."""
SAME_HAND_SCALES = 0.15
"""Two hand detections whose wrists are this close (body scales) are the same hand found
twice (the full-frame hand model can return one hand twice)."""


def torso_size_px(pose_xy: np.ndarray) -> float:
    """Mean of the two shoulder-to-opposite-hip diagonals (pixels).

    Parameters
    ----------
    pose_xy
        (33, 2) pose landmarks in pixels.
    """
    d1 = np.linalg.norm(pose_xy[_I["left_shoulder"]] - pose_xy[_I["right_hip"]])
    d2 = np.linalg.norm(pose_xy[_I["right_shoulder"]] - pose_xy[_I["left_hip"]])
    return float(np.nanmean([d1, d2]))


def torso_centre_px(pose_xy: np.ndarray) -> np.ndarray:
    """Mean of shoulders and hips (pixels), shape (2,)."""
    idx = [_I[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")]
    return np.nanmean(pose_xy[idx], axis=0)


def body_scale_px(pose_xy: np.ndarray) -> float:
    """A body size robust to viewpoint: max(shoulder width, half the torso size), pixels.

    Shoulder width alone collapses in a side view, where the shoulders overlap.
    """
    shoulders = np.linalg.norm(pose_xy[_I["left_shoulder"]] - pose_xy[_I["right_shoulder"]])
    return float(np.nanmax([shoulders, 0.5 * torso_size_px(pose_xy)]))


def choose_infant(
    candidates: list[np.ndarray], previous_centre: np.ndarray | None, previous_size: float | None
) -> tuple[int | None, str]:
    """Index of the infant among the people found in one frame, and the rule that chose it.

    Parameters
    ----------
    candidates
        One (33, 2) array of pose landmarks (pixels) per detected person.
    previous_centre, previous_size
        Torso centre (pixels) and torso size (pixels) of the infant in the last frame where it
        was found, or ``None``.

    Returns
    -------
    (index, rule)
        ``index`` is ``None`` when there is no candidate; ``rule`` is ``"only"``,
        ``"continuity"`` or ``"smaller_body"``.
    """
    if not candidates:
        return None, "none"
    if len(candidates) == 1:
        return 0, "only"
    sizes = np.array([torso_size_px(c) for c in candidates])
    if previous_centre is not None and previous_size:
        jumps = np.array(
            [np.linalg.norm(torso_centre_px(c) - previous_centre) for c in candidates]
        ) / previous_size
        best = int(np.nanargmin(jumps))
        if jumps[best] <= MAX_JUMP_TORSOS:
            return best, "continuity"
    return int(np.nanargmin(sizes)), "smaller_body"


def attribute_hands(
    infant_pose_xy: np.ndarray,
    hand_wrists_xy: list[np.ndarray],
    max_dist: float,
    previous: dict[str, np.ndarray] | None = None,
) -> dict[str, int]:
    """Which detected hands are the infant's left and right hands.

    Parameters
    ----------
    infant_pose_xy
        (33, 2) infant pose landmarks in pixels.
    hand_wrists_xy
        (2,) wrist position in pixels of every hand the hand model found.
    max_dist
        Largest hand-wrist to pose-wrist distance, in infant body scales
        (:func:`body_scale_px`).
    previous
        Hand-model wrist (pixels) of the infant's ``"left"``/``"right"`` hand in the
        previous analysed frame, for the sides that had one.

    Returns
    -------
    dict
        ``{"left": hand_index, "right": hand_index}`` for the sides that got a hand.
    """
    scale = body_scale_px(infant_pose_xy)
    if not hand_wrists_xy or not np.isfinite(scale) or scale <= 0:
        return {}
    wrists = {side: infant_pose_xy[_I[f"{side}_wrist"]] for side in ("left", "right")}
    chosen: dict[str, int] = {}
    for side, last in (previous or {}).items():  # continuity first
        gaps = [np.linalg.norm(h - last) / scale for h in hand_wrists_xy]
        h = int(np.argmin(gaps))
        near_wrist = np.linalg.norm(hand_wrists_xy[h] - wrists[side]) / scale <= max_dist
        if gaps[h] <= CONTINUITY_SCALES and near_wrist and h not in chosen.values():
            chosen[side] = h
    pairs = []
    for side, wrist in wrists.items():
        if side in chosen or not np.all(np.isfinite(wrist)):
            continue
        other = wrists["right" if side == "left" else "left"]
        for h, hand_wrist in enumerate(hand_wrists_xy):
            dist = np.linalg.norm(hand_wrist - wrist) / scale
            dist_other = np.linalg.norm(hand_wrist - other) / scale
            clear = not np.isfinite(dist_other) or dist <= AMBIGUITY_RATIO * dist_other
            if dist <= max_dist and clear:
                pairs.append((dist, side, h))
    for _dist, side, h in sorted(pairs):
        if side not in chosen and h not in chosen.values():
            chosen[side] = h
    return chosen


def hand_search_box(
    infant_pose_xy: np.ndarray, side: str, frame_height: int, frame_width: int
) -> tuple[int, int, int, int] | None:
    """Square ``(x0, y0, x1, y1)`` (pixels, end exclusive) around the ``side`` elbow in which
    to look for a hand the full-frame hand model missed, clipped to the frame.

    None when the elbow or the body scale is unknown or the box falls outside the frame.
    """
    elbow = infant_pose_xy[_I[f"{side}_elbow"]]
    scale = body_scale_px(infant_pose_xy)
    if not (np.all(np.isfinite(elbow)) and np.isfinite(scale) and scale > 0):
        return None
    half = HAND_SEARCH_SCALES * scale
    x0, y0 = max(int(elbow[0] - half), 0), max(int(elbow[1] - half), 0)
    x1, y1 = min(int(elbow[0] + half), frame_width), min(int(elbow[1] + half), frame_height)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    return x0, y0, x1, y1


def pick_crop_hand(
    infant_pose_xy: np.ndarray,
    side: str,
    hand_wrists_xy: list[np.ndarray],
    other_hand_xy: np.ndarray | None,
) -> int | None:
    """Which hand found in the ``side`` elbow's close-up is the infant's ``side`` hand.

    Parameters
    ----------
    infant_pose_xy
        (33, 2) infant pose landmarks in pixels.
    hand_wrists_xy
        (2,) wrist of every hand found in the close-up, pixels of the frame.
    other_hand_xy
        Wrist (pixels) of the infant's other hand in this frame, if it has one.

    Returns
    -------
    The index of the hand whose wrist is within ``HAND_REACH_SCALES`` of the elbow and not
    within ``CONTINUITY_SCALES`` of the other hand, nearest to the pose wrist (or the elbow
    when the pose wrist is unknown); None when no hand qualifies.
    """
    scale = body_scale_px(infant_pose_xy)
    elbow = infant_pose_xy[_I[f"{side}_elbow"]]
    wrist = infant_pose_xy[_I[f"{side}_wrist"]]
    anchor = wrist if np.all(np.isfinite(wrist)) else elbow
    best, best_dist = None, np.inf
    for h, hand_wrist in enumerate(hand_wrists_xy):
        if np.linalg.norm(hand_wrist - elbow) > HAND_REACH_SCALES * scale:
            continue
        if other_hand_xy is not None and (
                np.linalg.norm(hand_wrist - other_hand_xy) <= CONTINUITY_SCALES * scale):
            continue
        dist = float(np.linalg.norm(hand_wrist - anchor))
        if dist < best_dist:
            best, best_dist = h, dist
    return best


def unmatched_hands(
    infant_pose_xy: np.ndarray, hand_wrists_xy: list[np.ndarray], owned: dict[str, int],
    people_in_view: int,
) -> tuple[int, int]:
    """Count the hands not attributed to the infant, each hand once.

    A detection whose wrist lies within :data:`SAME_HAND_SCALES` of a hand already counted
    (the infant's, or another unmatched one) is that hand again and is not counted. A hand is
    another person's only with evidence of another person: a second body in view, or the
    hand beyond the infant's reach (:data:`OUT_OF_REACH_SCALES`). The rest are stray
    detections near the infant (a hand found twice under another wrist, a toy, a foot).

    Parameters
    ----------
    infant_pose_xy
        (33, 2) infant pose landmarks, pixels.
    hand_wrists_xy
        (2,) wrist of every hand the hand model found, pixels.
    owned
        :func:`attribute_hands`'s answer (side -> hand index).
    people_in_view
        People the pose model found in the frame.

    Returns
    -------
    (other_people, stray)
        Hands of other people, and stray detections.
    """
    scale = body_scale_px(infant_pose_xy)
    if not np.isfinite(scale) or scale <= 0:
        return 0, 0
    counted = [np.asarray(hand_wrists_xy[h], float) for h in owned.values()]
    shoulders = infant_pose_xy[[_I["left_shoulder"], _I["right_shoulder"]]]
    others = strays = 0
    for h, wrist in enumerate(hand_wrists_xy):
        if h in owned.values():
            continue
        wrist = np.asarray(wrist, float)
        if any(np.linalg.norm(wrist - c) <= SAME_HAND_SCALES * scale for c in counted):
            continue
        counted.append(wrist)
        reach = np.nanmin(np.linalg.norm(shoulders - wrist, axis=1)) / scale
        if people_in_view > 1 or not np.isfinite(reach) or reach > OUT_OF_REACH_SCALES:
            others += 1
        else:
            strays += 1
    return others, strays
