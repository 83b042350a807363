"""Alembic environment: migrations run on the connection :meth:`Database.migrate` passes in
(or, for ``alembic`` on the command line, on ``sqlalchemy.url``)."""

from alembic import context
from sqlalchemy import create_engine

from motorobs.web.models import Base

config = context.config
connection = config.attributes.get("connection")


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url")).begin() as own:
        _run(own)
