"""Flags: prompts for the therapist to look at some clips, raised by the rules of
``rules.toml``.

The rules (ids, versions, wording, references to the literature notes and parameters) live
in the data file :data:`RULES_FILE`, not in code; each rule's ``kind`` names the function
here that evaluates it. Only measured values count (``role == "point"`` in the sessions
table): a gap, a value from another camera view and a marked value never raise a flag.

A **session** is one session date of one child. When a session has several clips measuring
the same metric, its value is their mean weighted by coverage. A flag names its rule (id and
version) and the sessions it comes from (clips, dates, ages, values). Its text is worded as
"Worth a look: ..."; it never states a diagnosis.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from motorobs.trends.csvinput import TrendsInputError
from motorobs.trends.goals import Goal
from motorobs.trends.headlines import HEADLINES

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

RULES_FILE = Path(__file__).with_name("rules.toml")


@dataclass(frozen=True)
class Rule:
    """One rule of the rules file."""

    id: str
    version: str
    kind: str
    wording: str
    reference: str
    parameters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    """A rules file: its version and its rules."""

    version: str
    rules: tuple[Rule, ...]
    source: str


@dataclass(frozen=True)
class SessionPoint:
    """The measured value of one metric at one session of a child."""

    session_date: str
    age_months: float
    value: float
    clips: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form in ``flags.json``."""
        return {"session_date": self.session_date, "age_months": round(self.age_months, 2),
                "value": round(self.value, 4), "clips": list(self.clips)}


@dataclass(frozen=True)
class Flag:
    """A prompt to look, raised by one rule from some sessions."""

    rule_id: str
    rule_version: str
    child: str
    metric: str
    side: str | None
    text: str
    reference: str
    sources: tuple[SessionPoint, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON form in ``flags.json``."""
        return {"rule_id": self.rule_id, "rule_version": self.rule_version,
                "child": self.child, "metric": self.metric, "side": self.side,
                "text": self.text, "reference": self.reference,
                "sources": [s.to_dict() for s in self.sources]}


def load_rules(path: Path | None = None) -> Rules:
    """The rules in ``path`` (default: the packaged :data:`RULES_FILE`).

    Raises
    ------
    TrendsInputError
        If the file cannot be read or a rule lacks a field or names an unknown kind.
    """
    path = Path(path or RULES_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TrendsInputError([f"{path}: cannot be read as TOML ({exc})."]) from exc
    rules, problems = [], []
    for number, raw in enumerate(data.get("rule", []), start=1):
        missing = [k for k in ("id", "version", "kind", "wording", "reference") if k not in raw]
        if missing:
            problems.append(f"{path}: rule {number} lacks {', '.join(missing)}.")
        elif raw["kind"] not in KINDS:
            problems.append(f"{path}: rule {raw['id']} has kind {raw['kind']!r}; known: "
                            f"{', '.join(KINDS)}.")
        else:
            rules.append(Rule(str(raw["id"]), str(raw["version"]), raw["kind"],
                              raw["wording"], raw["reference"], raw.get("parameters", {})))
    if problems:
        raise TrendsInputError(problems)
    return Rules(str(data.get("version", "")), tuple(rules), str(path))


def session_series(frame: pd.DataFrame, metric: str, side: str | None) -> list[SessionPoint]:
    """One child's measured sessions of ``metric`` (``side``), oldest first (the rows of
    the sessions table with ``role == "point"``; several clips of a session: their mean
    weighted by coverage)."""
    rows = frame[(frame["metric"] == metric) & (frame["side"] == (side or ""))
                 & (frame["role"] == "point")]
    points = []
    for session, group in rows.groupby("session_date", sort=True):
        weights = group["coverage"].fillna(0).clip(lower=1e-6)
        value = float((group["trend_value"] * weights).sum() / weights.sum())
        points.append(SessionPoint(str(session), float(group["age_months"].iloc[0]), value,
                                   tuple(group["clip"])))
    return points


def _dates(points: Sequence[SessionPoint]) -> str:
    return ", ".join(f"{p.session_date} ({', '.join(p.clips)})" for p in points)


def _number(value: float) -> str:
    return f"{value:.3g}"


def _label(metric: str, side: str | None) -> str:
    for headline in HEADLINES:
        if headline.metric == metric and headline.side == side:
            return headline.label[0].lower() + headline.label[1:]
    return metric


def _flag(rule: Rule, child: str, metric: str, side: str | None,
          sources: Sequence[SessionPoint], **fields: Any) -> Flag:
    text = rule.wording.format(n=len(sources), sessions=_dates(sources), **fields)
    return Flag(rule.id, rule.version, child, metric, side, text, rule.reference,
                tuple(sources))


def _summed_series(frame: pd.DataFrame, metric: str,
                   sides: Sequence[str | None]) -> list[SessionPoint]:
    """Sessions where every side of ``metric`` was measured, with the sides' values added."""
    per_side = [{p.session_date: p for p in session_series(frame, metric, s)} for s in sides]
    common = sorted(set.intersection(*(set(s) for s in per_side)))
    return [SessionPoint(d, per_side[0][d].age_months, sum(s[d].value for s in per_side),
                         tuple(sorted({c for s in per_side for c in s[d].clips})))
            for d in common]


