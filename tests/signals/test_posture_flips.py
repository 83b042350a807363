"""Chest-for-back flips of the pose model filmed from above, told from rolls."""

from __future__ import annotations

import numpy as np

from motorobs.signals.posture import (
    FLIP_MAX_SIDE_LYING_S,
    FLIP_MIN_PRONE_S,
    settle_chest_back_flips,
)

FPS = 30.0


def labels(*segments: tuple[str, int]) -> np.ndarray:
    return np.concatenate([np.full(n, name) for name, n in segments]).astype(str)


def above(n: int) -> np.ndarray:
    return np.ones(n, bool)


def test_a_prone_infant_read_supine_in_stretches_is_prone_throughout():
    flipping = labels(("prone", 40), ("supine", 50), ("side_lying", 2), ("prone", 35),
                      ("side_lying", 1), ("supine", 20))
    settled = settle_chest_back_flips(flipping, above(flipping.size), FPS)
    assert set(settled) == {"prone"}
    assert set(flipping) != {"prone"}  # the input is left as it was


def test_a_roll_through_side_lying_stays_a_roll():
    gap = int(FLIP_MAX_SIDE_LYING_S * FPS) + 3  # a third of a roll of about a second
    roll = labels(("supine", 60), ("side_lying", gap), ("prone", 60))
    np.testing.assert_array_equal(settle_chest_back_flips(roll, above(roll.size), FPS), roll)


def test_short_prone_blips_of_a_supine_infant_are_left_to_the_majority_vote():
    blip = int(FLIP_MIN_PRONE_S * FPS) - 1
    supine = labels(("supine", 45), ("prone", blip), ("supine", 45), ("prone", 4),
                    ("supine", 20))
    np.testing.assert_array_equal(settle_chest_back_flips(supine, above(supine.size), FPS),
                                  supine)


def test_a_sustained_prone_reading_settles_the_chain_only_from_above():
    flipping = labels(("supine", 40), ("prone", 40), ("supine", 40))
    from_side = np.zeros(flipping.size, bool)
    np.testing.assert_array_equal(settle_chest_back_flips(flipping, from_side, FPS), flipping)
    partly = above(flipping.size)
    partly[:40] = False  # the first supine stretch was filmed from the side
    settled = settle_chest_back_flips(flipping, partly, FPS)
    assert list(settled[:40]) == ["supine"] * 40
    assert set(settled[40:]) == {"prone"}


def test_sitting_or_unknown_frames_end_a_chain():
    clip = labels(("supine", 40), ("unknown", 1), ("prone", 40), ("sitting", 2),
                  ("supine", 40))
    np.testing.assert_array_equal(settle_chest_back_flips(clip, above(clip.size), FPS), clip)


def test_only_the_chain_with_the_sustained_prone_reading_changes():
    gap = int(FLIP_MAX_SIDE_LYING_S * FPS) + 1
    clip = labels(("supine", 40), ("side_lying", gap), ("prone", 40), ("supine", 10),
                  ("prone", 3))
    settled = settle_chest_back_flips(clip, above(clip.size), FPS)
    np.testing.assert_array_equal(settled[: 40 + gap], clip[: 40 + gap])
    assert set(settled[40 + gap:]) == {"prone"}
