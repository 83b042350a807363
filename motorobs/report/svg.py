"""Small inline SVG line charts for the reports, drawn without a plotting library.

A chart is a box of :class:`ChartLayout` pixels (SVG user units) whose plot area is inset by
margins. Data x (time, s) maps linearly from the plot area's left edge to its right edge, data
y from its bottom edge to its top edge. Points that are not finite break the line; shaded
bands span x intervals over the plot area's full height; reference lines are dashed. All text
placed in the SVG is XML-escaped, so the chart can be inserted into HTML as it is (inline
SVG in HTML needs no namespace declaration, and none is written: the report names no URL).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

LINE_COLOUR = "#222222"
REFERENCE_COLOUR = "#555555"
GRID_COLOUR = "#e5e7eb"
AXIS_COLOUR = "#57606a"
BAND_OPACITY = 0.18
"""Opacity of shaded bands (0..1)."""
FONT_PX = 11
CHAR_WIDTH_PX = 6.2
"""Rough width of one character at :data:`FONT_PX` (px), to lay out the legend."""
LEGEND_ROW_PX = 18
"""Height added to the chart per row of legend entries (px)."""
Y_PADDING_SHARE = 0.05
"""The y range covers the data and reference lines plus this share of their span on each
side."""
DECIMALS = 1
"""Pixel coordinates are written with this many decimals."""
MAX_TICKS = 6


@dataclass(frozen=True)
class ChartLayout:
    """Size of a chart and margins around its plot area (px)."""

    width: float = 760.0
    height: float = 220.0
    left: float = 64.0
    right: float = 16.0
    top: float = 28.0
    bottom: float = 40.0

    @property
    def x_pixels(self) -> tuple[float, float]:
        """Left and right edge of the plot area (px)."""
        return self.left, self.width - self.right

    @property
    def y_pixels(self) -> tuple[float, float]:
        """Bottom and top edge of the plot area (px; y grows downwards)."""
        return self.height - self.bottom, self.top


@dataclass(frozen=True)
class Band:
    """A shaded interval ``start``..``end`` of x (data units) and what it marks."""

    start: float
    end: float
    colour: str
    label: str
    """Legend entry; bands with the same label share one entry."""
    title: str = ""
    """Tooltip of the band (defaults to the label)."""


def x_range(x: np.ndarray) -> tuple[float, float]:
    """``(lo, hi)`` of the finite values of ``x``: exactly their extent; one value ``v``:
    ``(v - 0.5, v + 0.5)``; none: ``(0, 1)``."""
    finite = np.asarray(x, float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)


def y_range(y: np.ndarray, extra: Sequence[float] = ()) -> tuple[float, float]:
    """``(lo, hi)`` covering the finite values of ``y`` and ``extra``, padded on each side by
    :data:`Y_PADDING_SHARE` of their span; a single value ``v``: ``(v - 1, v + 1)``;
    nothing finite: ``(0, 1)``."""
    values = np.concatenate([np.asarray(y, float).ravel(), np.asarray(extra, float).ravel()])
    values = values[np.isfinite(values)]
    if not values.size:
        return 0.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        return lo - 1.0, hi + 1.0
    pad = Y_PADDING_SHARE * (hi - lo)
    return lo - pad, hi + pad


def scale(
    values: np.ndarray | float, domain: tuple[float, float], pixels: tuple[float, float]
) -> np.ndarray:
    """Map ``values`` linearly from ``domain`` (data units) to ``pixels``: ``domain[0]`` to
    ``pixels[0]``, ``domain[1]`` to ``pixels[1]``. NaN stays NaN."""
    (d0, d1), (p0, p1) = domain, pixels
    return p0 + (np.asarray(values, float) - d0) * (p1 - p0) / (d1 - d0)


def decimate(x_px: np.ndarray, y_px: np.ndarray, px_per_point: float = 0.5) -> np.ndarray:
    """Indices of the points worth drawing when there are more than one per
    ``px_per_point`` pixels of x: in each pixel column the lowest and the highest point, and
    a missing one if any (so the line still breaks there); all indices otherwise.

    The drawn line then looks the same (a column shows its whole range) while the number of
    points is bounded by the chart's width, not the clip's length.
    """
    x_px, y_px = np.asarray(x_px, float), np.asarray(y_px, float)
    finite_x = x_px[np.isfinite(x_px)]
    if not finite_x.size or x_px.size <= (np.ptp(finite_x) + 1) / px_per_point:
        return np.arange(x_px.size)
    column = np.floor(np.where(np.isfinite(x_px), x_px, -1)).astype(np.int64)
    keep = []
    for value in np.unique(column):
        members = np.flatnonzero(column == value)
        ys = y_px[members]
        seen = np.isfinite(ys)
        if seen.any():
            keep += [members[seen][np.argmin(ys[seen])], members[seen][np.argmax(ys[seen])]]
        if not seen.all():
            keep.append(members[~seen][0])
    return np.unique(np.asarray(keep, np.int64))


def line_runs(x_px: np.ndarray, y_px: np.ndarray) -> list[np.ndarray]:
    """The stretches of consecutive finite points, each an (N, 2) array of pixels: a point
    that is not finite ends one stretch, the next finite point starts another."""
    xy = np.column_stack([np.asarray(x_px, float), np.asarray(y_px, float)])
    finite = np.isfinite(xy).all(axis=1)
    runs, start = [], None
    for i, ok in enumerate(finite):
        if ok and start is None:
            start = i
        elif not ok and start is not None:
            runs.append(xy[start:i])
            start = None
    if start is not None:
        runs.append(xy[start:])
    return runs


def _number(value: float) -> str:
    text = f"{value:.{DECIMALS}f}"
    return "0" if float(text) == 0 else text.rstrip("0").rstrip(".")


def path_data(runs: list[np.ndarray]) -> str:
    """SVG path data drawing each run of two or more points as its own sub-path
    (``M x,y L x,y ...``)."""
    parts = []
    for run in runs:
        if len(run) < 2:
            continue
        points = [f"{_number(x)},{_number(y)}" for x, y in run]
        parts.append("M" + points[0] + " L" + " ".join(points[1:]))
    return " ".join(parts)


def nice_step(span: float, max_ticks: int = MAX_TICKS) -> float:
    """The smallest of 1, 2 or 5 times a power of ten that divides ``span`` into at most
    ``max_ticks - 1`` steps."""
    if not (math.isfinite(span) and span > 0):
        return 1.0
    raw = span / max(1, max_ticks - 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for multiple in (1.0, 2.0, 5.0, 10.0):
        if multiple * magnitude >= raw * (1 - 1e-9):
            return multiple * magnitude
    return 10.0 * magnitude


def ticks(lo: float, hi: float, max_ticks: int = MAX_TICKS) -> tuple[list[float], float]:
    """Tick values (whole multiples of :func:`nice_step` within ``lo``..``hi``) and the step."""
    step = nice_step(hi - lo, max_ticks)
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [k * step for k in range(first, last + 1)], step


def tick_text(value: float, step: float) -> str:
    """A tick label with as many decimals as ``step`` needs; a real minus sign; never
    ``-0``."""
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", "\N{MINUS SIGN}")


def _legend_rows(bands: Sequence[Band], width: float) -> list[list[tuple[float, Band]]]:
    """Legend entries (one per band label) laid out in rows: ``(x offset, band)``."""
    rows: list[list[tuple[float, Band]]] = []
    seen: set[str] = set()
    x = width
    for band in bands:
        if band.label in seen:
            continue
        seen.add(band.label)
        entry = 16 + CHAR_WIDTH_PX * len(band.label) + 14
        if not rows or x + entry > width:
            rows.append([])
            x = 0.0
        rows[-1].append((x, band))
        x += entry
    return rows


def _text(x: float, y: float, text: str, **attributes: str) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attributes.items())
    return f'<text x="{_number(x)}" y="{_number(y)}"{extra}>{escape(text)}</text>'


def line_chart(
    x: np.ndarray,
    y: np.ndarray,
    *,
    title: str,
    x_label: str,
    y_label: str,
    bands: Sequence[Band] = (),
    reference_lines: Sequence[float] = (),
    chart_id: str = "chart",
    layout: ChartLayout | None = None,
) -> str:
    """One line chart as SVG markup.

    Parameters
    ----------
    x, y
        (N,) coordinates in data units; a point where either is not finite breaks the line.
    title
        Shown above the plot and, with a description, as the chart's accessible name.
    x_label, y_label
        Axis labels (with units).
    bands
        Shaded x intervals, clipped to the x range.
    reference_lines
        y values drawn as dashed horizontal lines (always inside the y range).
    chart_id
        Prefix of the element ids (unique within the page).
    layout
        Size and margins; the chart grows by :data:`LEGEND_ROW_PX` per legend row.

    Raises
    ------
    ValueError
        If ``x`` and ``y`` differ in shape.
    """
    layout = layout or ChartLayout()
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape:
        raise ValueError(f"Chart {title!r}: {x.size} x values but {y.size} y values.")
    x_domain, y_domain = x_range(x), y_range(y, reference_lines)
    (left, right), (bottom, top) = layout.x_pixels, layout.y_pixels
    legend = _legend_rows(bands, right - left)
    height = layout.height + LEGEND_ROW_PX * len(legend)
    ident = escape(chart_id)
    description = (f"{y_label} against {x_label}, from {x_domain[0]:.2f} to {x_domain[1]:.2f}"
                   f"; {len(bands)} shaded interval(s)")
    if reference_lines:
        description += "; dashed lines at " + ", ".join(f"{v:g}" for v in reference_lines)
    parts = [
        f'<svg class="chart" role="img" '
        f'viewBox="0 0 {_number(layout.width)} {_number(height)}" '
        f'width="{_number(layout.width)}" height="{_number(height)}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-size="{FONT_PX}" '
        f'font-family="system-ui, sans-serif">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
    ]
    x_ticks, x_step = ticks(*x_domain)
    for value in x_ticks:
        px = _number(float(scale(value, x_domain, layout.x_pixels)))
        parts.append(f'<line class="grid" x1="{px}" y1="{_number(top)}" x2="{px}" '
                     f'y2="{_number(bottom)}" stroke="{GRID_COLOUR}"/>')
        parts.append(_text(float(px), bottom + 14, tick_text(value, x_step),
                           text_anchor="middle", fill=AXIS_COLOUR))
    y_ticks, y_step = ticks(*y_domain)
    for value in y_ticks:
        py = _number(float(scale(value, y_domain, layout.y_pixels)))
        parts.append(f'<line class="grid" x1="{_number(left)}" y1="{py}" x2="{_number(right)}" '
                     f'y2="{py}" stroke="{GRID_COLOUR}"/>')
        parts.append(_text(left - 6, float(py) + 4, tick_text(value, y_step),
                           text_anchor="end", fill=AXIS_COLOUR))
    for band in bands:
        lo, hi = max(band.start, x_domain[0]), min(band.end, x_domain[1])
        if hi < lo:
            continue
        x0, x1 = scale(np.array([lo, hi]), x_domain, layout.x_pixels)
        parts.append(
            f'<rect class="band" x="{_number(x0)}" y="{_number(top)}" '
            f'width="{_number(max(x1 - x0, 1.0))}" height="{_number(bottom - top)}" '
            f'fill="{escape(band.colour)}" fill-opacity="{BAND_OPACITY}">'
            f"<title>{escape(band.title or band.label)}</title></rect>")
    for level in reference_lines:
        py = _number(float(scale(level, y_domain, layout.y_pixels)))
        parts.append(f'<line class="reference" x1="{_number(left)}" y1="{py}" '
                     f'x2="{_number(right)}" y2="{py}" stroke="{REFERENCE_COLOUR}" '
                     'stroke-dasharray="5 4"/>')
    x_px, y_px = scale(x, x_domain, layout.x_pixels), scale(y, y_domain, layout.y_pixels)
    kept = decimate(x_px, y_px)
    runs = line_runs(x_px[kept], y_px[kept])
    if any(len(run) > 1 for run in runs):
        parts.append(f'<path class="signal" d="{path_data(runs)}" fill="none" '
                     f'stroke="{LINE_COLOUR}" stroke-width="1.2" stroke-linejoin="round"/>')
    for run in runs:
        if len(run) == 1:  # a sample alone between gaps: a dot, not an invisible line
            parts.append(f'<circle class="signal" cx="{_number(run[0, 0])}" '
                         f'cy="{_number(run[0, 1])}" r="1.5" fill="{LINE_COLOUR}"/>')
    if not runs:
        parts.append(_text((left + right) / 2, (top + bottom) / 2, "not seen in this clip",
                           text_anchor="middle", fill=AXIS_COLOUR))
    parts.append(f'<rect x="{_number(left)}" y="{_number(top)}" width="{_number(right - left)}" '
                 f'height="{_number(bottom - top)}" fill="none" stroke="{AXIS_COLOUR}"/>')
    parts.append(_text(left, 16, title, font_weight="600", fill=LINE_COLOUR))
    parts.append(_text((left + right) / 2, bottom + 30, x_label, text_anchor="middle",
                       fill=AXIS_COLOUR))
    y_middle = _number((top + bottom) / 2)
    parts.append(_text(14, float(y_middle), y_label, text_anchor="middle", fill=AXIS_COLOUR,
                       transform=f"rotate(-90 14 {y_middle})"))
    for row_number, row in enumerate(legend):
        y_row = layout.height + LEGEND_ROW_PX * row_number + 6
        for offset, band in row:
            parts.append(f'<rect x="{_number(left + offset)}" y="{_number(y_row)}" width="12" '
                         f'height="10" fill="{escape(band.colour)}" fill-opacity="0.35"/>')
            parts.append(_text(left + offset + 16, y_row + 9, band.label, fill=LINE_COLOUR))
    parts.append("</svg>")
    return "\n".join(parts)
