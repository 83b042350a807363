"""The therapist's pages: caseload, a child with its sessions, trends, flags and home
programme, a clip with its report and review; their PDFs and CSV exports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from motorobs.trends.goals import ACTIVITY_METRICS
from motorobs.trends.pdf import trend_sections
from motorobs.web import actions
from motorobs.web.accounts import CurrentUser
from motorobs.web.ages import DateProblem
from motorobs.web.auth import CsrfForm, PageUser
from motorobs.web.caseload import CaseloadError
from motorobs.web.context import context_of
from motorobs.web.intake import UploadRejected
from motorobs.web.multipart import UploadRefused
from motorobs.web.review import MARKABLE, REASONS
from motorobs.web.routes.api import csv_response, pdf_response, report_response
from motorobs.web.routes.uploads import receive_clips
from motorobs.web.templating import render

router = APIRouter(include_in_schema=False)


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/")
def home(user: PageUser) -> Response:
    return _see("/children")


@router.get("/children")
def caseload_page(request: Request, user: PageUser) -> Response:
    return _caseload(request, user)


def _caseload(request: Request, user: CurrentUser, error: str | None = None,
              values: dict | None = None, status: int = 200) -> Response:
    rows = actions.children(context_of(request), user)
    return render(request, "children.html", status=status, rows=rows, error=error,
                  values=values or {}, today=context_of(request).today().isoformat())


def _date(text: str | None, what: str, required: bool) -> date | None:
    if not text or not text.strip():
        if required:
            raise DateProblem(f"Enter the {what}.")
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise DateProblem(f"The {what} {text.strip()!r} is not a date (YYYY-MM-DD).") from exc


@router.post("/children")
def add_child(request: Request, user: PageUser,
              form: CsrfForm) -> Response:
    try:
        birth = _date(form.get("birth_date"), "birth date", True)
        due = _date(form.get("due_date"), "due date", False)
        child_id = actions.create_child(context_of(request), user, form.get("code", ""),
                                        birth, due)
    except (DateProblem, CaseloadError) as exc:
        return _caseload(request, user, error=_sentence(exc), values=form, status=400)
    return _see(f"/children/{child_id}?notice=child-added")


def _sentence(exc: Exception) -> str:
    text = str(exc)
    return text[:1].upper() + text[1:]


@router.get("/children/{child_id}")
def child_page(child_id: int, request: Request,
               user: PageUser) -> Response:
    return _child(request, user, child_id)


def _child(request: Request, user: CurrentUser, child_id: int, *, error: str | None = None,
           problems: list | None = None, status: int = 200,
           values: dict | None = None) -> Response:
    ctx = context_of(request)
    view = actions.view_child(ctx, user, child_id, record_view=status == 200)
    trends = actions.trends_of_child(ctx, user, child_id)
    extra = {}
    uploaded = request.query_params.get("uploaded", "")
    duplicates = request.query_params.get("duplicates", "0")
    if uploaded.isdigit() and duplicates.isdigit():
        extra["notice"] = (f"{uploaded} clip(s) uploaded and queued for analysis"
                           + (f"; {duplicates} uploaded before, not analysed again"
                              if int(duplicates) else "") + ".")
    return render(request, "child.html", status=status, child=view, error=error, **extra,
                  problems=problems or [], today=ctx.today().isoformat(), trends=trends,
                  sections=Markup(trend_sections(trends.frame)),
                  goals=actions.goals_of_child(ctx, user, child_id),
                  activities=ACTIVITY_METRICS, values=values or {},
                  max_upload_bytes=ctx.settings.max_upload_bytes,
                  max_files=ctx.settings.max_files_per_upload,
                  deletes_videos=ctx.settings.delete_videos_when_done)


@router.post("/children/{child_id}/upload")
async def upload(child_id: int, request: Request,
                 user: PageUser) -> Response:
    """The upload form without JavaScript (the page's script uses the API instead)."""
    try:
        outcomes = await receive_clips(request, user, child_id, csrf_in_form=True)
    except UploadRejected as exc:
        return _child(request, user, child_id, error=exc.message, status=400,
                      problems=[o for o in exc.outcomes if o.problem])
    except UploadRefused as exc:
        return _child(request, user, child_id, error=exc.message, status=exc.status)
    except DateProblem as exc:
        return _child(request, user, child_id, error=_sentence(exc), status=400)
    duplicates = sum(o.duplicate for o in outcomes)
    return _see(f"/children/{child_id}?uploaded={len(outcomes) - duplicates}"
                f"&duplicates={duplicates}")


@router.get("/children/{child_id}/summary.csv")
def summary_csv(child_id: int, request: Request,
                user: PageUser) -> Response:
    name, text = actions.export_summary(context_of(request), user, child_id)
    return csv_response(name, text)


@router.post("/children/{child_id}/dates")
def change_dates(child_id: int, request: Request, user: PageUser, form: CsrfForm) -> Response:
    ctx = context_of(request)
    actions.view_child(ctx, user, child_id, record_view=False)  # 404 before any form error
    try:
        birth = _date(form.get("birth_date"), "birth date", True)
        due = _date(form.get("due_date"), "due date", False)
        actions.change_child_dates(ctx, user, child_id, birth, due)
    except DateProblem as exc:
        return _child(request, user, child_id, error=_sentence(exc), status=400)
    return _see(f"/children/{child_id}?notice=dates-changed")


@router.get("/children/{child_id}/trends.csv")
def trends_csv(child_id: int, request: Request, user: PageUser) -> Response:
    name, text = actions.export_trends(context_of(request), user, child_id)
    return csv_response(name, text)


@router.get("/children/{child_id}/report.pdf")
def child_pdf(child_id: int, request: Request, user: PageUser) -> Response:
    return pdf_response(*actions.child_pdf(context_of(request), user, child_id))


@router.post("/children/{child_id}/goals")
def set_goal(child_id: int, request: Request, user: PageUser, form: CsrfForm) -> Response:
    return _submitted(
        lambda: actions.set_goal(context_of(request), user, child_id, form.get("activity"),
                                 form.get("minutes_per_day")),
        lambda error: _child(request, user, child_id, error=error, status=400, values=form),
        f"/children/{child_id}?notice=goal-set#programme")


def _submitted(change: Callable[[], object], again: Callable[[str], Response],
               done: str) -> Response:
    """Make a form's ``change``, then see ``done``; a :class:`CaseloadError` shows the form's
    page ``again`` with the message (400)."""
    try:
        change()
    except CaseloadError as exc:
        return again(str(exc))
    return _see(done)


@router.post("/children/{child_id}/goals/{goal_id}/delete")
def remove_goal(child_id: int, goal_id: int, request: Request, user: PageUser,
                form: CsrfForm) -> Response:
    actions.remove_goal(context_of(request), user, child_id, goal_id)
    return _see(f"/children/{child_id}?notice=goal-removed#programme")


@router.post("/children/{child_id}/delete")
def delete_child(child_id: int, request: Request, user: PageUser,
                 form: CsrfForm) -> Response:
    ctx = context_of(request)
    view = actions.view_child(ctx, user, child_id, record_view=False)
    if form.get("confirm_code", "").strip() != view.code:
        return _child(request, user, child_id, status=400, error=(
            f"To delete this child, type its code ({view.code}) in the box first."))
    actions.remove_child(ctx, user, child_id)
    return _see("/children?notice=child-deleted")


@router.get("/clips/{clip_id}")
def clip_page(clip_id: int, request: Request,
              user: PageUser) -> Response:
    return _clip(request, user, clip_id)


def _clip(request: Request, user: CurrentUser, clip_id: int, *, error: str | None = None,
          status: int = 200, values: dict | None = None) -> Response:
    ctx = context_of(request)
    clip, code, age = actions.view_clip(ctx, user, clip_id)
    return render(request, "clip.html", status=status, clip=clip, code=code, age=age,
                  error=error, review=actions.clip_review(ctx, user, clip_id),
                  markable=MARKABLE, reasons=REASONS, values=values or {})


@router.get("/clips/{clip_id}/report.pdf")
def clip_pdf(clip_id: int, request: Request, user: PageUser) -> Response:
    return pdf_response(*actions.clip_pdf(context_of(request), user, clip_id))


@router.post("/clips/{clip_id}/notes")
def add_note(clip_id: int, request: Request, user: PageUser, form: CsrfForm) -> Response:
    return _submitted(
        lambda: actions.add_note(context_of(request), user, clip_id, form.get("text")),
        lambda error: _clip(request, user, clip_id, error=error, status=400, values=form),
        f"/clips/{clip_id}?notice=note-added#review")


@router.post("/clips/{clip_id}/marks")
def mark(clip_id: int, request: Request, user: PageUser, form: CsrfForm) -> Response:
    return _submitted(
        lambda: actions.mark_measurement(context_of(request), user, clip_id,
                                         form.get("metric"), form.get("side"),
                                         form.get("reason")),
        lambda error: _clip(request, user, clip_id, error=error, status=400, values=form),
        f"/clips/{clip_id}?notice=marked#review")


@router.post("/clips/{clip_id}/marks/{mark_id}/delete")
def unmark(clip_id: int, mark_id: int, request: Request, user: PageUser,
           form: CsrfForm) -> Response:
    actions.remove_mark(context_of(request), user, clip_id, mark_id)
    return _see(f"/clips/{clip_id}?notice=unmarked#review")


@router.get("/clips/{clip_id}/report.html")
def clip_report(clip_id: int, request: Request,
                user: PageUser) -> Response:
    return report_response(actions.clip_report(context_of(request), user, clip_id))


@router.post("/clips/{clip_id}/retry")
def retry_clip(clip_id: int, request: Request, user: PageUser,
               form: CsrfForm) -> Response:
    try:
        child_id = actions.retry_clip(context_of(request), user, clip_id)
    except CaseloadError:
        return _see(f"/clips/{clip_id}")
    return _see(f"/children/{child_id}?notice=queued-again")


@router.post("/clips/{clip_id}/delete")
def delete_clip(clip_id: int, request: Request, user: PageUser,
                form: CsrfForm) -> Response:
    child_id = actions.remove_clip(context_of(request), user, clip_id)
    return _see(f"/children/{child_id}?notice=clip-deleted")
