from datetime import date

import pytest

from motorobs.trends.flags import evaluate_flags, load_rules
from motorobs.trends.goals import Goal
from motorobs.trends.marks import Mark
from tests.trends.builders import series_frame

RULES = load_rules()


def flags_of(frame, rule_id, goals=()):
    return [f for f in evaluate_flags(frame, RULES, goals) if f.rule_id == rule_id]


def test_every_rule_has_id_version_wording_and_reference():
    assert {r.id for r in RULES.rules} >= {"midline-none", "head-lift-below-45",
                                            "head-turn-one-sided", "falling-trend",
                                            "tummy-time-below-goal"}
    for rule in RULES.rules:
        assert rule.version and rule.reference.startswith("metrics-notes.md")
        assert rule.wording.startswith("Worth a look")


def test_persistent_one_sided_head_turn_over_four_sessions_flags():
    frame = series_frame([{"head_turn_asymmetry": v} for v in (0.8, 0.7, 0.9, 0.6)])
    (flag,) = flags_of(frame, "head-turn-one-sided")
    assert (flag.rule_id, flag.rule_version) == ("head-turn-one-sided", "1")
    assert "left" in flag.text and flag.text.startswith("Worth a look")
    assert [s.clips for s in flag.sources] == [("C01_s1",), ("C01_s2",), ("C01_s3",)]
    assert "C01_s3" in flag.text


def test_one_session_never_makes_a_head_turn_flag():
    assert not flags_of(series_frame([{"head_turn_asymmetry": 0.9}]), "head-turn-one-sided")


def test_alternating_head_turn_does_not_flag():
    frame = series_frame([{"head_turn_asymmetry": v} for v in (0.8, -0.7, 0.9, -0.6)])
    assert not flags_of(frame, "head-turn-one-sided")


def test_a_marked_value_raises_no_flag():
    frame_values = [{"head_turn_asymmetry": v} for v in (0.1, 0.8, 0.7, 0.9)]
    assert flags_of(series_frame(frame_values), "head-turn-one-sided")
    mark = Mark("C01_s2", "head_turn_asymmetry", None, "head on a pillow", "OT", "2024-09-01")
    # with s2 marked the last three measured sessions are s0 (0.1), s1, s3: no flag
    assert not flags_of(series_frame(frame_values, marks=[mark]), "head-turn-one-sided")


def test_gaps_do_not_count_as_sessions():
    frame = series_frame([{"head_turn_asymmetry": 0.8}, {}, {}, {"head_turn_asymmetry": 0.9}])
    assert not flags_of(frame, "head-turn-one-sided")


def test_head_lift_under_45_after_4_months_corrected():
    # born 2024-01-01; sessions 2024-05-06 (4.2 months) and later
    # head lift is measured from the side only: a clip filmed from above never counts
    assert not flags_of(series_frame([{"head_lift_max_deg": 30.0}], start=date(2024, 5, 6)),
                        "head-lift-below-45")
    frame = series_frame([{"head_lift_max_deg": 30.0}], start=date(2024, 5, 6), view="side")
    (flag,) = flags_of(frame, "head-lift-below-45")
    assert "45 degrees" in flag.text and flag.sources[0].value == 30.0
    younger = series_frame([{"head_lift_max_deg": 30.0}], start=date(2024, 3, 1), view="side")
    assert not flags_of(younger, "head-lift-below-45")
    lifted = series_frame([{"head_lift_max_deg": 30.0}, {"head_lift_max_deg": 60.0}],
                          start=date(2024, 5, 6), view="side")
    assert not flags_of(lifted, "head-lift-below-45")


def test_no_midline_crossing_from_6_months():
    none = {"midline_crossings_per_min:left": 0.0, "midline_crossings_per_min:right": 0.0}
    frame = series_frame([none, none], start=date(2024, 7, 8))
    (flag,) = flags_of(frame, "midline-none")
    assert len(flag.sources) == 2
    one_hand = {"midline_crossings_per_min:left": 0.0, "midline_crossings_per_min:right": 2.0}
    assert not flags_of(series_frame([none, one_hand], start=date(2024, 7, 8)), "midline-none")
    # a hand not measured: the session is unknown, not "no crossing"
    half = {"midline_crossings_per_min:left": 0.0}
    assert not flags_of(series_frame([half, half], start=date(2024, 7, 8)), "midline-none")


def test_falling_trend_over_three_sessions():
    frame = series_frame([{"reaches_per_min:right": v} for v in (6.0, 4.0, 3.0)])
    (flag,) = flags_of(frame, "falling-trend")
    assert flag.metric == "reaches_per_min" and flag.side == "right"
    assert "from 6 to 3" in flag.text
    small = series_frame([{"reaches_per_min:right": v} for v in (6.0, 5.9, 5.8)])
    assert not flags_of(small, "falling-trend")
    assert not flags_of(series_frame([{"reaches_per_min:right": v} for v in (6.0, 3.0)]),
                        "falling-trend")


def test_tummy_time_below_goal_per_week():
    # two sessions in the ISO week of Monday 2024-07-01, 10 min each; goal 5 min a day
    frame = series_frame([{"prone_time_s": 600.0}, {"prone_time_s": 600.0}],
                         start=date(2024, 7, 1), step_days=3)
    goal = [Goal("C01", "tummy_time", 5.0)]
    (flag,) = flags_of(frame, "tummy-time-below-goal", goal)
    assert "2024-07-01" in flag.text and "20 min" in flag.text and "35 min" in flag.text
    assert not flags_of(frame, "tummy-time-below-goal")  # no goal given
    assert not flags_of(frame, "tummy-time-below-goal", [Goal("C01", "tummy_time", 2.0)])
    # a clip of the week not measured: the week is not judged
    partial = series_frame([{"prone_time_s": 600.0}, {}], start=date(2024, 7, 1), step_days=3)
    assert not flags_of(partial, "tummy-time-below-goal", goal)


@pytest.mark.parametrize("value", [0.8, -0.8])
def test_flags_name_rule_and_sources_in_json(value):
    frame = series_frame([{"head_turn_asymmetry": value}] * 3)
    (flag,) = evaluate_flags(frame, RULES)
    data = flag.to_dict()
    assert data["rule_id"] == "head-turn-one-sided" and data["rule_version"] == "1"
    assert [s["session_date"] for s in data["sources"]] == ["2024-07-01", "2024-07-15",
                                                            "2024-07-29"]
