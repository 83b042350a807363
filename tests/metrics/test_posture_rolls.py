"""Roll events and counts from a body rolling supine -> prone -> supine at known times."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import compute_metrics
from motorobs.signals import prepare_signals
from tests.signals.synthetic import synthetic_dataset
from tests.signals.test_posture_bouts import FPS, PSI, N, rolling_body

DT = 1 / FPS


def value(out, name):
    return next(v for v in out.values if v.name == name)


@pytest.mark.parametrize(("rotation_deg", "noise_px"), [(0, 0.0), (37, 1.0)])
def test_two_rolls_with_times_within_one_frame(rotation_deg, noise_px):
    ds = synthetic_dataset(n_frames=N, fps=FPS, rotation_deg=rotation_deg, noise_px=noise_px,
                           trajectories=rolling_body(N, PSI), seed=2)
    out = compute_metrics(prepare_signals(ds, SignalConfig()), MetricsConfig(), ["rolls"])
    assert value(out, "roll_count").value == 2
    assert value(out, "rolls_supine_to_prone").value == 1
    assert value(out, "rolls_prone_to_supine").value == 1
    rolls = [e for e in out.events if e.type == "roll"]
    assert [(e.details["from"], e.details["to"]) for e in rolls] == [("supine", "prone"),
                                                                      ("prone", "supine")]
    for event, (leave_s, arrive_s) in zip(rolls, [(3.0, 4.0), (8.0, 9.0)], strict=True):
        assert abs(event.start_s - leave_s) <= DT + 1e-9
        assert abs(event.end_s - arrive_s) <= DT + 1e-9


def test_a_brief_turn_onto_the_tummy_is_not_a_roll():
    # prone for 0.6 s only (psi 180 from 3.0 to 3.6 s, fast turns of 0.2 s each way)
    psi = np.interp(np.arange(N) / FPS, [0, 2.8, 3.0, 3.6, 3.8, 13], [0, 0, 180, 180, 0, 0])
    ds = synthetic_dataset(n_frames=N, fps=FPS, trajectories=rolling_body(N, psi))
    signals = prepare_signals(ds, SignalConfig())
    assert (signals.posture == "prone").any()       # the flip is seen ...
    out = compute_metrics(signals, MetricsConfig(), ["rolls"])
    assert value(out, "roll_count").value == 0      # ... but is not a sustained change
    assert not [e for e in out.events if e.type == "roll"]


def test_unknown_posture_gives_insufficient_data():
    ds = synthetic_dataset(hidden={"left_shoulder": [(0, 150)]})
    out = compute_metrics(prepare_signals(ds, SignalConfig()), MetricsConfig(), ["rolls"])
    assert value(out, "roll_count").status == "insufficient_data"
    assert value(out, "roll_count").value is None
