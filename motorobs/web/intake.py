"""Accepting uploaded clips: check each file, store it under a generated name, and queue
its analysis.

A file is accepted only when it decodes as a video (:func:`motorobs.io.video.probe_video`),
whatever its name says. An upload is all or nothing: if one file is refused, none is stored
and the answer says what is wrong with each. A file already uploaded for the same child
(same SHA-256) is recognised and not stored or analysed again (a clip that failed is
queued again).
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from motorobs.errors import VideoError
from motorobs.web import audit
from motorobs.web.accounts import CurrentUser
from motorobs.web.ages import DateProblem, check_session_date
from motorobs.web.caseload import get_child, session_on
from motorobs.web.models import Clip, Job, utcnow
from motorobs.web.multipart import ReceivedFile, ReceivedForm, UploadRefused
from motorobs.web.storage import Storage, new_stored_name

FILES_FIELD = "files"
MAX_NAME_LENGTH = 200
FORBIDDEN_NAME_CHARACTERS = set('/\\<>:"|?*')


@dataclass
class FileOutcome:
    """What became of one uploaded file (the API's answer per file)."""

    file: str
    clip_id: int | None = None
    job_id: int | None = None
    duplicate: bool = False
    """Already uploaded for this child: nothing stored, nothing analysed again."""
    queued_again: bool = False
    """A duplicate whose earlier analysis had failed: queued again."""
    problem: str | None = None


@dataclass
class CheckedFile:
    received: ReceivedFile
    name: str
    suffix: str
    duration_s: float


@dataclass
class UploadRejected(Exception):
    """Some files cannot be accepted: nothing was stored."""

    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def message(self) -> str:
        problems = [o.problem for o in self.outcomes if o.problem]
        return " ".join(problems) + " Nothing was uploaded; fix or leave out these files " \
            "and try again."


def check_filename(name: str) -> str:
    """The uploaded name as shown in the app; raises ``ValueError`` for a name that is not
    a plain file name (path parts, control or reserved characters, too long)."""
    shown = name.replace("\ufffd", "?")
    problem = None
    if not name.strip():
        problem = "the file has no name"
    elif len(name) > MAX_NAME_LENGTH:
        problem = f"the file name is longer than {MAX_NAME_LENGTH} characters"
    elif name in (".", "..") or ".." in name.replace("\\", "/").split("/"):
        problem = "the file name contains '..' (a path, not a file name)"
    elif any(c in FORBIDDEN_NAME_CHARACTERS for c in name) or "\ufffd" in name:
        problem = "the file name contains characters that are not allowed in a file name " \
                  "(such as / \\ < > : \" | ? *)"
    elif any(unicodedata.category(c)[0] == "C" for c in name):
        problem = "the file name contains invisible control characters"
    if problem:
        printable = "".join(c if c.isprintable() else "?" for c in shown)[:80]
        raise ValueError(f"“{printable}”: {problem}. Rename the file (for example "
                         "clip1.mp4) and upload it again.")
    return unicodedata.normalize("NFC", name.strip())


def container_suffix(head: bytes) -> str:
    """The file suffix for a container recognised from its first bytes (MP4/MOV, AVI,
    Matroska/WebM); ``.mp4`` when unknown (the decoder then decides)."""
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return ".avi"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return ".mkv"
    return ".mp4"


def check_files(form: ReceivedForm) -> list[CheckedFile]:
    """Check every file of an upload by decoding it (slow: run it in a worker thread).

    Raises
    ------
    UploadRefused
        No file at all.
    UploadRejected
        At least one file is not a usable video (every temporary file is then deleted).
    """
    from motorobs.io.video import probe_video

    files = [f for f in form.files if f.field == FILES_FIELD]
    if not files:
        form.discard()
        raise UploadRefused("Choose at least one video file (form field 'files').")
    checked, outcomes = [], []
    for received in files:
        try:
            name = check_filename(received.filename)
        except ValueError as exc:
            outcomes.append(FileOutcome(received.filename, problem=str(exc)))
            continue
        if received.size == 0:
            outcomes.append(FileOutcome(name, problem=f"{name}: the file is empty (0 bytes); "
                                        "copy it again from the phone and upload it again."))
            continue
        suffix = container_suffix(received.head)
        probe_path = received.path.with_name(received.path.stem + suffix)
        os.replace(received.path, probe_path)
        received.path = probe_path
        try:
            info = probe_video(probe_path)
        except VideoError as exc:
            message = str(exc).replace(str(probe_path), name)
            outcomes.append(FileOutcome(name, problem=message))
            continue
        outcomes.append(FileOutcome(name))
        checked.append(CheckedFile(received, name, suffix, info.duration_s))
    if any(o.problem for o in outcomes):
        form.discard()
        raise UploadRejected(outcomes)
    return checked


def parse_session_date(text: str | None, today: date) -> date:
    """``YYYY-MM-DD`` (empty: today); raises :class:`DateProblem`."""
    if not text or not text.strip():
        return today
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise DateProblem(f"{text.strip()!r} is not a date; write it as YYYY-MM-DD.") from exc


def store_clips(db: Session, storage: Storage, user: CurrentUser, child_id: int,
                when: date, checked: list[CheckedFile], today: date) -> list[FileOutcome]:
    """Move checked files into the data folder and add their clips and queued jobs.

    Files are moved inside the transaction; if it fails, the moved files are deleted again.

    Raises
    ------
    motorobs.web.caseload.NotFound
        The child is not in the user's caseload.
    DateProblem
        The session date is before birth or in the future.
    """
    child = get_child(db, user.id, child_id)
    check_session_date(child.birth_date, when, today)
    session = None  # made only for a new clip: a re-upload adds no empty session
    outcomes, moved = [], []
    try:
        for item in checked:
            outcome = _duplicate(db, child.id, item)
            if outcome is None:
                session = session or session_on(db, child, when)
                outcome = _new_clip(db, storage, user, child.id, session.id, item, moved)
            outcomes.append(outcome)
            if not outcome.duplicate:
                audit.record(db, user, "upload", "clip", outcome.clip_id,
                             f"child {child.code}, session {when.isoformat()}, "
                             f"{item.received.size:,} bytes")
        db.flush()
    except BaseException:
        for path in moved:
            path.unlink(missing_ok=True)
        raise
    finally:
        for item in checked:
            item.received.path.unlink(missing_ok=True)
    return outcomes


def _duplicate(db: Session, child_id: int, item: CheckedFile) -> FileOutcome | None:
    clip = db.scalar(select(Clip).where(Clip.child_id == child_id,
                                        Clip.sha256 == item.received.sha256))
    if clip is None:
        return None
    job = db.scalar(select(Job).where(Job.clip_id == clip.id))
    again = job is not None and job.state == "failed"
    if again:
        requeue(job)
    return FileOutcome(item.name, clip.id, job.id if job else None, duplicate=True,
                       queued_again=again)


def requeue(job: Job) -> None:
    """Put a failed job back in the queue."""
    job.state, job.reason, job.claimed_by = "queued", None, None
    job.frames_done = job.frames_total = 0
    job.started_at = job.finished_at = None


def _new_clip(db: Session, storage: Storage, user: CurrentUser, child_id: int,
              session_id: int, item: CheckedFile, moved: list[Path]) -> FileOutcome:
    stored = new_stored_name()
    target = storage.video_path(stored, item.suffix)
    os.replace(item.received.path, target)
    moved.append(target)
    clip = Clip(owner_id=user.id, child_id=child_id, session_id=session_id,
                stored_name=stored, video_file=target.name, original_name=item.name,
                sha256=item.received.sha256, size_bytes=item.received.size,
                duration_s=item.duration_s, uploaded_at=utcnow())
    try:
        with db.begin_nested():
            db.add(clip)
            db.flush()
    except IntegrityError:  # the same file, uploaded at the same moment by another request
        target.unlink(missing_ok=True)
        moved.remove(target)
        with contextlib.suppress(Exception):
            db.expunge(clip)
        outcome = _duplicate(db, child_id, item)
        if outcome is None:
            raise
        return outcome
    job = Job(owner_id=user.id, clip_id=clip.id, state="queued")
    db.add(job)
    db.flush()
    return FileOutcome(item.name, clip.id, job.id)
