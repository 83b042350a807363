"""compute_metrics: the registry contract and the selection of metrics."""

from __future__ import annotations

import pytest

import motorobs.metrics as metrics
from motorobs.config import MetricsConfig, SignalConfig
from motorobs.signals import prepare_signals
from tests.signals.synthetic import synthetic_dataset


@pytest.fixture(scope="module")
def signals():
    return prepare_signals(synthetic_dataset(), SignalConfig())


def test_importing_the_package_registers_the_built_in_metrics():
    assert {"posture_time", "midline_crossings", "hands_together", "reaching",
            "head_lift"} <= set(metrics.METRICS)


def test_every_output_once_per_side_with_consistent_status(signals):
    out = metrics.compute_metrics(signals, MetricsConfig())
    for spec in metrics.METRICS.values():
        sides = ("left", "right") if spec.per_side else (None,)
        for name in spec.outputs:
            found = [v for v in out.values if v.name == name]
            assert sorted(v.side or "" for v in found) == sorted(s or "" for s in sides)
    for v in out.values:
        assert (v.value is None) == (v.status != "ok")


def test_still_supine_body_has_no_events(signals):
    out = metrics.compute_metrics(signals, MetricsConfig())
    assert out.events == []
    assert {t.name for t in out.traces} >= {"hand_lateral_left", "hand_speed_right"}


def test_selection_by_function_or_output_name(signals):
    out = metrics.compute_metrics(signals, MetricsConfig(), ["reach_count", "posture_time"])
    assert sorted({v.name for v in out.values}) == ["prone_time_s", "reach_count",
                                                     "supine_time_s"]
    with pytest.raises(ValueError, match="known metrics"):
        metrics.compute_metrics(signals, MetricsConfig(), ["no_such_metric"])
