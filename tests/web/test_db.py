"""The database: migrations build exactly the models' schema, apply again harmlessly, and a
database that cannot be reached gives a clear message."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from motorobs.web.db import Database, DatabaseError, normalise_url
from motorobs.web.models import Base


def database_for(tmp_path, db_url) -> Database:
    return Database(db_url or f"sqlite:///{tmp_path / 'motorobs.sqlite3'}")


def test_the_migrations_build_the_schema_of_the_models(tmp_path, db_url):
    database = database_for(tmp_path, db_url)
    database.migrate()
    database.migrate()  # a restart: nothing to do, nothing breaks
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
        assert context.get_current_revision() == "0002"
    database.dispose()


def test_urls_and_an_unreachable_database():
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
    database = Database("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(DatabaseError, match="Check the --db-url"):
        database.migrate()
