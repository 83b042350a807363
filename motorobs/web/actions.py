"""What pages and the API do to a caseload, each with its audit record: add a child, read
a child, a clip's metrics or report, export a summary, the trends or a PDF, review (notes,
marks, goals), retry and delete.

Each function takes the signed-in user and only ever touches that user's rows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from motorobs.trends.pdf import render_pdf
from motorobs.web import audit, review
from motorobs.web.accounts import CurrentUser
from motorobs.web.ages import Age, age_on
from motorobs.web.caseload import (
    CaseloadError,
    add_child,
    change_dates,
    delete_child,
    delete_clip,
    get_child,
    get_clip,
    list_children,
)
from motorobs.web.childtrends import ChildTrends, child_trends
from motorobs.web.context import AppContext
from motorobs.web.intake import requeue
from motorobs.web.reading import OutputMissing, read_metrics, report_path
from motorobs.web.summary import child_rows, rows_to_csv
from motorobs.web.views import ChildView, ClipView, child_view, clip_view


def children(ctx: AppContext, user: CurrentUser) -> list[tuple[ChildView, int, int]]:
    """The caseload: each child with its number of sessions and clips."""
    with ctx.db.session() as db:
        rows = []
        for child in list_children(db, user.id):
            sessions = child.sessions
            rows.append((child_view(child, ctx.storage, ctx.today(), with_sessions=False),
                         len(sessions), sum(len(s.clips) for s in sessions)))
        return rows


def create_child(ctx: AppContext, user: CurrentUser, code: str, birth: date,
                 due: date | None) -> int:
    with ctx.db.session() as db:
        child = add_child(db, user.id, code, birth, due, ctx.today())
        audit.record(db, user, "create", "child", child.id, f"child {child.code}")
        return child.id


def change_child_dates(ctx: AppContext, user: CurrentUser, child_id: int, birth: date,
                       due: date | None) -> None:
    """Correct a child's birth or due date (raises :class:`.ages.DateProblem`)."""
    with ctx.db.session() as db:
        child = get_child(db, user.id, child_id)
        change_dates(db, child, birth, due, ctx.today())
        audit.record(db, user, "edit", "child", child.id,
                     f"child {child.code}: born {birth.isoformat()}, due "
                     f"{due.isoformat() if due else '(none)'}")


def view_child(ctx: AppContext, user: CurrentUser, child_id: int, *,
               record_view: bool = True) -> ChildView:
    with ctx.db.session() as db:
        child = get_child(db, user.id, child_id, with_clips=True)
        view = child_view(child, ctx.storage, ctx.today(), with_metrics=True)
        if record_view:
            audit.record(db, user, "view", "child", child.id, f"child {child.code}")
        return view


def view_clip(ctx: AppContext, user: CurrentUser, clip_id: int) -> tuple[ClipView, str, Age]:
    """The clip, its child's code and the child's age on the session's date (no audit
    record: the report's route records the view)."""
    with ctx.db.session() as db:
        clip = get_clip(db, user.id, clip_id)
        child = get_child(db, user.id, clip.child_id)
        view = clip_view(clip, ctx.storage, with_metrics=True)
        return view, child.code, age_on(child.birth_date, child.due_date, view.session_date)


def _analysed_clip(db, user: CurrentUser, clip_id: int):
    clip = get_clip(db, user.id, clip_id)
    if clip.job is None or clip.job.state != "done":
        raise OutputMissing("the clip is not analysed yet")
    return clip


def clip_metrics(ctx: AppContext, user: CurrentUser, clip_id: int) -> dict[str, Any]:
    """The clip's ``metrics.json``; raises :class:`OutputMissing` before it is done."""
    with ctx.db.session() as db:
        clip = _analysed_clip(db, user, clip_id)
        data = read_metrics(ctx.storage.result_dir(clip.stored_name))
        data["review"] = review.review_json(clip)
        audit.record(db, user, "view", "clip", clip.id, "metrics")
        return data


def clip_report(ctx: AppContext, user: CurrentUser, clip_id: int) -> Path:
    """The clip's ``report.html``; raises :class:`OutputMissing` before it is done."""
    with ctx.db.session() as db:
        clip = _analysed_clip(db, user, clip_id)
        path = report_path(ctx.storage.result_dir(clip.stored_name))
        audit.record(db, user, "view", "clip", clip.id, "report")
        return path


def export_summary(ctx: AppContext, user: CurrentUser, child_id: int) -> tuple[str, str]:
    """``(file name, CSV text)`` of the child's summary table."""
    with ctx.db.session() as db:
        child = get_child(db, user.id, child_id, with_clips=True)
        text = rows_to_csv(child_rows(child, ctx.storage))
        audit.record(db, user, "export", "child", child.id, f"child {child.code}, CSV")
        return f"{child.code}-summary.csv", text


def retry_clip(ctx: AppContext, user: CurrentUser, clip_id: int) -> int:
    """Queue a failed clip again; returns its child's id."""
    with ctx.db.session() as db:
        clip = get_clip(db, user.id, clip_id)
        if clip.job is None or clip.job.state != "failed":
            raise CaseloadError("Only a clip whose analysis failed can be tried again.")
        if clip.video_file is None:
            raise CaseloadError("The video is no longer stored; upload it again.")
        requeue(clip.job)
        child_id = clip.child_id
    ctx.queue.wake()
    return child_id


def remove_clip(ctx: AppContext, user: CurrentUser, clip_id: int) -> int:
    """Delete a clip: video, outputs, rows. Returns its child's id."""
    with ctx.db.session() as db:
        clip = get_clip(db, user.id, clip_id)
        child = get_child(db, user.id, clip.child_id)
        detail = f"child {child.code}, session {clip.session.date.isoformat()}"
        child_id = child.id
        files = delete_clip(db, clip)
        audit.record(db, user, "delete", "clip", clip_id, detail)
    for item in files:
        ctx.storage.delete_clip_files(item.stored_name, item.video_file)
    return child_id


