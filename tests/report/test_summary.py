"""The summary findings on constructed results whose right sentences are known."""

from __future__ import annotations

import json
import re

import numpy as np

from motorobs.config import ReportConfig
from motorobs.metrics.base import Event, MetricValue, Trace
from motorobs.report import write_clip_outputs
from motorobs.report.record import ClipSummary, EventRecord
from motorobs.report.summary import (
    Finding,
    clock,
    rate_text,
    seconds_text,
    stored_findings,
    summarize,
)
from tests.report.synthetic_clip import make_result


def ok(name, value, side=None, coverage=1.0, unit="count"):
    return {"name": name, "side": side, "value": value, "unit": unit, "coverage": coverage,
            "status": "ok"}


def missing(name, status, reason, side=None, coverage=0.0):
    return {"name": name, "side": side, "value": None, "unit": "count", "coverage": coverage,
            "status": status, "reason": reason}


def facts(view="top", duration=60.0, **shares):
    return ClipSummary(duration_s=duration, fps=15.0, frames_analysed=int(duration * 15),
                       view=view, view_reason="", posture_shares=shares or {"supine": 1.0},
                       infant_found=1.0)


def by_family(findings, family):
    return [f for f in findings if f.family == family]


def test_crossings_on_one_side_only():
    metrics = [
        ok("midline_crossings", 2, "left"), ok("midline_crossings_per_min", 2.0, "left"),
        ok("midline_crossings", 0, "right"), ok("midline_crossings_per_min", 0.0, "right"),
    ]
    events = [EventRecord("midline_crossing", "left", 10.0, 12.0,
                          {"max_contralateral_bu": 0.3}, 11.0),
              EventRecord("midline_crossing", "left", 30.0, 33.0,
                          {"max_contralateral_bu": 0.5}, 31.5)]
    (finding,) = by_family(summarize(metrics, events, facts()), "midline")
    assert finding.kind == "measured"
    assert finding.text == ("Left hand crossed the midline 2 times (2 per minute); "
                            "the right hand never did.")
    assert finding.certainty == "Hands seen 100 % of the time, filmed from above."
    # linked to the crossing that went furthest, at its furthest point
    assert (finding.moment_s, finding.event_type, finding.side) == (31.5, "midline_crossing",
                                                                    "left")


def test_crossings_with_low_coverage_and_the_other_hand_not_countable():
    metrics = [
        ok("midline_crossings", 1, "right", coverage=0.6),
        ok("midline_crossings_per_min", 1.7, "right", coverage=0.6),
        missing("midline_crossings", "insufficient_data",
                "the left hand and both shoulders seen in only 20% of the supine time "
                "(at least 50% needed)", "left", 0.2),
    ]
    (finding,) = by_family(summarize(metrics, [], facts()), "midline")
    assert finding.text == (
        "Right hand crossed the midline once (1.7 per minute); the left hand could not be "
        "counted (the left hand and both shoulders seen in only 20% of the supine time (at "
        "least 50% needed)).")
    assert finding.certainty.startswith("Hands seen 60 % of the time")
    assert "there may have been more" in finding.certainty
    assert finding.moment_s is None  # no event: nothing to show


def test_tummy_time_from_above_says_head_lift_is_not_measured_and_why():
    above = ("head lift needs a side-on view; this clip was filmed from above, where lifting "
             "the head only foreshortens it")
    metrics = [ok("prone_time_s", 42.0, unit="s"), ok("supine_time_s", 0.0, unit="s"),
               missing("head_lift_max_deg", "not_applicable", above),
               missing("head_lift_time_above_45_s", "not_applicable", above),
               missing("midline_crossings", "not_applicable", "never supine", "left"),
               missing("midline_crossings", "not_applicable", "never supine", "right")]
    findings = summarize(metrics, [], facts(view="top", duration=42.0, prone=1.0))
    texts = [f.text for f in findings]
    assert texts == ["On the tummy the whole clip (0:42).",
                     "Not measured: head lift needs a side view (this clip was filmed from "
                     "above)."]
    assert findings[1].kind == "not_measured" and findings[1].family == "head_control"
    assert not re.search(r"\d+ degrees", " ".join(texts))  # no head-lift number at all


def test_tummy_time_from_the_side_gives_the_head_lift_numbers():
    metrics = [ok("prone_time_s", 42.0, unit="s"),
               ok("head_lift_max_deg", 63.4, unit="deg", coverage=0.9),
               ok("head_lift_time_above_45_s", 12.2, unit="s"),
               ok("head_lift_longest_above_45_s", 5.1, unit="s"),
               ok("head_lift_bouts", 3)]
    events = [EventRecord("head_lift", None, 5.0, 9.0, {"max_angle_deg": 50.0}, 7.0),
              EventRecord("head_lift", None, 20.0, 26.0, {"max_angle_deg": 63.4}, 23.0)]
    (finding,) = by_family(summarize(metrics, events, facts("side", 42.0, prone=1.0)),
                           "head_control")
    assert finding.text == "Tummy time 0:42; head lifted above 45 degrees for 12 s, longest 5.1 s."
    assert finding.certainty == "Ear and shoulder seen 90 % of the time, filmed from the side."
    assert finding.moment_s == 23.0  # the highest lift


