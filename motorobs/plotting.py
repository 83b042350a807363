"""A clip's signals with its events, drawn with matplotlib (for notebooks).

:func:`plot_signals` draws the same charts as the report (:mod:`motorobs.report.plots`):
one panel per trace, the signal against time (s), the events of the trace's types shaded in
the colour of the infant's side (Okabe-Ito orange = left, blue = right), its thresholds as
dashed lines. It takes a :class:`~motorobs.result.ClipResult` or a clip's results folder
(``report.json`` and ``traces.parquet``; no video, no MediaPipe).

matplotlib is optional: ``pip install "motorobs[notebooks]"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from motorobs.report.labels import unit_text
from motorobs.report.plots import event_band, events_for_trace

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from motorobs.report.record import TraceInfo
    from motorobs.report.store import TraceTable
    from motorobs.result import ClipResult

PANEL_HEIGHT_IN = 2.2
"""Height of one trace's panel (inches)."""


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError('plot_signals draws with matplotlib, which is not installed: '
                          'pip install "motorobs[notebooks]"') from exc
    return plt


def clip_traces(source: ClipResult | str | Path
                ) -> tuple[tuple[TraceInfo, ...], TraceTable, tuple[Any, ...]]:
    """The traces (what each is), their values and the events of ``source``: a
    :class:`~motorobs.result.ClipResult`, or a clip's results folder.

    Raises
    ------
    motorobs.report.StoredReportError
        A folder whose ``report.json`` or ``traces.parquet`` is missing or unreadable.
    """
    from motorobs.result import ClipResult

    if isinstance(source, ClipResult):
        from motorobs.report.collect import trace_table

        infos, table, _notes = trace_table(source)
        return infos, table, tuple(source.events)
    from motorobs.report.store import read_clip_report, read_traces

    report = read_clip_report(Path(source))
    return report.traces, read_traces(Path(source), report), report.events


def plot_signals(
    source: ClipResult | str | Path,
    traces: Sequence[str] | None = None,
    *,
    events: bool = True,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Plot a clip's signals with its events.

    Parameters
    ----------
    source
        A :class:`~motorobs.result.ClipResult`, or a clip's results folder.
    traces
        Names of the traces to draw, in this order (e.g. ``"lateral_offset_right"``);
        ``None`` draws every trace. The names are the ``name`` of ``result.traces`` (and of
        ``report.json``'s ``traces``).
    events
        Shade the events of each trace's types.
    figsize
        Figure size (inches); default 10 wide, :data:`PANEL_HEIGHT_IN` per panel.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per trace, sharing the time axis (s); each axes' first line is the signal
        (NaN where not seen), each shaded span an event.

    Raises
    ------
    ValueError
        A name in ``traces`` that the clip has not, or a clip without traces (lists the
        names).
    ImportError
        matplotlib is not installed.
    """
    infos, table, clip_events = clip_traces(source)
    by_name = {info.name: info for info in infos}
    wanted = list(by_name) if traces is None else list(traces)
    unknown = [name for name in wanted if name not in by_name]
    if unknown or not wanted:
        raise ValueError(f"no trace {', '.join(map(repr, unknown)) or 'at all'} in this clip; "
                         f"its traces: {', '.join(by_name) or 'none'}.")
    plt = _pyplot()
    fig, axes = plt.subplots(len(wanted), 1, sharex=True, squeeze=False,
                             figsize=figsize or (10.0, PANEL_HEIGHT_IN * len(wanted)),
                             layout="constrained")
    for ax, name in zip(axes[:, 0], wanted, strict=True):
        info = by_name[name]
        ax.plot(table.time_s, np.asarray(table.columns[info.column], float), color="black",
                lw=1.2, label=info.label)
        for level in info.reference_lines:
            ax.axhline(level, color="grey", ls="--", lw=0.8)
        shown: set[str] = set()
        for event in events_for_trace(info, clip_events) if events else ():
            band = event_band(event)
            ax.axvspan(band.start, band.end, color=band.colour, alpha=0.25,
                       label=None if band.label in shown else band.label)
            shown.add(band.label)
        ax.set_title(info.label, loc="left", fontsize="medium")
        ax.set_ylabel(unit_text(info.unit))
        if shown:
            ax.legend(loc="upper right", fontsize="small")
    axes[-1, 0].set_xlabel("time (s)")
    return fig
