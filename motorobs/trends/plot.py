"""One headline metric of one child over age, as inline SVG (no plotting library).

x = age in months (corrected until 24 months chronological; ``age_months`` of the sessions
table), y = the metric's value. A measured point is a dot whose area grows with its coverage
(a faint small dot: the metric saw little of the clip); a marked value is a cross at its
value, out of the line; a gap (not measured) is an open triangle under the plot with a
number that the report's list of gaps explains. Clips from another camera view are not
drawn. Uses the axis helpers of :mod:`motorobs.report.svg`.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from motorobs.report.svg import ChartLayout, scale, tick_text, ticks, x_range, y_range

POINT_COLOUR = "#0072b2"
"""Okabe-Ito blue, as the clip reports."""
MARK_COLOUR = "#d55e00"
"""Okabe-Ito vermilion."""
GAP_COLOUR = "#57606a"
LAYOUT = ChartLayout(width=640.0, height=200.0, left=56.0, right=16.0, top=28.0, bottom=52.0)


def _n(value: float) -> str:
    return f"{value:.1f}"


def trend_chart(rows: pd.DataFrame, *, title: str, unit: str, chart_id: str,
                gap_numbers: dict[int, int] | None = None) -> str:
    """SVG of one metric's rows of the sessions table (one child, one ``key``).

    Parameters
    ----------
    rows
        Rows of the sessions table; ``other_view`` rows are skipped.
    title, unit
        Chart title and y-axis unit.
    chart_id
        Unique id prefix within the page.
    gap_numbers
        Row index -> the number shown under a gap (its entry in the report's gap list).
    """
    rows = rows[rows["role"] != "other_view"]
    gap_numbers = gap_numbers or {}
    (left, right), (bottom, top) = LAYOUT.x_pixels, LAYOUT.y_pixels
    ages = rows["age_months"].to_numpy(float)
    x_domain = x_range(ages)
    shown = rows[rows["role"].isin(["point", "marked"])]
    y_domain = y_range(shown["value"].to_numpy(float))
    ident = escape(chart_id)
    parts = [f'<svg class="trend" role="img" viewBox="0 0 {_n(LAYOUT.width)} {_n(LAYOUT.height)}"'
             f' width="{_n(LAYOUT.width)}" height="{_n(LAYOUT.height)}" font-size="10" '
             f'font-family="sans-serif" aria-labelledby="{ident}-t">',
             f'<title id="{ident}-t">{escape(title)}</title>']
    x_ticks, x_step = ticks(*x_domain)
    for value in x_ticks:
        px = float(scale(value, x_domain, LAYOUT.x_pixels))
        parts.append(f'<line x1="{_n(px)}" y1="{_n(top)}" x2="{_n(px)}" y2="{_n(bottom)}" '
                     'stroke="#e5e7eb"/>')
        parts.append(f'<text x="{_n(px)}" y="{_n(bottom + 28)}" text-anchor="middle" '
                     f'fill="{GAP_COLOUR}">{tick_text(value, x_step)}</text>')
    y_ticks, y_step = ticks(*y_domain)
    for value in y_ticks:
        py = float(scale(value, y_domain, LAYOUT.y_pixels))
        parts.append(f'<line x1="{_n(left)}" y1="{_n(py)}" x2="{_n(right)}" y2="{_n(py)}" '
                     'stroke="#e5e7eb"/>')
        parts.append(f'<text x="{_n(left - 4)}" y="{_n(py + 3)}" text-anchor="end" '
                     f'fill="{GAP_COLOUR}">{tick_text(value, y_step)}</text>')
    points = rows[rows["role"] == "point"].sort_values("age_months")
    xs = scale(points["age_months"].to_numpy(float), x_domain, LAYOUT.x_pixels)
    ys = scale(points["value"].to_numpy(float), y_domain, LAYOUT.y_pixels)
    if len(points) > 1:
        path = " L".join(f"{_n(x)},{_n(y)}" for x, y in zip(xs, ys, strict=True))
        parts.append(f'<path d="M{path}" fill="none" stroke="{POINT_COLOUR}" '
                     'stroke-width="1" stroke-opacity="0.6"/>')
    for (_, row), x, y in zip(points.iterrows(), xs, ys, strict=True):
        coverage = float(np.nan_to_num(row["coverage"]))
        parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(2 + 4 * coverage ** 0.5)}" '
                     f'fill="{POINT_COLOUR}" fill-opacity="{_n(0.35 + 0.65 * coverage)}">'
                     f'<title>{escape(row["clip"])}: {row["value"]:.3g} '
                     f'(coverage {coverage:.0%})</title></circle>')
    for _, row in rows[rows["role"] == "marked"].iterrows():
        x = float(scale(row["age_months"], x_domain, LAYOUT.x_pixels))
        y = float(scale(row["value"], y_domain, LAYOUT.y_pixels))
        parts.append(f'<path d="M{_n(x - 4)},{_n(y - 4)} L{_n(x + 4)},{_n(y + 4)} '
                     f'M{_n(x - 4)},{_n(y + 4)} L{_n(x + 4)},{_n(y - 4)}" '
                     f'stroke="{MARK_COLOUR}" stroke-width="1.6"/>')
    for index, row in rows[rows["role"] == "gap"].iterrows():
        x = float(scale(row["age_months"], x_domain, LAYOUT.x_pixels))
        y = bottom + 8
        parts.append(f'<path d="M{_n(x)},{_n(y - 5)} L{_n(x - 4)},{_n(y + 2)} '
                     f'L{_n(x + 4)},{_n(y + 2)} Z" fill="none" stroke="{GAP_COLOUR}"/>')
        if index in gap_numbers:
            parts.append(f'<text x="{_n(x)}" y="{_n(y + 12)}" text-anchor="middle" '
                         f'fill="{GAP_COLOUR}">{gap_numbers[index]}</text>')
    if points.empty and rows[rows["role"] == "marked"].empty:
        parts.append(f'<text x="{_n((left + right) / 2)}" y="{_n((top + bottom) / 2)}" '
                     f'text-anchor="middle" fill="{GAP_COLOUR}">not measured in any '
                     'session</text>')
    parts += [f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" '
              f'height="{_n(bottom - top)}" fill="none" stroke="{GAP_COLOUR}"/>',
              f'<text x="{_n(left)}" y="16" font-weight="600">{escape(title)}</text>',
              f'<text x="{_n((left + right) / 2)}" y="{_n(LAYOUT.height - 6)}" '
              f'text-anchor="middle" fill="{GAP_COLOUR}">age (months; corrected until 24 '
              'months)</text>',
              f'<text x="12" y="{_n((top + bottom) / 2)}" text-anchor="middle" '
              f'fill="{GAP_COLOUR}" transform="rotate(-90 12 {_n((top + bottom) / 2)})">'
              f'{escape(unit)}</text>', "</svg>"]
    return "\n".join(parts)