def low_after_age(rule: Rule, child: str, frame: pd.DataFrame, goals: Sequence[Goal]
                  ) -> list[Flag]:
    """The most recent ``sessions`` measured sessions at ``min_age_months`` or older all have
    the value (summed over ``sides``, if given) ``below`` or ``at_most`` the threshold."""
    p = rule.parameters
    sides = p.get("sides") or [None]
    series = [s for s in _summed_series(frame, p["metric"], sides)
              if s.age_months >= p["min_age_months"]]
    recent = series[-int(p["sessions"]):]
    if len(recent) < int(p["sessions"]):
        return []
    if "below" in p:
        low, threshold = all(s.value < p["below"] for s in recent), p["below"]
    else:
        low, threshold = all(s.value <= p["at_most"] for s in recent), p["at_most"]
    if not low:
        return []
    return [_flag(rule, child, p["metric"], None, recent,
                  threshold=_number(threshold), min_age_months=_number(p["min_age_months"]))]


def one_sided(rule: Rule, child: str, frame: pd.DataFrame, goals: Sequence[Goal]
              ) -> list[Flag]:
    """The most recent ``sessions`` measured sessions all have ``|value| >= threshold`` with
    the same sign (+ = left)."""
    p = rule.parameters
    recent = session_series(frame, p["metric"], None)[-int(p["sessions"]):]
    if len(recent) < int(p["sessions"]):
        return []
    for sign, direction in ((1, "left"), (-1, "right")):
        if all(sign * s.value >= p["threshold"] for s in recent):
            return [_flag(rule, child, p["metric"], None, recent, direction=direction)]
    return []


def falling(rule: Rule, child: str, frame: pd.DataFrame, goals: Sequence[Goal]
            ) -> list[Flag]:
    """For each listed metric (each hand on its own), the most recent ``sessions`` measured
    sessions each lower than the one before, the last at least ``min_relative_drop`` of the
    first's size below the first."""
    p, flags = rule.parameters, []
    units = dict(zip(frame["metric"], frame["unit"], strict=False))
    for headline in HEADLINES:
        if headline.metric not in p["metrics"]:
            continue
        recent = session_series(frame, headline.metric, headline.side)[-int(p["sessions"]):]
        if len(recent) < int(p["sessions"]) or recent[0].value == 0:
            continue
        values = [s.value for s in recent]
        steadily = all(b < a for a, b in zip(values, values[1:], strict=False))
        drop = (values[0] - values[-1]) / abs(values[0])
        if steadily and drop >= p["min_relative_drop"]:
            flags.append(_flag(rule, child, headline.metric, headline.side, recent,
                               label=_label(headline.metric, headline.side),
                               first=_number(values[0]), last=_number(values[-1]),
                               unit=units.get(headline.metric, "")))
    return flags


def week_start(session_date: str) -> date:
    """The Monday of the ISO week of ``session_date`` (``YYYY-MM-DD``)."""
    day = date.fromisoformat(session_date)
    return date.fromordinal(day.toordinal() - day.weekday())


def below_goal(rule: Rule, child: str, frame: pd.DataFrame, goals: Sequence[Goal]
               ) -> list[Flag]:
    """For each ISO week (Monday to Sunday) with sessions, the recorded time of ``metric``
    (seconds, summed over the week's clips) below the child's goal for ``activity`` (minutes
    a day x ``days_per_week``). A week with any clip not measured (gap or marked) is
    skipped."""
    p = rule.parameters
    goal = next((g for g in goals if (g.child, g.activity) == (child, p["activity"])), None)
    if goal is None:
        return []
    rows = frame[(frame["metric"] == p["metric"]) & (frame["side"] == "")]
    weeks = dict(list(rows.groupby(rows["session_date"].map(week_start))))
    flags = []
    goal_min = goal.minutes_per_day * int(p["days_per_week"])
    for week, group in sorted(weeks.items()):
        if not (group["role"] == "point").all():
            continue
        recorded_min = float(group["trend_value"].sum()) / 60.0
        if recorded_min < goal_min:
            sources = [SessionPoint(str(d), float(g["age_months"].iloc[0]),
                                    float(g["trend_value"].sum()), tuple(g["clip"]))
                       for d, g in group.groupby("session_date", sort=True)]
            flags.append(_flag(rule, child, p["metric"], None, sources,
                               week=week.isoformat(), recorded_min=_number(recorded_min),
                               goal_min=_number(goal_min),
                               minutes_per_day=_number(goal.minutes_per_day)))
    return flags


KINDS: dict[str, Callable[[Rule, str, pd.DataFrame, Sequence[Goal]], list[Flag]]] = {
    "low_after_age": low_after_age,
    "one_sided": one_sided,
    "falling": falling,
    "below_goal": below_goal,
}
"""Rule kind -> the function evaluating it on one child's rows of the sessions table."""


def evaluate_flags(frame: pd.DataFrame, rules: Rules, goals: Sequence[Goal] = ()
                   ) -> list[Flag]:
    """Every flag the ``rules`` raise on the sessions table ``frame`` (any number of
    children), child by child, rule by rule."""
    flags = []
    for child, rows in frame.groupby("child", sort=True):
        for rule in rules.rules:
            flags += KINDS[rule.kind](rule, str(child), rows, goals)
    return flags
