"""The web app's database tables (SQLAlchemy 2); the schema itself is made by the Alembic
migrations in :mod:`motorobs.web.migrations`, which must match these classes (a test
compares them).

Every row of a therapist's caseload (children, sessions, clips, jobs, and the review:
notes, marks and home-programme goals) carries its ``owner_id``, and every query of the
app filters on it (:mod:`motorobs.web.caseload`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("therapist", "admin")
JOB_STATES = ("queued", "running", "done", "failed")


def utcnow() -> datetime:
    """Now, in UTC, to the microsecond."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A point in time, always read back as an aware UTC ``datetime`` (SQLite keeps no
    time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: use motorobs.web.models.utcnow()")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


class Base(DeclarativeBase):
    pass


class User(Base):
    """An account: a therapist (owns a caseload) or an admin (also manages accounts)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginSession(Base):
    """A signed-in browser. The cookie holds a random secret; only its SHA-256 is stored."""

    __tablename__ = "login_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A personal API token (``Authorization: Bearer ...``); only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class LoginFailure(Base):
    """One failed sign-in, for throttling (:mod:`motorobs.web.throttle`)."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Child(Base):
    """A child of a therapist's caseload, known by a pseudonymous code only."""

    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("owner_id", "code", name="uq_children_owner_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    birth_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sessions: Mapped[list[ObservationSession]] = relationship(
        back_populates="child", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ObservationSession.date")
    goals: Mapped[list[ProgrammeGoal]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ProgrammeGoal.activity")


class ObservationSession(Base):
    """A session: one date and the clips filmed that day."""

    __tablename__ = "observation_sessions"
    __table_args__ = (UniqueConstraint("child_id", "date", name="uq_sessions_child_date"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    date: Mapped[date] = mapped_column(Date)
    child: Mapped[Child] = relationship(back_populates="sessions")
    clips: Mapped[list[Clip]] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True,
        order_by="Clip.id")


class Clip(Base):
    """An uploaded video and its analysis outputs (``results/<stored_name>/``)."""

    __tablename__ = "clips"
    __table_args__ = (UniqueConstraint("child_id", "sha256", name="uq_clips_child_sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("observation_sessions.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(32), unique=True)
    video_file: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The video's file name in ``videos/``; ``None`` once deleted after processing."""
    original_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    duration_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    session: Mapped[ObservationSession] = relationship(back_populates="clips")
    job: Mapped[Job | None] = relationship(back_populates="clip", cascade="all, delete-orphan",
                                           passive_deletes=True, uselist=False)
    notes: Mapped[list[ClipNote]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ClipNote.id")
    marks: Mapped[list[MeasurementMark]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="MeasurementMark.id")


class Job(Base):
    """The analysis of one clip: ``queued``, ``running`` (with progress), ``done``, ``failed``.

    ``claimed_by`` names the server instance that handed it to a worker; a claim whose server
    is gone (:mod:`motorobs.web.jobqueue`) is released, so the job runs again."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         unique=True)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    frames_done: Mapped[int] = mapped_column(Integer, default=0)
    frames_total: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    worker: Mapped[str | None] = mapped_column(String(128), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    clip: Mapped[Clip] = relationship(back_populates="job")

    @property
    def progress(self) -> float | None:
        """Share of frames analysed (0 to 1); ``None`` while unknown."""
        if self.state == "done":
            return 1.0
        if self.frames_total > 0:
            return min(1.0, self.frames_done / self.frames_total)
        return None


class ClipNote(Base):
    """A therapist's note on a clip, with who wrote it and when."""

    __tablename__ = "clip_notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         index=True)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(64))
    """The username, copied in (it outlives the account)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeasurementMark(Base):
    """A clip's measurement marked untrustworthy: it leaves the trends and the flags and
    stays shown as marked (:mod:`motorobs.trends.marks`)."""

    __tablename__ = "measurement_marks"
    __table_args__ = (UniqueConstraint("clip_id", "metric", "side",
                                       name="uq_marks_clip_metric_side"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    clip_id: Mapped[int] = mapped_column(ForeignKey("clips.id", ondelete="CASCADE"),
                                         index=True)
    metric: Mapped[str] = mapped_column(String(64))
    """A trend metric's name in ``metrics.json``."""
    side: Mapped[str] = mapped_column(String(8), default="")
    """``left``/``right`` for one hand of a per-hand metric; empty: every side."""
    reason: Mapped[str] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProgrammeGoal(Base):
    """The home programme: minutes a day of an activity the therapist advised the family."""

    __tablename__ = "programme_goals"
    __table_args__ = (UniqueConstraint("child_id", "activity", name="uq_goals_child_activity"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"),
                                          index=True)
    activity: Mapped[str] = mapped_column(String(32))
    """One of :data:`motorobs.trends.goals.ACTIVITIES`."""
    minutes_per_day: Mapped[float] = mapped_column(Float)
    author: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(Base):
    """Who uploaded, viewed, exported or deleted what, and when (admins read it).

    The user's name and a description of the object are copied in, so the record outlives
    the rows it is about."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), index=True)
    object_type: Mapped[str] = mapped_column(String(16), default="")
    object_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(String(500), default="")
