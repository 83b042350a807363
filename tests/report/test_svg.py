"""SVG line charts: known pixel positions on constructed data, gaps, bands, ticks, escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from motorobs.report.svg import (
    Band,
    ChartLayout,
    line_chart,
    line_runs,
    nice_step,
    tick_text,
    ticks,
    x_range,
    y_range,
)

LAYOUT = ChartLayout(width=500, height=200, left=50, right=50, top=20, bottom=30)
# plot area: x 50..450 px, y 170 (bottom) .. 20 (top) px


def _chart(x, y, **kwargs) -> ET.Element:
    kwargs.setdefault("title", "t")
    return ET.fromstring(line_chart(np.asarray(x, float), np.asarray(y, float), x_label="time (s)",
                                    y_label="u", layout=LAYOUT, **kwargs))


def _subpaths(svg: ET.Element) -> list[list[tuple[float, float]]]:
    path = svg.find("path[@class='signal']")
    if path is None:
        return []
    return [[tuple(map(float, p.split(","))) for p in re.findall(r"-?[\d.]+,-?[\d.]+", part)]
            for part in path.get("d").split("M")[1:]]


def test_ranges():
    assert x_range(np.array([2.0, np.nan, 6.0])) == (2.0, 6.0)
    assert x_range(np.array([3.0])) == (2.5, 3.5)
    assert x_range(np.array([np.nan])) == (0.0, 1.0)
    assert y_range(np.array([0.0, 10.0])) == pytest.approx((-0.5, 10.5))  # 5 % of the span
    assert y_range(np.array([1.0, 2.0]), (-2.0,)) == pytest.approx((-2.2, 2.2))
    assert y_range(np.array([4.0, 4.0])) == (3.0, 5.0)
    assert y_range(np.array([np.nan])) == (0.0, 1.0)


def test_polyline_points_land_on_the_expected_pixels():
    # x 0..4 s over 50..450 px: 100 px per second; y -0.5..10.5 over 170..20 px
    svg = _chart([0, 1, 2, 4], [0, 5, 10, 2.5])
    per_unit = 150 / 11
    expected = [(50.0, 170 - 0.5 * per_unit), (150.0, 170 - 5.5 * per_unit),
                (250.0, 170 - 10.5 * per_unit), (450.0, 170 - 3.0 * per_unit)]
    (points,) = _subpaths(svg)
    assert points == [(round(x, 1), round(y, 1)) for x, y in expected]  # 0.1 px written


def test_a_nan_gap_splits_the_line_and_a_lone_sample_is_a_dot():
    svg = _chart([0, 1, 2, 3, 4, 5, 6], [1, 2, np.nan, 3, 4, np.nan, 5])
    runs = _subpaths(svg)
    assert [len(r) for r in runs] == [2, 2]
    assert [x for x, _ in runs[0]] == [50.0, round(50 + 400 / 6, 1)]
    assert [x for x, _ in runs[1]] == [round(50 + 3 * 400 / 6, 1), round(50 + 4 * 400 / 6, 1)]
    dots = svg.findall("circle[@class='signal']")
    assert len(dots) == 1 and float(dots[0].get("cx")) == 450.0  # the sample at 6 s
    assert [len(r) for r in line_runs(np.array([1.0, np.nan, 2, 3]),
                                      np.array([1.0, 1, np.inf, 3]))] == [1, 1]


def test_band_spans_the_event_and_is_clipped_to_the_time_range():
    svg = _chart([0, 4], [0, 1], bands=[Band(1.0, 2.5, "#1e90ff", "Reach (infant's right)"),
                                        Band(3.5, 9.0, "#ff8c00", "late"),
                                        Band(5.0, 6.0, "#ff8c00", "outside")])
    bands = svg.findall("rect[@class='band']")
    assert [(float(b.get("x")), float(b.get("width"))) for b in bands] == [
        (150.0, 150.0), (400.0, 50.0)]  # 1.0-2.5 s; 3.5-9 s clipped at 4 s; 5-6 s left out
    assert all(float(b.get("y")) == 20 and float(b.get("height")) == 150 for b in bands)
    assert bands[0].get("fill") == "#1e90ff"
    legend = [t.text for t in svg.iter("text")]
    assert "Reach (infant's right)" in legend and "late" in legend


def test_reference_lines_are_dashed_at_their_level():
    svg = _chart([0, 1], [0, 10], reference_lines=(2.0,))
    (line,) = svg.findall("line[@class='reference']")
    assert line.get("stroke-dasharray")
    assert float(line.get("y1")) == float(line.get("y2")) == round(170 - 2.5 * 150 / 11, 1)
    assert (float(line.get("x1")), float(line.get("x2"))) == (50.0, 450.0)


def test_ticks_are_round_numbers_with_their_units():
    assert nice_step(7) == 2 and nice_step(1.1) == 0.5 and nice_step(0.03) == pytest.approx(0.01)
    assert ticks(0, 7) == ([0, 2, 4, 6], 2)
    values, step = ticks(-0.55, 0.55)
    assert values == pytest.approx([-0.5, 0.0, 0.5]) and step == 0.5
    assert [tick_text(v, step) for v in values] == ["\u22120.5", "0.0", "0.5"]
    assert tick_text(-1e-12, 0.1) == "0.0"
    svg = _chart([0, 7], [0, 1])
    texts = [t.text for t in svg.iter("text")]
    assert {"0", "2", "4", "6"} <= set(texts) and "time (s)" in texts and "u" in texts


def test_text_is_escaped_and_the_chart_is_named_for_screen_readers():
    markup = line_chart(np.arange(3.0), np.arange(3.0), title='<script>"x" & y</script>',
                        x_label="time (s)", y_label="<u>", chart_id="plot-7",
                        bands=[Band(0, 1, "#000", "<b>")])
    assert "<script>" not in markup and "<u>" not in markup and "<b>" not in markup
    svg = ET.fromstring(markup)  # well-formed XML
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "plot-7-title plot-7-desc"
    assert svg[0].tag == "title" and svg[0].get("id") == "plot-7-title"
    assert svg[0].text == '<script>"x" & y</script>'


def test_nothing_seen_says_so():
    svg = _chart([0, 1, 2], [np.nan] * 3)
    assert _subpaths(svg) == [] and not svg.findall("circle")
    assert "not seen in this clip" in [t.text for t in svg.iter("text")]


def test_misaligned_data_is_refused():
    with pytest.raises(ValueError, match="2 x values but 3 y values"):
        line_chart(np.zeros(2), np.zeros(3), title="t", x_label="x", y_label="y")


def test_decimate_keeps_each_columns_range_and_the_gaps():
    from motorobs.report.svg import decimate

    x = np.linspace(0, 10, 1000)  # 100 points per pixel column
    y = np.sin(np.linspace(0, 40, 1000))
    y[500:520] = np.nan
    kept = decimate(x, y)
    assert len(kept) <= 3 * 11
    for column in range(10):
        inside = (x >= column) & (x < column + 1) & np.isfinite(y)
        chosen = kept[(x[kept] >= column) & (x[kept] < column + 1)]
        assert np.nanmin(y[chosen]) == y[inside].min() and np.nanmax(y[chosen]) == y[inside].max()
    assert np.isnan(y[kept]).any()  # the gap still breaks the line
    few = np.arange(5.0)
    assert decimate(few, few).tolist() == [0, 1, 2, 3, 4]
