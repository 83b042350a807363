"""Admin pages: accounts (add, disable, enable, revoke tokens) and the audit log.

Admins manage accounts; they do not see other therapists' caseloads.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from motorobs.web import audit
from motorobs.web.accounts import (
    AccountError,
    add_user,
    revoke_tokens,
    set_active,
)
from motorobs.web.auth import AdminUser, CsrfForm
from motorobs.web.context import context_of
from motorobs.web.models import ROLES, User
from motorobs.web.security import PasswordRejected
from motorobs.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE_SIZE = 200


def _users_page(request: Request, error: str | None = None, values: dict | None = None,
                status: int = 200) -> Response:
    with context_of(request).db.session() as db:
        users = [(u.id, u.username, u.role, u.active, u.created_at)
                 for u in db.scalars(select(User).order_by(User.username))]
    return render(request, "admin_users.html", status=status, users=users, roles=ROLES,
                  error=error, values=values or {})


@router.get("/users")
def users(request: Request, admin: AdminUser) -> Response:
    return _users_page(request)


@router.post("/users")
def create_user(request: Request, admin: AdminUser,
                form: CsrfForm) -> Response:
    try:
        with context_of(request).db.session() as db:
            user = add_user(db, form.get("username", ""), form.get("password", ""),
                            form.get("role", "therapist"))
            audit.record(db, admin, "account", "user", user.id,
                         f"added {user.username} ({user.role})")
    except (AccountError, PasswordRejected) as exc:
        text = str(exc)
        return _users_page(request, error=text[:1].upper() + text[1:],
                           values={"username": form.get("username", "")}, status=400)
    return RedirectResponse("/admin/users?notice=user-added", status_code=303)


@router.post("/users/{user_id}/active")
def change_active(user_id: int, request: Request, admin: AdminUser,
                  form: CsrfForm) -> Response:
    active = form.get("active") == "1"
    with context_of(request).db.session() as db:
        user = db.get(User, user_id)
        if user is None:
            return _users_page(request, error="No such account.", status=404)
        if user.id == admin.id and not active:
            return _users_page(request, error="You cannot disable your own account.",
                               status=400)
        set_active(db, user, active)
        audit.record(db, admin, "account", "user", user.id,
                     f"{'enabled' if active else 'disabled'} {user.username}")
    return RedirectResponse("/admin/users?notice=user-changed", status_code=303)


@router.post("/users/{user_id}/revoke-tokens")
def revoke_user_tokens(user_id: int, request: Request,
                       admin: AdminUser,
                       form: CsrfForm) -> Response:
    with context_of(request).db.session() as db:
        user = db.get(User, user_id)
        if user is None:
            return _users_page(request, error="No such account.", status=404)
        count = revoke_tokens(db, user.id)
        audit.record(db, admin, "token", "user", user.id,
                     f"revoked {count} token(s) of {user.username}")
    return RedirectResponse("/admin/users?notice=token-revoked", status_code=303)


@router.get("/audit")
def audit_log(request: Request, admin: AdminUser, page: int = 1,
              action: str | None = None) -> Response:
    page = max(1, page)
    action = action if action in audit.ACTIONS else None
    with context_of(request).db.session() as db:
        rows, total = audit.recent(db, PAGE_SIZE, (page - 1) * PAGE_SIZE, action)
        events = [(e.at, e.username, e.action, e.object_type, e.object_id, e.detail)
                  for e in rows]
    return render(request, "admin_audit.html", events=events, page=page, total=total,
                  pages=max(1, -(-total // PAGE_SIZE)), action=action,
                  actions=audit.ACTIONS)
