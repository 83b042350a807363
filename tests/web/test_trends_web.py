"""A child's trends, flags, home programme and review in the app, through its forms and its
API: marked values leave the trends and the flags and stay shown as marked, notes and marks
are in the PDFs and every export, the PDFs are real (read back, drawn, no pictures), and bad
input is a clear 400."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from motorobs.web.models import AuditEvent, Clip
from tests.trends.builders import metrics_json
from tests.web.support import (
    add_child,
    make_user,
    running_app,
    settings_for,
    signed_in,
    upload,
    wait_for_jobs,
)

SESSIONS = ("2026-06-01", "2026-07-01", "2026-08-03")
TURN = "Worth a look: the head was turned mostly to the right"


def analysed(client, child: int, videos, values: list[dict]) -> list[int]:
    """One clip per session of :data:`SESSIONS`, its metrics.json replaced by one with
    ``values`` (headline key -> value; every other headline not measured)."""
    ids = []
    for when, video, vals in zip(SESSIONS, videos, values, strict=False):
        (clip,) = upload(client, child, [video], session_date=when).json()["clips"]
        wait_for_jobs(client, [clip["job_id"]])
        with client.app.state.ctx.db.session() as db:
            stored = db.get(Clip, clip["clip_id"]).stored_name
        folder = client.app.state.ctx.storage.result_dir(stored)
        (folder / "metrics.json").write_text(json.dumps(metrics_json(stored, vals)))
        ids.append(clip["clip_id"])
    return ids


@pytest.fixture
def alice(tmp_path, db_url, videos):
    settings = settings_for(tmp_path / "data", db_url)
    make_user(settings, "alice")
    with running_app(settings) as client:
        client.csrf = signed_in(client, "alice")
        client.headers["X-CSRF-Token"] = client.csrf
        # born 10 weeks early: the trends read the corrected age
        client.child = add_child(client, "K-1", birth="2026-01-10", due="2026-03-21")
        client.clips = analysed(client, client.child, videos, [
            {"head_turn_asymmetry": -0.8, "hands_together_pct": 10.0 + 2 * i,
             "prone_time_s": 120.0} for i in range(3)])
        yield client


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_child_page_plots_each_metric_with_gaps_and_raises_flags_with_their_source(alice):
    page = alice.get(f"/children/{alice.child}").text
    assert page.count('<svg class="trend"') >= 3  # hands together, tummy time, head turn...
    assert TURN in page and "head-turn-one-sided" in page and "rules.toml" in page
    assert "not measured: seen too little" in page  # gaps with their reason, not zeros
    assert "coverage 90%" in page
    trends = alice.get(f"/api/children/{alice.child}/trends").json()
    turn = [r for r in trends["sessions"] if r["key"] == "head_turn_asymmetry"]
    assert [r["role"] for r in turn] == ["point"] * 3
    assert [r["clip_id"] for r in turn] == alice.clips
    assert turn[0]["age_basis"] == "corrected" and turn[0]["corrected_days"] == \
        turn[0]["chronological_days"] - 70
    gaps = [r for r in trends["sessions"] if r["key"] == "reaches_per_min:left"]
    assert {r["role"] for r in gaps} == {"gap"} and {r["trend_value"] for r in gaps} == {None}
    (flag,) = trends["flags"]
    assert flag["rule_id"] == "head-turn-one-sided" and flag["rule_version"] == "1"


def test_a_value_marked_through_the_form_leaves_the_trend_and_the_flags(alice):
    last = alice.clips[-1]
    answer = alice.post(f"/clips/{last}/marks", data={
        "csrf_token": alice.csrf, "metric": "head_turn_asymmetry", "side": "",
        "reason": "adult in view"})
    assert answer.status_code == 303
    clip_page = alice.get(f"/clips/{last}").text
    assert "marked untrustworthy by alice" in clip_page and "adult in view" in clip_page
    page = alice.get(f"/children/{alice.child}").text
    assert TURN not in page  # two measured sessions left: no flag
    assert "marked untrustworthy by alice" in page and "adult in view" in page
    table = rows_of(alice.get(f"/children/{alice.child}/trends.csv").text)
    turn = [r for r in table if r["key"] == "head_turn_asymmetry"]
    assert [r["role"] for r in turn] == ["point", "point", "marked"]
    assert turn[2]["value"] == "-0.8" and turn[2]["trend_value"] == ""
    assert turn[2]["marked_by"] == "alice" and turn[2]["mark_reason"] == "adult in view"
    summary = rows_of(alice.get(f"/children/{alice.child}/summary.csv").text)
    marked = [r for r in summary if r["marked"] == "True"]
    assert [(r["clip_id"], r["metric"]) for r in marked] == [(str(last),
                                                              "head_turn_asymmetry")]
    # taken back through the API: it counts again
    (mark,) = alice.get(f"/api/clips/{last}/review").json()["marks"]
    assert alice.delete(f"/api/clips/{last}/marks/{mark['id']}").status_code == 204
    assert TURN in alice.get(f"/children/{alice.child}").text


def test_marks_and_notes_through_the_api_reach_every_export(alice):
    first = alice.clips[0]
    answer = alice.post(f"/api/clips/{first}/marks", json={
        "metric": "hands_together_pct", "reason": "the hand was hidden"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["by"] == "alice" and answer.json()["at"]
    note = alice.post(f"/api/clips/{first}/notes", json={"text": "Dad's arm =in view"})
    assert note.status_code == 201 and note.json()["text"] == "Dad's arm =in view"
    trends = alice.get(f"/api/children/{alice.child}/trends").json()
    hands = [r for r in trends["sessions"] if r["key"] == "hands_together_pct"]
    assert [r["role"] for r in hands] == ["marked", "point", "point"]
    assert hands[0]["trend_value"] is None and hands[0]["value"] == 10.0
    assert trends["notes"][0]["text"] == "Dad's arm =in view"
    table = rows_of(alice.get(f"/api/children/{alice.child}/trends.csv").text)
    assert {r["notes"] for r in table if r["clip_id"] == str(first)} == {
        f"Dad's arm =in view (alice, {trends['notes'][0]['at']})"}
    metrics = alice.get(f"/api/clips/{first}/metrics").json()
    assert metrics["review"]["marks"][0]["reason"] == "the hand was hidden"
    assert metrics["review"]["notes"][0]["by"] == "alice"
    summary = rows_of(alice.get(f"/api/children/{alice.child}/summary.csv").text)
    assert all("Dad's arm" in r["notes"] for r in summary if r["clip_id"] == str(first))
    with alice.app.state.ctx.db.session() as db:
        actions = {e.action for e in db.scalars(select(AuditEvent))}
    assert {"note", "mark"} <= actions


def test_the_home_programme_shows_each_week_against_the_goal(alice):
    answer = alice.post(f"/children/{alice.child}/goals", data={
        "csrf_token": alice.csrf, "activity": "tummy_time", "minutes_per_day": "5"})
    assert answer.status_code == 303
    page = alice.get(f"/children/{alice.child}").text
    assert "5 min a day" in page and "goal 35 min a week: below it in the clips" in page
    assert "2.0 min</strong> in 1 clip(s)" in page
    assert "Worth a look: the recordings of the week of 2026-06-01 show 2 min" in page
    goal = alice.post(f"/api/children/{alice.child}/goals",
                      json={"activity": "sitting", "minutes_per_day": 10})
    assert goal.status_code == 201, goal.text
    programme = alice.get(f"/api/children/{alice.child}/trends").json()["programme"]
    assert [w["week"] for w in programme] == ["2026-06-01", "2026-06-29", "2026-08-03"]
    tummy, sitting = programme[0]["activities"]
    assert (tummy["recorded_min"], tummy["goal_min_per_day"], tummy["below_goal"]) == \
        (2.0, 5.0, True)
    assert sitting["measured"] == 0 and sitting["goal_min_per_day"] == 10.0
    assert "not in this clip's metrics.json" in sitting["not_measured"][0]
    goals = alice.get(f"/api/children/{alice.child}/goals").json()
    assert alice.delete(f"/api/children/{alice.child}/goals/{goals[0]['id']}"
                        ).status_code == 204
    assert len(alice.get(f"/api/children/{alice.child}/goals").json()) == 1


def test_the_pdfs_are_real_with_the_code_a_plot_the_notes_and_no_pictures(alice):
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    pdfium = pytest.importorskip("pypdfium2")
    import numpy as np

    first = alice.clips[0]
    alice.post(f"/api/clips/{first}/notes", json={"text": "Lovely head control today"})
    alice.post(f"/api/clips/{first}/marks", json={"metric": "hands_together_pct",
                                                  "reason": "wrong posture read"})
    for url in (f"/api/children/{alice.child}/report.pdf", f"/children/{alice.child}/report.pdf",
                f"/api/clips/{first}/report.pdf", f"/clips/{first}/report.pdf"):
        answer = alice.get(url)
        assert answer.status_code == 200, (url, answer.text[:300])
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.content.startswith(b"%PDF")
    child_pdf = alice.get(f"/api/children/{alice.child}/report.pdf").content
    reader = pypdf.PdfReader(io.BytesIO(child_pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "K-1" in text and "not a diagnosis" in text
    assert "Head-turn asymmetry" in text and "age (months" in text  # a plot's title and axis
    assert "head was turned mostly to the right" in text and "head-turn-one-sided" in text
    assert "Lovely head control today" in text and "wrong posture read" in text
    assert "corrected age" in text and "Home programme" in text
    assert all(not page.images for page in reader.pages)  # plots only: no faces
    document = pdfium.PdfDocument(child_pdf)
    pages = [np.asarray(document[i].render(scale=1).to_pil().convert("RGB")).astype(int)
             for i in range(len(document))]
    assert (pages[0].mean(axis=2) < 250).mean() > 0.01  # not blank
    assert sum(((p[..., 2] - p[..., 0]) > 80).sum() for p in pages) > 50  # blue dots drawn
    clip_pdf = pypdf.PdfReader(io.BytesIO(alice.get(f"/api/clips/{first}/report.pdf").content))
    clip_text = " ".join(" ".join(page.extract_text().split()) for page in clip_pdf.pages)
    assert "K-1" in clip_text and f"#{first}" in clip_text
    assert "Lovely head control today" in clip_text and "wrong posture read" in clip_text
    assert all(not page.images for page in clip_pdf.pages)
    with alice.app.state.ctx.db.session() as db:
        details = [e.detail for e in db.scalars(select(AuditEvent).where(
            AuditEvent.action == "export"))]
    assert "child K-1, PDF" in details


BAD_FORMS = [
    ("/clips/{clip}/marks", {"metric": "smiles_per_min", "reason": "x"},
     "is not a measurement that can be marked"),
    ("/clips/{clip}/marks", {"metric": "hands_together_pct", "reason": "  "},
     "reason is empty"),
    ("/clips/{clip}/marks", {"metric": "hands_together_pct", "side": "left", "reason": "x"},
     "not measured per hand"),
    ("/clips/{clip}/notes", {"text": ""}, "note is empty"),
    ("/children/{child}/goals", {"activity": "tummy_time", "minutes_per_day": "lots"},
     "must be a number above 0"),
    ("/children/{child}/goals", {"activity": "tummy_time", "minutes_per_day": "-5"},
     "must be a number above 0"),
    ("/children/{child}/goals", {"activity": "swimming", "minutes_per_day": "5"},
     "is not known"),
]


@pytest.mark.parametrize("path, fields, message", BAD_FORMS)
def test_bad_form_input_is_a_clear_400(alice, path, fields, message):
    url = path.format(clip=alice.clips[0], child=alice.child)
    answer = alice.post(url, data={"csrf_token": alice.csrf, **fields})
    assert answer.status_code == 400 and message in answer.text, answer.text[:500]
    api = alice.post("/api" + url, json=fields)
    assert api.status_code == 400 and message in api.json()["detail"], api.text


def test_bad_dates_are_a_clear_400(alice, videos):
    form = {"csrf_token": alice.csrf, "code": "K-2", "birth_date": "2026-02-30"}
    answer = alice.post("/children", data=form)
    assert answer.status_code == 400 and "is not a date (YYYY-MM-DD)" in answer.text
    answer = alice.post("/children", data={**form, "birth_date": "2026-01-01",
                                           "due_date": "2026-07-01"})
    assert answer.status_code == 400 and "weeks of gestation" in answer.text
    api = alice.post("/api/children", json={"code": "K-2", "birth_date": "2026-03-01",
                                            "due_date": "2025-12-01"})
    assert api.status_code == 400 and "after the due date" in api.json()["detail"]
    early = upload(alice, alice.child, videos[5:6], session_date="2025-12-31")
    assert early.status_code == 400 and "before the birth date" in early.json()["detail"]
    assert alice.get("/api/children").json()[0]["code"] == "K-1"


def test_a_clip_not_analysed_yet_has_no_pdf_and_cannot_be_marked(alice, videos):
    with alice.app.state.ctx.db.session() as db:
        clip = db.get(Clip, alice.clips[0])
        clip.job.state = "queued"
    assert alice.get(f"/api/clips/{alice.clips[0]}/report.pdf").status_code == 409
    answer = alice.post(f"/api/clips/{alice.clips[0]}/marks",
                        json={"metric": "hands_together_pct", "reason": "x"})
    assert answer.status_code == 400 and "analysed" in answer.json()["detail"]
    assert alice.get(f"/api/children/{alice.child}/trends").json()["waiting"] == 1


def test_the_dates_can_be_corrected_and_the_ages_follow(alice):
    url = f"/children/{alice.child}/dates"
    bad = {"csrf_token": alice.csrf, "birth_date": "10/01/2026"}
    answer = alice.post(url, data=bad)
    assert answer.status_code == 400 and "is not a date (YYYY-MM-DD)" in answer.text
    answer = alice.post(url, data={**bad, "birth_date": "2026-06-15"})
    assert answer.status_code == 400 and "session on 2026-06-01, before the birth" in answer.text
    answer = alice.post(url, data={**bad, "birth_date": "2026-01-10", "due_date": "2026-09-01"})
    assert answer.status_code == 400 and "weeks of gestation" in answer.text
    assert alice.post(url, data={**bad, "birth_date": "2026-01-10", "due_date": ""}
                      ).status_code == 303
    turn = [r for r in alice.get(f"/api/children/{alice.child}/trends").json()["sessions"]
            if r["key"] == "head_turn_asymmetry"]
    assert turn[0]["age_basis"] == "chronological"
    assert turn[0]["corrected_days"] == turn[0]["chronological_days"]
    api = alice.patch(f"/api/children/{alice.child}",
                      json={"birth_date": "2026-01-10", "due_date": "2026-03-21"})
    assert api.status_code == 200 and api.json()["due_date"] == "2026-03-21"
    assert alice.patch(f"/api/children/{alice.child}", json={
        "birth_date": "2027-01-01"}).json()["detail"] == "The birth date is in the future."


def test_a_clip_from_a_view_a_metric_cannot_use_does_not_pull_its_trend(alice):
    with alice.app.state.ctx.db.session() as db:
        stored = db.get(Clip, alice.clips[-1]).stored_name
    folder = alice.app.state.ctx.storage.result_dir(stored)
    (folder / "metrics.json").write_text(json.dumps(metrics_json(
        stored, {"hands_together_pct": 99.0, "head_lift_max_deg": 60.0}, view="side")))
    rows = alice.get(f"/api/children/{alice.child}/trends").json()["sessions"]
    hands = [r for r in rows if r["key"] == "hands_together_pct"]
    assert [r["role"] for r in hands] == ["point", "point", "other_view"]
    assert hands[2]["trend_value"] is None and "needs the top view" in hands[2]["gap_reason"]
    lift = [r for r in rows if r["key"] == "head_lift_max_deg"]
    assert [r["role"] for r in lift] == ["other_view", "other_view", "point"]
    page = alice.get(f"/children/{alice.child}").text
    assert "1 clip(s) left out: filmed from the side; this metric needs the top view" in page
    assert TURN not in page  # the head turn of the side clip is out of its trend too
