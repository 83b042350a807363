"""Left/right identity swaps of the pose model, found and undone.

A pose model that sees an infant from above cannot always tell the chest from the back, and
then gives it the left/right labels of the other side for a frame or a few: every left
landmark jumps to where the right one was and back again. Left as it is, one such frame
reads as both hands crossing the midline and reaching at once.

:func:`find_side_swaps` follows the body from frame to frame and asks, for each body part
group (the trunk and head, each arm with its hand, each leg with its foot), whether the
frame is closer to the last frame with its labels as they are or with left and right
exchanged. An exchange is only taken when it is much closer (``SWAP_COST_RATIO``) and the
difference is large against the body (``MIN_JUMP_SHOULDERS`` shoulder widths per pair): a
true roll or a hand crossing the midline moves the landmarks continuously and never makes
the exchanged labels the closer ones. Only short stretches of exchanged labels
(``MAX_SWAP_S``) next to longer ones are put back (:func:`short_runs_undone`).

Coordinates: pixels of the frame (x right, y down). Pure functions on arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SWAP_COST_RATIO = 0.5
"""A group's labels are exchanged in a frame only where the exchanged labels lie at most
this fraction of the distance of the labels as given from the previous frame's."""
MIN_JUMP_SHOULDERS = 0.25
"""...and where the exchange saves at least this many shoulder widths per left/right pair
of the group (a jump the size of the body, not jitter)."""
MAX_SWAP_S = 1.0
"""Longest stretch of exchanged labels that is put back (s). A longer one is taken as
real: an infant that turned over while out of view, or a clip cut, also moves every left
landmark to the right side at once, and there the model's labels are right."""
GROUPS: dict[str, tuple[str, ...]] = {
    "trunk": ("shoulder", "hip", "eye", "eye_inner", "eye_outer", "ear", "mouth"),
    "arms": ("elbow", "wrist", "pinky", "index", "thumb", "hand_"),
    "legs": ("knee", "ankle", "heel", "foot_index"),
}
"""Body part groups whose labels are decided together (name stems after ``left_`` /
``right_``; ``hand_`` stands for every hand-model keypoint). The arms and the legs are
decided as pairs of limbs: the model exchanges both arms (or both legs) at once."""


def side_pairs(names: Sequence[str], stems: Sequence[str]) -> list[tuple[int, int]]:
    """(left index, right index) of every left/right pair of keypoints (``left_X`` /
    ``right_X``, or ``X_left`` / ``X_right`` as MediaPipe's mouth corners) whose ``X`` is
    one of ``stems``, or starts with it for stems ending in ``_``."""
    index = {n: i for i, n in enumerate(names)}
    pairs = []
    for name, i in index.items():
        if name.startswith("left_"):
            stem, other = name[len("left_"):], "right_" + name[len("left_"):]
        elif name.endswith("_left"):
            stem, other = name[:-len("_left")], name[:-len("_left")] + "_right"
        else:
            continue
        if not any(stem.startswith(s) if s.endswith("_") else stem == s for s in stems):
            continue
        j = index.get(other)
        if j is not None:
            pairs.append((i, j))
    return pairs


def _costs(frame: np.ndarray, reference: np.ndarray, pairs: list[tuple[int, int]]
           ) -> tuple[float, float, int]:
    """Summed distance of ``frame``'s pairs to ``reference``'s as labelled and exchanged,
    over the pairs known in both; and how many pairs that is."""
    keep = swap = 0.0
    n = 0
    for left, right in pairs:
        a, b, ra, rb = frame[left], frame[right], reference[left], reference[right]
        if not (np.isfinite(a).all() and np.isfinite(b).all()
                and np.isfinite(ra).all() and np.isfinite(rb).all()):
            continue
        keep += np.hypot(*(a - ra)) + np.hypot(*(b - rb))
        swap += np.hypot(*(a - rb)) + np.hypot(*(b - ra))
        n += 1
    return keep, swap, n


