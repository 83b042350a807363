"""Helpers of the web tests: apps on SQLite or PostgreSQL, users, sign-in, small videos."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from motorobs.web import WebSettings, create_app
from motorobs.web.server import add_user

PASSWORD = "correct horse battery"
POSTGRES_ENV = "MOTOROBS_TEST_POSTGRES_URL"


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database on the server ``$MOTOROBS_TEST_POSTGRES_URL``
    names (skips the test when it is not set or does not answer); dropped afterwards."""
    import psycopg

    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"no PostgreSQL server: set {POSTGRES_ENV} (.ci/run does)")
    try:
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {POSTGRES_ENV} does not answer: {exc}")
    name = f"motorobs_test_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        base = admin_url.rsplit("/", 1)[0]
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settings_for(data_dir: Path, db_url: str | None, **changes) -> WebSettings:
    """Settings for tests: the stand-in job function, jobs run in the server process."""
    from tests.web.fakes import fake_analysis

    base = WebSettings(data_dir=data_dir, db_url=db_url, workers=0,
                       job_function=fake_analysis)
    return replace(base, **changes)


@contextlib.contextmanager
def running_app(settings: WebSettings) -> Iterator[TestClient]:
    """The app with its lifespan (migrations, job queue) and a first test client."""
    app = create_app(settings)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def other_client(client: TestClient) -> TestClient:
    """A second browser on the same running app (its own cookies)."""
    return TestClient(client.app, follow_redirects=False)


def make_user(settings: WebSettings, name: str, role: str = "therapist") -> str:
    return add_user(settings, name, PASSWORD, role)


CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_of(client: TestClient, path: str) -> str:
    """The CSRF token of the first form on page ``path``."""
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return CSRF.search(page.text).group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD):
    """Submit the sign-in form as a browser would; returns the answer."""
    token = csrf_of(client, "/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token, "next": "/children"})


def signed_in(client: TestClient, username: str) -> str:
    """Sign in (must succeed); returns the session's CSRF token."""
    answer = sign_in(client, username)
    assert answer.status_code == 303, answer.text
    return csrf_of(client, "/children")


def add_child(client: TestClient, code: str, birth: str = "2026-06-01",
              due: str | None = None, **headers) -> int:
    """Add a child through the API (bearer token or cookie + CSRF header)."""
    answer = client.post("/api/children", json={"code": code, "birth_date": birth,
                                                 "due_date": due}, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def tiny_video(path: Path, seed: int, frames: int = 6, size: tuple[int, int] = (64, 48)) -> Path:
    """A small, valid mp4 whose bytes depend on ``seed``."""
    rng = np.random.default_rng(seed)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, size)
    for _ in range(frames):
        writer.write(rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8))
    writer.release()
    return path


def files_in(folder: Path) -> set[str]:
    """Every file under ``folder`` (relative paths), except the database's own files."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith("motorobs.sqlite3")}


def all_routes() -> list[tuple[str, str]]:
    """``(method, path)`` of every route the app defines (pages and API)."""
    from motorobs.web.routes import account, admin, api, pages, signin

    return [(method, route.path) for module in (signin, pages, account, admin, api)
            for route in module.router.routes for method in sorted(route.methods)]


def wait_for_jobs(client: TestClient, job_ids: list[int], timeout: float = 60.0,
                  **headers) -> list[dict]:
    """Poll ``/api/jobs/{id}`` until every job is done or failed."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        jobs = [client.get(f"/api/jobs/{j}", headers=headers).json() for j in job_ids]
        if all(j["state"] in ("done", "failed") for j in jobs):
            return jobs
        assert time.monotonic() < deadline, jobs
        time.sleep(0.1)


def upload(client: TestClient, child_id: int, paths: list[Path], session_date: str | None = None,
           names: list[str] | None = None, **headers):
    """``POST /api/children/{id}/clips`` with these files."""
    files = [("files", ((names or [p.name for p in paths])[k], p.read_bytes(), "video/mp4"))
             for k, p in enumerate(paths)]
    data = {"session_date": session_date} if session_date else {}
    return client.post(f"/api/children/{child_id}/clips", files=files, data=data,
                       headers=headers)
