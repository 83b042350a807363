import math

import pytest

from motorobs.trends.childmap import read_child_map
from motorobs.trends.csvinput import TrendsInputError
from motorobs.trends.marks import Mark, read_marks
from motorobs.trends.results import read_results
from motorobs.trends.sessions import build_sessions
from tests.trends.builders import series_frame, write_results

HEADER = "clip,child,session_date,birth_date,due_date\n"


def test_insufficient_data_is_a_gap_not_a_zero():
    frame = series_frame([{"hands_together_pct": 12.0}, {}])
    rows = frame[frame["key"] == "hands_together_pct"]
    assert list(rows["role"]) == ["point", "gap"]
    assert rows["trend_value"].iloc[0] == 12.0
    assert math.isnan(rows["trend_value"].iloc[1])
    assert rows["gap_reason"].iloc[1] == "seen too little"
    assert rows["status"].iloc[1] == "insufficient_data"


def test_a_view_the_metric_cannot_use_leaves_the_trend():
    frame = series_frame([{"hands_together_pct": 12.0, "reaches_per_min:left": 3.0}],
                         view="side")
    row = frame.set_index("key").loc["hands_together_pct"]
    assert row["role"] == "other_view" and "top view" in row["gap_reason"]
    assert frame.set_index("key").loc["reaches_per_min:left", "role"] == "point"


def test_a_marked_value_stays_visible_but_leaves_the_trend():
    mark = Mark("C01_s0", "hands_together_pct", None, "baby under a blanket", "OT",
                "2024-08-01")
    row = series_frame([{"hands_together_pct": 12.0}], marks=[mark]).set_index("key").loc[
        "hands_together_pct"]
    assert row["role"] == "marked" and row["marked"] and row["value"] == 12.0
    assert math.isnan(row["trend_value"]) and row["marked_by"] == "OT"


def test_child_map_problems_name_file_line_and_fix(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text(HEADER + "a,C01,2024-13-01,2024-01-01,\n"
                    "b,C01,2024-03-01,2024-01-02,\n" "a,C02,2024-03-01,2024-01-01,\n")
    with pytest.raises(TrendsInputError) as info:
        read_child_map(path)
    problems = info.value.problems
    assert any(f"{path}:2:" in p and "YYYY-MM-DD" in p for p in problems)
    assert any(f"{path}:3:" in p and "same dates" in p for p in problems)
    assert any(f"{path}:4:" in p and "already listed on line 2" in p for p in problems)


def test_child_map_missing_column(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("clip,child,session_date\na,C01,2024-01-01\n")
    with pytest.raises(TrendsInputError, match=r"map.csv:1: .*birth_date, due_date"):
        read_child_map(path)


def test_session_before_birth_names_the_line(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text(HEADER + "a,C01,2023-01-01,2024-01-01,\n")
    with pytest.raises(TrendsInputError, match=r"map.csv:2: .*before the birth date"):
        read_child_map(path)


def test_clip_not_found_is_an_error_unmapped_clip_a_warning(tmp_path):
    write_results(tmp_path / "res", {"a": {}, "extra": {}})
    path = tmp_path / "map.csv"
    path.write_text(HEADER + "a.mp4,C01,2024-03-01,2024-01-01,\n")
    records = read_results(tmp_path / "res")
    table = build_sessions(read_child_map(path), records, map_name=str(path))
    assert set(table.frame["clip"]) == {"a"}  # the video extension is accepted
    assert len(table.warnings) == 1 and "extra" in table.warnings[0]
    path.write_text(HEADER + "a,C01,2024-03-01,2024-01-01,\nmissing,C01,2024-03-02,2024-01-01,\n")
    with pytest.raises(TrendsInputError, match=r"map.csv:3: clip 'missing' is not in"):
        build_sessions(read_child_map(path), records, map_name=str(path))


def test_marks_file_problems(tmp_path):
    path = tmp_path / "marks.csv"
    path.write_text("clip,metric,side,reason,by,at\n"
                    "a,head_turn_asymmetry,,blanket,OT,2024-05-01\n"
                    "b,nonsense,,x,OT,yesterday\n")
    with pytest.raises(TrendsInputError) as info:
        read_marks(path, {"a"})
    text = str(info.value)
    assert f"{path}:3: clip 'b'" in text and "not a trend metric" in text
    assert "not a date" in text
