"""The details tables: families, one row per metric with a cell per side, units in plain
words explained once, what does not apply listed apart."""

from __future__ import annotations

from motorobs.report.families import details, value_text


def metric(name, value, unit, side=None, status="ok", reason=None, coverage=1.0):
    return {"name": name, "side": side, "value": value, "unit": unit, "coverage": coverage,
            "status": status, "reason": reason, "definition": f"def of {name}"}


def test_families_rows_cells_and_notes():
    metrics = [
        metric("midline_max_contralateral_bu", 0.0, "BU", "left"),
        metric("midline_max_contralateral_bu", 0.57, "BU", "right", coverage=0.5),
        metric("head_sway_rms_bu", 0.04, "BU"),
        metric("reach_count", None, "count", "left", "insufficient_data", "hidden", 0.1),
        metric("reach_count", 2.0, "count", "right"),
        metric("head_lift_max_deg", None, "degrees", status="not_applicable",
               reason="no tummy time in this clip"),
        metric("head_lift_bouts", None, "count", status="not_applicable",
               reason="no tummy time in this clip"),
        metric("my_own_metric", 3.0, "widgets"),
    ]
    tables, not_applicable = details(metrics)
    assert [t.family.key for t in tables] == ["midline", "reaching", "head_control", "other"]
    midline, reaching, head, other = tables
    (row,) = midline.rows
    assert row.label == "Furthest across the midline" and row.per_side
    assert [c.text for c in row.cells] == ["0 shoulder widths", "0.57 shoulder widths"]
    assert row.seen == "left 100 %, right 50 %"
    assert midline.notes == ["Shoulder widths: the baby's own shoulder width, so that big "
                             "and small babies compare."]
    assert "Shoulder widths:" not in " ".join(head.notes)  # explained once, where first used
    assert any(n.startswith("RMS:") for n in head.notes)
    left, right = reaching.rows[0].cells
    assert (left.text, left.note, right.text) == ("too little usable video", 1, "2")
    assert reaching.reasons == ["hidden"]
    assert other.rows[0].label == "My own metric" and other.rows[0].cells[0].text == (
        "3 widgets")
    assert [(g.reason, g.labels) for g in not_applicable] == [
        ("no tummy time in this clip", ("Head lifts in tummy time", "Head lift, highest"))]


def test_value_text_never_shows_a_number_without_status_ok():
    assert value_text(metric("x", 1.0, "%", status="insufficient_data", reason="r")) == ""
    assert value_text(metric("x", 12.34, "%")) == "12.3 %"
    assert value_text(metric("recording_quality", 1.0, "verdict")) == "yes"
