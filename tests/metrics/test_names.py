"""Output names follow one unit-suffix convention (docs/metrics.md, "Names and units")."""

from __future__ import annotations

import re

import numpy as np
import pytest

from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import METRICS, compute_metrics
from motorobs.signals import prepare_signals
from tests.signals.synthetic import REST_POINTS, out_and_back, synthetic_dataset

SUFFIX_OF_UNIT = {
    "s": "_s",
    "degrees": "_deg",
    "%": "_pct",
    "BU": "_bu",
    "BU/s": "_bu_per_s",
    "per minute": "_per_min",
}
"""Registered unit -> the suffix every output name in that unit ends with."""
UNIT_SUFFIXES = re.compile(r"_(s|deg|pct|bu|px|hz|min)$")
OLD_NAMES = ("arm_movement_bu_s", "leg_movement_bu_s", "reach_peak_speed_median_bu_s",
             "peak_speed_bl_per_s")
"""Names before the convention (CHANGELOG.md): none may appear in any output."""


@pytest.mark.parametrize("output", sorted(o for s in METRICS.values() for o in s.outputs))
def test_every_output_name_ends_with_its_unit(output):
    unit = next(s.outputs[output][0] for s in METRICS.values() if output in s.outputs)
    if unit in SUFFIX_OF_UNIT:
        assert output.endswith(SUFFIX_OF_UNIT[unit]), (output, unit)
        if unit == "s":
            assert not output.endswith("_per_s"), output
    else:  # counts, indices, ratios: no unit suffix to mislead
        assert not UNIT_SUFFIXES.search(output), (output, unit)
    assert "_bl" not in output and not output.endswith("_bu_s")


def test_no_old_name_in_the_outputs_and_events_of_a_clip():
    n, fps = 150, 30.0
    rest = np.array(REST_POINTS["left_wrist"])
    left = out_and_back(np.arange(n) / fps, rest, rest + [0.0, 1.2, 0.0], 1.0, 1.0, 1.0, 1.0)
    ds = synthetic_dataset(n_frames=n, fps=fps, trajectories={"left_wrist": left})
    out = compute_metrics(prepare_signals(ds, SignalConfig()), MetricsConfig())
    reaches = [e for e in out.events if e.type == "reach"]
    assert reaches, "the constructed reach must be found"
    names = {v.name for v in out.values} | {k for e in out.events for k in e.details}
    assert "peak_speed_bu_per_s" in names and "arm_movement_bu_per_s" in names
    assert not set(OLD_NAMES) & names
    for key in (k for e in out.events for k in e.details):
        assert not key.endswith("_bu_s") and "_bl" not in key, key
