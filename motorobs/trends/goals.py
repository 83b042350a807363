"""Goals a therapist advised, e.g. minutes of tummy time a day.

For the command line, a CSV file with a header line and the columns ``child, activity,
minutes_per_day``. The activities are ``tummy_time`` (compared with the time the recordings
show the infant on the tummy, ``prone_time_s``; see the ``tummy-time-below-goal`` rule in
``rules.toml``) and ``sitting`` (``sitting_time_s``; shown week by week,
:mod:`motorobs.trends.programme`, raising no flag).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from motorobs.trends.csvinput import TrendsInputError, read_rows

GOAL_COLUMNS = ("child", "activity", "minutes_per_day")
ACTIVITY_METRICS: dict[str, tuple[str, str]] = {
    "tummy_time": ("prone_time_s", "Tummy time"),
    "sitting": ("sitting_time_s", "Sitting"),
}
"""Activity -> (the metric of ``metrics.json`` measuring its time in seconds, its label)."""
ACTIVITIES = tuple(ACTIVITY_METRICS)


@dataclass(frozen=True)
class Goal:
    """An advised amount of an activity for one child."""

    child: str
    activity: str
    minutes_per_day: float


def read_goals(path: Path) -> list[Goal]:
    """The goals in the CSV file ``path``.

    Raises
    ------
    TrendsInputError
        Listing every problem (``FILE:LINE: ...``): a missing column or value, an unknown
        activity, minutes that are not a positive number, a child and activity given twice.
    """
    path = Path(path)
    problems: list[str] = []
    goals: dict[tuple[str, str], Goal] = {}
    for row in read_rows(path, GOAL_COLUMNS):
        where = f"{path}:{row.line}"
        child, activity = row.cells.get("child", ""), row.cells.get("activity", "")
        text = row.cells.get("minutes_per_day", "")
        if not child:
            problems.append(f"{where}: child is empty; give the child's code.")
        if activity not in ACTIVITIES:
            problems.append(f"{where}: activity {activity!r} is not known; use "
                            f"{' or '.join(ACTIVITIES)}.")
        try:
            minutes = float(text)
        except ValueError:
            minutes = math.nan
        if not (math.isfinite(minutes) and minutes > 0):
            problems.append(f"{where}: minutes_per_day {text!r} must be a number above 0.")
        if (child, activity) in goals:
            problems.append(f"{where}: a goal for {child!r} and {activity} is given twice; "
                            "keep one row.")
        goals[(child, activity)] = Goal(child, activity, minutes)
    if problems:
        raise TrendsInputError(problems)
    return list(goals.values())
