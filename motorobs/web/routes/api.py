"""The JSON API (``/api/...``), for scripts and for the pages' upload and progress code.

Authenticate with ``Authorization: Bearer TOKEN`` (``motorobs users token``) or, from the
app's pages, the session cookie plus ``X-CSRF-Token`` on POST and DELETE. Everything is
scoped to the caller's own caseload; other ids answer 404.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from motorobs.web import actions, caseload
from motorobs.web.auth import ApiUser
from motorobs.web.context import context_of
from motorobs.web.routes.uploads import receive_clips
from motorobs.web.views import job_json

router = APIRouter(prefix="/api", tags=["api"])
REPORT_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                 "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
"""Reports are self-contained: no scripts, nothing fetched, images inline."""


class ChildIn(BaseModel):
    code: str = Field(description="A pseudonymous code such as K-017 (never a name).",
                      examples=["K-017"])
    birth_date: date
    due_date: date | None = Field(None, description="For the corrected age of a baby born "
                                  "early.")


class DatesIn(BaseModel):
    birth_date: date
    due_date: date | None = Field(None, description="For the corrected age of a baby born "
                                  "early; null: none.")


class AgeOut(BaseModel):
    days: int
    corrected_days: int | None
    text: str


class ClipOut(BaseModel):
    clip_id: int
    file: str
    job_id: int | None
    state: Literal["queued", "running", "done", "failed"]
    progress: float | None
    reason: str | None
    uploaded_at: str
    size_bytes: int
    duration_s: float | None
    video_kept: bool
    metrics_url: str
    report_url: str


class SessionOut(BaseModel):
    id: int
    date: date
    age: AgeOut
    clips: list[ClipOut]


class ChildOut(BaseModel):
    id: int
    code: str
    birth_date: date
    due_date: date | None
    age_today: AgeOut
    sessions: list[SessionOut] = []


class ChildListItem(BaseModel):
    id: int
    code: str
    birth_date: date
    due_date: date | None
    sessions: int
    clips: int


class JobOut(BaseModel):
    id: int
    clip_id: int
    state: Literal["queued", "running", "done", "failed"]
    progress: float | None = Field(description="Share of frames analysed, 0 to 1; null while "
                                   "unknown.")
    frames_done: int
    frames_total: int
    reason: str | None = Field(description="Why it failed, in plain words.")
    attempts: int
    created_at: str | None
    started_at: str | None
    finished_at: str | None


class NoteIn(BaseModel):
    text: str | None = Field(None, description="The note (up to 2000 characters).")


class MarkIn(BaseModel):
    metric: str | None = Field(None, description="A trend metric's name in metrics.json, "
                               "e.g. hands_together_pct.", examples=["hands_together_pct"])
    side: str | None = Field(None, description="left or right for one hand of a per-hand "
                             "metric; empty: every side.")
    reason: str | None = Field(None, examples=["the hand was hidden"])


class GoalIn(BaseModel):
    activity: str | None = Field(None, examples=["tummy_time"],
                                 description="tummy_time or sitting.")
    minutes_per_day: float | str | None = Field(None, examples=[30])


class UploadedClip(BaseModel):
    file: str
    clip_id: int
    job_id: int | None
    duplicate: bool = Field(description="Already uploaded for this child: not stored or "
                            "analysed again.")
    queued_again: bool


class UploadOut(BaseModel):
    clips: list[UploadedClip]


UPLOAD_BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["files"], "properties": {
        "files": {"type": "array", "items": {"type": "string", "format": "binary"},
                  "description": "One or more video files."},
        "session_date": {"type": "string", "format": "date",
                         "description": "The day the clips were filmed (default: today)."},
    }}}}}}


@router.get("/children", response_model=list[ChildListItem])
def list_children(request: Request, user: ApiUser) -> list[dict]:
    """Your caseload."""
    return [{"id": c.id, "code": c.code, "birth_date": c.birth_date, "due_date": c.due_date,
             "sessions": n_sessions, "clips": n_clips}
            for c, n_sessions, n_clips in actions.children(context_of(request), user)]


@router.post("/children", response_model=ChildOut, status_code=201)
def add_child(body: ChildIn, request: Request, user: ApiUser) -> dict:
    """Add a child (the answer has its ``id``)."""
    ctx = context_of(request)
    child_id = actions.create_child(ctx, user, body.code, body.birth_date, body.due_date)
    return actions.view_child(ctx, user, child_id, record_view=False).to_api()


@router.get("/children/{child_id}", response_model=ChildOut)
def get_child(child_id: int, request: Request, user: ApiUser) -> dict:
    """A child with its sessions (newest first), each clip's state and links."""
    return actions.view_child(context_of(request), user, child_id).to_api()


