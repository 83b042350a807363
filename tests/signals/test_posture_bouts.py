"""Posture bouts and sustained posture changes (rolls), on labels and on a rolling body."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.config import SignalConfig
from motorobs.signals import posture_bouts, posture_changes, prepare_signals
from tests.signals.synthetic import REST_POINTS, synthetic_dataset

FPS = 30.0
DT = 1 / FPS


def labels(*segments: tuple[str, int]) -> np.ndarray:
    return np.concatenate([np.full(n, name) for name, n in segments])


def test_posture_bouts_are_runs_of_known_labels():
    bouts = posture_bouts(labels(("supine", 30), ("unknown", 5), ("supine", 10),
                                 ("prone", 15)), DT)
    assert [(b.posture, b.first, b.last) for b in bouts] == [
        ("supine", 0, 29), ("supine", 35, 44), ("prone", 45, 59)]
    assert bouts[0].duration_s == pytest.approx(1.0)


def test_a_short_flip_is_not_a_change_and_side_lying_in_between_is_a_transition():
    flip = labels(("supine", 60), ("prone", 15), ("supine", 60))      # 0.5 s of prone
    assert posture_changes(flip, DT, 1.0, 3.0, ("supine", "prone")) == []
    roll = labels(("supine", 60), ("side_lying", 40), ("prone", 45))
    (change,) = posture_changes(roll, DT, 1.0, 3.0, ("supine", "prone"))
    assert (change.from_posture, change.to_posture) == ("supine", "prone")
    assert (change.last_before, change.first_after) == (59, 100)
    slow = labels(("supine", 60), ("side_lying", 100), ("prone", 45))  # 3.3 s on the side
    assert posture_changes(slow, DT, 1.0, 3.0, ("supine", "prone")) == []
    short_end = labels(("supine", 60), ("prone", 29))                 # prone held < 1 s
    assert posture_changes(short_end, DT, 1.0, 3.0, ("supine", "prone")) == []


def rolling_body(n_frames: int, psi_deg: np.ndarray) -> dict[str, np.ndarray]:
    """Every point of the body turned by ``psi`` about its long (up) axis: a log roll."""
    psi = np.radians(psi_deg)[:, None]
    out = {}
    for name, (lateral, up, anterior) in REST_POINTS.items():
        out[name] = np.concatenate([
            lateral * np.cos(psi) - anterior * np.sin(psi),
            np.full((n_frames, 1), up),
            lateral * np.sin(psi) + anterior * np.cos(psi),
        ], axis=1)
    return out


N = 390
TIME = np.arange(N) / FPS
# supine, roll to prone over 2-5 s, prone, roll on to supine over 7-10 s, supine
PSI = np.interp(TIME, [0, 2, 5, 7, 10, 13], [0, 0, 180, 180, 360, 360])


@pytest.mark.parametrize("rotation_deg", [0, 30, 180])
def test_a_rolling_body_is_supine_then_prone_then_supine_at_the_analytic_times(rotation_deg):
    ds = synthetic_dataset(n_frames=N, fps=FPS, rotation_deg=rotation_deg,
                           trajectories=rolling_body(N, PSI))
    signals = prepare_signals(ds, SignalConfig())
    assert signals.view == "top"
    # chest within 60 degrees of straight up: supine while psi < 60, prone for 120-240
    changes = posture_changes(signals.posture, signals.dt_s, 1.0, 3.0, ("supine", "prone"))
    assert [(c.from_posture, c.to_posture) for c in changes] == [("supine", "prone"),
                                                                  ("prone", "supine")]
    for change, (leave_s, arrive_s) in zip(changes, [(3.0, 4.0), (8.0, 9.0)], strict=True):
        assert abs(TIME[change.last_before] - leave_s) <= DT + 1e-9
        assert abs(TIME[change.first_after] - arrive_s) <= DT + 1e-9
