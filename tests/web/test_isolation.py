"""A therapist sees only their own caseload: every route, tried by therapist B with
therapist A's ids, finds nothing and changes nothing."""

from __future__ import annotations

import re

import pytest

from motorobs.web.accounts import find_user
from tests.web.support import (
    add_child,
    all_routes,
    files_in,
    make_user,
    other_client,
    running_app,
    settings_for,
    signed_in,
    upload,
    wait_for_jobs,
)

REVIEW = {"text": "B's note", "metric": "reaches_per_min", "side": "", "reason": "B's reason",
          "activity": "tummy_time", "minutes_per_day": "9", "birth_date": "2026-01-02"}
"""Valid input of the review and dates forms: B's calls fail for want of access, not for
bad input."""


@pytest.fixture
def two_therapists(tmp_path, db_url, videos):
    settings = settings_for(tmp_path / "data", db_url)
    for name in ("alice", "bob"):
        make_user(settings, name)
    with running_app(settings) as alice:
        csrf_a = signed_in(alice, "alice")
        header = {"X-CSRF-Token": csrf_a}
        child = add_child(alice, "A-1", **header)
        (clip,) = upload(alice, child, videos[:1], **header).json()["clips"]
        wait_for_jobs(alice, [clip["job_id"]])
        assert alice.post("/account/tokens", data={"csrf_token": csrf_a}).status_code == 200
        goal = alice.post(f"/api/children/{child}/goals", headers=header,
                          json={"activity": "tummy_time", "minutes_per_day": 5}).json()
        mark = alice.post(f"/api/clips/{clip['clip_id']}/marks", headers=header,
                          json={"metric": "reaches_per_min", "reason": "adult in view"}).json()
        alice.post(f"/api/clips/{clip['clip_id']}/notes", headers=header,
                   json={"text": "A's note"})
        bob = other_client(alice)
        csrf_b = signed_in(bob, "bob")
        add_child(bob, "B-1", **{"X-CSRF-Token": csrf_b})
        with alice.app.state.ctx.db.session() as db:
            user_id = find_user(db, "alice").id
        ids = {"child_id": child, "clip_id": clip["clip_id"], "job_id": clip["job_id"],
               "token_id": 1, "user_id": user_id, "goal_id": goal["id"],
               "mark_id": mark["id"]}
        yield alice, bob, csrf_b, ids, settings


def test_therapist_b_finds_nothing_of_therapist_a_on_any_route(two_therapists, videos):
    alice, bob, csrf_b, ids, settings = two_therapists
    before = files_in(settings.data_dir)
    review = alice.get(f"/api/clips/{ids['clip_id']}/review").json()
    goals = alice.get(f"/api/children/{ids['child_id']}/goals").json()
    listing = bob.get("/api/children").json()
    assert [c["code"] for c in listing] == ["B-1"]
    assert "A-1" not in bob.get("/children").text
    tried = set()
    for method, path in all_routes():
        names = set(re.findall(r"\{(\w+)\}", path))
        if not names or path.startswith("/admin/"):
            continue
        url = path.format(**ids)
        kwargs: dict = {"headers": {"X-CSRF-Token": csrf_b}}
        if method == "POST":
            kwargs["data"] = {"csrf_token": csrf_b, "confirm_code": "A-1", **REVIEW}
            if path.startswith("/api/") and not path.endswith("/clips"):
                kwargs = {**kwargs, "json": REVIEW}
                del kwargs["data"]
        if method == "PATCH":
            kwargs["json"] = REVIEW
            if path.endswith(("/upload", "/clips")):
                kwargs["files"] = [("files", ("x.mp4", videos[2].read_bytes(), "video/mp4"))]
        answer = bob.request(method, url, **kwargs)
        tried.add((method, path))
        if path.startswith("/account/tokens/"):  # revoking is scoped: nothing happens
            assert answer.status_code == 303, (method, url, answer.status_code)
        else:
            assert answer.status_code == 404, (method, url, answer.status_code)
            assert "A-1" not in answer.text and "clip00" not in answer.text
            assert "A's note" not in answer.text and "adult in view" not in answer.text
    assert len(tried) >= 40  # every route that takes an id (admin pages: below)
    # A's things are all still there, and nothing of B's was added to them
    assert files_in(settings.data_dir) == before
    view = alice.get(f"/api/children/{ids['child_id']}").json()
    assert view["birth_date"] == "2026-06-01"
    assert [c["clip_id"] for s in view["sessions"] for c in s["clips"]] == [ids["clip_id"]]
    assert alice.get(f"/api/clips/{ids['clip_id']}/report").status_code == 200
    assert alice.get(f"/api/clips/{ids['clip_id']}/review").json() == review  # notes, marks
    assert alice.get(f"/api/children/{ids['child_id']}/goals").json() == goals
    assert "revoked" not in alice.get("/account").text


def test_therapists_do_not_see_the_admin_pages(two_therapists):
    _alice, bob, csrf_b, ids, _settings = two_therapists
    for method, path in all_routes():
        if path.startswith("/admin/"):
            answer = bob.request(method, path.format(**ids),
                                 data={"csrf_token": csrf_b, "active": "0"})
            assert answer.status_code == 403, (method, path)
