"""The moment that shows an event best, on constructed traces with a known extreme."""

from __future__ import annotations

import numpy as np

from motorobs.report.moments import event_caption, event_moment, key_frame_requests
from motorobs.report.record import EventRecord
from motorobs.report.summary import Finding

TIME = np.arange(0, 10, 0.1)


def test_a_crossing_is_shown_at_its_furthest_point_for_each_hand():
    bump = np.exp(-((TIME - 4.0) ** 2))  # furthest at 4.0 s
    traces = {"hand_lateral_right": 0.2 + 0.5 * bump, "hand_lateral_left": -0.2 - 0.5 * bump}
    for side in ("left", "right"):  # the left hand's own side is +, so it goes negative
        assert event_moment("midline_crossing", side, 3.0, 6.0, {}, TIME, traces) == (
            TIME[40])


def test_a_reach_is_shown_at_its_peak_speed_on_the_way_out():
    speed = np.exp(-((TIME - 2.0) ** 2)) + 2 * np.exp(-((TIME - 5.0) ** 2))  # return faster
    traces = {"hand_speed_left": speed}
    assert event_moment("reach", "left", 1.0, 6.0, {"arrival_s": 3.0}, TIME, traces) == TIME[20]
    assert event_moment("reach", "left", 1.0, 6.0, {}, TIME, traces) == TIME[50]


def test_head_lift_at_its_highest_and_grasp_at_its_most_closed():
    angle = np.where(TIME < 7, TIME * 10, 0.0)
    assert event_moment("head_lift", None, 2.0, 5.0, {}, TIME, {"head_lift_angle": angle}) == (
        TIME[50])
    aperture = 2.0 - np.exp(-((TIME - 3.3) ** 2))
    assert event_moment("grasp", "right", 2.0, 5.0, {}, TIME,
                        {"hand_aperture_right": aperture}) == TIME[33]


def test_without_a_rule_or_a_trace_the_middle():
    assert event_moment("roll", None, 2.0, 4.0, {}, TIME, {}) == 3.0
    assert event_moment("reach", "left", 2.0, 4.0, {}, TIME, {}) == 3.0
    unseen = {"hand_speed_left": np.full(TIME.shape, np.nan)}
    assert event_moment("reach", "left", 2.0, 4.0, {}, TIME, unseen) == 3.0


def test_captions_carry_the_number():
    assert event_caption("midline_crossing", "right", {"max_contralateral_bu": 0.574}) == (
        "Right hand at its furthest across the midline (0.574 shoulder widths)")
    assert event_caption("head_lift", None, {"max_angle_deg": 47.6}) == (
        "Head lift at its highest (48 degrees)")


def test_the_findings_moments_come_first():
    a = EventRecord("reach", "left", 1.0, 2.0, {}, 1.5)
    b = EventRecord("reach", "left", 5.0, 6.0, {}, 5.2)
    c = EventRecord("midline_crossing", "left", 3.0, 4.0, {}, 3.4)
    finding = Finding("reaching", "measured", "Reached twice.", moment_s=5.2,
                      event_type="reach", side="left")
    requests = key_frame_requests([finding], [a, b, c])
    assert [r.target_s for r in requests] == [5.2, 1.5, 3.4]  # then the types interleaved
    assert (requests[0].start_s, requests[0].end_s) == (5.0, 6.0)
