"""The FastAPI application: :func:`create_app` wires settings, database, storage, the job
queue, the routes and the error pages together.

On start it creates the data folder, applies the database migrations, clears uploads left
half-received, and starts the job queue (which first queues again the jobs of a server that
died). On stop it stops the queue; unfinished jobs run at the next start.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

import motorobs
from motorobs.web.ages import DateProblem
from motorobs.web.auth import AdminOnly, CsrfRefused, NotSignedIn
from motorobs.web.caseload import CaseloadError, NotFound
from motorobs.web.context import AppContext
from motorobs.web.db import Database
from motorobs.web.intake import UploadRejected
from motorobs.web.jobqueue import JobQueue
from motorobs.web.models import Clip
from motorobs.web.multipart import UploadRefused
from motorobs.web.reading import OutputMissing
from motorobs.web.routes import account, admin, api, pages, signin
from motorobs.web.settings import WebSettings
from motorobs.web.storage import Storage
from motorobs.web.templating import SecurityHeaders, render

logger = logging.getLogger("motorobs.web")


def build_context(settings: WebSettings) -> AppContext:
    """Data folder, database (migrated) and job queue (not started) for ``settings``."""
    storage = Storage(settings.data_dir)
    storage.create()
    database = Database(settings.database_url)
    database.migrate()
    return AppContext(settings, database, storage, JobQueue(database, settings, storage))


def _tidy(ctx: AppContext) -> None:
    """Delete uploads cut off by a stop, and files whose rows are gone."""
    ctx.storage.clear_tmp()
    with ctx.db.session() as db:
        names = set(db.scalars(select(Clip.stored_name)))
    ctx.storage.sweep_orphans(names)


def create_app(settings: WebSettings) -> FastAPI:
    """The app for ``settings`` (``motorobs serve`` runs it with uvicorn)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = build_context(settings)
        app.state.ctx = ctx
        _tidy(ctx)
        if settings.start_queue:
            ctx.queue.start()
        try:
            yield
        finally:
            if settings.start_queue:
                ctx.queue.stop()
            ctx.db.dispose()

    app = FastAPI(
        title="motorobs", version=motorobs.__version__, lifespan=lifespan,
        docs_url=None, redoc_url=None,
        description="Infant motor observation for paediatric therapists: caseload, uploads, "
                    "background analysis and reports (a screening aid, not a diagnosis). "
                    "Authenticate with `Authorization: Bearer TOKEN` (`motorobs users token`). "
                    "See docs/web.md.")
    app.add_middleware(SecurityHeaders)
    for module in (signin, pages, account, admin, api):
        app.include_router(module.router)
    _add_error_handlers(app)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error(request: Request, status: int, message: str, **extra) -> Response:
    if _is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"detail": message, **extra}, status_code=status, headers=headers)
    return render(request, "error.html", status=status, message=message)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if _is_api(request):
            return _error(request, 401, "Sign in first: send Authorization: Bearer TOKEN "
                          "(motorobs users token) or use the app's pages.")
        return signin.login_redirect(request)

    @app.exception_handler(CsrfRefused)
    async def csrf(request: Request, exc: CsrfRefused) -> Response:
        return _error(request, 403, "This form had expired or did not come from this app. "
                      "Go back, reload the page and try again.")

    @app.exception_handler(AdminOnly)
    async def admin_only(request: Request, exc: AdminOnly) -> Response:
        return _error(request, 403, "Only administrators can open this page.")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(OutputMissing)
    async def output_missing(request: Request, exc: OutputMissing) -> Response:
        return _error(request, 409, f"Not available: {exc}.")

    @app.exception_handler(UploadRefused)
    async def upload_refused(request: Request, exc: UploadRefused) -> Response:
        return _error(request, exc.status, exc.message)

    @app.exception_handler(UploadRejected)
    async def upload_rejected(request: Request, exc: UploadRejected) -> Response:
        return _error(request, 400, exc.message,
                      files=[{"file": o.file, "problem": o.problem} for o in exc.outcomes])

    @app.exception_handler(DateProblem)
    async def bad_date(request: Request, exc: DateProblem) -> Response:
        text = str(exc)
        return _error(request, 400, text[:1].upper() + text[1:])

    @app.exception_handler(CaseloadError)
    async def caseload_error(request: Request, exc: CaseloadError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "The request is not valid.",
                                 "errors": jsonable_encoder(exc.errors())}, status_code=422)
        return _error(request, 400, "The request is not valid.")
