"""The report's details, family by family: short tables of the metrics with their units in
plain words, each unit a therapist would not know explained once where it is first used.

Families: midline, reaching, head control, hands, sitting, whole body, quality (and
"other" for metrics of the registry this module does not know). A metric whose every value
does not apply to the clip is left out of its family and listed, with the reason, in one
folded list (:func:`details`). Pure: works on the metrics as in ``metrics.json``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from motorobs.report.labels import format_number, format_percent, humanize

SIDES = ("left", "right")


@dataclass(frozen=True)
class Family:
    """A group of metrics the report shows together."""

    key: str
    title: str
    metrics: tuple[str, ...]
    """Metric names, in the order of the table."""
    traces: tuple[str, ...] = ()
    """Name prefixes of the traces plotted under this family."""


FAMILIES: tuple[Family, ...] = (
    Family("midline", "Midline crossing", (
        "midline_crossings", "midline_crossings_per_min", "midline_max_contralateral_bu",
        "midline_contralateral_time_s"), ("hand_lateral_",)),
    Family("reaching", "Reaching", (
        "reach_count", "reaches_per_min", "reach_duration_median_s",
        "reach_peak_speed_median_bu_per_s", "reach_straightness_median", "reach_sparc_median",
        "reach_movement_units_median"), ("hand_speed_",)),
    Family("head_control", "Head control", (
        "head_lift_bouts", "head_lift_max_deg", "head_lift_median_deg", "head_lift_p90_deg",
        "head_lift_time_above_45_s", "head_lift_time_above_45_pct",
        "head_lift_longest_above_45_s", "head_lift_time_above_90_s",
        "head_lift_time_above_90_pct", "elbows_behind_shoulders_pct",
        "elbows_under_shoulders_pct", "elbows_in_front_of_shoulders_pct",
        "head_turned_left_s", "head_turned_right_s", "head_turn_asymmetry", "head_yaw_range",
        "head_sway_path_bu_per_s", "head_sway_rms_bu"),
        ("head_lift_angle", "elbow_ahead_of_shoulder", "head_yaw_proxy")),
    Family("hands", "Hands", (
        "hands_together_bouts", "hands_together_pct", "hands_together_longest_s",
        "hand_to_mouth_bouts", "hand_to_mouth_pct", "grasp_count", "grasps_per_min",
        "hand_aperture_median", "hand_aperture_range"),
        ("hand_to_mouth_", "hand_aperture_")),
    Family("sitting", "Sitting", (
        "sitting_time_s", "sitting_longest_bout_s", "sitting_losses",
        "sitting_trunk_sway_rms_bu", "sitting_trunk_sway_path_bu_per_s",
        "sitting_trunk_angle_sd_deg"), ("sitting_",)),
    Family("whole_body", "Position and whole-body movement", (
        "supine_time_s", "prone_time_s", "roll_count", "rolls_supine_to_prone",
        "rolls_prone_to_supine", "arm_movement_bu_per_s", "arm_time_in_motion_pct",
        "leg_movement_bu_per_s", "leg_time_in_motion_pct", "arm_symmetry_index",
        "leg_symmetry_index", "arm_lr_correlation", "arm_lr_lag_s", "leg_lr_correlation",
        "leg_lr_lag_s"), ("leg_speed_", "arm_speed_")),
    Family("quality", "Recording quality", ("recording_quality",)),
)
OTHER = Family("other", "Other measurements", ())

LABELS: dict[str, str] = {
    "recording_quality": "Recording can be scored",
    "midline_crossings": "Midline crossings",
    "midline_crossings_per_min": "Midline crossings per minute",
    "midline_max_contralateral_bu": "Furthest across the midline",
    "midline_contralateral_time_s": "Time across the midline",
    "reach_count": "Reaches",
    "reaches_per_min": "Reaches per minute",
    "reach_duration_median_s": "Reach duration (median)",
    "reach_peak_speed_median_bu_per_s": "Reach peak speed (median)",
    "reach_straightness_median": "Reach path length (median)",
    "reach_sparc_median": "Reach smoothness, SPARC (median)",
    "reach_movement_units_median": "Movement units per reach (median)",
    "head_lift_bouts": "Head lifts in tummy time",
    "head_lift_max_deg": "Head lift, highest",
    "head_lift_median_deg": "Head lift, typical (median)",
    "head_lift_p90_deg": "Head lift, 90th percentile",
    "head_lift_time_above_45_s": "Time with the head above 45 degrees",
    "head_lift_time_above_45_pct": "Share of tummy time with the head above 45 degrees",
    "head_lift_longest_above_45_s": "Longest time with the head above 45 degrees",
    "head_lift_time_above_90_s": "Time with the head above 90 degrees",
    "head_lift_time_above_90_pct": "Share of tummy time with the head above 90 degrees",
    "elbows_behind_shoulders_pct": "Elbows behind the shoulders (share of tummy time)",
    "elbows_under_shoulders_pct": "Elbows under the shoulders (share of tummy time)",
    "elbows_in_front_of_shoulders_pct": "Elbows in front of the shoulders (share of tummy "
                                        "time)",
    "head_turned_left_s": "Time with the head turned to the left",
    "head_turned_right_s": "Time with the head turned to the right",
    "head_turn_asymmetry": "Head turn asymmetry",
    "head_yaw_range": "Head turning range",
    "head_sway_path_bu_per_s": "Head sway, path per second",
    "head_sway_rms_bu": "Head sway, RMS",
    "hands_together_bouts": "Hands together at the midline",
    "hands_together_pct": "Time with the hands together",
    "hands_together_longest_s": "Longest time with the hands together",
    "hand_to_mouth_bouts": "Hand to mouth",
    "hand_to_mouth_pct": "Time with the hand at the mouth",
    "grasp_count": "Grasps",
    "grasps_per_min": "Grasps per minute",
    "hand_aperture_median": "Hand opening (median)",
    "hand_aperture_range": "Hand opening range",
    "sitting_time_s": "Time sitting",
    "sitting_longest_bout_s": "Longest time sitting",
    "sitting_losses": "Losses of sitting balance",
    "sitting_trunk_sway_rms_bu": "Trunk sway while sitting, RMS",
    "sitting_trunk_sway_path_bu_per_s": "Trunk sway while sitting, path per second",
    "sitting_trunk_angle_sd_deg": "Trunk lean while sitting, variation (SD)",
    "supine_time_s": "Time on the back",
    "prone_time_s": "Time on the tummy",
    "roll_count": "Rolls",
    "rolls_supine_to_prone": "Rolls from back to tummy",
    "rolls_prone_to_supine": "Rolls from tummy to back",
    "arm_movement_bu_per_s": "Arm movement (mean speed)",
    "arm_time_in_motion_pct": "Time the arm was moving",
    "leg_movement_bu_per_s": "Leg movement (mean speed)",
    "leg_time_in_motion_pct": "Time the leg was moving",
    "arm_symmetry_index": "Arm symmetry index",
    "leg_symmetry_index": "Leg symmetry index",
    "arm_lr_correlation": "Arms moving together (correlation)",
    "arm_lr_lag_s": "Right arm following the left by",
    "leg_lr_correlation": "Legs moving together (correlation)",
    "leg_lr_lag_s": "Right leg following the left by",
}
"""Plain names of the metrics motorobs ships (others: :func:`~motorobs.report.labels.
humanize`)."""

UNIT_WORDS: dict[str, str] = {
    "BU": "shoulder widths",
    "body units": "shoulder widths",
    "BU/s": "shoulder widths per second",
    "deg": "degrees",
    "path/chord": "times the straight line",
    "per min": "per minute",
}
"""Units as shown in the tables; units not listed are shown as they are."""
NO_UNIT = {"", "1", "count", "dimensionless", "index", "r", "verdict"}

UNIT_NOTES: dict[str, str] = {
    "shoulder widths": "Shoulder widths: the baby's own shoulder width, so that big and "
                       "small babies compare.",
    "shoulder widths per second": "Shoulder widths per second: a speed in the baby's own "
                                  "shoulder widths, so that big and small babies compare.",
    "half ear widths": "Half ear widths: the nose's offset from the middle of the ears, in "
                       "half the distance between the ears: 0 is the face straight up, about "
                       "1 the nose over one ear.",
    "palm lengths": "Palm lengths: the fingertips' distance from the wrist in the baby's own "
                    "palm length (wrist to the middle finger's knuckle); an open hand is "
                    "about 1.5 to 2, a fist about 0.8 to 1.",
    "times the straight line": "Times the straight line: the hand's path divided by the "
                               "straight line from where it started to where it arrived; "
                               "1 is perfectly straight.",
}
"""Explanations of the units a therapist may not know, given once where first used."""

METRIC_NOTES: dict[str, str] = {
    "head_sway_rms_bu": "RMS: the typical distance from the average position.",
    "reach_sparc_median": "SPARC: a smoothness score; one smooth movement gives about "
                          "−1.4, more negative is less smooth.",
    "reach_movement_units_median": "Movement units: speed peaks within one reach; one "
                                   "smooth reach has one.",
    "head_lift_max_deg": "Head lift angle: the line from shoulder to ear above the floor, "
                         "seen from the side. It rises less than the head itself, so 45 "
                         "degrees here is not the AIMS item “head raised to 45°”; compare "
                         "clips of the same baby.",
    "head_turn_asymmetry": "Head turn asymmetry: +1 always turned to the left, −1 always to "
                           "the right, 0 as long to each side.",
    "arm_symmetry_index": "Symmetry index: 0 both sides moved as much; + the left moved "
                          "more, − the right; ±0.67 means one side moved twice as much.",
    "arm_lr_correlation": "Correlation: 1 the left and right moved together, 0 "
                          "independently.",
}
"""Explanations of particular measurements, given once where first used (the symmetry and
correlation notes also cover the legs)."""
NOTE_ALIASES = {"leg_symmetry_index": "arm_symmetry_index",
                "leg_lr_correlation": "arm_lr_correlation",
                "sitting_trunk_sway_rms_bu": "head_sway_rms_bu"}
SEEN_NOTE = ("Seen: the share of the relevant time (for example the time on the back) in "
             "which motorobs could see the body points a measurement needs. Below 50 % no "
             "number is given.")


def family_of_metric(name: str) -> Family:
    """The family a metric is shown in (:data:`OTHER` for metrics not listed)."""
    for family in FAMILIES:
        if name in family.metrics:
            return family
    return OTHER


def family_of_trace(name: str) -> Family:
    """The family a trace is plotted under (:data:`OTHER` for traces not listed)."""
    for family in FAMILIES:
        if any(name.startswith(prefix) for prefix in family.traces):
            return family
    return OTHER


def metric_label(name: str) -> str:
    """The plain name of a metric (without its side)."""
    return LABELS.get(name) or humanize(name)


def unit_words(unit: str) -> str:
    """A unit as shown in the tables: ``"BU"`` -> ``"shoulder widths"``; ``""`` for counts
    and other unitless numbers."""
    if unit in NO_UNIT:
        return ""
    return UNIT_WORDS.get(unit, unit)


def value_text(metric: Mapping[str, Any]) -> str:
    """``"0.57 shoulder widths"``, ``"17.1 per minute"``, ``"yes"``: the value of an ``ok``
    metric with its unit in plain words; empty for any other status (never a number)."""
    value = metric.get("value")
    if metric.get("status") != "ok" or value is None or not math.isfinite(float(value)):
        return ""
    unit = str(metric.get("unit") or "")
    if unit == "verdict":
        return "yes" if value else "no"
    words = unit_words(unit)
    number = format_number(float(value))
    if words == "%":
        return f"{number} %"
    return f"{number} {words}" if words else number


STATUS_SHORT = {"insufficient_data": "too little usable video",
                "not_applicable": "does not apply"}


@dataclass(frozen=True)
class Cell:
    """One value of a details table."""

    text: str
    """The value with its unit, or the short status when there is no value."""
    status: str
    reason: str = ""
    coverage: str = ""
    note: int | None = None
    """Number of the reason in its table's :attr:`FamilyTable.reasons` (1-based)."""


