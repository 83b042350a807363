"""A user's own account page: personal API tokens (create, revoke)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from motorobs.web import audit
from motorobs.web.accounts import CurrentUser, issue_token, revoke_token, tokens_of
from motorobs.web.auth import CsrfForm, PageUser
from motorobs.web.context import context_of
from motorobs.web.models import User
from motorobs.web.templating import render

router = APIRouter(prefix="/account", include_in_schema=False)


def _page(request: Request, user: CurrentUser, new_token: str | None = None,
          status: int = 200) -> Response:
    with context_of(request).db.session() as db:
        tokens = [(t.id, t.label, t.created_at, t.last_used_at, t.revoked_at)
                  for t in tokens_of(db, user.id)]
    return render(request, "account.html", status=status, tokens=tokens, new_token=new_token)


@router.get("")
def account(request: Request, user: PageUser) -> Response:
    return _page(request, user)


@router.post("/tokens")
def new_token(request: Request, user: PageUser,
              form: CsrfForm) -> Response:
    with context_of(request).db.session() as db:
        token = issue_token(db, db.get(User, user.id), form.get("label", ""))
        audit.record(db, user, "token", "user", user.id, "created an API token")
    return _page(request, user, new_token=token)


@router.post("/tokens/{token_id}/revoke")
def revoke(token_id: int, request: Request, user: PageUser,
           form: CsrfForm) -> Response:
    with context_of(request).db.session() as db:
        if revoke_token(db, user.id, token_id):
            audit.record(db, user, "token", "user", user.id, f"revoked API token {token_id}")
    return RedirectResponse("/account?notice=token-revoked", status_code=303)
