"""What pages and the API show of a child, its sessions, clips and jobs: plain data built
inside a database session, used after it is closed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from motorobs.web.ages import Age, age_on
from motorobs.web.models import Child, Clip, Job
from motorobs.web.reading import (
    MetricLine,
    OutputMissing,
    headline_metrics,
    read_metrics,
    summary_sentences,
)
from motorobs.web.storage import Storage

STATE_TEXT = {"queued": "queued", "running": "analysing", "done": "done", "failed": "failed"}


def job_json(job: Job) -> dict[str, Any]:
    """``GET /api/jobs/{id}``."""
    return {"id": job.id, "clip_id": job.clip_id, "state": job.state,
            "progress": job.progress, "frames_done": job.frames_done,
            "frames_total": job.frames_total, "reason": job.reason,
            "attempts": job.attempts, "created_at": _iso(job.created_at),
            "started_at": _iso(job.started_at), "finished_at": _iso(job.finished_at)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class ClipView:
    id: int
    name: str
    session_date: date
    child_id: int
    job_id: int | None
    state: str
    progress: float | None
    frames_done: int
    frames_total: int
    reason: str | None
    uploaded_at: datetime
    size_bytes: int
    duration_s: float | None
    video_kept: bool
    metrics: list[MetricLine] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    """The report's summary findings (shown in the child's list of sessions)."""

    @property
    def state_text(self) -> str:
        return STATE_TEXT.get(self.state, self.state)

    def to_api(self) -> dict[str, Any]:
        return {"clip_id": self.id, "file": self.name, "job_id": self.job_id,
                "state": self.state, "progress": self.progress, "reason": self.reason,
                "uploaded_at": self.uploaded_at.isoformat(), "size_bytes": self.size_bytes,
                "duration_s": self.duration_s, "video_kept": self.video_kept,
                "metrics_url": f"/api/clips/{self.id}/metrics",
                "report_url": f"/api/clips/{self.id}/report"}


def clip_view(clip: Clip, storage: Storage, *, with_metrics: bool = False) -> ClipView:
    job = clip.job
    state = job.state if job else "queued"
    metrics: list[MetricLine] = []
    summary: list[str] = []
    if with_metrics and state == "done":
        try:
            data = read_metrics(storage.result_dir(clip.stored_name))
        except OutputMissing:
            data = {}
        metrics, summary = headline_metrics(data), summary_sentences(data)
    return ClipView(
        id=clip.id, name=clip.original_name, session_date=clip.session.date,
        child_id=clip.child_id, job_id=job.id if job else None, state=state,
        progress=job.progress if job else None, frames_done=job.frames_done if job else 0,
        frames_total=job.frames_total if job else 0, reason=job.reason if job else None,
        uploaded_at=clip.uploaded_at, size_bytes=clip.size_bytes, duration_s=clip.duration_s,
        video_kept=clip.video_file is not None, metrics=metrics, summary=summary)


@dataclass
class SessionView:
    id: int
    date: date
    age: Age
    clips: list[ClipView]


@dataclass
class ChildView:
    id: int
    code: str
    birth_date: date
    due_date: date | None
    age_today: Age
    sessions: list[SessionView] = field(default_factory=list)

    @property
    def n_clips(self) -> int:
        return sum(len(s.clips) for s in self.sessions)

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id, "code": self.code, "birth_date": self.birth_date.isoformat(),
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "age_today": _age_json(self.age_today),
            "sessions": [{"id": s.id, "date": s.date.isoformat(), "age": _age_json(s.age),
                          "clips": [c.to_api() for c in s.clips]} for s in self.sessions],
        }


def _age_json(age: Age) -> dict[str, Any]:
    return {"days": age.chronological_days, "corrected_days": age.corrected_days,
            "text": age.as_text()}


def child_view(child: Child, storage: Storage, today: date, *, with_sessions: bool = True,
               with_metrics: bool = False) -> ChildView:
    """``child`` loaded with its sessions, clips and jobs when ``with_sessions``; newest
    session first."""
    view = ChildView(child.id, child.code, child.birth_date, child.due_date,
                     age_on(child.birth_date, child.due_date, today))
    if with_sessions:
        for session in sorted(child.sessions, key=lambda s: s.date, reverse=True):
            view.sessions.append(SessionView(
                session.id, session.date, age_on(child.birth_date, child.due_date, session.date),
                [clip_view(c, storage, with_metrics=with_metrics) for c in session.clips]))
    return view