@dataclass(frozen=True)
class Row:
    """One metric of a details table: one cell, or one per side (infant's left, right)."""

    name: str
    label: str
    definition: str
    cells: tuple[Cell, ...]
    per_side: bool
    seen: str
    """Coverage as shown: ``"100 %"`` or ``"left 100 %, right 51 %"``."""


@dataclass
class FamilyTable:
    """A family's table and the explanations first needed there."""

    family: Family
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    """Why values are missing, each said once under the table and numbered in the cells."""
    plots: list[Any] = field(default_factory=list)
    """The family's signal plots (filled by :mod:`motorobs.report.html`)."""


@dataclass(frozen=True)
class NotApplicable:
    """Metrics that do not apply to the clip, grouped by their reason."""

    reason: str
    labels: tuple[str, ...]


def _cell(metric: Mapping[str, Any]) -> Cell:
    status = str(metric.get("status", ""))
    text = value_text(metric) if status == "ok" else STATUS_SHORT.get(status, status)
    reason = "" if status == "ok" else str(metric.get("reason") or "")
    return Cell(text, status, reason, format_percent(metric.get("coverage")))


def _numbered(cell: Cell, reasons: list[str]) -> Cell:
    """``cell`` with the number of its reason in ``reasons`` (added when new)."""
    if not cell.reason:
        return cell
    if cell.reason not in reasons:
        reasons.append(cell.reason)
    return Cell(cell.text, cell.status, cell.reason, cell.coverage,
                reasons.index(cell.reason) + 1)


