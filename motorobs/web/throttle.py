"""Sign-in throttling: after repeated wrong passwords, an account (and a client address)
is refused for a while, even with the right password.

Failures are rows in the database, so the limit holds across restarts and across several
servers sharing one database.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from motorobs.web.models import LoginFailure, utcnow

CLIENT_FACTOR = 5
"""A client address may fail this many times more often than one account."""


def is_throttled(db: Session, username: str, client: str, max_failures: int,
                 window_minutes: int) -> bool:
    """Whether sign-in is refused for ``username`` or from ``client`` right now."""
    since = utcnow() - timedelta(minutes=window_minutes)
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.at >= since)
    by_user = db.scalar(recent.where(LoginFailure.username == username.lower()))
    by_client = db.scalar(recent.where(LoginFailure.client == client))
    return by_user >= max_failures or by_client >= max_failures * CLIENT_FACTOR


def record_failure(db: Session, username: str, client: str) -> None:
    db.add(LoginFailure(username=username.lower()[:64], client=client[:64]))


def clear_failures(db: Session, username: str, window_minutes: int) -> None:
    """Forget an account's failures after a successful sign-in (and old rows of anyone)."""
    db.execute(delete(LoginFailure).where(LoginFailure.username == username.lower()))
    old = utcnow() - timedelta(minutes=window_minutes * 4)
    db.execute(delete(LoginFailure).where(LoginFailure.at < old))
