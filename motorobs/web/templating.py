"""Server-rendered pages (Jinja2, autoescaped) and the security headers of every answer."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

TEMPLATES = Path(__file__).parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))

NOTICES = {
    "child-added": "Child added.",
    "child-deleted": "The child and all of its sessions, clips and reports were deleted.",
    "clip-deleted": "The clip, its video and its report were deleted.",
    "queued-again": "The clip is queued to be analysed again.",
    "dates-changed": "The dates are changed: ages and trends follow them.",
    "goal-set": "The goal is set.",
    "goal-removed": "The goal was removed.",
    "note-added": "The note is added.",
    "marked": "The measurement is marked: it leaves the trends and the flags.",
    "unmarked": "The mark was taken back: the measurement counts again.",
    "signed-out": "You are signed out.",
    "token-revoked": "The token was revoked.",
    "user-added": "Account added.",
    "user-changed": "Account changed.",
    "expired": "Your session ended; sign in again.",
}
"""Messages a redirect can ask the next page to show (``?notice=KEY``): fixed texts only."""


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _size(n: int | None) -> str:
    if n is None:
        return ""
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return ""


templates.env.filters["when"] = _when
templates.env.filters["size"] = _size


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render template ``name``; adds the user, their CSRF token, the script nonce and any
    ``?notice=`` message."""
    user = getattr(request.state, "user", None)
    notice = NOTICES.get(request.query_params.get("notice", ""))
    context.setdefault("notice", notice)
    context.setdefault("error", None)
    return templates.TemplateResponse(
        request, name, {"user": user, "csrf_token": user.csrf_token if user else "",
                        "nonce": getattr(request.state, "csp_nonce", ""), **context},
        status_code=status)


class SecurityHeaders:
    """ASGI middleware: no caching (health data), no sniffing or framing by other sites,
    and a Content-Security-Policy allowing only this site and this answer's inline scripts
    (a fresh nonce per request, in ``request.state.csp_nonce``)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        policy = (f"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'self' "
                  "'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; "
                  "form-action 'self'; base-uri 'none'; object-src 'none'")
        extra = {
            b"cache-control": b"no-store",
            b"x-content-type-options": b"nosniff",
            b"referrer-policy": b"no-referrer",
            b"x-frame-options": b"SAMEORIGIN",
            b"content-security-policy": policy.encode(),
        }

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra.items() if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
