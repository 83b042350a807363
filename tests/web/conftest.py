"""Fixtures of the web tests: every database test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from tests.web.support import postgres_database, tiny_video


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    """Cheap argon2 parameters in tests (the app's defaults cost about 0.1 s a hash)."""
    from argon2 import PasswordHasher

    from motorobs.web import security

    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024,
                                                            parallelism=1))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """``None`` (SQLite in the data folder) or the URL of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture(scope="session")
def videos(tmp_path_factory):
    """Twenty distinct small mp4 files."""
    folder = tmp_path_factory.mktemp("videos")
    return [tiny_video(folder / f"clip{k:02d}.mp4", seed=k) for k in range(20)]
