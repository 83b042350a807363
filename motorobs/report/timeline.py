"""One timeline of the clip, as inline SVG: the posture band, one lane per event type and
side, and the key frames, on one time axis.

Each event is a bar from its start to its end, with a tick at its moment (the furthest
point of a crossing, the peak speed of a reach: :mod:`motorobs.report.moments`); an event
with a key frame is a link to it (``#kf-N``), so clicking it shows its frame, also in a
browser that runs no script. Colours are the Okabe-Ito palette, safe for colour-blind
readers, and never carry meaning alone: every lane and posture is named in words.
Pure: builds markup from stored records; all text is XML-escaped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from motorobs.report.labels import clip_time
from motorobs.report.moments import event_caption
from motorobs.report.record import EventRecord, KeyFrameRecord, PostureSegment
from motorobs.report.svg import nice_step

SIDE_COLOURS = {"left": "#E69F00", "right": "#0072B2", None: "#8C959F"}
"""Okabe-Ito orange (infant's left) and blue (infant's right), mid grey for no side (the
dark moment tick stays visible on each)."""
POSTURE_COLOURS = {
    "supine": "#56B4E9",
    "prone": "#009E73",
    "side_lying": "#F0E442",
    "sitting": "#CC79A7",
    "unknown": "#E5E7EB",
}
POSTURE_NAMES = {
    "supine": "on the back",
    "prone": "on the tummy",
    "side_lying": "on the side",
    "sitting": "sitting",
    "unknown": "unsure",
}
EVENT_NAMES = {
    "midline_crossing": "Midline crossings",
    "reach": "Reaches",
    "hands_together": "Hands together",
    "hand_to_mouth": "Hand to mouth",
    "head_lift": "Head lifts",
    "grasp": "Grasps",
    "roll": "Rolls",
    "sitting_loss": "Sitting losses",
}
"""Event types in lane order, with their lane names."""
LANE_METRICS = {
    "midline_crossing": "midline_crossings",
    "reach": "reach_count",
    "hands_together": "hands_together_bouts",
    "hand_to_mouth": "hand_to_mouth_bouts",
    "head_lift": "head_lift_bouts",
    "grasp": "grasp_count",
    "roll": "roll_count",
    "sitting_loss": "sitting_losses",
}
"""The count metric of each event type: a lane is shown, empty, where it was measured and
found none."""


@dataclass(frozen=True)
class TimelineLayout:
    """Sizes of the timeline (px, SVG user units)."""

    width: float = 960.0
    label_width: float = 190.0
    right: float = 14.0
    top: float = 8.0
    band_height: float = 26.0
    lane_height: float = 22.0
    bar_height: float = 14.0
    axis_height: float = 26.0
    min_bar_px: float = 3.0


@dataclass(frozen=True)
class Lane:
    """One row of event bars: an event type and the infant's side (``None``: no side)."""

    event_type: str
    side: str | None
    events: tuple[EventRecord, ...]

    @property
    def label(self) -> str:
        name = EVENT_NAMES.get(self.event_type) or self.event_type.replace("_", " ").capitalize()
        return f"{name} · {self.side} hand" if self.side else name


def lanes(events: Sequence[EventRecord], metrics: Sequence[Mapping[str, Any]] = ()
          ) -> list[Lane]:
    """The timeline's lanes: each event type (in :data:`EVENT_NAMES` order, then others)
    and side that has events, or whose count metric (:data:`LANE_METRICS`) was measured for
    that side (then the lane is empty: measured, none found). Left before right."""
    measured = {(str(m.get("name")), m.get("side")) for m in metrics if m.get("status") == "ok"}
    keys: list[tuple[str, str | None]] = []
    types = list(EVENT_NAMES) + sorted({e.type for e in events} - set(EVENT_NAMES))
    for event_type in types:
        for side in ("left", "right", None):
            has_events = any(e.type == event_type and e.side == side for e in events)
            counted = (LANE_METRICS.get(event_type, ""), side) in measured
            if has_events or counted:
                keys.append((event_type, side))
    return [Lane(t, s, tuple(e for e in events if e.type == t and e.side == s))
            for t, s in keys]


