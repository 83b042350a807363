"""The timeline: lanes per event type and side, bars where the events are, links to the
key frames."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from motorobs.report.record import EventRecord, KeyFrameRecord, PostureSegment
from motorobs.report.timeline import TimelineLayout, key_frame_for, lanes, timeline_svg

EVENTS = (EventRecord("reach", "right", 2.0, 4.0, {}, 3.0),
          EventRecord("midline_crossing", "right", 6.0, 7.0, {}, 6.5),
          EventRecord("reach", "left", 8.0, 9.0, {}, 8.4))
FRAMES = (KeyFrameRecord("keyframes/frame_000045.jpg", 45, 3.0, "Reach", "x"),
          KeyFrameRecord("keyframes/frame_000150.jpg", 150, 10.0, "Evenly spaced", "x"))


def test_lanes_in_order_with_empty_measured_ones():
    metrics = [{"name": "midline_crossings", "side": "left", "status": "ok"},
               {"name": "midline_crossings", "side": "right", "status": "ok"},
               {"name": "grasp_count", "side": "left", "status": "insufficient_data"}]
    found = lanes(EVENTS, metrics)
    assert [(lane.label, len(lane.events)) for lane in found] == [
        ("Midline crossings · left hand", 0), ("Midline crossings · right hand", 1),
        ("Reaches · left hand", 1), ("Reaches · right hand", 1)]  # no grasp lane


def test_key_frame_of_an_event_lies_within_it():
    assert key_frame_for(EVENTS[0], FRAMES) == 0
    assert key_frame_for(EVENTS[1], FRAMES) is None


def test_bars_are_placed_on_the_time_axis_and_link_to_their_frames():
    layout = TimelineLayout()
    svg = timeline_svg(20.0, [PostureSegment("supine", 0.0, 12.0),
                              PostureSegment("prone", 12.0, 20.0)],
                       lanes(EVENTS), FRAMES, layout=layout)
    root = ET.fromstring(svg)  # well-formed XML
    assert root.get("role") == "group" and root.get("aria-labelledby")
    ns = ""
    bars = [r for r in root.iter(f"{ns}rect") if r.get("class") == "event"]
    x0, x1 = layout.label_width, layout.width - layout.right
    scale = (x1 - x0) / 20.0
    starts = sorted(float(r.get("x")) for r in bars)
    assert starts == [round(x0 + t * scale, 1) for t in (2.0, 6.0, 8.0)]
    links = [a.get("href") for a in root.iter("a")]
    assert links.count("#kf-1") == 2  # the first reach's bar and key frame marker 1
    assert "#kf-2" in links
    postures = [r.get("class") for r in root.iter("rect") if "posture" in (r.get("class") or "")]
    assert postures == ["posture posture-supine", "posture posture-prone"]
    assert "on the back" in svg and "on the tummy" in svg


def test_text_is_escaped():
    frame = KeyFrameRecord("k.jpg", 1, 1.0, "<script>x</script>", "x")
    svg = timeline_svg(5.0, [], [], [frame])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert re.search(r"position not stored", svg)