@router.patch("/children/{child_id}", response_model=ChildOut)
def change_dates(child_id: int, body: DatesIn, request: Request, user: ApiUser) -> dict:
    """Correct the child's birth and due dates (ages and trends follow them)."""
    ctx = context_of(request)
    actions.change_child_dates(ctx, user, child_id, body.birth_date, body.due_date)
    return actions.view_child(ctx, user, child_id, record_view=False).to_api()


@router.get("/children/{child_id}/jobs", response_model=list[JobOut])
def child_jobs(child_id: int, request: Request,
               user: ApiUser) -> list[dict]:
    """The state of every job of a child (what the child's page polls)."""
    ctx = context_of(request)
    with ctx.db.session() as db:
        caseload.get_child(db, user.id, child_id)
        return [job_json(j) for j in caseload.jobs_of_child(db, user.id, child_id)]


@router.get("/children/{child_id}/summary.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def child_summary(child_id: int, request: Request,
                  user: ApiUser) -> Response:
    """The child's summary table: one row per clip and metric."""
    name, text = actions.export_summary(context_of(request), user, child_id)
    return csv_response(name, text)


def csv_response(name: str, text: str) -> Response:
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def pdf_response(name: str, data: bytes) -> Response:
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


PDF = {"response_class": Response, "responses": {200: {"content": {"application/pdf": {}}}}}


