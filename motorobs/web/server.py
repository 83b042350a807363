"""Running the app (``motorobs serve``) and managing accounts from the command line
(``motorobs users``): the functions behind those commands."""

from __future__ import annotations

import logging
import sys

from motorobs.web.db import Database
from motorobs.web.settings import WebSettings
from motorobs.web.storage import Storage


def serve(settings: WebSettings, host: str, port: int, *, ssl_certfile: str | None = None,
          ssl_keyfile: str | None = None, log_level: str = "info") -> None:
    """Run the app with uvicorn until stopped (Ctrl-C or SIGTERM stop it cleanly).

    Raises
    ------
    motorobs.web.db.DatabaseError
        The database cannot be reached (checked before the server starts listening).
    """
    import uvicorn

    from motorobs.web.app import create_app

    open_database(settings).dispose()  # a clear error now rather than a failed start-up

    logging.getLogger("motorobs").setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("motorobs.web").addHandler(handler)
    uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level,
                ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile, proxy_headers=True,
                server_header=False)


def open_database(settings: WebSettings) -> Database:
    """The migrated database of ``settings`` (creating the data folder if needed)."""
    Storage(settings.data_dir).create()
    database = Database(settings.database_url)
    database.migrate()
    return database


def add_user(settings: WebSettings, username: str, password: str, role: str) -> str:
    """Add an account; returns its normalised username (raises AccountError,
    PasswordRejected)."""
    from motorobs.web import audit
    from motorobs.web.accounts import add_user as add

    database = open_database(settings)
    try:
        with database.session() as db:
            user = add(db, username, password, role)
            audit.record(db, None, "account", "user", user.id,
                         f"added {user.username} ({user.role}) from the command line")
            return user.username
    finally:
        database.dispose()


def new_token(settings: WebSettings, username: str, label: str = "") -> str:
    """A new API token for ``username`` (raises AccountError if there is no such user)."""
    from motorobs.web import audit
    from motorobs.web.accounts import AccountError, find_user, issue_token

    database = open_database(settings)
    try:
        with database.session() as db:
            user = find_user(db, username)
            if user is None or not user.active:
                raise AccountError(f"no active account {username!r}; add it with "
                                   "`motorobs users add`.")
            token = issue_token(db, user, label or "command line")
            audit.record(db, None, "token", "user", user.id,
                         f"created an API token for {user.username} from the command line")
            return token
    finally:
        database.dispose()


def change_password(settings: WebSettings, username: str, password: str) -> None:
    """Set a new password and end the account's sessions (raises AccountError,
    PasswordRejected)."""
    from motorobs.web import audit
    from motorobs.web.accounts import AccountError, find_user, set_password
    from motorobs.web.login_sessions import end_all_sessions

    database = open_database(settings)
    try:
        with database.session() as db:
            user = find_user(db, username)
            if user is None:
                raise AccountError(f"no account {username!r}.")
            set_password(db, user, password)
            end_all_sessions(db, user.id)
            audit.record(db, None, "account", "user", user.id,
                         f"new password for {user.username} from the command line")
    finally:
        database.dispose()


def list_users(settings: WebSettings) -> list[tuple[str, str, bool]]:
    """``(username, role, active)`` of every account."""
    from sqlalchemy import select

    from motorobs.web.models import User

    database = open_database(settings)
    try:
        with database.session() as db:
            return [(u.username, u.role, u.active)
                    for u in db.scalars(select(User).order_by(User.username))]
    finally:
        database.dispose()