def key_frame_for(event: EventRecord, key_frames: Sequence[KeyFrameRecord],
                  slack_s: float = 0.05) -> int | None:
    """Index in ``key_frames`` of the frame that shows ``event``: within the event (give or
    take ``slack_s``), nearest its moment; ``None`` if none is."""
    inside = [i for i, k in enumerate(key_frames)
              if event.start_s - slack_s <= k.time_s <= event.end_s + slack_s]
    if not inside:
        return None
    return min(inside, key=lambda i: abs(key_frames[i].time_s - event.moment))


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return "0" if float(text) == 0 else text.rstrip("0").rstrip(".")


def _time_ticks(duration: float) -> tuple[list[float], float]:
    step = nice_step(duration, 9)
    return [k * step for k in range(int(math.floor(duration / step + 1e-9)) + 1)], step


def timeline_svg(
    duration_s: float,
    segments: Sequence[PostureSegment],
    event_lanes: Sequence[Lane],
    key_frames: Sequence[KeyFrameRecord],
    *,
    layout: TimelineLayout | None = None,
    key_frame_ids: Sequence[str] | None = None,
) -> str:
    """The timeline as SVG markup.

    Parameters
    ----------
    duration_s
        Length of the clip (s); the axis runs from 0 to it (or to the last thing drawn).
    segments
        The postures over time; none: the band says the posture is not known.
    event_lanes
        From :func:`lanes`.
    key_frames
        The report's key frames, in time order; marker ``N`` links to ``#kf-N`` (1-based)
        unless ``key_frame_ids`` gives the ids.
    layout
        Sizes.
    """
    layout = layout or TimelineLayout()
    ids = list(key_frame_ids) if key_frame_ids is not None else [
        f"kf-{i + 1}" for i in range(len(key_frames))]
    ends = [duration_s or 0.0, *(s.end_s for s in segments),
            *(e.end_s for lane in event_lanes for e in lane.events),
            *(k.time_s for k in key_frames)]
    end = max(e for e in ends if math.isfinite(e)) or 1.0
    x0, x1 = layout.label_width, layout.width - layout.right

    def x(t: float) -> float:
        return x0 + max(0.0, min(t, end)) / end * (x1 - x0)

    rows = 2 + len(event_lanes)  # posture band, lanes, key frames
    height = (layout.top + layout.band_height + layout.lane_height * (rows - 1)
              + layout.axis_height)
    n_events = sum(len(lane.events) for lane in event_lanes)
    parts = [
        f'<svg class="timeline" role="group" viewBox="0 0 {_n(layout.width)} {_n(height)}" '
        f'width="{_n(layout.width)}" height="{_n(height)}" aria-labelledby="timeline-title '
        f'timeline-desc" font-size="12" font-family="system-ui, sans-serif">',
        '<title id="timeline-title">Timeline of the clip</title>',
        f'<desc id="timeline-desc">{escape(_description(end, segments, event_lanes, n_events, len(key_frames)))}</desc>',  # noqa: E501
    ]
    y = layout.top
    # posture band
    parts.append(_label(y + layout.band_height / 2, "Position"))
    if not segments:
        parts.append(f'<rect x="{_n(x0)}" y="{_n(y)}" width="{_n(x1 - x0)}" '
                     f'height="{_n(layout.band_height)}" fill="{POSTURE_COLOURS["unknown"]}"/>')
        parts.append(f'<text x="{_n((x0 + x1) / 2)}" y="{_n(y + 17)}" text-anchor="middle" '
                     'fill="#1f2328">position not stored for this clip</text>')
    for segment in segments:
        name = POSTURE_NAMES.get(segment.posture, segment.posture.replace("_", " "))
        left, right = x(segment.start_s), x(segment.end_s)
        colour = POSTURE_COLOURS.get(segment.posture, POSTURE_COLOURS["unknown"])
        title = f"{name}, {clip_time(segment.start_s)}–{clip_time(segment.end_s)}"
        parts.append(f'<rect class="posture posture-{escape(segment.posture)}" '
                     f'x="{_n(left)}" y="{_n(y)}" width="{_n(max(right - left, 0.5))}" '
                     f'height="{_n(layout.band_height)}" fill="{colour}">'
                     f'<title>{escape(title)}</title></rect>')
        if right - left > 7.2 * len(name) + 8:
            parts.append(f'<text x="{_n((left + right) / 2)}" y="{_n(y + 17)}" '
                         f'text-anchor="middle" fill="#1f2328">{escape(name)}</text>')
    y += layout.band_height
    # event lanes
    for number, lane in enumerate(event_lanes):
        middle = y + layout.lane_height / 2
        if number % 2 == 0:
            parts.append(f'<rect x="0" y="{_n(y)}" width="{_n(layout.width)}" '
                         f'height="{_n(layout.lane_height)}" fill="#f6f8fa"/>')
        parts.append(_label(middle, lane.label))
        if not lane.events:
            parts.append(f'<text x="{_n(x0 + 4)}" y="{_n(middle + 4)}" fill="#57606a" '
                         'font-style="italic">none</text>')
        colour = SIDE_COLOURS.get(lane.side, SIDE_COLOURS[None])
        for event in lane.events:
            left, right = x(event.start_s), x(event.end_s)
            width = max(right - left, layout.min_bar_px)
            caption = event_caption(event.type, event.side, event.details)
            title = (f"{caption}; {clip_time(event.start_s)}–{clip_time(event.end_s)}")
            frame = key_frame_for(event, key_frames)
            bar = (f'<rect class="event" x="{_n(left)}" y="{_n(middle - layout.bar_height / 2)}" '
                   f'width="{_n(width)}" height="{_n(layout.bar_height)}" rx="2" '
                   f'fill="{colour}"/>'
                   f'<line class="moment" x1="{_n(x(event.moment))}" y1="{_n(middle - 9)}" '
                   f'x2="{_n(x(event.moment))}" y2="{_n(middle + 9)}" stroke="#1f2328" '
                   'stroke-width="1.5"/>')
            if frame is None:
                parts.append(f'<g><title>{escape(title)}</title>{bar}</g>')
            else:
                label = f"{title}: show key frame {frame + 1}"
                parts.append(f'<a href="#{escape(ids[frame])}" aria-label="{escape(label)}">'
                             f'<title>{escape(label)}</title>{bar}</a>')
        y += layout.lane_height
    # key frames
    middle = y + layout.lane_height / 2
    parts.append(_label(middle, "Key frames"))
    for number, key_frame in enumerate(key_frames):
        cx = x(key_frame.time_s)
        label = f"Key frame {number + 1} at {clip_time(key_frame.time_s)}: {key_frame.caption}"
        parts.append(f'<a href="#{escape(ids[number])}" aria-label="{escape(label)}">'
                     f'<title>{escape(label)}</title>'
                     f'<circle cx="{_n(cx)}" cy="{_n(middle)}" r="8" fill="#1f2328"/>'
                     f'<text x="{_n(cx)}" y="{_n(middle + 4)}" text-anchor="middle" '
                     f'fill="#ffffff" font-size="10">{number + 1}</text></a>')
    y += layout.lane_height
    # time axis
    parts.append(f'<line x1="{_n(x0)}" y1="{_n(y)}" x2="{_n(x1)}" y2="{_n(y)}" '
                 'stroke="#57606a"/>')
    ticks, _ = _time_ticks(end)
    for t in ticks:
        parts.append(f'<line x1="{_n(x(t))}" y1="{_n(layout.top)}" x2="{_n(x(t))}" '
                     f'y2="{_n(y + 4)}" stroke="#d0d7de" stroke-dasharray="2 3"/>')
        parts.append(f'<text x="{_n(x(t))}" y="{_n(y + 17)}" text-anchor="middle" '
                     f'fill="#57606a">{escape(_tick_text(t))}</text>')
    parts.append(_label(y + 17, "time (min:s)"))
    parts.append("</svg>")
    return "\n".join(parts)


def _tick_text(t: float) -> str:
    total = int(round(t))
    return f"{total // 60}:{total % 60:02d}"


def _label(y: float, text: str) -> str:
    return (f'<text x="6" y="{_n(y + 4)}" fill="#1f2328">{escape(text)}</text>')


def _description(end: float, segments: Sequence[PostureSegment], event_lanes: Sequence[Lane],
                 n_events: int, n_frames: int) -> str:
    postures = sorted({POSTURE_NAMES.get(s.posture, s.posture) for s in segments})
    counts = "; ".join(f"{lane.label}: {len(lane.events)}" for lane in event_lanes)
    return (f"From 0 to {end:.1f} s. Position: {', '.join(postures) or 'not stored'}. "
            f"{n_events} event(s){': ' + counts if counts else ''}. {n_frames} key frame(s); "
            "each event with a key frame links to it.")
