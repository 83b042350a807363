"""A therapist's caseload: children, their sessions, clips and jobs.

Every function takes the owner's id and filters on it: another therapist's ids are simply
"not found" (never "forbidden", which would say that they exist).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from motorobs.web.ages import DateProblem, check_child_dates
from motorobs.web.models import Child, Clip, Job, ObservationSession

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


class NotFound(LookupError):
    """No such object in this user's caseload."""

    def __init__(self, what: str) -> None:
        super().__init__(f"No such {what} in your caseload.")
        self.what = what


class CaseloadError(ValueError):
    """A change to the caseload that cannot be made (the message says why)."""


@dataclass(frozen=True)
class FilesToDelete:
    """A deleted clip's files, removed once the rows are gone (see :mod:`.storage`)."""

    stored_name: str
    video_file: str | None


def check_code(code: str) -> str:
    code = code.strip()
    if not CODE_PATTERN.match(code):
        raise CaseloadError(
            "The child's code must be 1 to 32 letters, digits, dots, dashes or underscores "
            "(a pseudonym such as K-017: never the child's name).")
    return code


def list_children(db: Session, owner_id: int) -> list[Child]:
    return list(db.scalars(select(Child).where(Child.owner_id == owner_id)
                           .order_by(Child.code)))


def get_child(db: Session, owner_id: int, child_id: int, *, with_clips: bool = False) -> Child:
    query = select(Child).where(Child.id == child_id, Child.owner_id == owner_id)
    if with_clips:
        query = query.options(selectinload(Child.sessions).selectinload(ObservationSession.clips)
                              .selectinload(Clip.job))
    child = db.scalar(query)
    if child is None:
        raise NotFound("child")
    return child


def add_child(db: Session, owner_id: int, code: str, birth: date, due: date | None,
              today: date) -> Child:
    """Add a child; raises :class:`CaseloadError` (or :class:`.ages.DateProblem`)."""
    code = check_code(code)
    check_child_dates(birth, due, today)
    if db.scalar(select(Child.id).where(Child.owner_id == owner_id, Child.code == code)):
        raise CaseloadError(f"You already have a child with the code {code}.")
    child = Child(owner_id=owner_id, code=code, birth_date=birth, due_date=due)
    db.add(child)
    try:
        with db.begin_nested():
            db.flush()
    except IntegrityError as exc:  # the same code added at the same moment
        raise CaseloadError(f"You already have a child with the code {code}.") from exc
    return child


def change_dates(db: Session, child: Child, birth: date, due: date | None,
                 today: date) -> None:
    """Set the child's birth and due dates; raises :class:`.ages.DateProblem` for dates that
    cannot be right or a session of the child before the new birth date."""
    check_child_dates(birth, due, today)
    first = min((s.date for s in child.sessions), default=None)
    if first is not None and first < birth:
        raise DateProblem(f"the child has a session on {first.isoformat()}, before the birth "
                          f"date {birth.isoformat()}; check the birth date.")
    child.birth_date, child.due_date = birth, due
    db.flush()


def session_on(db: Session, child: Child, when: date) -> ObservationSession:
    """The child's session on ``when``, created if needed (safe against a concurrent
    upload creating it at the same moment)."""
    query = select(ObservationSession).where(ObservationSession.child_id == child.id,
                                             ObservationSession.date == when)
    found = db.scalar(query)
    if found is not None:
        return found
    try:
        with db.begin_nested():
            session = ObservationSession(owner_id=child.owner_id, child_id=child.id, date=when)
            db.add(session)
            db.flush()
        return session
    except IntegrityError:
        return db.scalar(query)


def get_clip(db: Session, owner_id: int, clip_id: int) -> Clip:
    clip = db.scalar(select(Clip).where(Clip.id == clip_id, Clip.owner_id == owner_id)
                     .options(selectinload(Clip.job), selectinload(Clip.session)))
    if clip is None:
        raise NotFound("clip")
    return clip


def get_job(db: Session, owner_id: int, job_id: int) -> Job:
    job = db.scalar(select(Job).where(Job.id == job_id, Job.owner_id == owner_id))
    if job is None:
        raise NotFound("job")
    return job


def jobs_of_child(db: Session, owner_id: int, child_id: int) -> list[Job]:
    return list(db.scalars(select(Job).join(Clip).where(
        Clip.child_id == child_id, Job.owner_id == owner_id).order_by(Job.id)))


def delete_clip(db: Session, clip: Clip) -> list[FilesToDelete]:
    """Delete a clip's rows (its job too, and its session if now empty); returns the files
    to delete once the transaction is committed."""
    files = [FilesToDelete(clip.stored_name, clip.video_file)]
    session_id = clip.session_id
    db.execute(delete(Job).where(Job.clip_id == clip.id))
    db.execute(delete(Clip).where(Clip.id == clip.id))
    if db.scalar(select(Clip.id).where(Clip.session_id == session_id).limit(1)) is None:
        db.execute(delete(ObservationSession).where(ObservationSession.id == session_id))
    db.expire_all()
    return files


def delete_child(db: Session, child: Child) -> list[FilesToDelete]:
    """Delete a child with all its sessions, clips and jobs; returns the files to delete."""
    clips = list(db.scalars(select(Clip).where(Clip.child_id == child.id,
                                               Clip.owner_id == child.owner_id)))
    files = [FilesToDelete(c.stored_name, c.video_file) for c in clips]
    clip_ids = [c.id for c in clips]
    if clip_ids:
        db.execute(delete(Job).where(Job.clip_id.in_(clip_ids)))
        db.execute(delete(Clip).where(Clip.id.in_(clip_ids)))
    db.execute(delete(ObservationSession).where(ObservationSession.child_id == child.id))
    db.execute(delete(Child).where(Child.id == child.id))
    db.expire_all()
    return files
