"""Bouts: runs of frames where a condition holds, with a minimum duration.

Pure functions on (T,) boolean masks sampled every ``dt_s`` seconds. A bout is returned as
``(first, last)`` frame indices, both inclusive; its duration is ``(last - first + 1) * dt_s``
(each frame stands for one sample spacing).
"""

from __future__ import annotations

import numpy as np

from motorobs.signals.cleaning import valid_runs

_EPS = 1e-9


def bout_duration_s(bout: tuple[int, int], dt_s: float) -> float:
    """Duration (s) of a ``(first, last)`` bout: ``(last - first + 1) * dt_s``."""
    return (bout[1] - bout[0] + 1) * dt_s


def find_bouts(
    mask: np.ndarray, dt_s: float, min_duration_s: float = 0.0, merge_gap_s: float = 0.0
) -> list[tuple[int, int]]:
    """Bouts of True in a (T,) mask, ``(first, last)`` inclusive, in time order.

    Parameters
    ----------
    mask
        (T,) condition per frame (NaN-derived False counts as not holding).
    dt_s
        Sample spacing (s).
    min_duration_s
        Bouts shorter than this (after merging) are dropped.
    merge_gap_s
        Runs separated by at most this much time without the condition (s) are one bout, so
        that landmark jitter at a threshold does not split one bout into many.
    """
    runs = [(start, stop - 1) for start, stop in valid_runs(np.asarray(mask, bool))]
    merged: list[tuple[int, int]] = []
    for first, last in runs:
        if merged and (first - merged[-1][1] - 1) * dt_s <= merge_gap_s + _EPS:
            merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return [b for b in merged if bout_duration_s(b, dt_s) >= min_duration_s - _EPS]


def longest_bout_s(bouts: list[tuple[int, int]], dt_s: float) -> float:
    """Duration (s) of the longest bout; 0 without bouts."""
    return max((bout_duration_s(b, dt_s) for b in bouts), default=0.0)
