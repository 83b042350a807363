"""Chronological and corrected age of an infant at a session.

* **Chronological age** counts from the birth date.
* **Corrected age** (for infants born preterm) counts from the due date instead: chronological
  age minus (40 weeks - gestational age at birth), which is the same as the age since the due
  date. An infant counts as *preterm* when born more than :data:`PRETERM_DAYS_BEFORE_DUE`
  days (3 weeks) before the due date, i.e. before 37 weeks of gestation; otherwise, and when
  no due date is given, corrected age equals chronological age.
* Corrected age is used for comparisons with developmental norms until the infant is
  :data:`CORRECT_UNTIL_MONTHS` (24) months old *chronologically*; from then on chronological
  age is used (:attr:`SessionAge.age_for_norms_months`).

**Months** are calendar months, counted with :func:`dateutil.relativedelta.relativedelta`:
the whole months ``m`` are the largest number with ``start + m months <= end`` (an
anniversary that falls on a day the month does not have moves to that month's last day:
born 31 January, one month old on 28 February, or 29 February in a leap year), plus the
remaining days divided by the length in days of the month that follows that anniversary
(from ``start + m months`` to ``start + (m + 1) months``). So 1.5 months is half-way
between the one-month and two-month anniversaries. A negative age (a corrected age before
the due date) is minus the months from the session to the due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from motorobs.errors import MotorobsError

TERM_DAYS = 280
"""40 weeks of gestation (days)."""
PRETERM_DAYS_BEFORE_DUE = 21
"""Born more than this many days before the due date (gestation under 37 weeks) = preterm."""
CORRECT_UNTIL_MONTHS = 24
"""Corrected age is used until this chronological age (months)."""
MIN_GESTATION_DAYS = 22 * 7
"""A due date implying a gestation shorter than this (22 weeks) is taken for a typing
mistake."""
MAX_DAYS_AFTER_DUE = 6 * 7
"""A birth more than this many days (6 weeks) after the due date is taken for a mistake."""


class AgeError(MotorobsError):
    """Dates that cannot give an age (a session before birth, an impossible due date)."""


def calendar_months(start: date, end: date) -> float:
    """Calendar months from ``start`` to ``end`` (fractional; negative if ``end`` is
    earlier), by the rule in the module docstring."""
    if end < start:
        return -calendar_months(end, start)
    delta = relativedelta(end, start)
    whole = delta.years * 12 + delta.months
    anniversary = start + relativedelta(months=whole)
    following = start + relativedelta(months=whole + 1)
    return whole + (end - anniversary).days / (following - anniversary).days


def months_and_days(start: date, end: date) -> str:
    """``"3 mo 12 d"``: whole calendar months and remaining days from ``start`` to ``end``
    (``"-0 mo 10 d"`` style with a leading minus when ``end`` is earlier)."""
    sign = ""
    if end < start:
        start, end, sign = end, start, "\N{MINUS SIGN}"
    delta = relativedelta(end, start)
    return f"{sign}{delta.years * 12 + delta.months} mo {delta.days} d"


@dataclass(frozen=True)
class SessionAge:
    """An infant's ages at one session (days and calendar months; see the module)."""

    session_date: date
    birth_date: date
    due_date: date | None
    chronological_days: int
    chronological_months: float
    corrected_days: int
    """Days since the due date for a preterm infant, else :attr:`chronological_days`."""
    corrected_months: float
    preterm: bool
    gestation_days: int | None
    """Gestational age at birth (days), from the due date (``None`` without one)."""

    @property
    def uses_corrected(self) -> bool:
        """True when norms are read at the corrected age (preterm, under 24 months)."""
        return self.preterm and self.chronological_months < CORRECT_UNTIL_MONTHS

    @property
    def age_for_norms_months(self) -> float:
        """The age (months) at which norms and rules are read: corrected until 24 months
        chronological for a preterm infant, else chronological."""
        return self.corrected_months if self.uses_corrected else self.chronological_months

    @property
    def age_for_norms_days(self) -> int:
        """:attr:`age_for_norms_months` in days."""
        return self.corrected_days if self.uses_corrected else self.chronological_days

    @property
    def chronological_text(self) -> str:
        """Chronological age as ``"3 mo 12 d"``."""
        return months_and_days(self.birth_date, self.session_date)

    @property
    def corrected_text(self) -> str:
        """Corrected age as ``"3 mo 12 d"`` (equal to chronological for a term infant)."""
        start = self.due_date if self.preterm and self.due_date else self.birth_date
        return months_and_days(start, self.session_date)


def session_age(session_date: date, birth_date: date, due_date: date | None = None) -> SessionAge:
    """Chronological and corrected age at ``session_date``.

    Parameters
    ----------
    session_date, birth_date
        Dates of the recording and of the birth.
    due_date
        Expected date of delivery (40 weeks of gestation); ``None`` when unknown (no
        correction).

    Raises
    ------
    AgeError
        If the session is before the birth, or the due date implies a gestation under 22
        weeks or a birth more than 6 weeks after the due date.
    """
    if session_date < birth_date:
        raise AgeError(f"the session date {session_date} is before the birth date "
                       f"{birth_date}; check both dates (format YYYY-MM-DD).")
    gestation = None
    preterm = False
    if due_date is not None:
        early = (due_date - birth_date).days
        gestation = TERM_DAYS - early
        if gestation < MIN_GESTATION_DAYS:
            raise AgeError(f"the due date {due_date} is {early // 7} weeks after the birth "
                           f"date {birth_date} (a birth at {gestation // 7} weeks of "
                           "gestation); check the dates: the due date is the expected "
                           "delivery date at 40 weeks.")
        if -early > MAX_DAYS_AFTER_DUE:
            raise AgeError(f"the birth date {birth_date} is {-early // 7} weeks after the due "
                           f"date {due_date}; check the dates (a birth is rarely more than "
                           "2 weeks after the due date).")
        preterm = early > PRETERM_DAYS_BEFORE_DUE
    chronological_days = (session_date - birth_date).days
    chronological_months = calendar_months(birth_date, session_date)
    if preterm:
        assert due_date is not None
        corrected_days = (session_date - due_date).days
        corrected_months = calendar_months(due_date, session_date)
    else:
        corrected_days, corrected_months = chronological_days, chronological_months
    return SessionAge(session_date, birth_date, due_date, chronological_days,
                      chronological_months, corrected_days, corrected_months, preterm,
                      gestation)
