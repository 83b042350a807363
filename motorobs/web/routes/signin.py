"""Signing in and out.

The sign-in form has its own CSRF protection (a random value in a cookie and in the form,
which must match), since there is no session yet. A successful sign-in always starts a new
session; failures are throttled (:mod:`motorobs.web.throttle`).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from motorobs.web import audit
from motorobs.web.accounts import CurrentUser, SignInThrottled, authenticate
from motorobs.web.auth import CSRF_FIELD, CsrfForm, PageUser
from motorobs.web.context import client_address, context_of
from motorobs.web.login_sessions import COOKIE, end_session, start_session
from motorobs.web.security import new_secret, same
from motorobs.web.templating import render

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "motorobs_signin"


def safe_next(target: str | None) -> str:
    """Only a path on this site (``/children/3``), never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/children"
    return target


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_page(request: Request, next_url: str, error: str | None = None,
                status: int = 200) -> Response:
    token = new_secret()
    response = render(request, "login.html", status=status, login_csrf=token,
                      next_url=next_url, error=error)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, httponly=True,
                        samesite="lax", secure=is_https(request), path="/login")
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, safe_next(next))


@router.post("/login")
async def login(request: Request) -> Response:
    ctx = context_of(request)
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    next_url = safe_next(fields.get("next"))
    if not same(fields.get(CSRF_FIELD), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _login_page(request, next_url, "The sign-in form had expired; please try "
                           "again.", status=403)
    username, password = fields.get("username", ""), fields.get("password", "")
    client = client_address(request)
    settings = ctx.settings
    try:
        with ctx.db.session() as db:
            user = authenticate(db, username, password, client,
                                max_failures=settings.login_max_failures,
                                window_minutes=settings.login_window_minutes)
            if user is None:
                audit.record(db, None, "sign-in-refused", detail=f"from {client}",
                             username=username.strip()[:64] or "(empty)")
                message = "Wrong username or password."
            else:
                secret = start_session(db, user, settings.session_max_hours)
                audit.record(db, CurrentUser(user.id, user.username, user.role), "sign-in",
                             detail=f"from {client}")
    except SignInThrottled:
        return _login_page(request, next_url, (
            "Too many failed sign-in attempts. Wait "
            f"{settings.login_window_minutes} minutes and try again, or ask your "
            "administrator."), status=429)
    if user is None:
        return _login_page(request, next_url, message, status=401)
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(COOKIE, secret, max_age=settings.session_max_hours * 3600,
                        httponly=True, samesite="lax", secure=is_https(request), path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, user: PageUser,
           _form: CsrfForm) -> Response:
    with context_of(request).db.session() as db:
        end_session(db, user.login_session)
    response = RedirectResponse("/login?notice=signed-out", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def login_redirect(request: Request) -> RedirectResponse:
    """Where a page without a session sends the browser (back here after sign-in)."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303)