def find_side_swaps(position: np.ndarray, shoulder_width_px: float,
                    pairs: list[tuple[int, int]], max_swap_frames: int) -> np.ndarray:
    """Frames whose left/right labels of one group are exchanged (see the module notes).

    Parameters
    ----------
    position
        (T, K, 2) landmark positions, pixels (NaN where missing).
    shoulder_width_px
        The infant's typical shoulder width, pixels (the jump scale).
    pairs
        (left, right) keypoint indices of the group (:func:`side_pairs`).
    max_swap_frames
        Longest run of exchanged labels that is put back (:func:`short_runs_undone`).

    Returns
    -------
    numpy.ndarray
        (T,) bool: ``True`` where the group's labels should be exchanged.
    """
    n_t = len(position)
    flipped = np.zeros(n_t, bool)  # labels relative to the first frame's
    if not pairs or not np.isfinite(shoulder_width_px) or shoulder_width_px <= 0:
        return flipped
    reference = np.full_like(position[0], np.nan)
    state = False
    for t in range(n_t):
        # the frame with the labels the clip has had so far, against the last frame's
        as_before = exchange(position[t], pairs) if state else position[t]
        keep, swap, n = _costs(as_before, reference, pairs)
        if n and swap <= SWAP_COST_RATIO * keep \
                and keep - swap >= MIN_JUMP_SHOULDERS * shoulder_width_px * n:
            state = not state
        flipped[t] = state
        corrected = exchange(position[t], pairs) if state else position[t]
        known = np.isfinite(corrected).all(axis=-1)
        reference[known] = corrected[known]
    return short_runs_undone(flipped, max_swap_frames)


def short_runs_undone(flipped: np.ndarray, max_frames: int) -> np.ndarray:
    """Frames to put back: the runs of exchanged labels (relative to the first frame's, as
    :func:`find_side_swaps` follows them) of at most ``max_frames`` next to a longer run of
    the other labels. Longer runs stay as they are: the body really turned (a roll, or a
    gap in which the infant turned over), or the model's labels are right there."""
    state = np.asarray(flipped, bool).copy()
    undo = np.zeros(len(state), bool)
    while True:
        edges = np.flatnonzero(np.diff(state.astype(np.int8))) + 1
        starts = np.concatenate([[0], edges])
        stops = np.concatenate([edges, [len(state)]])
        lengths = stops - starts
        changed = False
        for k in np.argsort(lengths, kind="stable"):
            neighbours = [lengths[j] for j in (k - 1, k + 1) if 0 <= j < len(lengths)]
            if lengths[k] <= max_frames and neighbours and max(neighbours) > lengths[k]:
                rows = slice(starts[k], stops[k])
                state[rows] = ~state[rows]
                undo[rows] = ~undo[rows]
                changed = True
                break
        if not changed:
            return undo


def exchange(frame: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """A copy of (K, ...) per-keypoint values with each pair's left and right exchanged."""
    out = np.array(frame, copy=True)
    for left, right in pairs:
        out[[left, right]] = frame[[right, left]]
    return out


def undo_side_swaps(seen: np.ndarray, arrays: Sequence[np.ndarray], names: Sequence[str],
                    body_unit_px: float, max_swap_frames: int
                    ) -> tuple[list[np.ndarray], dict[str, int]]:
    """Every group's swapped frames (:func:`find_side_swaps`) put back.

    Parameters
    ----------
    seen
        (T, K, 2) positions the decision is made on, pixels (NaN where not seen).
    arrays
        (T, K, ...) per-keypoint arrays to correct (positions, depth, confidence ...).
    names
        (K,) keypoint names.
    body_unit_px
        The jump scale (a shoulder width, pixels).
    max_swap_frames
        Longest run of exchanged labels put back (:func:`short_runs_undone`).

    Returns
    -------
    (arrays, swapped_frames)
        Corrected copies of ``arrays``, and per group the number of frames put back.
    """
    out = [np.array(a, copy=True) for a in arrays]
    counts = {}
    for group, stems in GROUPS.items():
        pairs = side_pairs(names, stems)
        swapped = find_side_swaps(seen, body_unit_px, pairs, max_swap_frames)
        counts[group] = int(swapped.sum())
        for t in np.flatnonzero(swapped):
            for array in out:
                array[t] = exchange(array[t], pairs)
    return out, counts
