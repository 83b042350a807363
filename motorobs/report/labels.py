"""Plain-language wording for the reports: metric and event names, values, statuses."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: importing motorobs.metrics loads every metric (about 1 s)
    from motorobs.metrics.base import Event, MetricValue
    from motorobs.report.record import EventRecord

_PHRASES: dict[tuple[str, ...], str] = {
    ("bu", "per", "s"): "(shoulder widths per second)",
    ("bu",): "(shoulder widths)",
    ("rms",): "RMS",
    ("per", "min"): "per minute",
    ("per", "s"): "per second",
    ("pct",): "(%)",
    ("deg",): "(degrees)",
    ("s",): "(s)",
    ("n",): "number of",
    ("max",): "maximum",
    ("avg",): "average",
}
"""Tokens of metric and event names and their plain words (longest match first)."""

UNIT_TEXT = {
    "BU": "shoulder widths",
    "BU/s": "shoulder widths per second",
    "body units": "shoulder widths",
    "deg": "degrees",
}
"""Units as a therapist reads them: a body unit (BU) is the infant's shoulder width."""


def unit_text(unit: str) -> str:
    """Plain words for a unit (``"BU"`` -> ``"shoulder widths"``); others unchanged."""
    return UNIT_TEXT.get(unit, unit)


STATUS_TEXT = {
    "ok": "measured",
    "insufficient_data": "not enough usable video",
    "not_applicable": "does not apply to this clip",
}


def humanize(name: str) -> str:
    """``"midline_crossings_per_min"`` -> ``"Midline crossings per minute"``."""
    tokens = name.split("_")
    longest = max(len(k) for k in _PHRASES)
    words, i = [], 0
    while i < len(tokens):
        for size in range(longest, 0, -1):
            phrase = _PHRASES.get(tuple(tokens[i:i + size]))
            if phrase is not None:
                words.append(phrase)
                i += size
                break
        else:
            words.append(tokens[i])
            i += 1
    text = " ".join(w for w in words if w)
    return text[:1].upper() + text[1:]


def side_text(side: str | None) -> str:
    """``"left"`` -> ``"infant's left"``; empty for no side."""
    return f"infant's {side}" if side else ""


def metric_label(metric: MetricValue) -> str:
    """Human name of a metric, with the side: ``"Reaches per minute (infant's left)"``."""
    return metric_name_label(metric.name, metric.side)


def metric_name_label(name: str, side: str | None) -> str:
    """Human name of a metric from its name and side (see :func:`metric_label`)."""
    label = humanize(name)
    return f"{label} ({side_text(side)})" if side else label


def event_label(event: Event | EventRecord) -> str:
    """Human name of an event: ``"Midline crossing (infant's right hand)"``."""
    label = humanize(event.type)
    return f"{label} ({side_text(event.side)} hand)" if event.side else label


def format_number(value: float | None) -> str:
    """A value with 3 significant digits (whole numbers from 1000 up), ``"–"`` if missing."""
    if value is None or not math.isfinite(value):
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def format_value(metric: MetricValue) -> str:
    """``"3.25 per min"`` for an ok metric; empty text otherwise (never a number)."""
    return format_metric_value(metric.value, metric.unit, metric.status)


def format_metric_value(value: float | None, unit: str, status: str) -> str:
    """What :func:`format_value` shows, from the fields of a metric (as in ``metrics.json``)."""
    if status != "ok" or value is None:
        return ""
    if unit == "verdict":
        return "scorable" if value else "not scorable"
    shown_unit = f" {unit_text(unit)}" if unit and unit not in ("1", "count") else ""
    return f"{format_number(float(value))}{shown_unit}"


def clip_time(seconds: float) -> str:
    """A moment of the clip as minutes, seconds and tenths: ``2.13`` -> ``"0:02.1"``."""
    tenths = int(round(max(0.0, seconds) * 10))
    minutes, tenths = divmod(tenths, 600)
    return f"{minutes}:{tenths // 10:02d}.{tenths % 10}"


def format_percent(share: float | None) -> str:
    """Share 0..1 as ``"87 %"``."""
    if share is None or not math.isfinite(share):
        return "–"
    return f"{100 * share:.0f} %"
