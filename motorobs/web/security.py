"""Secrets: argon2 password hashes, random tokens and the SHA-256 they are stored as.

Passwords are hashed with argon2id (argon2-cffi's defaults). Session cookies, CSRF tokens
and API tokens are 256-bit random strings; the database keeps only their SHA-256 (a
random 256-bit secret needs no slow hash), so a copy of the database signs nobody in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 10
API_TOKEN_PREFIX = "mo_"
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password: evens out the time of unknown usernames")


class PasswordRejected(ValueError):
    """A new password is too weak (the message says why)."""


def check_new_password(password: str) -> None:
    """Raise :class:`PasswordRejected` for a password too short to be safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRejected(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if password.strip() != password or not password.isprintable():
        raise PasswordRejected("the password must not start or end with spaces or contain "
                               "control characters.")


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (after :func:`check_new_password`)."""
    check_new_password(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; takes as long for an unknown user (``None``)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_secret() -> str:
    """A fresh random secret (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    """A fresh API token: ``mo_`` and a random secret."""
    return API_TOKEN_PREFIX + new_secret()


def digest(secret: str) -> str:
    """The SHA-256 (hex) under which a secret is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets (``False`` if either is missing)."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