def test_too_little_data_says_so_instead_of_a_number():
    reason = "the left hand and the left shoulder seen in only 12% of the time with a known " \
             "posture (at least 50% needed)"
    metrics = [missing("reach_count", "insufficient_data", reason, "left", 0.12),
               missing("reach_count", "insufficient_data", reason.replace("left", "right"),
                       "right", 0.12),
               missing("reaches_per_min", "insufficient_data", reason, "left", 0.12),
               missing("hands_together_bouts", "insufficient_data", "both hands seen in only "
                       "12% of the supine time (at least 50% needed)", coverage=0.12)]
    findings = summarize(metrics, [], facts())
    reaching, hands = by_family(findings, "reaching"), by_family(findings, "hands")
    assert [f.kind for f in reaching + hands] == ["insufficient_data"] * 2
    assert reaching[0].text == ("Reaches not counted: each hand and each shoulder seen in "
                                "only 12% of the time with a known posture (at least 50% "
                                "needed).")
    assert hands[0].text.startswith("Hands together not measured: both hands seen in only 12%")
    for finding in reaching + hands:  # no count, no rate, no duration: only the reason's share
        assert not re.search(r"\d+ (times|per minute|s\b)", finding.text)
    assert findings[-1].kind == "insufficient_data"  # listed after what was measured


def test_reaches_of_both_hands_and_of_one():
    both = [ok("reach_count", 1, "left"), ok("reach_count", 3, "right")]
    one = [ok("reach_count", 0, "left"), ok("reach_count", 4, "right")]
    reach = [EventRecord("reach", "right", 1.0, 2.0, {"peak_speed_bu_per_s": 2.0}, 1.4),
             EventRecord("reach", "right", 5.0, 6.0, {"peak_speed_bu_per_s": 3.0}, 5.3)]
    (f,) = by_family(summarize(both, reach, facts()), "reaching")
    assert f.text == "Reached 4 times: 3 with the right hand, 1 with the left."
    assert f.moment_s == 5.3  # the fastest reach, at its peak speed
    (f,) = by_family(summarize(one, [], facts()), "reaching")
    assert f.text == "Reached 4 times, all with the right hand."


def test_recording_that_cannot_be_scored_comes_first():
    metrics = [ok("reach_count", 0, "left"), ok("reach_count", 0, "right"),
               {**ok("recording_quality", 0.0, unit="verdict"),
                "reason": "The camera moved in 40% of the clip: rest the phone on something."}]
    findings = summarize(metrics, [], facts())
    assert findings[0].kind == "quality"
    assert findings[0].certainty.startswith("The camera moved in 40% of the clip")
    assert by_family(findings, "reaching")[0].text == "No reaches with either hand."


def test_wording_helpers():
    assert [clock(s) for s in (0, 7.4, 42, 59.6, 65.4)] == ["0:00", "0:07", "0:42", "1:00",
                                                           "1:05"]
    assert [seconds_text(s) for s in (2.5, 5.0, 12.2, 65)] == ["2.5 s", "5 s", "12 s",
                                                               "1:05 min"]
    assert [rate_text(v) for v in (17.142, 8.57, 2.0)] == ["17", "8.6", "2"]


def test_metrics_json_holds_the_same_summary_as_the_report(clip_result, tmp_path):
    clip_result.metrics += [
        MetricValue("midline_crossings", 1.0, "count", 0.92, "ok", "crossings", side="right"),
        MetricValue("midline_crossings", 0.0, "count", 0.92, "ok", "crossings", side="left"),
    ]
    clip_result.events = [Event("midline_crossing", "right", 0.3, 0.6,
                                {"max_contralateral_bu": 0.31})]
    times = clip_result.landmarks["time"].values
    clip_result.traces[0] = Trace("hand_lateral_right", "Right hand sideways", "BU",
                                  np.sin(times), event_types=("midline_crossing",))
    write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=2))
    stored = json.loads((tmp_path / "metrics.json").read_text())
    findings = stored_findings(stored)
    assert findings == [Finding.from_json(f) for f in stored["summary"]]
    texts = [f.text for f in findings]
    assert ("Right hand crossed the midline once (6.2 per minute); the left hand never did."
            in texts)  # the rate is the fixture's midline_crossings_per_min, 6.25
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert all(text in html for text in texts)
    crossing = next(f for f in findings if f.family == "midline")
    # the moment is the frame where the hand was furthest across (the trace's maximum,
    # sin(t) on 0.3..0.6 s): 0.6 s; the report links the sentence to that key frame
    assert crossing.moment_s == 0.6
    report = json.loads((tmp_path / "report.json").read_text())
    frames = {k["time_s"]: n + 1 for n, k in enumerate(report["key_frames"])}
    assert 0.6 in frames
    assert f'href="#kf-{frames[0.6]}">see key frame {frames[0.6]} at 0:00.6</a>' in html


def test_an_older_metrics_json_without_a_summary_still_gets_one(clip_result, tmp_path):
    from motorobs.report import rebuild_clip_report

    write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=0))
    path = tmp_path / "metrics.json"
    data = json.loads(path.read_text())
    expected = data.pop("summary")
    path.write_text(json.dumps(data))
    rebuild_clip_report(tmp_path)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert expected and all(f["text"] in html for f in expected)


def test_result_summary_in_python(synthetic_video):
    result = make_result(synthetic_video)
    assert [f.family for f in result.summary()] == ["position"]