@router.get("/children/{child_id}/trends.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def child_trends_csv(child_id: int, request: Request, user: ApiUser) -> Response:
    """The child's sessions x headline metrics: ages, value, status, coverage, role in the
    trend, marks and notes."""
    return csv_response(*actions.export_trends(context_of(request), user, child_id))


@router.get("/children/{child_id}/trends")
def child_trends(child_id: int, request: Request, user: ApiUser) -> dict:
    """The child's sessions table, flags, home programme week by week and notes."""
    return actions.trends_of_child(context_of(request), user, child_id).to_api()


@router.get("/children/{child_id}/report.pdf", **PDF)
def child_pdf(child_id: int, request: Request, user: ApiUser) -> Response:
    """The child's printable report: ages, trends, flags, home programme, notes, caveats."""
    return pdf_response(*actions.child_pdf(context_of(request), user, child_id))


@router.get("/children/{child_id}/goals")
def child_goals(child_id: int, request: Request, user: ApiUser) -> list[dict]:
    """The child's home-programme goals."""
    return actions.goals_of_child(context_of(request), user, child_id)


@router.post("/children/{child_id}/goals", status_code=201)
def set_goal(child_id: int, body: GoalIn, request: Request, user: ApiUser) -> dict:
    """Set a goal (minutes a day of an activity; replaces the one before)."""
    return actions.set_goal(context_of(request), user, child_id, body.activity,
                            body.minutes_per_day)


@router.delete("/children/{child_id}/goals/{goal_id}", status_code=204)
def remove_goal(child_id: int, goal_id: int, request: Request, user: ApiUser) -> Response:
    """Remove a goal."""
    actions.remove_goal(context_of(request), user, child_id, goal_id)
    return Response(status_code=204)


@router.post("/children/{child_id}/clips", response_model=UploadOut, status_code=201,
             openapi_extra=UPLOAD_BODY,
             responses={400: {"description": "A file is not a usable video (nothing stored)"},
                        413: {"description": "A file is over the size limit"}})
async def upload_clips(child_id: int, request: Request,
                       user: ApiUser) -> dict:
    """Upload one or more clips (multipart field ``files``, optional ``session_date``)."""
    outcomes = await receive_clips(request, user, child_id, csrf_in_form=False)
    return {"clips": [{"file": o.file, "clip_id": o.clip_id, "job_id": o.job_id,
                       "duplicate": o.duplicate, "queued_again": o.queued_again}
                      for o in outcomes]}


@router.delete("/children/{child_id}", status_code=204)
def delete_child(child_id: int, request: Request,
                 user: ApiUser) -> Response:
    """Delete a child and everything of it (videos, outputs, rows)."""
    actions.remove_child(context_of(request), user, child_id)
    return Response(status_code=204)


@router.get("/jobs/{job_id}", response_model=JobOut)
def job(job_id: int, request: Request, user: ApiUser) -> dict:
    """A job's state: queued, running (with progress), done, or failed (with a reason)."""
    with context_of(request).db.session() as db:
        return job_json(caseload.get_job(db, user.id, job_id))


@router.get("/clips/{clip_id}", response_model=ClipOut)
def clip(clip_id: int, request: Request, user: ApiUser) -> dict:
    """One clip's state and links."""
    view, _code, _age = actions.view_clip(context_of(request), user, clip_id)
    return view.to_api()


@router.get("/clips/{clip_id}/metrics")
def clip_metrics(clip_id: int, request: Request,
                 user: ApiUser) -> dict:
    """The clip's ``metrics.json`` (409 before the analysis is done)."""
    return actions.clip_metrics(context_of(request), user, clip_id)


@router.get("/clips/{clip_id}/report", response_class=FileResponse,
            responses={200: {"content": {"text/html": {}}}})
def clip_report(clip_id: int, request: Request,
                user: ApiUser) -> FileResponse:
    """The clip's self-contained HTML report (409 before the analysis is done)."""
    return report_response(actions.clip_report(context_of(request), user, clip_id))


@router.get("/clips/{clip_id}/report.pdf", **PDF)
def clip_pdf(clip_id: int, request: Request, user: ApiUser) -> Response:
    """One clip's printable report (no pictures; 409 before the analysis is done)."""
    return pdf_response(*actions.clip_pdf(context_of(request), user, clip_id))


@router.get("/clips/{clip_id}/review")
def clip_review(clip_id: int, request: Request, user: ApiUser) -> dict:
    """The clip's notes and marks, with who and when."""
    return actions.clip_review(context_of(request), user, clip_id)


@router.post("/clips/{clip_id}/notes", status_code=201)
def add_note(clip_id: int, body: NoteIn, request: Request, user: ApiUser) -> dict:
    """Add a note to a clip."""
    return actions.add_note(context_of(request), user, clip_id, body.text)


@router.post("/clips/{clip_id}/marks", status_code=201)
def mark(clip_id: int, body: MarkIn, request: Request, user: ApiUser) -> dict:
    """Mark a measurement untrustworthy: it leaves the trends and the flags."""
    return actions.mark_measurement(context_of(request), user, clip_id, body.metric,
                                    body.side, body.reason)


@router.delete("/clips/{clip_id}/marks/{mark_id}", status_code=204)
def unmark(clip_id: int, mark_id: int, request: Request, user: ApiUser) -> Response:
    """Take a mark back."""
    actions.remove_mark(context_of(request), user, clip_id, mark_id)
    return Response(status_code=204)


def report_response(path) -> FileResponse:
    return FileResponse(path, media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": REPORT_POLICY})


@router.delete("/clips/{clip_id}", status_code=204)
def delete_clip(clip_id: int, request: Request,
                user: ApiUser) -> Response:
    """Delete a clip: its video, outputs and rows."""
    actions.remove_clip(context_of(request), user, clip_id)
    return Response(status_code=204)
