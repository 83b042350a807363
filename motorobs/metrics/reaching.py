"""Reaching: hand movements away from rest and (optionally) back, per hand.

Signals: the hand's position relative to its own shoulder in the image, divided by the
body unit (BU, shoulder width), and its speed (BU/s), from the low-pass filtered
landmarks. Working relative to the shoulder removes movement of the whole body.

Each reach is also described by the kinematics of its outward movement (onset to
arrival): time to peak speed, movement units, straightness and smoothness (SPARC), see
:mod:`motorobs.metrics.kinematics`; the per-hand medians of these are clip metrics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from motorobs.config import MetricsConfig, MidlineCrossingsSettings, ReachingSettings
from motorobs.metrics.base import Event, MetricOutput, MetricValue, Trace, register_metric
from motorobs.metrics.body_midline import POSTURES as MIDLINE_POSTURES
from motorobs.metrics.body_midline import VIEWS as MIDLINE_VIEWS
from motorobs.metrics.body_midline import detect_crossings, hand_lateral_bu, too_low_frames
from motorobs.metrics.common import each_side, gated_values, runs, unavailable
from motorobs.metrics.kinematics import movement_unit_peaks, sparc, straightness_index
from motorobs.signals import BodySignals

REACH_OUTPUTS = {
    "reach_count": (
        "count",
        "Hand movements that took the hand at least the minimum displacement away from "
        "where it rested (relative to its shoulder); a movement back to the start that "
        "follows belongs to the same reach.",
    ),
    "reaches_per_min": ("per minute", "Reaches per minute of time in which the hand was seen."),
}
REACH_QUALITY_OUTPUTS = {
    "reach_duration_median_s": (
        "s",
        "Median duration of the hand's reaches, from movement onset to arrival (the outward "
        "movement, without hold and return).",
    ),
    "reach_peak_speed_median_bu_per_s": (
        "BU/s",
        "Median of the reaches' peak hand speed relative to the shoulder, in shoulder widths "
        "per second.",
    ),
    "reach_straightness_median": (
        "path/chord",
        "Median straightness index of the reaches: hand path length divided by the straight "
        "distance from start to arrival (1 = straight; larger = more curved).",
    ),
    "reach_sparc_median": (
        "dimensionless",
        "Median smoothness of the reaches (SPARC, spectral arc length of the speed profile): "
        "about -1.4 for one smooth movement, more negative for jerkier movement.",
    ),
    "reach_movement_units_median": (
        "count",
        "Median number of movement units (separate speed peaks, i.e. accelerate-decelerate "
        "cycles) per reach; 1 is the mature, single-unit reach.",
    ),
}
LANDMARKS = ("left_shoulder", "right_shoulder", ("left_wrist", "left_hand_wrist"),
             ("right_wrist", "right_hand_wrist"))


@dataclass(frozen=True)
class Reach:
    """One reach; indices into the time base (inclusive)."""

    onset: int
    arrival: int
    offset: int
    peak_speed: float
    displacement: float
    returned: bool


def movement_bouts(
    speed: np.ndarray, min_speed: float, merge_gap_frames: int, rest_floor: float = np.inf
) -> list[tuple[int, int]]:
    """Bouts of movement in a (T,) speed signal: ``(first, last)`` indices, inclusive.

    A bout is a run of ``speed > min_speed`` (runs closer than ``merge_gap_frames`` are
    merged), widened on both sides over frames where the speed is still falling or still at
    least ``rest_floor`` (the speed a resting, tracked hand shows from landmark noise), so
    that it starts where the hand started to move rather than where it crossed the
    threshold, and a noise bump on the slow start of a movement does not cut it short.
    """
    with np.errstate(invalid="ignore"):
        fast = speed > min_speed
    raw = runs(fast)
    merged: list[list[int]] = []
    for start, stop in raw:
        if merged and start - merged[-1][1] <= merge_gap_frames:
            merged[-1][1] = stop
        else:
            merged.append([start, stop])
    bouts = []
    for i, (start, stop) in enumerate(merged):
        lower = merged[i - 1][1] if i else 0
        upper = merged[i + 1][0] - 1 if i + 1 < len(merged) else len(speed) - 1
        first, last = start, stop - 1
        while first > lower and _still_moving(speed[first - 1], speed[first], rest_floor):
            first -= 1
        while last < upper and _still_moving(speed[last + 1], speed[last], rest_floor):
            last += 1
        bouts.append((first, last))
    return bouts


def split_long_bout(first: int, last: int, relative_bu: np.ndarray, max_frames: int,
                    min_frames: int) -> list[tuple[int, int]]:
    """A movement bout (``first..last``, inclusive) longer than ``max_frames``, cut where the
    hand came nearest to where the bout started (``relative_bu``: (T, 2) hand minus
    shoulder, BU) between its first and last time away from there (half its furthest
    distance) and at least ``min_frames`` from either end, then each part again, until
    every part is at most ``max_frames`` long or has no such frame. Two reaches with too
    short a rest between them for the speed to settle (a hand jittering with its
    landmarks) make one long bout; between them the hand rested back where it started. A
    cut frame ends one part and starts the next."""
    if last - first <= max_frames:
        return [(first, last)]
    distance = np.linalg.norm(relative_bu[first:last + 1] - relative_bu[first], axis=1)
    if not np.isfinite(distance).any():
        return [(first, last)]
    with np.errstate(invalid="ignore"):
        away = np.flatnonzero(distance >= 0.5 * np.nanmax(distance))
    lo, hi = max(away[0], min_frames, 1), min(away[-1], len(distance) - 1 - max(min_frames, 1))
    if hi <= lo or not np.isfinite(distance[lo:hi]).any():
        return [(first, last)]
    cut = int(first + lo + np.nanargmin(distance[lo:hi]))
    return (split_long_bout(first, cut, relative_bu, max_frames, min_frames)
            + split_long_bout(cut, last, relative_bu, max_frames, min_frames))


def _still_moving(neighbour: float, current: float, rest_floor: float) -> bool:
    return bool(np.isfinite(neighbour) and (neighbour < current or neighbour >= rest_floor))


def detect_reaches(
    relative_bu: np.ndarray,
    speed_bu_s: np.ndarray,
    dt_s: float,
    settings: ReachingSettings,
    hand_bu: np.ndarray | None = None,
    free_hands: np.ndarray | None = None,
) -> list[Reach]:
    """Reaches of one hand.

    Parameters
    ----------
    relative_bu
        (T, 2) hand minus shoulder in BU (image axes); NaN where unseen.
    speed_bu_s
        (T,) speed of the hand relative to the shoulder (BU/s).
    dt_s
        Frame duration (s).
    settings
        ``min_speed_bu_per_s`` starts a movement bout; bouts closer than
        ``merge_gap_s`` merge; a bout faster anywhere than ``max_peak_speed_bu_per_s`` is a
        jump of the landmarks and is dropped, and so is a bout never as fast as
        ``min_peak_speed_bu_per_s`` (drift); where the hands are free, a bout longer than
        ``max_duration_s`` is first cut where the hand was back at its start
        (:func:`split_long_bout`); a bout lasting ``min_duration_s`` to
        ``max_duration_s`` whose net displacement is at least ``min_displacement_bu`` and in
        which the hand itself moved at least ``min_own_share`` of that (``hand_bu``) is a
        movement. A
        movement is a reach unless it brings the hand back to within half the previous
        reach's displacement of that reach's start within ``max_duration_s`` after it
        arrived: then it is that reach's return. A bout that takes the hand at least
        ``min_displacement_bu`` out and then back to within half that distance of where it
        started (the landmarks did not let the hand come to rest in between, so outward
        movement, hold and return are one bout) is one returned reach, arriving where the
        hand was furthest from the start.

    hand_bu
        (T, 2) the hand's own position in BU (image axes), or None to skip that check.
    free_hands
        (T,) frames in which the hands bear no weight (supine, sitting), where a bout that
        goes out and back counts as one reach; None: every frame. In tummy time the same
        excursion in one bout is what shoulders rocking over planted hands give.

    Returns
    -------
    Reaches in time order.
    """
    merge = int(round(settings.merge_gap_s / dt_s)) if dt_s > 0 else 0
    reaches: list[Reach] = []
    open_reach: Reach | None = None
    bouts = movement_bouts(speed_bu_s, settings.min_speed_bu_per_s, merge,
                           settings.rest_floor_bu_per_s)
    if dt_s > 0:  # in tummy time a long bout is the shoulders rocking over planted hands
        longest, shortest = (int(settings.max_duration_s / dt_s),
                             int(np.ceil(settings.min_duration_s / dt_s)))
        bouts = [part for first, last in bouts
                 for part in (split_long_bout(first, last, relative_bu, longest, shortest)
                              if free_hands is None or free_hands[first:last + 1].all()
                              else [(first, last)])]
    for first, last in bouts:
        duration = (last - first) * dt_s
        start, end = relative_bu[first], relative_bu[last]
        displacement = float(np.linalg.norm(end - start))
        peak_speed = np.nanmax(speed_bu_s[first:last + 1])
        if peak_speed > settings.max_peak_speed_bu_per_s:
            continue  # the landmarks jumped
        if peak_speed < settings.min_peak_speed_bu_per_s:
            continue  # drift, slower than any reach
        out_and_back = None
        if free_hands is None or free_hands[first:last + 1].all():
            out_and_back = _out_and_back(relative_bu, first, last, settings, hand_bu)
        if out_and_back is not None:
            if settings.min_duration_s <= duration <= settings.max_duration_s:
                arrival, excursion = out_and_back
                peak = float(np.nanmax(speed_bu_s[first:arrival + 1]))
                reaches.append(Reach(first, arrival, last, peak, excursion, True))
                open_reach = None
            continue
        if not np.isfinite(displacement) or displacement < settings.min_displacement_bu:
            continue
        if hand_bu is not None and not (np.linalg.norm(hand_bu[last] - hand_bu[first])
                                        >= settings.min_own_share * displacement):
            continue
        if not settings.min_duration_s <= duration <= settings.max_duration_s:
            continue
        if open_reach is not None:
            back_to_start = np.linalg.norm(end - relative_bu[open_reach.onset])
            soon = (first - open_reach.arrival) * dt_s <= settings.max_duration_s
            if soon and back_to_start < 0.5 * open_reach.displacement:
                reaches[-1] = Reach(open_reach.onset, open_reach.arrival, last,
                                    open_reach.peak_speed, open_reach.displacement, True)
                open_reach = None
                continue
        peak = float(np.nanmax(speed_bu_s[first:last + 1]))
        open_reach = Reach(first, last, last, peak, displacement, False)
        reaches.append(open_reach)
    return reaches


def _out_and_back(relative_bu: np.ndarray, first: int, last: int, settings: ReachingSettings,
                  hand_bu: np.ndarray | None) -> tuple[int, float] | None:
    """``(arrival, excursion_bu)`` of the bout ``first..last`` when the hand went at least
    ``min_displacement_bu`` from where it started (and itself moved at least
    ``min_own_share`` of that) and ended within half that distance of the start: the frame
    where it was furthest out, and how far that was. None otherwise."""
    path = relative_bu[first:last + 1]
    distance = np.linalg.norm(path - relative_bu[first], axis=1)
    if not np.isfinite(distance).any():
        return None
    farthest = int(np.nanargmax(distance))
    excursion = float(distance[farthest])
    if not (excursion >= settings.min_displacement_bu
            and np.linalg.norm(relative_bu[last] - relative_bu[first]) < 0.5 * excursion):
        return None
    arrival = first + farthest
    if hand_bu is not None and not (np.linalg.norm(hand_bu[arrival] - hand_bu[first])
                                    >= settings.min_own_share * excursion):
        return None
    return arrival, excursion


@dataclass(frozen=True)
class ReachKinematics:
    """Kinematics of a reach's outward movement (onset to arrival, inclusive).

    Every field is NaN when the outward movement was not seen whole (``complete`` False).
    """

    complete: bool
    """The hand was seen throughout, and the movement started and ended at rest (speed at
    onset and arrival at most ``min_speed_bu_per_s``); False e.g. when the hand was lost from
    view while still moving."""
    duration_s: float
    """Arrival minus onset (s)."""
    peak_speed_bu_s: float
    """Highest speed (BU/s)."""
    time_to_peak_pct: float
    """Time from onset to peak speed, % of ``duration_s``."""
    movement_units: float
    """Number of speed peaks (see :func:`motorobs.metrics.kinematics.movement_unit_peaks`)."""
    straightness: float
    """Path length / chord (>= 1)."""
    sparc: float
    """Spectral arc length of the speed profile (< 0)."""


def reach_kinematics(
    relative_bu: np.ndarray,
    speed_bu_s: np.ndarray,
    reach: Reach,
    rate_hz: float,
    settings: ReachingSettings,
) -> ReachKinematics:
    """Describe the outward movement of one reach.

    Parameters
    ----------
    relative_bu
        (T, 2) hand minus shoulder in BU (image axes); NaN where unseen.
    speed_bu_s
        (T,) speed of the hand relative to the shoulder (BU/s).
    reach
        The reach (its ``onset`` and ``arrival`` delimit the outward movement).
    rate_hz
        Sampling rate (Hz).
    settings
        ``min_speed_bu_per_s`` (rest at both ends), ``unit_min_rise_bu_per_s`` /
        ``unit_min_fraction`` for movement units, ``sparc_amplitude_threshold`` /
        ``sparc_max_cutoff_hz`` for SPARC.
    """
    window = slice(reach.onset, reach.arrival + 1)
    speed, path = speed_bu_s[window], relative_bu[window]
    frames = reach.arrival - reach.onset
    complete = (
        frames > 0 and bool(np.isfinite(speed).all()) and bool(np.isfinite(path).all())
        and speed[0] <= settings.min_speed_bu_per_s
        and speed[-1] <= settings.min_speed_bu_per_s
    )
    if not complete:
        nan = float("nan")
        return ReachKinematics(False, nan, nan, nan, nan, nan, nan)
    return ReachKinematics(
        complete=True,
        duration_s=frames / rate_hz,
        peak_speed_bu_s=float(speed.max()),
        time_to_peak_pct=100.0 * int(np.argmax(speed)) / frames,
        movement_units=float(len(movement_unit_peaks(speed, settings.unit_min_rise_bu_per_s,
                                                     settings.unit_min_fraction))),
        straightness=straightness_index(path),
        sparc=sparc(speed, rate_hz, amplitude_threshold=settings.sparc_amplitude_threshold,
                    max_cutoff_hz=settings.sparc_max_cutoff_hz),
    )


def crossed_midline(signals: BodySignals, side: str, reach: Reach,
                    settings: MidlineCrossingsSettings) -> str:
    """Whether the hand crossed the body midline during the reach (onset to offset).

    Same rule as the ``midline_crossings`` metric
    (:func:`motorobs.metrics.body_midline.detect_crossings`) applied to the reach's
    frames: "yes" when it finds a crossing; "no" when it finds none and the hand was seen
    throughout; otherwise "unknown", also where the midline cannot be seen (a view other
    than from above or one too low, :func:`~motorobs.metrics.body_midline.too_low_frames`,
    or a frame of the reach neither supine nor sitting).
    """
    window = slice(reach.onset, reach.offset + 1)
    if not (np.isin(signals.frame_views[window], MIDLINE_VIEWS).all()
            and np.isin(signals.posture[window], MIDLINE_POSTURES).all()
            and not too_low_frames(signals)[window].any()):
        return "unknown"
    lateral = hand_lateral_bu(signals, side)[window]
    own = lateral if side == "left" else -lateral
    if detect_crossings(own, signals.dt_s, settings.margin_bu, settings.min_duration_s,
                        settings.return_margin_bu):
        return "yes"
    return "no" if np.isfinite(own).all() else "unknown"


def _quality_values(
    counted: list[MetricValue], kinematics: list[ReachKinematics], side: str
) -> list[MetricValue]:
    """Per-hand medians of the kinematics of the completely seen reaches.

    Same status as the reach count when that is not ok; ``not_applicable`` without reaches;
    ``insufficient_data`` when no reach was seen whole.
    """
    gate = counted[0]
    if gate.status != "ok":
        return unavailable(REACH_QUALITY_OUTPUTS, gate.status, gate.reason or "", (side,),
                           gate.coverage)
    if not kinematics:
        reason = "no reach of this hand was detected, so there is no reach to describe"
        return unavailable(REACH_QUALITY_OUTPUTS, "not_applicable", reason, (side,),
                           gate.coverage)
    whole = [k for k in kinematics if k.complete]
    if not whole:
        reason = (f"the hand was lost from view in the middle of every reach ({len(kinematics)}"
                  "), e.g. reaching up towards a camera above, so no reach could be measured "
                  "from start to end")
        return unavailable(REACH_QUALITY_OUTPUTS, "insufficient_data", reason, (side,),
                           gate.coverage)
    samples = {
        "reach_duration_median_s": [k.duration_s for k in whole],
        "reach_peak_speed_median_bu_per_s": [k.peak_speed_bu_s for k in whole],
        "reach_straightness_median": [k.straightness for k in whole],
        "reach_sparc_median": [k.sparc for k in whole],
        "reach_movement_units_median": [k.movement_units for k in whole],
    }
    values = []
    for name, (unit, definition) in REACH_QUALITY_OUTPUTS.items():
        finite = np.asarray(samples[name], float)
        finite = finite[np.isfinite(finite)]
        if finite.size:
            values.append(MetricValue(name=name, value=float(np.median(finite)), unit=unit,
                                      coverage=gate.coverage, status="ok",
                                      definition=definition, side=side))
        else:
            values += unavailable({name: (unit, definition)}, "insufficient_data",
                                  "no reach gave a usable value", (side,), gate.coverage)
    return values


@register_metric(
    "reaching",
    outputs={**REACH_OUTPUTS, **REACH_QUALITY_OUTPUTS},
    landmarks=LANDMARKS,
    per_side=True,
    version="4",
)
def reaching(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """Reach count and reach quality per hand, one ``reach`` event per reach.

    See docs/metrics.md for the definitions and the event columns.
    """
    outputs = {**REACH_OUTPUTS, **REACH_QUALITY_OUTPUTS}
    relevant = signals.posture != "unknown"
    problem = None
    if not relevant.any():
        problem = ("insufficient_data",
                   "the infant's posture could not be determined in any frame")

    def measure(side: str) -> MetricOutput:
        hand, shoulder = signals.hand(side), f"{side}_shoulder"
        relative = (signals.point_px(hand) - signals.point_px(shoulder)) / signals.body_unit_px
        speed = signals.relative_speed_bu_s(hand, shoulder)
        seen = relevant & ~signals.far_side_frames(side)
        usable = seen & np.isfinite(relative).all(axis=1) & np.isfinite(speed)
        relative[~usable] = np.nan
        speed = np.where(usable, speed, np.nan)
        found = detect_reaches(relative, speed, signals.dt_s, config.reaching,
                               hand_bu=signals.point_px(hand) / signals.body_unit_px,
                               free_hands=np.isin(signals.posture, ("supine", "sitting")))
        minutes = usable.sum() * signals.dt_s / 60.0
        counted = gated_values(
            REACH_OUTPUTS,
            lambda: {"reach_count": len(found), "reaches_per_min": len(found) / minutes},
            relevant=seen, usable=usable, signals=signals, config=config,
            needs=f"the {side} hand and shoulder", where="time with a known posture",
            side=side,
        )
        ok = counted[0].status == "ok"
        kinematics = [reach_kinematics(relative, speed, r, signals.rate_hz,
                                       config.reaching)
                      for r in found] if ok else []
        out = MetricOutput(values=counted + _quality_values(counted, kinematics, side))
        if ok:
            t = signals.time_s
            out.events += [
                Event("reach", side, float(t[r.onset]), float(t[r.offset]), {
                    "peak_speed_bu_per_s": round(r.peak_speed, 3),
                    "duration_s": round(float(t[r.offset] - t[r.onset]), 3),
                    "arrival_s": round(float(t[r.arrival]), 3),
                    "displacement_bu": round(r.displacement, 3),
                    "returned": "yes" if r.returned else "no",
                    "seen_whole": "yes" if k.complete else "no",
                    "outward_duration_s": round(k.duration_s, 3),
                    "time_to_peak_pct": round(k.time_to_peak_pct, 1),
                    "movement_units": k.movement_units,
                    "straightness_index": round(k.straightness, 3),
                    "sparc": round(k.sparc, 3),
                    "crossed_midline": crossed_midline(signals, side, r,
                                                       config.midline_crossings),
                })
                for r, k in zip(found, kinematics, strict=True)
            ]
        out.traces.append(Trace(
            name=f"hand_speed_{side}",
            label=f"{side.capitalize()} hand speed relative to its shoulder",
            unit="BU/s",
            values=speed,
            event_types=("reach",),
            reference_lines=(config.reaching.min_speed_bu_per_s,),
        ))
        return out

    return each_side(outputs, measure, problem=problem, far_side_of=signals)
