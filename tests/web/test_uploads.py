"""Uploads: bad files are refused with a clear message and change nothing; good ones are
stored under generated names, recognised when uploaded again, analysed, shown, exported and
deleted with everything they made."""

from __future__ import annotations

import csv
import html
import io
import os

import pytest
from sqlalchemy import func, select

from motorobs.web.models import AuditEvent, Clip, Job, ObservationSession
from tests.web.support import (
    add_child,
    files_in,
    make_user,
    running_app,
    settings_for,
    signed_in,
    upload,
    wait_for_jobs,
)

SAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "sample_videos",
                      "a_midline_reach__top.mp4")


@pytest.fixture
def alice(tmp_path, db_url):
    settings = settings_for(tmp_path / "data", db_url, max_upload_bytes=300_000)
    make_user(settings, "alice")
    with running_app(settings) as client:
        client.headers["X-CSRF-Token"] = signed_in(client, "alice")
        client.settings = settings
        client.child = add_child(client, "K-017", birth="2026-05-01", due="2026-06-15")
        yield client


def counts(client) -> tuple[int, int, int]:
    with client.app.state.ctx.db.session() as db:
        return tuple(db.scalar(select(func.count()).select_from(t))
                     for t in (Clip, Job, ObservationSession))


def sample_bytes() -> bytes:
    with open(SAMPLE, "rb") as stream:
        return stream.read()


BAD_UPLOADS = {
    "renamed text file": ("notes.mp4", b"Feeding 8am, nap 10am, tummy time 15 min\n" * 50,
                          400, "contains text"),
    "random bytes": ("clip.mp4", os.urandom(60_000), 400, "not a video"),
    "truncated mp4": ("cut.mp4", None, 400, "truncated"),
    "empty file": ("empty.mp4", b"", 400, "empty"),
    "over the limit": ("huge.mp4", os.urandom(400_000), 413, "larger than the limit"),
    "path in the name": ("../../evil.mp4", "tiny", 400, "'..'"),
    "control characters": ("a\x1bb.mp4", "tiny", 400, "control characters"),
    "reserved characters": ("<b>.mp4", "tiny", 400, "not allowed"),
    "right-to-left trick": ("clip\u202e4pm.exe", "tiny", 400, "control characters"),
}


