"""Trace plots: which events are shaded, and the figures themselves."""

from __future__ import annotations

import base64

import cv2
import numpy as np
import pytest

from motorobs.metrics.base import Event, Trace
from motorobs.report.plots import (
    events_for_trace,
    figure_data_uri,
    image_data_uri,
    trace_figure,
    trace_side,
)

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


def test_figure_has_shading_and_dashed_reference_lines():
    trace = Trace("offset_right", "Right hand", "body units", np.linspace(-1, 1, 20),
                  event_types=("midline_crossing",), reference_lines=(0.1, -0.1))
    figure = trace_figure(trace, np.arange(20) / 10, EVENTS)
    axes = figure.axes[0]
    dashed = [line for line in axes.get_lines() if line.get_linestyle() == "--"]
    assert sorted(line.get_ydata()[0] for line in dashed) == [-0.1, 0.1]
    assert len(axes.patches) == 1  # only the right-hand crossing is shaded
    assert axes.get_xlabel() == "time (s)" and axes.get_ylabel() == "shoulder widths"


def test_figure_rejects_misaligned_values():
    with pytest.raises(ValueError, match="time base"):
        trace_figure(_trace("x"), np.arange(19) / 10, [])


def test_data_uris_hold_decodable_png():
    trace = Trace("x", "x", "u", np.sin(np.arange(20)))
    uri = figure_data_uri(trace_figure(trace, np.arange(20) / 10, []))
    assert uri.startswith("data:image/png;base64,")
    png = np.frombuffer(base64.b64decode(uri.split(",", 1)[1]), np.uint8)
    assert cv2.imdecode(png, cv2.IMREAD_COLOR).shape[2] == 3
    rgb = np.zeros((10, 12, 3), np.uint8)
    rgb[..., 0] = 200  # red in RGB
    decoded = cv2.imdecode(np.frombuffer(base64.b64decode(image_data_uri(rgb).split(",")[1]),
                                         np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (10, 12, 3) and decoded[0, 0, 2] == 200  # BGR: red last
