"""Following the infant and its hands frame after frame (constructed people and hands)."""

from __future__ import annotations

import numpy as np

from motorobs.config import PoseConfig
from motorobs.landmarks import empty_arrays
from motorobs.pose.infant import choose_infant
from motorobs.pose.tracking import (
    HandGate,
    InfantChooser,
    InfantTracker,
    PoseFrame,
    find_missed_hands,
    wrists_in_view,
)
from motorobs.schema import POSE_LANDMARKS

IDX = {n: i for i, n in enumerate(POSE_LANDMARKS)}
FPS = 15.0
FRAME_SIZE = (480, 640)


def person(centre: tuple[float, float], shoulder_width: float, wrist_visibility=(1.0, 1.0)
           ) -> np.ndarray:
    """(33, 5) upright stick figure: shoulders, elbows, wrists, hips; visibility 1 but for
    the wrists (left, right)."""
    out = np.full((33, 5), np.nan)
    cx, cy = centre
    h = shoulder_width / 2
    points = {"left_shoulder": (cx + h, cy - h), "right_shoulder": (cx - h, cy - h),
              "left_elbow": (cx + 1.5 * h, cy), "right_elbow": (cx - 1.5 * h, cy),
              "left_wrist": (cx + 2 * h, cy + h), "right_wrist": (cx - 2 * h, cy + h),
              "left_hip": (cx + h, cy + h), "right_hip": (cx - h, cy + h)}
    for name, xy in points.items():
        out[IDX[name], :2] = xy
        out[IDX[name], 2:] = (0.0, 1.0, 1.0)
    out[IDX["left_wrist"], 3], out[IDX["right_wrist"], 3] = wrist_visibility
    return out


def hand_at(xy: np.ndarray) -> tuple[np.ndarray, float]:
    """A hand-model hand whose wrist (and every other point) is at ``xy``."""
    points = np.zeros((21, 3))
    points[:, :2] = xy
    return points, 0.9


def frame_of(people: list[np.ndarray]) -> PoseFrame:
    return PoseFrame(people, 0 if people else None, "only" if people else "none")


def test_chooser_follows_the_infant_like_choose_infant():
    infant, adult = person((300, 300), 40), person((100, 120), 90)
    moved = person((310, 305), 40)
    choose = InfantChooser()
    first = choose([adult, infant])
    assert (first.infant, first.rule) == (1, "smaller_body")
    second = choose([moved, adult])
    expected = choose_infant([moved[:, :2], adult[:, :2]], choose.previous_centre, 40.0)
    assert (second.infant, second.rule) == (0, "continuity") == expected
    assert choose([]).infant is None and choose.previous_centre is not None


def test_wrists_in_view_needs_both_wrists_visible():
    assert wrists_in_view(person((0, 0), 10), 0.5)
    assert not wrists_in_view(person((0, 0), 10, (0.9, 0.2)), 0.5)
    assert wrists_in_view(person((0, 0), 10, (0.5, 0.5)), 0.5)


def gate_frames(frames: list[PoseFrame], config: PoseConfig, fps: float = FPS) -> list[int]:
    gate = HandGate(config, 1 / fps)
    return [i for i, f in enumerate(frames) if gate(f, i / fps)]


def test_gate_runs_the_hand_model_every_frame_by_default():
    frames = [frame_of([person((300, 300), 40)])] * 8
    assert gate_frames(frames, PoseConfig()) == list(range(8))


def test_gate_with_a_detail_gap_skips_frames_with_both_wrists_in_view():
    frames = [frame_of([person((300, 300), 40)])] * 8
    assert gate_frames(frames, PoseConfig(hand_detail_max_gap_s=0.15)) == [0, 2, 4, 6]
    hidden = [frame_of([person((300, 300), 40, (1.0, 0.1))])] * 8
    assert gate_frames(hidden, PoseConfig(hand_detail_max_gap_s=0.15)) == list(range(8))


def test_gate_skips_frames_without_the_infant():
    visible = frame_of([person((300, 300), 40, (1.0, 0.0))])
    frames = [visible, frame_of([]), frame_of([]), visible]
    assert gate_frames(frames, PoseConfig()) == [0, 3]


def test_hands_every_frame_runs_the_hand_model_on_every_frame():
    frames = [frame_of([person((300, 300), 40)]), frame_of([])] * 3
    assert gate_frames(frames, PoseConfig(hands_every_frame=True)) == list(range(6))


def test_a_frame_without_the_hand_model_keeps_the_pose_and_the_last_hands():
    infant = person((300, 300), 40)
    arrays = empty_arrays(2)
    tracker = InfantTracker(hand_match_max_dist=0.6)
    left = hand_at(infant[IDX["left_wrist"], :2] + 1)
    tracker.store(arrays, 0, frame_of([infant]), [left], 0.0)
    tracker.store(arrays, 1, frame_of([infant]), None, 1 / FPS)
    assert not tracker.hands_ran and set(tracker.previous_hands) == {"left"}
    n_pose = len(POSE_LANDMARKS)
    assert np.isfinite(arrays["position"][1, :, :n_pose][:, IDX["left_wrist"]]).all()
    assert np.isnan(arrays["position"][1, :, n_pose:]).all()  # no hand stored
    assert np.isfinite(arrays["position"][0, :, n_pose]).all()  # frame 0 kept its hand


class CountingSearch:
    """A close-up search that finds a hand at the side's pose wrist on given frames."""

    def __init__(self, infant: np.ndarray, finds: set[int]) -> None:
        self.infant, self.finds, self.calls = infant, finds, []
        self.row = 0

    def __call__(self, rgb: np.ndarray, box: tuple[int, int, int, int]) -> list:
        self.calls.append(self.row)
        if self.row not in self.finds:
            return []
        return [hand_at(self.infant[IDX["right_wrist"], :2])]


def run_close_ups(config: PoseConfig, n: int, finds: set[int] = frozenset(),
                  hands_ran: bool = True) -> CountingSearch:
    """Frames on which the right hand (never found by the full frame) is searched."""
    infant = person((300, 240), 60)
    search = CountingSearch(infant, set(finds))
    rgb = np.zeros((*FRAME_SIZE, 3), np.uint8)
    tracker = InfantTracker(hand_match_max_dist=0.6)
    arrays = empty_arrays(n)
    left = hand_at(infant[IDX["left_wrist"], :2])
    for row in range(n):
        search.row = row
        tracker.store(arrays, row, frame_of([infant]), [left] if hands_ran else None, row / FPS)
        find_missed_hands(search, config, tracker, arrays, row, rgb, row / FPS)
    return search


def test_a_side_never_found_is_searched_less_often():
    search = run_close_ups(PoseConfig(), 30)
    assert search.calls == [0, 1, 2, 3, 4, 7, 10, 13, 16, 19, 22, 25, 28]


def test_hands_every_frame_searches_every_frame():
    assert run_close_ups(PoseConfig(hands_every_frame=True), 12).calls == list(range(12))


def test_a_find_restores_the_search_on_every_frame():
    search = run_close_ups(PoseConfig(), 20, finds={10})
    assert search.calls == [0, 1, 2, 3, 4, 7, 10, 11, 12, 13, 14, 17]


def test_no_close_up_on_frames_without_the_hand_model():
    assert run_close_ups(PoseConfig(), 6, hands_ran=False).calls == []


def test_no_close_up_without_hand_crops():
    assert run_close_ups(PoseConfig(hand_crops=False), 6).calls == []
