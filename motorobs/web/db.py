"""The database connection: engine, short transactions, and migrations applied on start.

SQLite (the default, one file in the data folder) runs in WAL mode with foreign keys on, and
every transaction starts with ``BEGIN IMMEDIATE``, so that concurrent writers (request
threads and the job queue) wait for each other instead of failing. Transactions are kept
short: nothing holds one while a file streams in or a video is decoded.
PostgreSQL is used through psycopg 3 (``postgresql://`` URLs are read as
``postgresql+psycopg://``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30
_MIGRATION_LOCK_ID = 7_180_411  # a PostgreSQL advisory lock: one server migrates at a time


class DatabaseError(RuntimeError):
    """The database cannot be reached or set up (the message says what to check)."""


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` -> ``postgresql+psycopg://`` (psycopg 3)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``, with SQLite made safe for concurrent writers."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S,
                                                  "check_same_thread": False})
        _make_sqlite_safe(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _make_sqlite_safe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """The app's database: :meth:`session` opens one short transaction."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on leaving the block (rolls back on error)."""
        with self._sessions() as session, session.begin():
            yield session

    def migrate(self) -> None:
        """Bring the schema up to date (Alembic ``upgrade head``).

        Raises
        ------
        DatabaseError
            The database cannot be reached.
        """
        from alembic import command
        from alembic.config import Config
        from sqlalchemy.exc import OperationalError

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                if self.dialect == "postgresql":
                    connection.exec_driver_sql(
                        f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_ID})")
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except OperationalError as exc:
            raise DatabaseError(
                f"cannot open the database {self.engine.url.render_as_string()}: "
                f"{exc.orig}. Check the --db-url (or MOTOROBS_DB_URL) and that the database "
                "server is running.") from exc

    def dispose(self) -> None:
        self.engine.dispose()
