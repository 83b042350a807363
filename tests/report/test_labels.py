"""Plain-language wording of metric names and values."""

from __future__ import annotations

from motorobs.metrics.base import Event, MetricValue
from motorobs.report.labels import (
    event_label,
    format_number,
    format_percent,
    format_value,
    humanize,
    metric_label,
)


def test_humanize_expands_abbreviations():
    assert humanize("midline_crossings_per_min") == "Midline crossings per minute"
    assert humanize("n_reaches") == "Number of reaches"
    assert humanize("reach_peak_speed_bu_per_s") == "Reach peak speed (shoulder widths per second)"
    assert humanize("head_lift_max_deg") == "Head lift maximum (degrees)"
    assert humanize("minute") == "Minute"


def test_labels_name_the_infants_side():
    metric = MetricValue("reaches_per_min", 2.0, "per min", 1.0, "ok", "d", side="left")
    assert metric_label(metric) == "Reaches per minute (infant's left)"
    assert event_label(Event("midline_crossing", "right", 0, 1)) == (
        "Midline crossing (infant's right hand)")
    assert event_label(Event("head_lift", None, 0, 1)) == "Head lift"


def test_values_only_for_ok_metrics():
    ok = MetricValue("x", 3.14159, "deg", 1.0, "ok", "d")
    assert format_value(ok) == "3.14 degrees"
    missing = MetricValue("x", None, "deg", 0.1, "insufficient_data", "d", reason="few frames")
    assert format_value(missing) == ""


def test_number_formats():
    assert [format_number(v) for v in (0.001234, 0.5, 42.123, 1234.5, float("nan"))] == [
        "0.00123", "0.5", "42.1", "1,234", "–"]
    assert format_percent(0.875) == "88 %"
