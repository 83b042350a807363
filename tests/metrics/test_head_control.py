"""Head lift in prone from a side view: an angle ramp with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import compute_metrics
from motorobs.signals import prepare_signals
from tests.signals.synthetic import synthetic_dataset

FPS = 30.0
N = 240
TIME = np.arange(N) / FPS
# -10 deg until 1 s, up to 60 deg at 3 s, hold to 5 s, down to -10 deg at 7 s, rest to 8 s
ANGLE = np.interp(TIME, [0, 1, 3, 5, 7, 8], [-10, -10, 60, 60, -10, -10])
CONFIG = MetricsConfig()


def run(pose="prone_side", **kwargs):
    ds = synthetic_dataset(n_frames=N, fps=FPS, pose=pose, head_lift_deg=ANGLE, **kwargs)
    return compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG,
                           ["head_lift", "posture_time"])


def value(out, name):
    return next(v for v in out.values if v.name == name)


def test_angle_ramp_gives_max_median_and_time_above_45():
    out = run()
    assert value(out, "head_lift_max_deg").value == pytest.approx(60.0, abs=0.5)
    assert value(out, "head_lift_median_deg").value == pytest.approx(np.median(ANGLE), abs=0.5)
    above = 5.0 + 2.0 * 15 / 70 - (1.0 + 2.0 * 55 / 70)    # analytic time above 45 deg
    assert abs(value(out, "head_lift_time_above_45_s").value - above) <= 1 / FPS
    assert value(out, "prone_time_s").value == pytest.approx(N / FPS)
    (lift,) = [e for e in out.events if e.type == "head_lift"]
    # rest -10 deg, threshold 20 deg: the episode is the run above rest + 10 = 0 deg that
    # passes rest + 20 = 10 deg; it lasts from 1 + 2 * 10/70 s to 5 + 2 * 60/70 s
    assert abs(lift.start_s - (1 + 2 * 10 / 70)) <= 1 / FPS + 1e-9
    assert abs(lift.end_s - (5 + 2 * 60 / 70)) <= 1 / FPS + 1e-9
    assert lift.details["rest_angle_deg"] == pytest.approx(-10.0, abs=0.5)


def test_top_view_and_supine_are_not_applicable():
    top = run(pose="prone_top")
    assert value(top, "head_lift_max_deg").status == "not_applicable"
    assert "side-on view" in value(top, "head_lift_max_deg").reason
    supine = run(pose="supine_side")
    assert value(supine, "head_lift_max_deg").reason == "no tummy time in this clip"
    assert value(supine, "prone_time_s").value == 0.0


def test_hidden_ear_gives_insufficient_data():
    out = run(hidden={"left_ear": [(0, 150)], "right_ear": [(0, 150)]})
    result = value(out, "head_lift_max_deg")
    assert result.status == "insufficient_data" and result.value is None
    assert result.coverage == pytest.approx(90 / 240)
    assert "(near-side) ear and shoulder seen in only 38%" in result.reason
