"""Accounts: adding users, signing in (with throttling) and personal API tokens.

Used by the admin pages and by ``motorobs users``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from motorobs.web import throttle
from motorobs.web.models import ROLES, ApiToken, User, utcnow
from motorobs.web.security import digest, hash_password, new_api_token, verify_password

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class AccountError(ValueError):
    """An account cannot be made or changed as asked (the message says why)."""


class SignInThrottled(Exception):
    """Too many failed sign-ins recently: refused even with the right password."""


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in user, detached from any database session."""

    id: int
    username: str
    role: str
    login_session: str | None = None
    """The login session's id (``None`` when signed in with an API token)."""
    csrf_token: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def normalise_username(username: str) -> str:
    """Lower-case, trimmed; raises :class:`AccountError` for a name that is not allowed."""
    name = username.strip().lower()
    if not USERNAME_PATTERN.match(name):
        raise AccountError(
            f"{username!r} is not a valid username: use 2 to 64 letters, digits, dots, "
            "dashes or underscores, starting with a letter or digit.")
    return name


def add_user(db: Session, username: str, password: str, role: str = "therapist") -> User:
    """Create an account.

    Raises
    ------
    AccountError
        Bad username or role, or the username is taken.
    motorobs.web.security.PasswordRejected
        The password is too weak.
    """
    name = normalise_username(username)
    if role not in ROLES:
        raise AccountError(f"{role!r} is not a role; choose one of {', '.join(ROLES)}.")
    if db.scalar(select(User.id).where(User.username == name)) is not None:
        raise AccountError(f"the username {name!r} is already taken.")
    user = User(username=name, role=role, password_hash=hash_password(password), active=True)
    db.add(user)
    db.flush()
    return user


def find_user(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username.strip().lower()))


def set_password(db: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)


def set_active(db: Session, user: User, active: bool) -> None:
    """Enable or disable an account; disabling also ends its sessions and tokens."""
    from motorobs.web.login_sessions import end_all_sessions

    user.active = active
    if not active:
        end_all_sessions(db, user.id)
        revoke_tokens(db, user.id)


def authenticate(db: Session, username: str, password: str, client: str, *,
                 max_failures: int, window_minutes: int) -> User | None:
    """The active user with this username and password, or ``None`` (failure recorded).

    Raises
    ------
    SignInThrottled
        Too many failures for this account or client address within the window.
    """
    name = username.strip().lower()[:64]
    if throttle.is_throttled(db, name, client, max_failures, window_minutes):
        raise SignInThrottled
    user = find_user(db, name) if name else None
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        throttle.record_failure(db, name, client)
        return None
    throttle.clear_failures(db, name, window_minutes)
    return user


def issue_token(db: Session, user: User, label: str = "") -> str:
    """A new API token for ``user``; returned once, stored only as its SHA-256."""
    token = new_api_token()
    db.add(ApiToken(user_id=user.id, token_hash=digest(token), label=label.strip()[:100]))
    db.flush()
    return token


def user_for_token(db: Session, token: str) -> User | None:
    """The active user an unrevoked token belongs to (and note its use), or ``None``."""
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == digest(token),
                                           ApiToken.revoked_at.is_(None)))
    if row is None:
        return None
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        row.last_used_at = now
    return user


def revoke_token(db: Session, user_id: int, token_id: int) -> bool:
    """Revoke one of ``user_id``'s tokens; ``False`` if it has no such live token."""
    result = db.execute(update(ApiToken).where(
        ApiToken.id == token_id, ApiToken.user_id == user_id,
        ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    return result.rowcount > 0


def revoke_tokens(db: Session, user_id: int) -> int:
    """Revoke every live token of ``user_id``; returns how many."""
    result = db.execute(update(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    return result.rowcount


def tokens_of(db: Session, user_id: int) -> list[ApiToken]:
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                           .order_by(ApiToken.id)))