@pytest.mark.parametrize("case", sorted(BAD_UPLOADS))
def test_bad_uploads_get_a_clear_message_and_change_nothing(alice, videos, case):
    name, data, status, words = BAD_UPLOADS[case]
    if data is None:
        whole = videos[0].read_bytes()
        data = whole[:len(whole) // 2]
    elif data == "tiny":
        data = videos[0].read_bytes()
    before_files, before_rows = files_in(alice.settings.data_dir), counts(alice)
    answer = alice.post(f"/api/children/{alice.child}/clips",
                        files=[("files", (name, data, "video/mp4"))])
    assert answer.status_code == status, answer.text
    message = answer.json()["detail"]
    assert words in message, message
    if status == 400:
        assert "Nothing was uploaded" in message
    assert files_in(alice.settings.data_dir) == before_files
    assert counts(alice) == before_rows
    page = alice.post(f"/children/{alice.child}/upload",
                      data={"csrf_token": alice.headers["X-CSRF-Token"]},
                      files=[("files", (name, data, "video/mp4"))])
    assert page.status_code == status and words in html.unescape(page.text)  # the page too
    assert files_in(alice.settings.data_dir) == before_files


def test_one_bad_file_refuses_the_whole_upload(alice, videos):
    answer = alice.post(f"/api/children/{alice.child}/clips", files=[
        ("files", ("good.mp4", videos[0].read_bytes(), "video/mp4")),
        ("files", ("bad.mp4", b"not a video at all, just words\n" * 20, "video/mp4"))])
    assert answer.status_code == 400
    problems = {f["file"]: f["problem"] for f in answer.json()["files"]}
    assert problems["good.mp4"] is None and "contains text" in problems["bad.mp4"]
    assert counts(alice) == (0, 0, 0)


def test_bad_session_dates_and_missing_files_are_refused(alice, videos):
    for day, words in (("2026-04-01", "before the birth date"), ("2999-01-01", "future"),
                       ("yesterday", "not a date")):
        answer = upload(alice, alice.child, videos[:1], session_date=day)
        assert answer.status_code == 400 and words in answer.json()["detail"]
    answer = alice.post(f"/api/children/{alice.child}/clips", data={"session_date": "2026-11-02"},
                        files=[("other", ("x.txt", b"x", "text/plain"))])
    assert answer.status_code == 400 and "at least one video" in answer.json()["detail"]
    assert alice.post(f"/api/children/{alice.child}/clips", json={}).status_code == 400
    assert counts(alice) == (0, 0, 0)


def test_clips_are_stored_under_generated_names_and_recognised_when_uploaded_again(alice,
                                                                                   videos):
    answer = upload(alice, alice.child, videos[:2], session_date="2026-11-02",
                    names=["Baby Emma tummy time.mp4", "IMG_0002.MOV"])
    assert answer.status_code == 201, answer.text
    clips = answer.json()["clips"]
    assert [c["duplicate"] for c in clips] == [False, False]
    wait_for_jobs(alice, [c["job_id"] for c in clips])
    stored = sorted(os.listdir(alice.settings.data_dir / "videos"))
    assert len(stored) == 2 and not any("Emma" in n or "IMG" in n for n in stored)
    assert all(len(n.split(".")[0]) == 32 for n in stored)
    again = upload(alice, alice.child, videos[:1], session_date="2026-11-09")
    (dup,) = again.json()["clips"]
    assert dup["duplicate"] and dup["clip_id"] == clips[0]["clip_id"]
    assert sorted(os.listdir(alice.settings.data_dir / "videos")) == stored
    assert counts(alice) == (2, 2, 1)  # no new clip, job or session
    runs = (alice.settings.data_dir / "results").glob("*/runs.log")
    assert sorted(p.read_text().count("end") for p in runs) == [1, 1]  # analysed once each


def test_the_child_page_shows_ages_states_and_metrics_and_the_csv_has_every_metric(alice,
                                                                                   videos):
    (clip,) = upload(alice, alice.child, videos[:1], session_date="2026-11-02").json()["clips"]
    wait_for_jobs(alice, [clip["job_id"]])
    page = alice.get(f"/children/{alice.child}").text
    assert "2026-11-02" in page and "6 months" in page and "corrected 4 months" in page
    assert "Recording: <strong>scorable</strong>" in page and "3.25" in page
    assert ("Reached 3 times, all with the left hand &lt;3. Hands seen 90 % of the time, "
            "filmed from above.") in page  # the report's summary, escaped
    view = alice.get(f"/api/children/{alice.child}").json()
    assert view["sessions"][0]["age"]["corrected_days"] == 140
    table = list(csv.DictReader(io.StringIO(alice.get(
        f"/api/children/{alice.child}/summary.csv").text)))
    assert [r["metric"] for r in table] == ["recording_quality", "reaches_per_min",
                                            "head_lift_max_deg"]
    assert table[1]["value"] == "3.25" and table[1]["corrected_age_days"] == "140"
    assert alice.get(f"/api/clips/{clip['clip_id']}/metrics").json()["metrics"][1]["value"] \
        == 3.25
    report = alice.get(f"/clips/{clip['clip_id']}/report.html")
    assert "stand-in report" in report.text
    assert "default-src 'none'" in report.headers["content-security-policy"]
    clip_page = alice.get(f"/clips/{clip['clip_id']}").text
    assert "<iframe" in clip_page and "corrected 4 months" in clip_page


def test_a_failed_clip_says_why_and_can_be_tried_again(tmp_path, db_url, videos):
    from tests.web.fakes import fake_failure

    settings = settings_for(tmp_path / "data", db_url, job_function=fake_failure)
    make_user(settings, "alice")
    with running_app(settings) as client:
        csrf = signed_in(client, "alice")
        child = add_child(client, "K-1", **{"X-CSRF-Token": csrf})
        (clip,) = upload(client, child, videos[:1], names=["tummy.mp4"],
                         **{"X-CSRF-Token": csrf}).json()["clips"]
        (job,) = wait_for_jobs(client, [clip["job_id"]])
        assert job["state"] == "failed" and job["reason"].startswith("tummy.mp4: no baby")
        assert "videos/" not in job["reason"]
        assert "no baby was found" in client.get(f"/children/{child}").text
        assert client.get(f"/api/clips/{clip['clip_id']}/report").status_code == 409
        again = upload(client, child, videos[:1], **{"X-CSRF-Token": csrf}).json()["clips"][0]
        assert again["duplicate"] and again["queued_again"]
        wait_for_jobs(client, [clip["job_id"]])
        assert client.post(f"/clips/{clip['clip_id']}/retry",
                           data={"csrf_token": csrf}).status_code == 303
        assert client.get(f"/api/jobs/{clip['job_id']}").json()["state"] in (
            "queued", "running", "failed")


def test_deleting_a_clip_or_a_child_removes_files_and_rows(alice, videos):
    empty = files_in(alice.settings.data_dir)
    first = upload(alice, alice.child, videos[:2], session_date="2026-11-02").json()["clips"]
    other = add_child(alice, "K-018")
    (third,) = upload(alice, other, videos[2:3]).json()["clips"]
    wait_for_jobs(alice, [c["job_id"] for c in [*first, third]])
    assert alice.delete(f"/api/clips/{first[0]['clip_id']}").status_code == 204
    assert alice.get(f"/api/clips/{first[0]['clip_id']}").status_code == 404
    assert alice.get(f"/api/jobs/{first[0]['job_id']}").status_code == 404
    assert counts(alice) == (2, 2, 2)
    assert alice.post(f"/children/{alice.child}/delete",
                      data={"csrf_token": alice.headers["X-CSRF-Token"],
                            "confirm_code": "wrong"}).status_code == 400
    assert alice.post(f"/children/{alice.child}/delete",
                      data={"csrf_token": alice.headers["X-CSRF-Token"],
                            "confirm_code": "K-017"}).status_code == 303
    assert alice.get(f"/api/children/{alice.child}").status_code == 404
    assert counts(alice) == (1, 1, 1)
    assert alice.delete(f"/api/children/{other}").status_code == 204
    assert counts(alice) == (0, 0, 0)
    assert files_in(alice.settings.data_dir) == empty


def test_raw_videos_can_be_deleted_once_processed_and_reports_still_open(tmp_path, db_url,
                                                                          videos):
    settings = settings_for(tmp_path / "data", db_url, delete_videos_when_done=True)
    make_user(settings, "alice")
    with running_app(settings) as client:
        csrf = {"X-CSRF-Token": signed_in(client, "alice")}
        child = add_child(client, "K-1", **csrf)
        (clip,) = upload(client, child, videos[:1], **csrf).json()["clips"]
        wait_for_jobs(client, [clip["job_id"]])
        assert os.listdir(settings.data_dir / "videos") == []
        assert client.get(f"/api/clips/{clip['clip_id']}").json()["video_kept"] is False
        assert client.get(f"/api/clips/{clip['clip_id']}/report").status_code == 200
        assert "video deleted" in client.get(f"/children/{child}").text


def test_the_audit_log_records_who_uploaded_viewed_exported_and_deleted_what(alice, videos):
    (clip,) = upload(alice, alice.child, videos[:1]).json()["clips"]
    wait_for_jobs(alice, [clip["job_id"]])
    alice.get(f"/api/clips/{clip['clip_id']}/report")
    alice.get(f"/api/children/{alice.child}/summary.csv")
    alice.delete(f"/api/clips/{clip['clip_id']}")
    with alice.app.state.ctx.db.session() as db:
        events = [(e.username, e.action, e.object_type) for e in
                  db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    for expected in [("alice", "upload", "clip"), ("alice", "view", "clip"),
                     ("alice", "export", "child"), ("alice", "delete", "clip")]:
        assert expected in events
    make_user(alice.settings, "root", "admin")
    from tests.web.support import other_client

    boss = other_client(alice)
    signed_in(boss, "root")
    log = boss.get("/admin/audit").text
    assert "upload" in log and "export" in log and "K-017" in log
