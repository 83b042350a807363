"""The home programme week by week: how much of each practised activity the clips of each
ISO week (Monday to Sunday) show, against the therapist's goal.

The clips are samples of the week, not a diary: a week's recorded minutes say what was
filmed, and may be well below what the family did. A clip counts for an activity only when
it measured it (as in the sessions table: status ``ok``, scorable, not marked); the others
are listed with the reason. Pure: the web app and the PDF call :func:`weekly_practice`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from motorobs.trends.childmap import ChildMapEntry
from motorobs.trends.flags import week_start
from motorobs.trends.goals import ACTIVITY_METRICS, Goal
from motorobs.trends.headlines import Headline
from motorobs.trends.marks import Mark, find_mark
from motorobs.trends.results import ClipRecord
from motorobs.trends.sessions import measurement_role

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class ActivityWeek:
    """One activity in one week."""

    activity: str
    label: str
    recorded_min: float
    """Minutes the week's measuring clips show (summed)."""
    measured: int
    """Clips of the week that measured the activity."""
    not_measured: tuple[str, ...]
    """``"clip: reason"`` of each clip that did not."""
    goal_min_per_day: float | None

    @property
    def goal_min(self) -> float | None:
        """The goal for the week (minutes a day x 7), ``None`` without a goal."""
        return None if self.goal_min_per_day is None else self.goal_min_per_day * DAYS_PER_WEEK

    @property
    def below_goal(self) -> bool | None:
        """Whether the recorded minutes are below the week's goal (``None``: no goal)."""
        return None if self.goal_min is None else self.recorded_min < self.goal_min


@dataclass(frozen=True)
class ProgrammeWeek:
    """One ISO week with clips."""

    week: str
    """The week's Monday, ``YYYY-MM-DD``."""
    clips: tuple[str, ...]
    activities: tuple[ActivityWeek, ...]


def weekly_practice(entries: Sequence[ChildMapEntry], records: Mapping[str, ClipRecord],
                    marks: Collection[Mark] = (), goals: Collection[Goal] = ()
                    ) -> list[ProgrammeWeek]:
    """The weeks of one child's clips (``entries``), oldest first, each with every activity
    of :data:`~motorobs.trends.goals.ACTIVITY_METRICS` and the child's goal for it."""
    goal_of = {g.activity: g.minutes_per_day for g in goals}
    weeks: dict[str, list[ChildMapEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.age.session_date, e.clip)):
        monday = week_start(entry.age.session_date.isoformat()).isoformat()
        weeks.setdefault(monday, []).append(entry)
    result = []
    for monday, week_entries in weeks.items():
        activities = []
        for activity, (metric, label) in ACTIVITY_METRICS.items():
            headline = Headline(metric, None, label)
            seconds, measured, missing = 0.0, 0, []
            for entry in week_entries:
                record = records[entry.clip]
                value = record.metric(metric, None)
                role, reason = measurement_role(headline, record, value,
                                                find_mark(marks, entry.clip, metric, None))
                if role == "point":
                    seconds += float(value["value"])
                    measured += 1
                else:
                    missing.append(f"{entry.clip}: {reason}")
            activities.append(ActivityWeek(activity, label, seconds / 60.0, measured,
                                           tuple(missing), goal_of.get(activity)))
        result.append(ProgrammeWeek(monday, tuple(e.clip for e in week_entries),
                                    tuple(activities)))
    return result
