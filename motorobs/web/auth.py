"""Who is asking: FastAPI dependencies for pages (session cookie) and the API (session
cookie or ``Authorization: Bearer TOKEN``), CSRF checks, and admin-only routes.

Without a valid session a page redirects to the sign-in page and an ``/api/`` route answers
401. A browser's unsafe API call (POST, DELETE) must also send the session's CSRF token in
``X-CSRF-Token``; every form carries it in the field ``csrf_token``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from motorobs.web.accounts import CurrentUser, user_for_token
from motorobs.web.context import context_of
from motorobs.web.login_sessions import COOKIE, resume_session
from motorobs.web.security import same

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class NotSignedIn(Exception):
    """No valid session or token (pages: redirect to sign-in; API: 401)."""


class CsrfRefused(Exception):
    """A form or browser API call without the session's CSRF token (403)."""


class AdminOnly(Exception):
    """The page is for administrators (403)."""


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def signed_in_user(request: Request, *, allow_token: bool) -> CurrentUser | None:
    """The user of the request's API token (if allowed) or session cookie, else ``None``."""
    ctx = context_of(request)
    token = bearer_token(request) if allow_token else None
    if token is not None:
        with ctx.db.session() as db:
            user = user_for_token(db, token)
            return CurrentUser(user.id, user.username, user.role) if user else None
    secret = request.cookies.get(COOKIE)
    if not secret:
        return None
    with ctx.db.session() as db:
        return resume_session(db, secret, ctx.settings.session_idle_minutes)


def page_user(request: Request) -> CurrentUser:
    """A page's user (session cookie only); raises :class:`NotSignedIn`."""
    user = signed_in_user(request, allow_token=False)
    if user is None:
        raise NotSignedIn
    request.state.user = user
    return user


def api_user(request: Request) -> CurrentUser:
    """An API call's user; a cookie-signed call that changes something needs the CSRF
    header. Raises :class:`NotSignedIn` or :class:`CsrfRefused`."""
    user = signed_in_user(request, allow_token=True)
    if user is None:
        raise NotSignedIn
    if user.login_session and request.method not in SAFE_METHODS and \
            not same(request.headers.get(CSRF_HEADER), user.csrf_token):
        raise CsrfRefused
    return user


async def form_of(request: Request,
                  user: Annotated[CurrentUser, Depends(page_user)]) -> dict[str, str]:
    """A page form's fields, after checking its CSRF token (raises :class:`CsrfRefused`)."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if not same(fields.get(CSRF_FIELD), user.csrf_token):
        raise CsrfRefused
    return fields


def admin_user(user: Annotated[CurrentUser, Depends(page_user)]) -> CurrentUser:
    if not user.is_admin:
        raise AdminOnly
    return user


PageUser = Annotated[CurrentUser, Depends(page_user)]
"""A route parameter: the page's signed-in user."""
ApiUser = Annotated[CurrentUser, Depends(api_user)]
"""A route parameter: the API call's user."""
AdminUser = Annotated[CurrentUser, Depends(admin_user)]
"""A route parameter: a signed-in admin."""
CsrfForm = Annotated[dict[str, str], Depends(form_of)]
"""A route parameter: the form's fields, CSRF token checked."""
