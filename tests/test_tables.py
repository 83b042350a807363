"""Metrics and events tables from results in memory and from clip and batch folders."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import motorobs as mo
from motorobs.metrics.base import Event, MetricOutput, MetricValue
from motorobs.report.index import SUMMARY_COLUMNS
from tests.fixtures.cohort import CLIP_SECONDS, analysed_cohort
from tests.fixtures.videos import expected_crossings


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    return analysed_cohort(tmp_path_factory)


def crossings(table: pd.DataFrame, clip: str, side: str) -> float:
    rows = table[(table["clip"] == clip) & (table.name == "midline_crossings")
                 & (table.side == side)]
    assert len(rows) == 1
    return rows.value.item()


def test_batch_folder_metrics_are_every_clips(cohort):
    _, results, _ = cohort
    table = mo.metrics_table(results)
    assert list(table.columns) == SUMMARY_COLUMNS
    assert sorted(table["clip"].unique()) == sorted(CLIP_SECONDS)
    for clip, seconds in CLIP_SECONDS.items():
        assert crossings(table, clip, "right") == expected_crossings(seconds)
        assert crossings(table, clip, "left") == 0
    summary_csv = pd.read_csv(results / "summary.csv")
    assert len(summary_csv) == len(table)


def test_a_clip_folder_and_the_summary_give_the_same_table(cohort):
    _, results, summary = cohort
    one = mo.metrics_table(results / "long")
    assert set(one["clip"]) == {"long"}
    both = mo.metrics_table(summary)  # the BatchSummary names its folder
    pd.testing.assert_frame_equal(one, both[both["clip"] == "long"].reset_index(drop=True))
    stored = json.loads((results / "long" / "metrics.json").read_text())["metrics"]
    assert list(one.name) == [m["name"] for m in stored]


def test_events_of_a_batch_folder(cohort):
    _, results, _ = cohort
    events = mo.events_table(results)
    assert list(events.columns[:5]) == ["clip", "type", "side", "start_s", "end_s"]
    found = events[events.type == "midline_crossing"]
    for clip, seconds in CLIP_SECONDS.items():
        mine = found[found["clip"] == clip]
        assert list(mine.side) == ["right"] * expected_crossings(seconds)
        assert mine.start_s.is_monotonic_increasing


def test_tables_of_a_result_in_memory(cohort):
    videos, results, _ = cohort
    from tests.fixtures.videos import fake_config

    result = mo.analyze_video(videos / "short.avi", fake_config())
    pd.testing.assert_frame_equal(mo.metrics_table(result), result.metrics_table())
    events = mo.events_table(result)
    assert list(events["clip"].unique()) == ["short"]
    on_disk = mo.events_table(results / "short")
    assert list(events.type) == list(on_disk.type)
    assert events.start_s.round(3).tolist() == on_disk.start_s.round(3).tolist()


def test_a_metric_output_has_no_clip():
    output = MetricOutput(
        values=[MetricValue("n_bu", 1.5, "BU", 0.8, "ok", "A length."),
                MetricValue("n_bu", None, "BU", 0.1, "insufficient_data", "A length.",
                            side="left", reason="too little")],
        events=[Event("kick", "left", 2.0, 2.5, {"peak_bu": 0.3}),
                Event("kick", "right", 1.0, 1.2)])
    metrics = mo.metrics_table(output)
    assert metrics["clip"].isna().all()
    assert metrics.value.tolist()[0] == 1.5 and pd.isna(metrics.value.tolist()[1])
    events = mo.events_table(output)
    assert events.start_s.tolist() == [1.0, 2.0]  # in time order
    assert events.peak_bu.isna().tolist() == [True, False]


def test_folders_without_results_say_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such results folder"):
        mo.metrics_table(tmp_path / "missing")
    with pytest.raises(FileNotFoundError, match="no clip results"):
        mo.events_table(tmp_path)
