"""Trace plots: which events are shaded, and the SVG charts themselves."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from motorobs.metrics.base import Event, Trace
from motorobs.report.plots import (
    SIDE_COLOURS,
    events_for_trace,
    trace_chart,
    trace_side,
)
from motorobs.report.svg import ChartLayout, scale, y_range

EVENTS = [
    Event("midline_crossing", "right", 0.2, 0.4),
    Event("midline_crossing", "left", 0.5, 0.7),
    Event("reach", "right", 0.8, 1.0),
    Event("head_lift", None, 1.0, 1.5),
]


def _trace(name, label="signal", types=("midline_crossing", "head_lift")):
    return Trace(name, label, "body units", np.zeros(20), event_types=types)


def test_trace_side_from_name_then_label():
    assert trace_side(_trace("offset_right")) == "right"
    assert trace_side(_trace("offset_left")) == "left"
    assert trace_side(_trace("offset", "Left hand distance")) == "left"
    assert trace_side(_trace("offset", "Left and right hands")) is None
    assert trace_side(_trace("head_angle", "Head angle")) is None


def test_one_sided_trace_shades_its_side_and_sideless_events():
    shaded = events_for_trace(_trace("offset_right"), EVENTS)
    assert [(e.type, e.side) for e in shaded] == [("midline_crossing", "right"),
                                                 ("head_lift", None)]


def test_two_sided_trace_shades_every_event_of_its_types():
    shaded = events_for_trace(_trace("offset"), EVENTS)
    assert [(e.type, e.side) for e in shaded] == [("midline_crossing", "right"),
                                                 ("midline_crossing", "left"),
                                                 ("head_lift", None)]


def test_chart_shades_its_events_and_dashes_its_reference_lines():
    trace = Trace("offset_right", "Right hand", "body units", np.linspace(-1, 1, 20),
                  event_types=("midline_crossing",), reference_lines=(0.1, -0.1))
    time_s = np.arange(20) / 10
    svg = ET.fromstring(trace_chart(trace, time_s, trace.values, EVENTS))
    bands = svg.findall("rect[@class='band']")
    assert len(bands) == 1  # only the infant's right-hand crossing, 0.2-0.4 s
    assert bands[0].get("fill") == SIDE_COLOURS["right"]
    layout = ChartLayout()
    x0, x1 = scale(np.array([0.2, 0.4]), (0.0, 1.9), layout.x_pixels)
    assert float(bands[0].get("x")) == pytest.approx(x0, abs=0.05)
    assert float(bands[0].get("width")) == pytest.approx(x1 - x0, abs=0.1)
    assert "Midline crossing (infant's right)" in bands[0].findtext("title")
    dashed = svg.findall("line[@class='reference']")
    assert all(line.get("stroke-dasharray") for line in dashed)
    expected = scale(np.array([0.1, -0.1]), y_range(trace.values, (0.1, -0.1)), layout.y_pixels)
    assert sorted(float(line.get("y1")) for line in dashed) == pytest.approx(
        sorted(expected), abs=0.05)
    texts = [t.text for t in svg.iter("text")]
    assert "time (s)" in texts and "shoulder widths" in texts and "Right hand" in texts
    assert svg.findtext("title") == "Right hand"


def test_chart_rejects_misaligned_values():
    with pytest.raises(ValueError, match="time base"):
        trace_chart(_trace("x"), np.arange(19) / 10, np.zeros(20), [])
