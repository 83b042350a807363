"""Alembic migrations of the web app's database (applied by ``motorobs serve``)."""