def _seen(cells: Iterable[tuple[str | None, Cell]]) -> str:
    cells = list(cells)
    shown = {cell.coverage for _, cell in cells}
    if len(shown) == 1 or any(side is None for side, _ in cells):
        return cells[0][1].coverage
    return ", ".join(f"{side} {cell.coverage}" for side, cell in cells)


def details(metrics: Iterable[Mapping[str, Any]]
            ) -> tuple[list[FamilyTable], list[NotApplicable]]:
    """The details tables, family by family, and what does not apply.

    Parameters
    ----------
    metrics
        The metrics as in ``metrics.json``.

    Returns
    -------
    tables
        One per family with at least one metric that applies, in :data:`FAMILIES` order
        (then "other"); rows in the family's order, per-hand metrics as one row with a cell
        per side. Each table's ``notes`` explain the units and measures first used in it.
    not_applicable
        The metrics whose every value does not apply, grouped by reason (in order of first
        appearance), with their plain names.
    """
    by_name: dict[str, dict[str | None, Mapping[str, Any]]] = {}
    for metric in metrics:
        by_name.setdefault(str(metric["name"]), {})[metric.get("side")] = metric
    known = {n for f in FAMILIES for n in f.metrics}
    order = [*FAMILIES, OTHER]
    names_of = {f.key: list(f.metrics) for f in FAMILIES}
    names_of[OTHER.key] = [n for n in by_name if n not in known]
    tables, not_applicable = [], {}
    explained: set[str] = set()
    for family in order:
        table = FamilyTable(family)
        for name in names_of[family.key]:
            sides = by_name.get(name)
            if not sides:
                continue
            first = next(iter(sides.values()))
            label = metric_label(name)
            if all(m.get("status") == "not_applicable" for m in sides.values()):
                reason = str(first.get("reason") or "no reason recorded")
                not_applicable.setdefault(reason, []).append(label)
                continue
            per_side = set(sides) <= set(SIDES) and None not in sides
            keyed = [(s, _cell(sides[s])) for s in SIDES if s in sides] if per_side else [
                (None, _cell(first))]
            keyed = [(side, _numbered(cell, table.reasons)) for side, cell in keyed]
            table.rows.append(Row(name, label, str(first.get("definition") or ""),
                                  tuple(c for _, c in keyed), per_side, _seen(keyed)))
            note_key = NOTE_ALIASES.get(name, name)
            words = unit_words(str(first.get("unit") or ""))
            for key, note in ((words, UNIT_NOTES.get(words)),
                              (note_key, METRIC_NOTES.get(note_key))):
                if note and key not in explained:
                    explained.add(key)
                    table.notes.append(note)
        if table.rows:
            tables.append(table)
    return tables, [NotApplicable(r, tuple(labels)) for r, labels in not_applicable.items()]
