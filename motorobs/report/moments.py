"""The moment that shows an event best, and the caption of its key frame.

A midline crossing is shown at the hand's furthest point across the midline, a reach at its
peak speed (on the way out), a head lift at its highest, hand to mouth at the hand's
closest, a grasp at the hand's most closed; other events at their middle. The moment is
found on the event's own trace (the signal behind it, see :mod:`motorobs.metrics`), within
the event. Pure functions of numbers: nothing is read, nothing heavy imported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

import numpy as np

from motorobs.report.labels import format_number

if TYPE_CHECKING:
    from motorobs.report.record import EventRecord
    from motorobs.report.summary import Finding


@dataclass(frozen=True)
class MomentRule:
    """Where the best moment of one event type is found."""

    trace: str
    """Name of the trace, ``{side}`` replaced by the event's side."""
    pick: str
    """``"max"`` or ``"min"`` of the trace; ``"away"``: furthest from the hand's own side
    (the lowest value for the left hand, whose own side is +, the highest for the right)."""
    until: str | None = None
    """A detail of the event (s) that ends the search early (``arrival_s``: the outward
    part of a reach)."""


MOMENT_RULES: dict[str, MomentRule] = {
    "midline_crossing": MomentRule("hand_lateral_{side}", "away"),
    "reach": MomentRule("hand_speed_{side}", "max", until="arrival_s"),
    "head_lift": MomentRule("head_lift_angle", "max"),
    "hand_to_mouth": MomentRule("hand_to_mouth_{side}", "min"),
    "grasp": MomentRule("hand_aperture_{side}", "min"),
}
"""Event type -> how its moment is found; other types are shown at their middle."""


def _number(details: Mapping[str, Any], key: str) -> float | None:
    value = details.get(key)
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if np.isfinite(value) else None


def event_moment(
    event_type: str,
    side: str | None,
    start_s: float,
    end_s: float,
    details: Mapping[str, Any],
    time_s: np.ndarray,
    traces: Mapping[str, np.ndarray],
) -> float:
    """The time (s) that shows an event best (see the module docstring).

    Parameters
    ----------
    event_type, side, start_s, end_s, details
        The event (times in s).
    time_s
        (T,) the clip's time base (s).
    traces
        Trace name -> (T,) values on that time base (NaN where not seen).

    Returns
    -------
    float
        The time of the analysed frame at the trace's extreme within the event; the middle
        of the event when the type has no rule, its trace is missing or it saw nothing there.
    """
    middle = (float(start_s) + float(end_s)) / 2
    rule = MOMENT_RULES.get(event_type)
    if rule is None:
        return middle
    values = traces.get(rule.trace.format(side=side or ""))
    time_s = np.asarray(time_s, float)
    if values is None or np.shape(values) != time_s.shape:
        return middle
    end = float(end_s)
    if rule.until is not None:
        until = _number(details, rule.until)
        if until is not None and start_s <= until <= end:
            end = until
    inside = (time_s >= start_s - 1e-9) & (time_s <= end + 1e-9)
    values = np.where(inside, np.asarray(values, float), np.nan)
    if not np.isfinite(values).any():
        return middle
    pick = rule.pick
    if pick == "away":
        pick = "min" if side == "left" else "max"
    index = np.nanargmax(values) if pick == "max" else np.nanargmin(values)
    return float(time_s[index])


def _side_hand(side: str | None) -> str:
    return f"{side.capitalize()} hand" if side else "Hand"


def event_caption(event_type: str, side: str | None, details: Mapping[str, Any]) -> str:
    """What a key frame at an event's moment shows, in plain words (with the number when
    the event carries one), e.g. ``"Right hand at its furthest across the midline (0.57
    shoulder widths)"``."""
    hand = _side_hand(side)
    if event_type == "midline_crossing":
        depth = _number(details, "max_contralateral_bu")
        extra = f" ({format_number(depth)} shoulder widths)" if depth is not None else ""
        return f"{hand} at its furthest across the midline{extra}"
    if event_type == "reach":
        speed = _number(details, "peak_speed_bu_per_s")
        extra = f" ({format_number(speed)} shoulder widths per second)" if speed else ""
        return f"{hand} reaching, at its peak speed{extra}"
    if event_type == "head_lift":
        angle = _number(details, "max_angle_deg")
        extra = f" ({angle:.0f} degrees)" if angle is not None else ""
        return f"Head lift at its highest{extra}"
    if event_type == "hand_to_mouth":
        return f"{hand} at the mouth"
    if event_type == "grasp":
        return f"{hand} closed (grasp)"
    if event_type == "hands_together":
        return "Hands together at the midline"
    if event_type == "roll":
        moves = " to ".join(str(details[k]) for k in ("from", "to") if details.get(k))
        return f"Rolling{' from ' + moves if moves else ''}"
    if event_type == "sitting_loss":
        return "Losing sitting balance"
    label = event_type.replace("_", " ")
    return f"{label[:1].upper()}{label[1:]}" + (f" ({side})" if side else "")


@dataclass(frozen=True)
class KeyFrameRequest:
    """A moment wanted as a key frame: the frame nearest ``target_s`` within ``start_s`` ..
    ``end_s`` (s) where the infant's face can be blurred."""

    target_s: float
    start_s: float
    end_s: float
    caption: str


def event_request(event: EventRecord) -> KeyFrameRequest:
    """The key frame of one event: at its moment, within the event, with its caption."""
    return KeyFrameRequest(event.moment, event.start_s, event.end_s,
                           event_caption(event.type, event.side, event.details))


def _types_interleaved(events: Iterable[EventRecord]) -> list[EventRecord]:
    """Events ordered so that each type comes once before any type comes twice."""
    by_type: dict[str, list[EventRecord]] = {}
    for event in sorted(events, key=lambda e: (e.start_s, e.type, e.side or "")):
        by_type.setdefault(event.type, []).append(event)
    return [e for group in zip_longest(*by_type.values()) for e in group if e is not None]


def key_frame_requests(
    findings: Sequence[Finding], events: Sequence[EventRecord]
) -> list[KeyFrameRequest]:
    """The key frames wanted, best first: the moment of each summary finding that has one
    (a crossing at its furthest point, a reach at its peak speed, ...), then every other
    event at its moment, event types interleaved."""
    chosen: list[EventRecord] = []
    for finding in findings:
        if finding.moment_s is None:
            continue
        match = [e for e in events if e.type == finding.event_type
                 and e.side == finding.side and abs(e.moment - finding.moment_s) < 1e-6]
        if match and match[0] not in chosen:
            chosen.append(match[0])
    chosen += [e for e in _types_interleaved(events) if e not in chosen]
    return [event_request(e) for e in chosen]
