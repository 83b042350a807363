"""Chronological and corrected age, as a therapist writes them.

Corrected age counts from the due date instead of the birth date (it matters for babies
born early): corrected = chronological - (due date - birth date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from motorobs.trends.age import AgeError, session_age


class DateProblem(ValueError):
    """Dates that cannot be right (the message says which and why)."""


def check_child_dates(birth: date, due: date | None, today: date) -> None:
    """Raise :class:`DateProblem` for a birth date in the future or a due date the trends
    cannot use (:func:`motorobs.trends.age.session_age`: a birth before 22 weeks of
    gestation, or more than 6 weeks after the due date)."""
    if birth > today:
        raise DateProblem("the birth date is in the future.")
    try:
        session_age(birth, birth, due)
    except AgeError as exc:
        raise DateProblem(str(exc)) from exc


def check_session_date(birth: date, when: date, today: date) -> None:
    """Raise :class:`DateProblem` for a session before birth or in the future."""
    if when < birth:
        raise DateProblem(f"the session date {when.isoformat()} is before the birth date "
                          f"{birth.isoformat()}.")
    if (when - today).days > 1:  # a day of slack for time zones
        raise DateProblem(f"the session date {when.isoformat()} is in the future.")


def _months_and_days(start: date, end: date) -> tuple[int, int]:
    """Whole calendar months from ``start`` to ``end`` (``end >= start``), then days."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    year, month = divmod(start.month - 1 + months, 12)
    anchor_year, anchor_month = start.year + year, month + 1
    day = min(start.day, _days_in_month(anchor_year, anchor_month))
    return months, (end - date(anchor_year, anchor_month, day)).days


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def format_age(start: date, end: date) -> str:
    """``"6 weeks 2 days"`` under 3 months, then ``"5 months 2 weeks"``; before ``start``:
    ``"3 weeks before"``."""
    if end < start:
        weeks = (start - end).days // 7
        return f"{_plural(weeks, 'week')} before" if weeks else "a few days before"
    days = (end - start).days
    if days < 91:
        weeks, rest = divmod(days, 7)
        parts = [_plural(weeks, "week")] if weeks else []
        if rest or not weeks:
            parts.append(_plural(rest, "day"))
        return " ".join(parts)
    months, rest = _months_and_days(start, end)
    weeks = rest // 7
    return _plural(months, "month") + (f" {_plural(weeks, 'week')}" if weeks else "")


@dataclass(frozen=True)
class Age:
    """A child's age on a date."""

    chronological_days: int
    corrected_days: int | None
    """``None`` without a due date, or when birth was not before the due date."""
    chronological: str
    corrected: str | None

    def as_text(self) -> str:
        if self.corrected is None:
            return self.chronological
        return f"{self.chronological} (corrected {self.corrected})"


def age_on(birth: date, due: date | None, when: date) -> Age:
    """The age on ``when``; corrected age only for babies born before their due date."""
    corrected = due is not None and due > birth
    return Age(
        chronological_days=(when - birth).days,
        corrected_days=(when - due).days if corrected else None,
        chronological=format_age(birth, when),
        corrected=format_age(due, when) if corrected else None,
    )
