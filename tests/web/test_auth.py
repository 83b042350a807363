"""Signing in: every page needs a session, every API route a session or token; CSRF on
every form; throttling; expiry; cookies; tokens stored hashed and revocable."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from motorobs.web.accounts import find_user
from motorobs.web.models import ApiToken, LoginSession, utcnow
from motorobs.web.security import digest
from tests.web.support import (
    add_child,
    all_routes,
    files_in,
    make_user,
    other_client,
    running_app,
    settings_for,
    sign_in,
    signed_in,
    upload,
    wait_for_jobs,
)

IDS = re.compile(r"\{\w+\}")


@pytest.fixture
def app(tmp_path, db_url):
    settings = settings_for(tmp_path / "data", db_url, login_max_failures=3)
    make_user(settings, "alice")
    with running_app(settings) as client:
        client.settings = settings
        yield client


def test_every_page_redirects_to_sign_in_and_every_api_route_answers_401(app):
    routes = all_routes()
    assert len(routes) >= 30
    for method, path in routes:
        url = IDS.sub("1", path)
        answer = app.request(method, url)
        if path.startswith("/api/"):
            assert answer.status_code == 401, (method, url, answer.status_code)
            assert answer.headers["www-authenticate"] == "Bearer"
            assert "Sign in" in answer.json()["detail"]
        elif path != "/login":
            assert answer.status_code == 303, (method, url, answer.status_code)
            assert answer.headers["location"].startswith("/login?next=")
    for header in ("Bearer nonsense", "Bearer ", "Basic YWxpY2U6eA=="):
        assert app.get("/api/children", headers={"Authorization": header}).status_code == 401


def test_sign_in_sets_a_safe_cookie_and_returns_to_the_page_asked_for(app):
    first = app.get("/children/1?x=2")
    assert first.headers["location"] == "/login?next=/children/1%3Fx%3D2"
    answer = sign_in(app, "alice")
    assert answer.status_code == 303 and answer.headers["location"] == "/children"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert app.get("/children").status_code == 200
    assert "no-store" in app.get("/children").headers["cache-control"]
    with app.app.state.ctx.db.session() as db:  # only the cookie's hash is stored
        secret = app.cookies.get("motorobs_session")
        assert db.get(LoginSession, digest(secret)) is not None
        assert db.get(LoginSession, secret) is None


def test_the_cookie_is_secure_over_https_and_next_never_leaves_the_site(app):
    https = other_client(app)
    https.base_url = "https://testserver"
    answer = sign_in(https, "alice")
    assert "Secure" in answer.headers["set-cookie"]
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        page = other_client(app)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.get("/login").text)[1]
        answer = page.post("/login", data={"username": "alice", "password":
                                           "correct horse battery", "csrf_token": token,
                                           "next": target})
        assert answer.headers["location"] == "/children"


def test_sign_in_without_its_csrf_token_is_refused(app):
    answer = app.post("/login", data={"username": "alice", "password": "correct horse battery",
                                      "csrf_token": "guess"})
    assert answer.status_code == 403 and "motorobs_session" not in app.cookies


def test_every_form_without_the_csrf_token_is_refused_and_changes_nothing(app, videos):
    csrf = signed_in(app, "alice")
    child = add_child(app, "K-1", **{"X-CSRF-Token": csrf})
    (clip,) = upload(app, child, videos[:1], **{"X-CSRF-Token": csrf}).json()["clips"]
    wait_for_jobs(app, [clip["job_id"]])
    assert app.post("/account/tokens", data={"csrf_token": csrf}).status_code == 200
    header = {"X-CSRF-Token": csrf}
    goal = app.post(f"/api/children/{child}/goals", headers=header,
                    json={"activity": "tummy_time", "minutes_per_day": 5}).json()
    mark = app.post(f"/api/clips/{clip['clip_id']}/marks", headers=header,
                    json={"metric": "reaches_per_min", "reason": "adult in view"}).json()
    review = app.get(f"/api/clips/{clip['clip_id']}/review").json()
    make_user(app.settings, "root", "admin")
    boss = other_client(app)
    boss_csrf = signed_in(boss, "root")
    with app.app.state.ctx.db.session() as db:
        ids = {"child_id": child, "clip_id": clip["clip_id"], "token_id": 1,
               "user_id": find_user(db, "alice").id, "goal_id": goal["id"],
               "mark_id": mark["id"]}
    before = files_in(app.settings.data_dir)
    forms = [p for m, p in all_routes() if m == "POST" and not p.startswith(("/api/", "/login"))]
    assert "/children" in forms and "/logout" in forms and "/children/{child_id}/upload" in forms
    for path in forms:
        client, token = (boss, boss_csrf) if path.startswith("/admin/") else (app, csrf)
        url = path.format(**ids)
        for data in ({}, {"csrf_token": "wrong"}, {"csrf_token": token + "x"}):
            if path.endswith("/upload"):
                answer = client.post(url, data=data, files=[
                    ("files", ("new.mp4", videos[1].read_bytes(), "video/mp4"))])
            else:
                answer = client.post(url, data={**data, "code": "K-9", "active": "0",
                                                 "confirm_code": "K-1", "username": "mallory9",
                                                 "password": "a long password",
                                                 "text": "a note", "metric": "reaches_per_min",
                                                 "reason": "x", "activity": "tummy_time",
                                                 "minutes_per_day": "9"})
            assert answer.status_code == 403, (url, data, answer.status_code)
            assert "expired" in answer.text
    assert files_in(app.settings.data_dir) == before
    listed = app.get("/api/children").json()
    assert [c["code"] for c in listed] == ["K-1"] and listed[0]["clips"] == 1
    assert app.get(f"/api/clips/{clip['clip_id']}/review").json() == review
    assert app.get(f"/api/children/{child}/goals").json() == [goal]
    assert app.get(f"/api/clips/{clip['clip_id']}").status_code == 200
    assert "active" in app.get("/account").text and "revoked" not in app.get("/account").text
    assert "mallory9" not in boss.get("/admin/users").text
    # with the token the same forms work
    good = app.post("/children", data={"csrf_token": csrf, "code": "K-2",
                                       "birth_date": "2026-06-01"})
    assert good.status_code == 303


def test_browser_api_calls_that_change_things_need_the_csrf_header(app):
    csrf = signed_in(app, "alice")
    body = {"code": "K-2", "birth_date": "2026-06-01"}
    assert app.post("/api/children", json=body).status_code == 403
    assert app.post("/api/children", json=body, headers={"X-CSRF-Token": "no"}).status_code == 403
    assert app.get("/api/children").json() == []
    assert app.post("/api/children", json=body,
                    headers={"X-CSRF-Token": csrf}).status_code == 201


def test_repeated_wrong_passwords_throttle_the_account_even_with_the_right_one(app):
    make_user(app.settings, "bert")
    for _ in range(3):
        assert sign_in(app, "alice", "wrong password!").status_code == 401
    throttled = sign_in(app, "alice")
    assert throttled.status_code == 429 and "Too many failed sign-in attempts" in throttled.text
    assert "motorobs_session" not in app.cookies
    assert sign_in(other_client(app), "bert").status_code == 303  # others are not locked out
    with app.app.state.ctx.db.session() as db:  # the window passes: allowed again
        from motorobs.web.models import LoginFailure

        db.execute(update(LoginFailure).values(at=utcnow() - timedelta(hours=1)))
    assert sign_in(app, "alice").status_code == 303


def test_sessions_expire_when_idle_or_old_and_end_on_sign_out(app):
    csrf = signed_in(app, "alice")
    db = app.app.state.ctx.db
    with db.session() as s:
        s.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(hours=3)))
    assert app.get("/children").status_code == 303
    assert app.get("/api/children").status_code == 401
    csrf = signed_in(app, "alice")
    with db.session() as s:
        s.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert app.get("/children").status_code == 303
    csrf = signed_in(app, "alice")
    assert app.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert app.get("/children").status_code == 303
    with db.session() as s:
        assert s.scalars(select(LoginSession)).all() == []


def test_api_tokens_are_stored_hashed_and_stop_working_when_revoked(app):
    from motorobs.web.server import new_token

    token = new_token(app.settings, "alice", "script")
    assert token.startswith("mo_")
    bearer = {"Authorization": f"Bearer {token}"}
    api = other_client(app)
    assert api.get("/api/children", headers=bearer).status_code == 200
    assert api.post("/api/children", json={"code": "K-3", "birth_date": "2026-06-01"},
                    headers=bearer).status_code == 201  # no CSRF needed without a cookie
    with app.app.state.ctx.db.session() as db:
        row = db.scalar(select(ApiToken))
        assert row.token_hash == digest(token) and token not in row.token_hash
        assert row.last_used_at is not None
        token_id = row.id
    csrf = signed_in(app, "alice")
    assert app.post(f"/account/tokens/{token_id}/revoke",
                    data={"csrf_token": csrf}).status_code == 303
    assert api.get("/api/children", headers=bearer).status_code == 401


def test_a_disabled_account_loses_its_sessions_and_tokens(app):
    from motorobs.web.server import new_token

    make_user(app.settings, "root", "admin")
    token = new_token(app.settings, "alice")
    alice = other_client(app)
    signed_in(alice, "alice")
    boss_csrf = signed_in(app, "root")
    with app.app.state.ctx.db.session() as db:
        alice_id = find_user(db, "alice").id
    assert app.post(f"/admin/users/{alice_id}/active",
                    data={"csrf_token": boss_csrf, "active": "0"}).status_code == 303
    assert alice.get("/children").status_code == 303
    assert alice.get("/api/children", headers={"Authorization": f"Bearer {token}"}) \
        .status_code == 401
    assert sign_in(other_client(app), "alice").status_code == 401


def test_only_admins_open_the_admin_pages(app):
    signed_in(app, "alice")
    for path in ("/admin/users", "/admin/audit"):
        answer = app.get(path)
        assert answer.status_code == 403 and "administrators" in answer.text