def remove_child(ctx: AppContext, user: CurrentUser, child_id: int) -> None:
    """Delete a child and everything of it: sessions, clips, videos, outputs, rows."""
    with ctx.db.session() as db:
        child = get_child(db, user.id, child_id)
        detail = f"child {child.code}"
        files = delete_child(db, child)
        audit.record(db, user, "delete", "child", child_id, detail)
    for item in files:
        ctx.storage.delete_clip_files(item.stored_name, item.video_file)


def trends_of_child(ctx: AppContext, user: CurrentUser, child_id: int) -> ChildTrends:
    """The child's trends, flags, home programme and review (no audit record: the child's
    page records the view)."""
    with ctx.db.session() as db:
        return child_trends(get_child(db, user.id, child_id, with_clips=True), ctx.storage)


def export_trends(ctx: AppContext, user: CurrentUser, child_id: int) -> tuple[str, str]:
    """``(file name, CSV text)`` of the child's sessions x metrics table."""
    with ctx.db.session() as db:
        child = get_child(db, user.id, child_id, with_clips=True)
        text = child_trends(child, ctx.storage).to_csv()
        audit.record(db, user, "export", "child", child.id, f"child {child.code}, trends CSV")
        return f"{child.code}-trends.csv", text


def child_pdf(ctx: AppContext, user: CurrentUser, child_id: int) -> tuple[str, bytes]:
    """``(file name, PDF)`` of the child's trends (rendered after the transaction)."""
    with ctx.db.session() as db:
        child = get_child(db, user.id, child_id, with_clips=True)
        html = child_trends(child, ctx.storage).report_html()
        audit.record(db, user, "export", "child", child.id, f"child {child.code}, PDF")
        name = f"{child.code}-trends.pdf"
    return name, render_pdf(html)


def clip_pdf(ctx: AppContext, user: CurrentUser, clip_id: int) -> tuple[str, bytes]:
    """``(file name, PDF)`` of one analysed clip; raises :class:`OutputMissing` before."""
    with ctx.db.session() as db:
        clip = _analysed_clip(db, user, clip_id)
        child = get_child(db, user.id, clip.child_id, with_clips=True)
        trends = child_trends(child, ctx.storage)
        if trends.clip_rows(clip.id).empty:
            raise OutputMissing("this clip has no metrics")
        html = trends.clip_report_html(clip.id)
        audit.record(db, user, "export", "clip", clip.id, f"child {child.code}, PDF")
        name = f"{child.code}-clip-{clip.id}.pdf"
    return name, render_pdf(html)


def clip_review(ctx: AppContext, user: CurrentUser, clip_id: int) -> dict[str, Any]:
    """The clip's notes and marks."""
    with ctx.db.session() as db:
        return review.review_json(get_clip(db, user.id, clip_id))


def add_note(ctx: AppContext, user: CurrentUser, clip_id: int, text: str | None) -> dict:
    """Add a note to a clip; raises :class:`CaseloadError` for an empty one."""
    with ctx.db.session() as db:
        clip = get_clip(db, user.id, clip_id)
        note = review.add_note(db, clip, user.username, text)
        audit.record(db, user, "note", "clip", clip.id, f"note {note.id}")
        return review.review_json(clip)["notes"][-1]


def mark_measurement(ctx: AppContext, user: CurrentUser, clip_id: int, metric: str | None,
                     side: str | None, reason: str | None) -> dict:
    """Mark a measurement of a clip untrustworthy; raises :class:`CaseloadError`."""
    with ctx.db.session() as db:
        clip = get_clip(db, user.id, clip_id)
        found = review.mark(db, clip, user.username, metric, side, reason)
        audit.record(db, user, "mark", "clip", clip.id,
                     f"{found.metric} {found.side or 'all sides'}: {found.reason}")
        db.refresh(clip)
        return next(m for m in review.review_json(clip)["marks"] if m["id"] == found.id)


def remove_mark(ctx: AppContext, user: CurrentUser, clip_id: int, mark_id: int) -> int:
    """Take a mark back; returns the clip's id."""
    with ctx.db.session() as db:
        clip = get_clip(db, user.id, clip_id)
        found = review.unmark(db, clip, mark_id)
        audit.record(db, user, "mark", "clip", clip.id,
                     f"removed: {found.metric} {found.side or 'all sides'}")
        return clip.id


def set_goal(ctx: AppContext, user: CurrentUser, child_id: int, activity: str | None,
             minutes: str | float | None) -> dict:
    """Set a home-programme goal; raises :class:`CaseloadError` for bad input."""
    with ctx.db.session() as db:
        child = get_child(db, user.id, child_id)
        goal = review.set_goal(db, child, user.username, activity, minutes)
        audit.record(db, user, "goal", "child", child.id,
                     f"child {child.code}: {goal.activity} {goal.minutes_per_day:g} min a day")
        return review.goal_json(goal)


def goals_of_child(ctx: AppContext, user: CurrentUser, child_id: int) -> list[dict]:
    with ctx.db.session() as db:
        return [review.goal_json(g) for g in get_child(db, user.id, child_id).goals]


def remove_goal(ctx: AppContext, user: CurrentUser, child_id: int, goal_id: int) -> None:
    with ctx.db.session() as db:
        child = get_child(db, user.id, child_id)
        goal = review.remove_goal(db, child, goal_id)
        audit.record(db, user, "goal", "child", child.id,
                     f"child {child.code}: {goal.activity} goal removed")
