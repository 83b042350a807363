"""Plots of the signals behind the metrics (matplotlib, Agg backend, no global state).

Each :class:`~motorobs.metrics.base.Trace` becomes one figure: the signal against time
(seconds), its events shaded, its thresholds drawn as dashed lines.
"""

from __future__ import annotations

import base64
import io

import cv2
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from motorobs.metrics.base import Event, Trace
from motorobs.report.labels import humanize, unit_text

SIDE_COLOURS = {"left": "#ff8c00", "right": "#1e90ff", None: "#7f7f7f"}
"""Shading per event side; the same orange/blue as the skeleton overlay."""


def trace_side(trace: Trace) -> str | None:
    """The infant's side a trace is about: from a name ending in ``_left``/``_right``, else
    from the label naming exactly one side; ``None`` for both or neither."""
    for side in ("left", "right"):
        if trace.name.endswith(f"_{side}"):
            return side
    words = trace.label.lower().replace("_", " ").split()
    sides = [s for s in ("left", "right") if s in words]
    return sides[0] if len(sides) == 1 else None


def events_for_trace(trace: Trace, events: list[Event]) -> list[Event]:
    """Events shaded on a trace's plot: types in ``trace.event_types`` and, for a one-sided
    trace, of that side (or of no side)."""
    side = trace_side(trace)
    return [
        e for e in events
        if e.type in trace.event_types and (side is None or e.side in (side, None))
    ]


def trace_figure(trace: Trace, time_s: np.ndarray, events: list[Event]) -> Figure:
    """Figure of one trace.

    Parameters
    ----------
    trace
        The signal; ``values`` aligned with ``time_s``.
    time_s
        (T,) time of each value (s).
    events
        All events of the clip; those matching the trace are shaded (see
        :func:`events_for_trace`).

    Raises
    ------
    ValueError
        If ``time_s`` and ``trace.values`` differ in length.
    """
    values = np.asarray(trace.values, float)
    time_s = np.asarray(time_s, float)
    if values.shape != time_s.shape:
        raise ValueError(f"Trace {trace.name}: {values.shape[0]} values but {time_s.shape[0]} "
                         "times; a trace must be aligned with the analysis time base.")
    figure = Figure(figsize=(8, 2.6), dpi=96, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    shaded = events_for_trace(trace, events)
    legend: dict[str, Patch] = {}
    for event in shaded:
        colour = SIDE_COLOURS.get(event.side, SIDE_COLOURS[None])
        axes.axvspan(event.start_s, event.end_s, color=colour, alpha=0.18, linewidth=0)
        name = humanize(event.type) + (f" (infant's {event.side})" if event.side else "")
        legend.setdefault(name, Patch(color=colour, alpha=0.3, label=name))
    axes.plot(time_s, values, color="#222222", linewidth=1.2)
    for level in trace.reference_lines:
        axes.axhline(level, color="#555555", linestyle="--", linewidth=1)
    axes.set_xlabel("time (s)")
    axes.set_ylabel(unit_text(trace.unit))
    axes.set_title(trace.label, loc="left", fontsize=10)
    if len(time_s):
        axes.set_xlim(float(np.nanmin(time_s)), float(np.nanmax(time_s)))
    axes.grid(alpha=0.3)
    if legend:
        axes.legend(handles=list(legend.values()), loc="best", fontsize=8)
    return figure


def figure_data_uri(figure: Figure) -> str:
    """The figure as an embeddable ``data:image/png;base64,...`` URI."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return png_data_uri(buffer.getvalue())


def png_data_uri(png: bytes) -> str:
    """PNG bytes as a ``data:`` URI."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def image_data_uri(rgb: np.ndarray) -> str:
    """An (H, W, 3) uint8 RGB image as a PNG ``data:`` URI."""
    ok, png = cv2.imencode(".png", np.ascontiguousarray(rgb[:, :, ::-1]))
    if not ok:
        raise ValueError("Could not encode a key frame as PNG.")
    return png_data_uri(png.tobytes())
