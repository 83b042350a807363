"""When the hand model and the close-up search run (pure schedules, constructed inputs)."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.pose.schedule import close_up_due, hand_model_due

FPS = 15.0


def searched_frames(found: list[bool], patience_s: float, retry_s: float, fps: float = FPS
                    ) -> list[int]:
    """Frames searched when the search gives ``found[i]`` on frame i (driving the schedule
    the way the tracker does: the first search opens the patience window)."""
    seen, last, out = None, None, []
    for i, hit in enumerate(found):
        now = i / fps
        seen = now if seen is None else seen
        if close_up_due(now, seen, last, patience_s, retry_s):
            out.append(i)
            last = now
            if hit:
                seen = now
    return out


def test_first_search_is_always_due():
    assert close_up_due(5.0, None, None, 0.33, 0.2)
    assert close_up_due(5.0, 0.0, None, 0.33, 0.2)


def test_a_hand_seen_recently_is_searched_on_every_frame():
    assert close_up_due(1.0, 0.8, 0.9333, 0.33, 0.2)


def test_a_hand_unseen_for_long_is_searched_only_every_retry():
    assert not close_up_due(2.0, 1.0, 1.9333, 0.33, 0.2)
    assert not close_up_due(2.0, 1.0, 1.8667, 0.33, 0.2)
    assert close_up_due(2.0, 1.0, 1.8, 0.33, 0.2)  # 0.2 s since the last search


def test_zero_retry_means_every_frame():
    assert close_up_due(9.0, 0.0, 8.9333, 0.33, 0.0)


def test_a_hidden_hand_is_searched_through_the_patience_then_every_third_frame():
    frames = searched_frames([False] * 30, patience_s=0.33, retry_s=0.2)
    # within 0.33 s of the first search at 15 frames/s: frames 0-4, then every 0.2 s
    assert frames == [0, 1, 2, 3, 4, 7, 10, 13, 16, 19, 22, 25, 28]


def test_a_found_hand_brings_the_search_back_to_every_frame():
    found = [False] * 13 + [True] + [False] * 8
    frames = searched_frames(found, patience_s=0.33, retry_s=0.2)
    assert frames == [0, 1, 2, 3, 4, 7, 10, 13, 14, 15, 16, 17, 20]


def test_a_find_between_retries_is_missed():
    found = [False] * 12 + [True] + [False] * 3
    assert 12 not in searched_frames(found, patience_s=0.33, retry_s=0.2)


def test_the_schedule_is_in_seconds_not_frames():
    for fps in (15.0, 30.0):
        times = np.array(searched_frames([False] * int(4 * fps), 0.33, 0.2, fps=fps)) / fps
        assert times[times <= 0.33].size == int(0.33 * fps) + 1
        assert np.diff(times[times > 0.33]) == pytest.approx(0.2)


def hand_frames(in_view: list[bool], frame_interval_s: float, max_gap_s: float) -> list[int]:
    last, out = None, []
    for i, visible in enumerate(in_view):
        now = i * frame_interval_s
        if hand_model_due(now, last, frame_interval_s, max_gap_s, visible):
            out.append(i)
            last = now
    return out


def test_hand_model_runs_on_every_frame_where_a_wrist_is_out_of_view():
    assert hand_frames([False] * 10, 1 / 15, 0.15) == list(range(10))


def test_hand_model_runs_every_second_frame_at_15_fps_with_both_wrists_in_view():
    frames = hand_frames([True] * 11, 1 / 15, 0.15)
    assert frames == [0, 2, 4, 6, 8, 10]
    assert np.max(np.diff(frames)) / 15 <= 0.15


def test_hand_model_gap_never_exceeds_the_limit_at_other_rates():
    for fps in (10.0, 24.0, 25.0, 30.0, 60.0):
        frames = hand_frames([True] * int(3 * fps), 1 / fps, 0.15)
        assert np.max(np.diff(frames)) / fps <= 0.15 + 1e-9
    assert hand_frames([True] * 8, 1 / 10, 0.15) == list(range(8))  # 0.1 s frames: all
    assert hand_frames([True] * 9, 1 / 30, 0.15)[:3] == [0, 4, 8]


def test_a_wrist_leaving_view_brings_the_hand_model_back_at_once():
    in_view = [True] * 4 + [False] * 3 + [True] * 4
    assert hand_frames(in_view, 1 / 15, 0.15) == [0, 2, 4, 5, 6, 8, 10]


def test_a_limit_below_the_frame_interval_means_every_frame():
    assert hand_frames([True] * 6, 1 / 15, 0.0) == list(range(6))
