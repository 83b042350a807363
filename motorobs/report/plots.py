"""Plots of the signals behind the metrics, as inline SVG (:mod:`motorobs.report.svg`).

Each trace becomes one chart: the signal against time (seconds), the events of its types
shaded in the colour of the infant's side, its thresholds drawn as dashed lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from motorobs.report.labels import humanize, unit_text
from motorobs.report.svg import Band, line_chart

if TYPE_CHECKING:  # types only: importing motorobs.metrics loads every metric (about 1 s)
    from motorobs.metrics.base import Event, Trace
    from motorobs.report.record import EventRecord, TraceInfo

SIDE_COLOURS = {"left": "#E69F00", "right": "#0072B2", None: "#7f7f7f"}
"""Shading per event side: the Okabe-Ito orange (infant's left) and blue (right) of the
timeline, safe for colour-blind readers; the skeleton overlay uses the same hues."""


def trace_side(trace: Trace | TraceInfo) -> str | None:
    """The infant's side a trace is about: from a name ending in ``_left``/``_right``, else
    from the label naming exactly one side; ``None`` for both or neither."""
    for side in ("left", "right"):
        if trace.name.endswith(f"_{side}"):
            return side
    words = trace.label.lower().replace("_", " ").split()
    sides = [s for s in ("left", "right") if s in words]
    return sides[0] if len(sides) == 1 else None


def events_for_trace(
    trace: Trace | TraceInfo, events: Sequence[Event | EventRecord]
) -> list[Event | EventRecord]:
    """Events shaded on a trace's plot: types in ``trace.event_types`` and, for a one-sided
    trace, of that side (or of no side)."""
    side = trace_side(trace)
    return [
        e for e in events
        if e.type in trace.event_types and (side is None or e.side in (side, None))
    ]


def event_band(event: Event | EventRecord) -> Band:
    """The shaded band of one event: its interval, its side's colour, its name."""
    name = humanize(event.type) + (f" (infant's {event.side})" if event.side else "")
    return Band(event.start_s, event.end_s, SIDE_COLOURS.get(event.side, SIDE_COLOURS[None]),
                name, f"{name}, {event.start_s:.2f}–{event.end_s:.2f} s")


def trace_chart(
    trace: Trace | TraceInfo,
    time_s: np.ndarray,
    values: np.ndarray,
    events: Sequence[Event | EventRecord],
    chart_id: str = "chart",
) -> str:
    """SVG chart of one trace.

    Parameters
    ----------
    trace
        What the signal is (name, label, unit, event types, reference lines).
    time_s
        (T,) time of each value (s).
    values
        (T,) the signal, NaN where not seen.
    events
        All events of the clip; those matching the trace are shaded (see
        :func:`events_for_trace`).
    chart_id
        Prefix of the chart's element ids, unique within the page.

    Raises
    ------
    ValueError
        If ``time_s`` and ``values`` differ in length.
    """
    values, time_s = np.asarray(values, float), np.asarray(time_s, float)
    if values.shape != time_s.shape:
        raise ValueError(f"Trace {trace.name}: {values.size} values but {time_s.size} "
                         "times; a trace must be aligned with the analysis time base.")
    return line_chart(
        time_s, values, title=trace.label, x_label="time (s)", y_label=unit_text(trace.unit),
        bands=[event_band(e) for e in events_for_trace(trace, events)],
        reference_lines=tuple(trace.reference_lines), chart_id=chart_id,
    )
