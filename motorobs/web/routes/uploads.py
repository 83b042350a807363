"""The upload flow shared by the page form and ``POST /api/children/{id}/clips``: stream the
files in, check them by decoding, store them, queue their analysis."""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from motorobs.web.accounts import CurrentUser
from motorobs.web.ages import check_session_date
from motorobs.web.auth import CSRF_FIELD, CsrfRefused
from motorobs.web.caseload import get_child
from motorobs.web.context import context_of
from motorobs.web.intake import FileOutcome, check_files, parse_session_date, store_clips
from motorobs.web.multipart import UploadRefused, receive_form
from motorobs.web.security import same

FORM_OVERHEAD_BYTES = 1 << 20


async def receive_clips(request: Request, user: CurrentUser, child_id: int, *,
                        csrf_in_form: bool) -> list[FileOutcome]:
    """Accept an upload for one of the user's children (all files or none).

    Raises
    ------
    motorobs.web.caseload.NotFound
        Not the user's child (checked before reading the body).
    UploadRefused
        Not a form, too large, too many files, no file.
    motorobs.web.intake.UploadRejected
        A file is not a usable video or has a bad name (nothing stored).
    motorobs.web.ages.DateProblem
        A bad session date.
    CsrfRefused
        ``csrf_in_form`` and the form's CSRF token is missing or wrong.
    """
    ctx = context_of(request)
    settings = ctx.settings
    with ctx.db.session() as db:
        birth = get_child(db, user.id, child_id).birth_date
    limit = settings.max_upload_bytes * settings.max_files_per_upload + FORM_OVERHEAD_BYTES
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise UploadRefused(f"The upload is larger than {settings.max_files_per_upload} files "
                            "of the maximum size; send fewer or smaller files.", status=413)
    form = await receive_form(request.stream(), request.headers.get("content-type"),
                              ctx.storage.tmp, settings.max_upload_bytes,
                              settings.max_files_per_upload)
    try:
        if csrf_in_form and not same(form.fields.get(CSRF_FIELD), user.csrf_token):
            raise CsrfRefused
        when = parse_session_date(form.fields.get("session_date"), ctx.today())
        check_session_date(birth, when, ctx.today())
        checked = await run_in_threadpool(check_files, form)

        def store() -> list[FileOutcome]:
            with ctx.db.session() as db:
                return store_clips(db, ctx.storage, user, child_id, when, checked, ctx.today())

        outcomes = await run_in_threadpool(store)
    finally:
        form.discard()
    ctx.queue.wake()
    return outcomes
