"""Browser sign-in sessions: a random cookie, a CSRF token, idle and absolute expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from motorobs.web.accounts import CurrentUser
from motorobs.web.models import LoginSession, User, utcnow
from motorobs.web.security import digest, new_secret

COOKIE = "motorobs_session"
TOUCH_EVERY_S = 60
"""``last_seen_at`` is written at most this often per session (not on every request)."""


def start_session(db: Session, user: User, max_hours: int) -> str:
    """Sign ``user`` in: returns the cookie's secret (stored only as its SHA-256)."""
    secret = new_secret()
    now = utcnow()
    db.add(LoginSession(id=digest(secret), user_id=user.id, csrf_token=new_secret(),
                        created_at=now, last_seen_at=now,
                        expires_at=now + timedelta(hours=max_hours)))
    old = now - timedelta(days=1)
    db.execute(delete(LoginSession).where(LoginSession.expires_at < old))
    return secret


def resume_session(db: Session, secret: str, idle_minutes: int) -> CurrentUser | None:
    """The user of a live session, or ``None`` (unknown, expired, idle too long, or the
    account was disabled); expired sessions are deleted."""
    row = db.get(LoginSession, digest(secret))
    if row is None:
        return None
    now = utcnow()
    user = db.get(User, row.user_id)
    idle = now - row.last_seen_at > timedelta(minutes=idle_minutes)
    if now >= row.expires_at or idle or user is None or not user.active:
        db.delete(row)
        return None
    if (now - row.last_seen_at).total_seconds() > TOUCH_EVERY_S:
        row.last_seen_at = now
    return CurrentUser(user.id, user.username, user.role, row.id, row.csrf_token)


def end_session(db: Session, session_id: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.id == session_id))


def end_all_sessions(db: Session, user_id: int) -> None:
    db.execute(delete(LoginSession).where(LoginSession.user_id == user_id))
