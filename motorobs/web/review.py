"""The therapist's review and home programme: notes on clips, measurements marked
untrustworthy, goals per child. Every input is checked here (a clear message, never a
server error) and every query is scoped by owner, like :mod:`motorobs.web.caseload`.

Marks and notes become :class:`motorobs.trends.marks.Mark` and
:class:`~motorobs.trends.marks.Note` for the trends, flags, PDFs and exports, which name a
clip ``"<uploaded name> #<clip id>"`` (:func:`clip_key`).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from motorobs.trends.goals import ACTIVITIES, ACTIVITY_METRICS
from motorobs.trends.headlines import HEADLINES
from motorobs.trends.marks import Mark, Note
from motorobs.web.caseload import CaseloadError, NotFound
from motorobs.web.models import Child, Clip, ClipNote, MeasurementMark, ProgrammeGoal, utcnow

T = TypeVar("T")
MAX_NOTE_CHARS = 2000
MAX_REASON_CHARS = 300
MAX_MINUTES_PER_DAY = 24 * 60
REASONS = ("the hand was hidden", "adult in view", "wrong posture read",
           "another child in view", "the camera moved")
"""Reasons offered on the clip page (any other words can be typed)."""


def _markable() -> dict[str, tuple[str, bool]]:
    found: dict[str, tuple[str, bool]] = {}
    for h in HEADLINES:
        label = h.label.split(", left hand")[0].split(", right hand")[0]
        found.setdefault(h.metric, (label, h.side is not None))
    for metric, label in ACTIVITY_METRICS.values():
        found.setdefault(metric, (f"{label} recorded (s)", False))
    return found


MARKABLE: dict[str, tuple[str, bool]] = _markable()
"""Metric name -> (label, per hand): the trend metrics and the home programme's times."""


def clip_key(clip: Clip) -> str:
    """The clip's name in the trends, flags, PDFs and exports: its uploaded name and id."""
    return f"{clip.original_name} #{clip.id}"


def when_text(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def clip_marks(clip: Clip) -> list[Mark]:
    return [Mark(clip_key(clip), m.metric, m.side or None, m.reason, m.author,
                 when_text(m.created_at)) for m in clip.marks]


def clip_notes(clip: Clip) -> list[Note]:
    return [Note(clip_key(clip), n.text, n.author, when_text(n.created_at))
            for n in clip.notes]


def _text(value: str | None, what: str, limit: int) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise CaseloadError(f"The {what} is empty: write a few words.")
    if len(text) > limit:
        raise CaseloadError(f"The {what} has {len(text)} characters; keep it under {limit}.")
    return text


def check_note(text: str | None) -> str:
    """The note's text, spaces tidied; raises :class:`CaseloadError` if empty or long."""
    return _text(text, "note", MAX_NOTE_CHARS)


def check_mark(metric: str | None, side: str | None, reason: str | None) -> tuple[str, str, str]:
    """``(metric, side, reason)`` of a mark (side ``""``: every side); raises
    :class:`CaseloadError` naming the problem."""
    metric, side = (metric or "").strip(), (side or "").strip()
    if metric not in MARKABLE:
        raise CaseloadError(f"{metric or '(none)'!r} is not a measurement that can be marked; "
                            f"choose one of {', '.join(MARKABLE)}.")
    if side not in ("", "left", "right"):
        raise CaseloadError(f"The side {side!r} must be left, right or empty (both hands).")
    if side and not MARKABLE[metric][1]:
        raise CaseloadError(f"{MARKABLE[metric][0]} is not measured per hand: leave the "
                            "side empty.")
    return metric, side, _text(reason, "reason", MAX_REASON_CHARS)


def check_goal(activity: str | None, minutes: str | float | None) -> tuple[str, float]:
    """``(activity, minutes a day)``; raises :class:`CaseloadError` naming the problem."""
    activity = (activity or "").strip()
    if activity not in ACTIVITIES:
        raise CaseloadError(f"The activity {activity or '(none)'!r} is not known; choose "
                            f"{' or '.join(ACTIVITIES)}.")
    try:
        value = float(str(minutes).strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= MAX_MINUTES_PER_DAY):
        raise CaseloadError(f"The minutes a day {str(minutes or '').strip() or '(none)'!r} "
                            f"must be a number above 0 and at most {MAX_MINUTES_PER_DAY}.")
    return activity, value


def add_note(db: Session, clip: Clip, author: str, text: str) -> ClipNote:
    note = ClipNote(owner_id=clip.owner_id, clip_id=clip.id, text=check_note(text),
                    author=author)
    db.add(note)
    db.flush()
    return note


def mark(db: Session, clip: Clip, author: str, metric: str, side: str,
         reason: str) -> MeasurementMark:
    """Mark a measurement of an analysed clip (again: the new reason replaces the old)."""
    metric, side, reason = check_mark(metric, side, reason)
    if clip.job is None or clip.job.state != "done":
        raise CaseloadError("Only an analysed clip's measurements can be marked.")
    return _upsert(db, MeasurementMark, {"owner_id": clip.owner_id, "clip_id": clip.id,
                                         "metric": metric, "side": side},
                   reason=reason, author=author, created_at=utcnow())


def unmark(db: Session, clip: Clip, mark_id: int) -> MeasurementMark:
    return _remove(db, MeasurementMark, "mark", id=mark_id, clip_id=clip.id,
                   owner_id=clip.owner_id)


def set_goal(db: Session, child: Child, author: str, activity: str,
             minutes: str | float | None) -> ProgrammeGoal:
    """Set the child's goal for ``activity`` (replacing the one before)."""
    activity, value = check_goal(activity, minutes)
    return _upsert(db, ProgrammeGoal, {"owner_id": child.owner_id, "child_id": child.id,
                                       "activity": activity},
                   minutes_per_day=value, author=author, set_at=utcnow())


def remove_goal(db: Session, child: Child, goal_id: int) -> ProgrammeGoal:
    return _remove(db, ProgrammeGoal, "goal", id=goal_id, child_id=child.id,
                   owner_id=child.owner_id)


def _upsert(db: Session, model: type[T], keys: dict, **values) -> T:
    """The row of ``model`` with the column values ``keys`` (made if missing), given
    ``values``."""
    found = db.scalar(select(model).filter_by(**keys))
    if found is None:
        found = model(**keys)
        db.add(found)
    for name, value in values.items():
        setattr(found, name, value)
    db.flush()
    return found


def _remove(db: Session, model: type[T], what: str, **keys) -> T:
    """Delete the row of ``model`` with the column values ``keys``; :class:`NotFound`
    (``what``) if there is none."""
    found = db.scalar(select(model).filter_by(**keys))
    if found is None:
        raise NotFound(what)
    db.delete(found)
    db.flush()
    return found


def review_json(clip: Clip) -> dict:
    """``GET /api/clips/{id}/review``: the clip's notes and marks, with who and when."""
    return {"clip_id": clip.id,
            "notes": [{"id": n.id, "text": n.text, "by": n.author,
                       "at": n.created_at.isoformat()} for n in clip.notes],
            "marks": [{"id": m.id, "metric": m.metric, "side": m.side or None,
                       "reason": m.reason, "by": m.author, "at": m.created_at.isoformat()}
                      for m in clip.marks]}


def goal_json(goal: ProgrammeGoal) -> dict:
    return {"id": goal.id, "activity": goal.activity, "minutes_per_day": goal.minutes_per_day,
            "by": goal.author, "at": goal.set_at.isoformat()}
