"""The summary at the top of a clip's report: the few findings that matter, in plain words.

Each finding is one sentence with the number and the side, a second short sentence on how
sure motorobs is (how much of the relevant time it saw, from which camera view), and the
moment of the clip that shows it (a key frame is made there: :mod:`motorobs.report.
moments`). Which findings are made follows the clip: its postures decide which families of
metrics matter (midline and hands on the back or sitting, head lift in tummy time, sitting
balance when sitting, reaching in any posture), and each finding respects its metrics'
status: a metric with too little usable video gives its reason instead of a number, and a
metric that needs another camera view says so ("Not measured: head lift needs a side
view").

The same findings are stored in ``metrics.json`` (``summary``: :meth:`Finding.to_json`), so
that the batch index, the web app and printed reports show the same words. Pure: works on
the stored forms (metrics as in ``metrics.json``, :class:`~motorobs.report.record.
EventRecord`, :class:`~motorobs.report.record.ClipSummary`), reads nothing, imports nothing
heavy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from motorobs.report.record import ClipSummary, EventRecord

SIDES = ("left", "right")
KINDS = ("quality", "measured", "not_measured", "insufficient_data")
"""Kinds of finding, in the order the summary lists them."""
MIN_POSTURE_SHARE = 0.05
"""A posture held for less than this share of the analysed frames is not summarised."""
WHOLE_CLIP_SHARE = 0.95
"""One posture held for at least this share of the frames is "the whole clip"."""
LOW_COVERAGE = 0.8
"""Below this coverage a count says that part of the clip was not seen."""
MIN_TURNED_S = 1.0
"""Head turning is summarised only when the head was turned at least this long (s)."""

POSTURE_WORDS = {
    "supine": "on the back",
    "prone": "on the tummy",
    "side_lying": "on the side",
    "sitting": "sitting",
    "unknown": "position unclear",
}
VIEW_WORDS = {"top": "from above", "side": "from the side"}


@dataclass(frozen=True)
class Finding:
    """One line of the summary.

    Attributes
    ----------
    family
        The metric family it is about (``quality``, ``position``, ``midline``, ``reaching``,
        ``hands``, ``head_control``, ``sitting``), as in the report's details.
    kind
        ``quality`` (the recording cannot be scored), ``measured``, ``not_measured`` (needs
        another camera view or posture) or ``insufficient_data`` (too little usable video).
    text
        The finding, one sentence.
    certainty
        How sure motorobs is (coverage, camera view), one sentence; may be empty.
    moment_s
        The moment of the clip that shows it best (s), or ``None``.
    event_type, side
        The event at that moment (its type and the infant's side), if any.
    """

    family: str
    kind: str
    text: str
    certainty: str = ""
    moment_s: float | None = None
    event_type: str | None = None
    side: str | None = None

    @property
    def sentence(self) -> str:
        """The finding and its certainty as one text."""
        return f"{self.text} {self.certainty}".strip()

    def to_json(self) -> dict[str, Any]:
        """The JSON object stored in ``metrics.json``'s ``summary`` list."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        """Read back :meth:`to_json`.

        Raises
        ------
        ValueError
            If ``data`` is not an object with at least ``text``.
        """
        if not isinstance(data, Mapping) or not isinstance(data.get("text"), str):
            raise ValueError(f"a summary finding needs a text, got {data!r}")
        moment = data.get("moment_s")
        return cls(str(data.get("family") or ""), str(data.get("kind") or "measured"),
                   data["text"], str(data.get("certainty") or ""),
                   None if moment is None else float(moment),
                   data.get("event_type") or None, data.get("side") or None)


# ---------------------------------------------------------------------------------------------
# Wording


def clock(seconds: float) -> str:
    """A duration as minutes and seconds: ``42`` -> ``"0:42"``, ``65.4`` -> ``"1:05"``."""
    total = int(round(max(0.0, seconds)))
    return f"{total // 60}:{total % 60:02d}"


def seconds_text(seconds: float) -> str:
    """A short duration: ``"2.5 s"`` under 10 s, ``"12 s"`` under a minute, then
    ``"1:05 min"``."""
    if seconds < 9.95:
        text = f"{seconds:.1f}".rstrip("0").rstrip(".")
        return f"{text} s"
    if seconds < 59.5:
        return f"{seconds:.0f} s"
    return f"{clock(seconds)} min"


def span_text(seconds: float) -> str:
    """Time spent in a posture: ``"0:42"`` from 10 s on, else ``"2.5 s"``."""
    return clock(seconds) if seconds >= 9.5 else seconds_text(seconds)


def times(n: int) -> str:
    """``"once"``, ``"2 times"``."""
    return "once" if n == 1 else f"{n} times"


def rate_text(per_min: float) -> str:
    """A rate per minute with two significant digits at most: ``17.14`` -> ``"17"``,
    ``8.57`` -> ``"8.6"``."""
    if per_min >= 9.95:
        return f"{per_min:.0f}"
    return f"{per_min:.1f}".rstrip("0").rstrip(".")


def percent(share: float) -> str:
    """Share 0..1 as ``"87 %"``."""
    return f"{100 * share:.0f} %"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(clauses: Iterable[str]) -> str:
    """Clauses joined with semicolons, capitalised, with a full stop."""
    text = "; ".join(c for c in clauses if c)
    return _capital(text.rstrip(".")) + "." if text else ""


def _reason(text: str | None) -> str:
    return (text or "no reason recorded").strip().rstrip(".")


# ---------------------------------------------------------------------------------------------
# Reading the metrics


class Metrics:
    """The metrics of ``metrics.json`` by name and side."""

    def __init__(self, metrics: Iterable[Mapping[str, Any]]) -> None:
        self._by_key = {(str(m.get("name")), m.get("side")): m for m in metrics}

    def get(self, name: str, side: str | None = None) -> Mapping[str, Any] | None:
        """The metric, or ``None`` when the clip has none of that name and side."""
        return self._by_key.get((name, side))

    def status(self, name: str, side: str | None = None) -> str | None:
        metric = self.get(name, side)
        return None if metric is None else str(metric.get("status"))

    def value(self, name: str, side: str | None = None) -> float | None:
        """The value of an ``ok`` metric with a finite value, else ``None``."""
        metric = self.get(name, side)
        if metric is None or metric.get("status") != "ok" or metric.get("value") is None:
            return None
        value = float(metric["value"])
        return value if math.isfinite(value) else None

    def coverage(self, name: str, side: str | None = None) -> float | None:
        metric = self.get(name, side)
        if metric is None or metric.get("coverage") is None:
            return None
        return float(metric["coverage"])

    def reason(self, name: str, side: str | None = None) -> str:
        metric = self.get(name, side)
        return _reason(None if metric is None else metric.get("reason"))


def _certainty(coverages: Iterable[float | None], what: str, view: str | None,
               counted: bool = False) -> str:
    """``"Hands seen 100 % of the time, filmed from above."`` from the lowest coverage."""
    known = [c for c in coverages if c is not None]
    if not known:
        return ""
    lowest = min(known)
    text = f"{_capital(what)} seen {percent(lowest)} of the time"
    if view in VIEW_WORDS:
        text += f", filmed {VIEW_WORDS[view]}"
    if counted and lowest < LOW_COVERAGE:
        text += "; part of it was not seen, so there may have been more"
    return text + "."


def _strongest(events: Sequence[EventRecord], event_type: str, key: str | None,
               largest: bool = True, sides: Iterable[str | None] | None = None
               ) -> EventRecord | None:
    """The event of ``event_type`` (of ``sides``) with the largest (or smallest) detail
    ``key``; the first such event when no event carries the detail."""
    wanted = [e for e in events if e.type == event_type
              and (sides is None or e.side in set(sides))]
    if not wanted:
        return None

    def score(event: EventRecord) -> float:
        try:
            value = float(event.details.get(key)) if key else math.nan
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value):
            return -math.inf
        return value if largest else -value

    best = max(wanted, key=lambda e: (score(e), -e.start_s))
    return best


def _at(finding: Finding, event: EventRecord | None) -> Finding:
    if event is None:
        return finding
    return Finding(finding.family, finding.kind, finding.text, finding.certainty,
                   event.moment, event.type, event.side)


# ---------------------------------------------------------------------------------------------
# The families


def _per_hand_counts(
    metrics: Metrics, family: str, name: str, title: str,
    did: Callable[[str, int], str], never_one: str, never_both: str, never_other: str,
    what: str, view: str | None,
) -> Finding | None:
    """A per-hand count as one finding (see :func:`midline_finding` for the wording).

    ``did(hand, n)`` words a hand that did it n > 0 times ("Right hand crossed the midline 2
    times"); ``never_one`` a hand that never did when the other hand could not be counted
    ("{hand} never crossed the midline"), ``never_other`` a hand that never did beside one
    that did ("the {side} hand never did"), ``never_both`` both hands never.
    """
    status = {side: metrics.status(name, side) for side in SIDES}
    if all(s is None or s == "not_applicable" for s in status.values()):
        return None
    ok = [s for s in SIDES if status[s] == "ok"]
    short = [s for s in SIDES if status[s] == "insufficient_data"]
    if not ok:
        return Finding(family, "insufficient_data",
                       f"{title} not counted: {_both_reasons(metrics, name, short)}.")
    count = {s: int(round(metrics.value(name, s) or 0)) for s in ok}
    doing = sorted((s for s in ok if count[s] > 0), key=lambda s: -count[s])
    idle = [s for s in ok if count[s] == 0]
    clauses = [did(side, count[side]) if i == 0 else _lower_hand(did(side, count[side]))
               for i, side in enumerate(doing)]
    if doing:
        clauses += [never_other.format(side=s) for s in idle]
    elif len(idle) == 2:
        clauses.append(never_both)
    else:
        clauses.append(never_one.format(hand=f"{idle[0].capitalize()} hand"))
    clauses += [f"the {s} hand could not be counted ({metrics.reason(name, s)})" for s in short]
    certainty = _certainty([metrics.coverage(name, s) for s in ok], what, view, counted=True)
    return Finding(family, "measured", _sentence(clauses), certainty)


def _both_reasons(metrics: Metrics, name: str, sides: Sequence[str]) -> str:
    """The reasons of a per-hand metric for ``sides``; said once, of "each hand", when they
    differ only in the side."""
    reasons = [metrics.reason(name, s) for s in sides]
    if len(reasons) == 2:
        same = {r.replace(s, "{side}") for r, s in zip(reasons, sides, strict=True)}
        if len(same) == 1:
            return same.pop().replace("the {side}", "each").replace("{side}", "each")
    return "; ".join(dict.fromkeys(reasons))


def _lower_hand(text: str) -> str:
    """``"Left hand ..."`` as the second clause: ``"the left hand ..."``."""
    for side in SIDES:
        prefix = f"{side.capitalize()} hand"
        if text.startswith(prefix):
            return f"the {side} hand" + text[len(prefix):]
    return text


def midline_finding(metrics: Metrics, events: Sequence[EventRecord], view: str | None
                    ) -> Finding | None:
    """``"Right hand crossed the midline 2 times (17 per minute); the left hand never
    did."``, linked to the crossing that went furthest."""

    def did(side: str, n: int) -> str:
        rate = metrics.value("midline_crossings_per_min", side)
        extra = f" ({rate_text(rate)} per minute)" if rate else ""
        return f"{side.capitalize()} hand crossed the midline {times(n)}{extra}"

    finding = _per_hand_counts(
        metrics, "midline", "midline_crossings", "Midline crossings", did,
        never_one="{hand} never crossed the midline", never_both="neither hand crossed the "
        "midline", never_other="the {side} hand never did", what="hands", view=view)
    if finding is None or finding.kind != "measured":
        return finding
    return _at(finding, _strongest(events, "midline_crossing", "max_contralateral_bu"))


def reaching_finding(metrics: Metrics, events: Sequence[EventRecord], view: str | None
                     ) -> Finding | None:
    """``"Reached 4 times, all with the right hand."`` / ``"Reached 4 times: 3 with the
    right hand, 1 with the left."``, linked to the fastest reach."""
    status = {side: metrics.status("reach_count", side) for side in SIDES}
    if all(s is None or s == "not_applicable" for s in status.values()):
        return None
    ok = [s for s in SIDES if status[s] == "ok"]
    short = [s for s in SIDES if status[s] == "insufficient_data"]
    if not ok:
        return Finding("reaching", "insufficient_data",
                       f"Reaches not counted: {_both_reasons(metrics, 'reach_count', short)}.")
    count = {s: int(round(metrics.value("reach_count", s) or 0)) for s in ok}
    total = sum(count.values())
    doing = sorted((s for s in ok if count[s] > 0), key=lambda s: -count[s])
    if total == 0:
        clauses = ["no reaches with either hand" if len(ok) == 2
                   else f"no reaches with the {ok[0]} hand"]
    elif len(doing) == 2:
        first, second = doing
        clauses = [f"reached {times(total)}: {count[first]} with the {first} hand, "
                   f"{count[second]} with the {second}"]
    elif len(ok) == 2:
        only = doing[0]
        clauses = [f"reached {times(total)}, {'all ' if total > 1 else ''}with the {only} "
                   "hand"]
    else:
        clauses = [f"reached {times(total)} with the {doing[0]} hand"]
    clauses += [f"the {s} hand could not be counted ({metrics.reason('reach_count', s)})"
                for s in short]
    certainty = _certainty([metrics.coverage("reach_count", s) for s in ok], "hands",
                           view, counted=True)
    finding = Finding("reaching", "measured", _sentence(clauses), certainty)
    return _at(finding, _strongest(events, "reach", "peak_speed_bu_per_s"))


def hands_together_finding(metrics: Metrics, events: Sequence[EventRecord],
                           view: str | None) -> Finding | None:
    """``"Hands together at the midline 3 times, 12 % of the time, longest 2.1 s."``"""
    status = metrics.status("hands_together_bouts")
    if status in (None, "not_applicable"):
        return None
    if status != "ok":
        return Finding("hands", "insufficient_data", "Hands together not measured: "
                       f"{metrics.reason('hands_together_bouts')}.")
    bouts = int(round(metrics.value("hands_together_bouts") or 0))
    if bouts == 0:
        text = "Hands never came together at the midline."
    else:
        share = metrics.value("hands_together_pct")
        longest = metrics.value("hands_together_longest_s")
        extra = "".join([f", {share:.0f} % of the time" if share is not None else "",
                         f", longest {seconds_text(longest)}" if longest else ""])
        text = f"Hands together at the midline {times(bouts)}{extra}."
    certainty = _certainty([metrics.coverage("hands_together_bouts")], "both hands", view,
                           counted=True)
    finding = Finding("hands", "measured", text, certainty)
    return _at(finding, _strongest(events, "hands_together", "duration_s"))


def hand_to_mouth_finding(metrics: Metrics, events: Sequence[EventRecord],
                          view: str | None) -> Finding | None:
    """``"Right hand to the mouth 2 times; the left hand never."``"""
    finding = _per_hand_counts(
        metrics, "hands", "hand_to_mouth_bouts", "Hand to mouth",
        lambda side, n: f"{side.capitalize()} hand to the mouth {times(n)}",
        never_one="{hand} never went to the mouth", never_both="neither hand went to the "
        "mouth", never_other="the {side} hand never", what="hands and mouth", view=view)
    if finding is None or finding.kind != "measured":
        return finding
    return _at(finding, _strongest(events, "hand_to_mouth", "min_distance_bu", largest=False))


def grasp_finding(metrics: Metrics, events: Sequence[EventRecord], view: str | None
                  ) -> Finding | None:
    """``"Right hand grasped 2 times; the left hand never."``"""
    finding = _per_hand_counts(
        metrics, "hands", "grasp_count", "Grasps",
        lambda side, n: f"{side.capitalize()} hand closed in a grasp {times(n)}",
        never_one="{hand} never closed in a grasp", never_both="neither hand closed in a "
        "grasp", never_other="the {side} hand never", what="fingers", view=None)
    if finding is None or finding.kind != "measured":
        return finding
    return _at(finding, _strongest(events, "grasp", "min_aperture", largest=False))


def head_lift_finding(metrics: Metrics, events: Sequence[EventRecord], clip: ClipSummary
                      ) -> Finding | None:
    """``"Tummy time 0:42; head lifted above 45 degrees for 12 s, longest 5 s."``, linked to
    the highest lift. Only for clips with tummy time measured from the side."""
    if metrics.status("head_lift_max_deg") != "ok":
        return None
    prone_s = metrics.value("prone_time_s")
    if prone_s is None and clip.duration_s is not None:
        prone_s = clip.posture_shares.get("prone", 0.0) * clip.duration_s
    above = metrics.value("head_lift_time_above_45_s") or 0.0
    longest = metrics.value("head_lift_longest_above_45_s") or 0.0
    highest = metrics.value("head_lift_max_deg")
    bouts = int(round(metrics.value("head_lift_bouts") or 0))
    clauses = [f"tummy time {span_text(prone_s)}" if prone_s is not None else "tummy time"]
    if above > 0:
        clauses.append(f"head lifted above 45 degrees for {seconds_text(above)}, longest "
                       f"{seconds_text(longest)}")
    elif bouts:
        clauses.append(f"head lifted {times(bouts)}, never above 45 degrees (highest "
                       f"{highest:.0f} degrees)")
    else:
        clauses.append(f"the head was not lifted (highest {highest:.0f} degrees)")
    certainty = _certainty([metrics.coverage("head_lift_max_deg")], "ear and shoulder", "side")
    finding = Finding("head_control", "measured", _sentence(clauses), certainty)
    return _at(finding, _strongest(events, "head_lift", "max_angle_deg"))


def head_turn_finding(metrics: Metrics, view: str | None) -> Finding | None:
    """``"Head turned to the left for 3.2 s, to the right for 0.5 s."``, when the head was
    turned at least :data:`MIN_TURNED_S` in all."""
    left, right = metrics.value("head_turned_left_s"), metrics.value("head_turned_right_s")
    if left is None or right is None or left + right < MIN_TURNED_S:
        return None
    text = (f"Head turned to the left for {seconds_text(left)}, to the right for "
            f"{seconds_text(right)}.")
    certainty = _certainty([metrics.coverage("head_turned_left_s")], "face", view)
    return Finding("head_control", "measured", text, certainty)


def sitting_finding(metrics: Metrics, events: Sequence[EventRecord], view: str | None
                    ) -> Finding | None:
    """``"Sat for 0:12, longest 0:08; lost balance once."``"""
    status = metrics.status("sitting_time_s")
    if status in (None, "not_applicable"):
        return None
    if status != "ok":
        return Finding("sitting", "insufficient_data",
                       f"Sitting not measured: {metrics.reason('sitting_time_s')}.")
    sat = metrics.value("sitting_time_s") or 0.0
    longest = metrics.value("sitting_longest_bout_s")
    losses = metrics.value("sitting_losses")
    clauses = [f"sat for {span_text(sat)}"
               + (f", longest {span_text(longest)}" if longest else "")]
    if losses is not None:
        clauses.append(f"lost balance {times(int(round(losses)))}" if losses >= 1
                       else "never lost balance")
    certainty = _certainty([metrics.coverage("sitting_time_s")], "trunk", view)
    finding = Finding("sitting", "measured", _sentence(clauses), certainty)
    return _at(finding, _strongest(events, "sitting_loss", None))


def position_finding(metrics: Metrics, events: Sequence[EventRecord], clip: ClipSummary
                     ) -> Finding | None:
    """``"On the back the whole clip (0:07)."`` / ``"On the back 0:40, on the tummy 0:15;
    rolled once."``"""
    shares = clip.posture_shares
    duration = clip.duration_s
    if not shares or duration is None:
        return None
    held = [(p, s) for p, s in shares.items() if p in POSTURE_WORDS and s >= MIN_POSTURE_SHARE]
    known = [(p, s) for p, s in held if p != "unknown"]
    if not known:
        return Finding("position", "insufficient_data",
                       "The baby's position could not be recognised in this clip.")
    if len(known) == 1 and known[0][1] >= WHOLE_CLIP_SHARE:
        clauses = [f"{POSTURE_WORDS[known[0][0]]} the whole clip ({span_text(duration)})"]
    else:
        clauses = [", ".join(f"{POSTURE_WORDS[p]} {span_text(s * duration)}" for p, s in held)]
    rolls = metrics.value("roll_count")
    if rolls:
        clauses.append(f"rolled {times(int(round(rolls)))}")
    known_share = 1.0 - shares.get("unknown", 0.0)
    certainty = f"Position recognised in {percent(known_share)} of the frames"
    if clip.view in VIEW_WORDS:
        certainty += f", filmed {VIEW_WORDS[clip.view]}"
    certainty += "."
    finding = Finding("position", "measured", _sentence(clauses), certainty)
    return _at(finding, _strongest(events, "roll", None))


@dataclass(frozen=True)
class ViewNeed:
    """A family that needs a camera view in the postures where it applies."""

    family: str
    metric: str
    postures: tuple[str, ...]
    view: str
    needs: str


VIEW_NEEDS: tuple[ViewNeed, ...] = (
    ViewNeed("head_control", "head_lift_max_deg", ("prone",), "side",
             "head lift needs a side view"),
    ViewNeed("midline", "midline_crossings", ("supine", "sitting"), "top",
             "midline crossing needs a view from above"),
)
"""The headline families that apply only from one camera view (docs/metrics.md)."""


def not_measured_findings(metrics: Metrics, clip: ClipSummary) -> list[Finding]:
    """``"Not measured: head lift needs a side view (this clip was filmed from above)."``,
    for each family of :data:`VIEW_NEEDS` whose posture the clip shows but whose metric does
    not apply to it."""
    found = []
    for need in VIEW_NEEDS:
        shown = sum(clip.posture_shares.get(p, 0.0) for p in need.postures)
        statuses = [metrics.status(need.metric, side) for side in (None, *SIDES)]
        if shown < MIN_POSTURE_SHARE or "not_applicable" not in statuses or "ok" in statuses:
            continue
        if clip.view in VIEW_WORDS and clip.view != need.view:
            text = f"Not measured: {need.needs} (this clip was filmed {VIEW_WORDS[clip.view]})."
        else:
            side = next(s for s in (None, *SIDES)
                        if metrics.status(need.metric, s) == "not_applicable")
            text = f"Not measured: {need.needs} ({metrics.reason(need.metric, side)})."
        found.append(Finding(need.family, "not_measured", text))
    return found


def quality_finding(metrics: Metrics) -> Finding | None:
    """The recording-quality verdict, when the recording cannot be scored."""
    if metrics.value("recording_quality") != 0:
        return None
    reasons = metrics.get("recording_quality") or {}
    reason = str(reasons.get("reason") or "").strip()
    text = "This recording cannot be scored reliably; the findings below are for reference."
    return Finding("quality", "quality", text, reason)


def summarize(
    metrics: Iterable[Mapping[str, Any]],
    events: Sequence[EventRecord],
    clip: ClipSummary,
) -> list[Finding]:
    """The summary findings of one clip, in the order the report lists them.

    Parameters
    ----------
    metrics
        The metrics as in ``metrics.json`` (``name``, ``side``, ``value``, ``coverage``,
        ``status``, ``reason``).
    events
        The clip's events, with their moments.
    clip
        The clip's facts (duration, camera view, posture shares).

    Returns
    -------
    list of Finding
        The recording verdict when it cannot be scored; then the measured findings
        (position, midline crossings, reaching, hands together, hand to mouth, grasps, head
        lift, head turning, sitting: each only when it applies to the clip); then what
        could not be measured from this camera view; then what had too little usable
        video.
    """
    table = Metrics(metrics)
    view = clip.view or None
    candidates = [
        quality_finding(table),
        position_finding(table, events, clip),
        head_lift_finding(table, events, clip),
        midline_finding(table, events, view),
        reaching_finding(table, events, view),
        hands_together_finding(table, events, view),
        hand_to_mouth_finding(table, events, view),
        grasp_finding(table, events, view),
        head_turn_finding(table, view),
        sitting_finding(table, events, view),
        *not_measured_findings(table, clip),
    ]
    findings = [f for f in candidates if f is not None]
    return sorted(findings, key=lambda f: KINDS.index(f.kind))


def stored_findings(metrics_json: Mapping[str, Any]) -> list[Finding] | None:
    """The findings stored in a ``metrics.json`` (its ``summary`` list); ``None`` when it
    has none (written by an older motorobs) or they cannot be read."""
    stored = metrics_json.get("summary") if isinstance(metrics_json, Mapping) else None
    if not isinstance(stored, list):
        return None
    try:
        return [Finding.from_json(item) for item in stored]
    except ValueError:
        return None
