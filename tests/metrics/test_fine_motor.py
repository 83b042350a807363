"""Hand aperture and grasps on a constructed hand with exactly known opening."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import compute_metrics
from motorobs.metrics.fine_motor import FINGERTIPS, detect_grasps, hand_aperture
from motorobs.signals import prepare_signals
from tests.signals.synthetic import REST_POINTS, min_jerk, synthetic_dataset

FPS = 30.0
N = 300
TIME = np.arange(N) / FPS
CONFIG = MetricsConfig()
WRIST = np.array(REST_POINTS["left_wrist"])
PALM = 0.3                                     # BU, wrist to middle knuckle
# Hand axes in body coordinates: along the palm, across it, out of it.
ALONG, ACROSS, NORMAL = np.array([0, -1.0, 0]), np.array([1.0, 0, 0]), np.array([0, 0, 1.0])
# Fingertips (thumb .. pinky) as (along, across, normal) offsets from the wrist, in BU.
OPEN = np.array([[0.20, 0.25, 0.05], [0.55, 0.08, 0.0], [0.60, 0.0, 0.0],
                 [0.55, -0.07, 0.0], [0.45, -0.14, 0.0]])
FIST = np.array([[0.25, 0.08, 0.08], [0.25, 0.06, 0.10], [0.26, 0.0, 0.10],
                 [0.25, -0.06, 0.10], [0.22, -0.10, 0.08]])
OPEN_APERTURE = float(np.mean(np.linalg.norm(OPEN, axis=1)) / PALM)    # 1.667
FIST_APERTURE = float(np.mean(np.linalg.norm(FIST, axis=1)) / PALM)    # 0.924


def closure(changes):
    """(T,) 0 = open .. 1 = fist from ``(t0, duration, target)`` minimum-jerk changes."""
    level = np.zeros(N)
    current = 0.0
    for t0, duration, target in changes:
        level += (target - current) * min_jerk((TIME - t0) / duration)
        current = target
    return level


def hand(level, side="left"):
    """Hand-model trajectories of a hand at the wrist, closing by ``level`` (T,)."""
    offsets = OPEN[None] + level[:, None, None] * (FIST - OPEN)[None]
    frame = np.stack([ALONG, ACROSS, NORMAL])
    wrist = np.tile(WRIST if side == "left" else WRIST * [-1, 1, 1], (N, 1))
    points = {f"{side}_hand_wrist": wrist,
              f"{side}_hand_middle_finger_mcp": wrist + PALM * ALONG}
    for i, tip in enumerate(FINGERTIPS):
        points[f"{side}_hand_{tip}"] = wrist + offsets[:, i] @ frame
    return points


# open - fist (hold 1.2 s) - open - fist (hold 1.2 s) - open, plus a 0.1 s flicker shut.
SCRIPT = [(2.0, 0.3, 1.0), (3.5, 0.3, 0.0), (5.5, 0.3, 1.0), (7.0, 0.3, 0.0),
          (8.5, 0.1, 1.0), (8.65, 0.1, 0.0)]


def aperture_at(level):
    """Exact aperture of the hand closed by ``level`` (0 = open, 1 = fist)."""
    return float(np.mean(np.linalg.norm(OPEN + level * (FIST - OPEN), axis=1)) / PALM)


def crossing_time(t0, duration, closing, threshold):
    """When a change starting at t0 takes the aperture through ``threshold`` (exact)."""
    level = brentq(lambda x: aperture_at(x) - threshold, 0.0, 1.0)
    fraction = level if closing else 1.0 - level
    tau = brentq(lambda x: min_jerk(np.array([x]))[0] - fraction, 0.0, 1.0)
    return t0 + tau * duration


def run(level=None, names=("hand_opening",), **kwargs):
    trajectories = hand(closure(SCRIPT) if level is None else level)
    ds = synthetic_dataset(n_frames=N, fps=FPS, trajectories=trajectories, **kwargs)
    return compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, list(names))


def value(out, name, side="left"):
    return next(v for v in out.values if v.name == name and v.side == side)


def test_aperture_of_constructed_open_and_closed_hands():
    wrist = np.zeros((2, 3))
    mcp = wrist + PALM * ALONG
    tips = [np.stack([OPEN[i] @ np.stack([ALONG, ACROSS, NORMAL]),
                      FIST[i] @ np.stack([ALONG, ACROSS, NORMAL])]) for i in range(5)]
    aperture = hand_aperture(wrist, mcp, tips)
    assert aperture == pytest.approx([OPEN_APERTURE, FIST_APERTURE], abs=1e-12)
    settings = CONFIG.hand_opening
    assert OPEN_APERTURE > settings.open_aperture > settings.closed_aperture > FIST_APERTURE


def test_detect_grasps_hysteresis_and_minimum_duration():
    dt = 0.1
    a = np.array([1.6, 1.6, 1.0, 1.0, 1.2, 1.0, 1.3, 1.6,   # grasp 2..6, released at 7
                  1.0, 1.5, 1.6,                           # 0.2 s closure: too short
                  np.nan, 0.9, 0.9, 0.9, np.nan])          # grasp 12.., never released
    found = detect_grasps(a, dt, open_level=1.4, closed_level=1.1, min_duration_s=0.3)
    assert [(g.closed, g.released, g.last_closed) for g in found] == [(2, 7, 6), (12, None, 14)]
    assert found[0].min_aperture == 1.0
    closed_from_start = np.array([1.0, 1.0, 1.0, 1.6, 1.6])
    assert detect_grasps(closed_from_start, dt, 1.4, 1.1, 0.3) == []


@pytest.mark.parametrize(("rotation_deg", "mirror"), [(0, False), (90, False), (200, True)])
def test_scripted_open_close_sequence(rotation_deg, mirror):
    out = run(rotation_deg=rotation_deg, mirror=mirror)
    side = "right" if mirror else "left"
    assert value(out, "grasp_count", side).value == 2
    assert value(out, "grasps_per_min", side).value == pytest.approx(2 / (N / FPS / 60))
    assert value(out, "hand_aperture_median", side).value == pytest.approx(OPEN_APERTURE,
                                                                          abs=1e-6)
    assert value(out, "hand_aperture_range", side).value == pytest.approx(
        OPEN_APERTURE - FIST_APERTURE, abs=0.01)
    grasps = [e for e in out.events if e.type == "grasp"]
    assert [e.side for e in grasps] == [side, side]
    # Grasp = first frame at or below the closed level, release = first frame back at or
    # above the open level; the frame grid and the low-pass filter shift these by < 1.5 frame.
    for event, (closing, opening) in zip(grasps, [(2.0, 3.5), (5.5, 7.0)], strict=True):
        closed_at = crossing_time(closing, 0.3, True, CONFIG.hand_opening.closed_aperture)
        opened_at = crossing_time(opening, 0.3, False, CONFIG.hand_opening.open_aperture)
        assert abs(event.start_s - closed_at) <= 1.5 / FPS
        assert abs(event.end_s - opened_at) <= 1.5 / FPS
        assert event.details["released"] == "yes"
        # The zero-phase Butterworth filter overshoots a fast closing by ~3 % of the change.
        assert event.details["min_aperture"] == pytest.approx(FIST_APERTURE, abs=0.03)
    other = "left" if mirror else "right"
    assert value(out, "grasp_count", other).status == "insufficient_data"


def test_noise_and_a_short_gap_do_not_change_the_count():
    hidden = {f"left_hand_{p}": [(120, 126)] for p in ("wrist", "middle_finger_mcp",
                                                       *FINGERTIPS)}
    out = run(noise_px=1.0, seed=7, hidden=hidden)
    assert value(out, "grasp_count").value == 2
    assert value(out, "grasp_count").coverage == 1.0
    assert value(out, "hand_aperture_median").value == pytest.approx(OPEN_APERTURE, abs=0.05)


def test_hand_model_seeing_too_little_gives_a_plain_reason():
    hidden = {f"left_hand_{p}": [(0, 220)] for p in ("wrist", "middle_finger_mcp",
                                                     *FINGERTIPS)}
    out = run(hidden=hidden)
    for name in ("hand_aperture_median", "hand_aperture_range", "grasp_count"):
        v = value(out, name)
        assert v.status == "insufficient_data" and v.value is None
        assert v.coverage == pytest.approx(80 / N)
        assert "hand model" in v.reason and "27%" in v.reason
    assert not [e for e in out.events if e.type == "grasp"]


def test_far_hand_in_side_view():
    out = run(pose="supine_side")
    assert value(out, "grasp_count").value == 2          # left side faces the camera
    far = value(out, "grasp_count", "right")
    assert far.status == "insufficient_data" and "far side" in far.reason


def test_a_hand_too_small_in_the_picture_is_not_read():

    from motorobs.metrics.fine_motor import palm_length_px

    ds = synthetic_dataset(n_frames=N, fps=FPS, trajectories=hand(closure(SCRIPT)))
    signals = prepare_signals(ds, SignalConfig())
    palm = palm_length_px(signals, "left")
    assert np.nanmax(palm) - np.nanmin(palm) < 1e-6 * np.nanmax(palm)  # a rigid palm
    too_small = CONFIG.with_section("hand_opening", min_palm_px=1.01 * float(np.nanmax(palm)))
    large_enough = CONFIG.with_section("hand_opening", min_palm_px=0.99 * float(np.nanmin(palm)))
    out = compute_metrics(signals, too_small, ["hand_opening"])
    for name in ("hand_aperture_median", "grasp_count"):
        v = value(out, name)
        assert v.status == "insufficient_data" and v.value is None and v.coverage == 0
        assert f"palm at least {too_small.hand_opening.min_palm_px:g} px" in v.reason
    assert not [e for e in out.events if e.type == "grasp"]
    assert value(compute_metrics(signals, large_enough, ["hand_opening"]),
                 "grasp_count").value == 2


def level_for(aperture):
    """The closure level (0 open .. 1 fist) at which the constructed hand has ``aperture``."""
    return brentq(lambda x: aperture_at(x) - aperture, 0.0, 1.0)


def test_partial_closings_are_the_closings_that_stop_short_of_closed():
    from motorobs.metrics.fine_motor import partial_closings

    dt = 0.1
    a = np.array([1.6, 1.6, 1.2, 1.2, 1.25, 1.2, 1.5,    # partial 2..5, lowest 1.2
                  1.0, 1.0, 1.0, 1.6,                   # a grasp (never open before: no)
                  1.2, 1.2, 1.6,                        # 0.2 s partial: too short
                  1.35, 1.35, 1.35, 1.35, 1.6,          # above the partial level: none
                  1.0, 1.0, 1.0, 1.0, 1.6])             # a full grasp: not partial
    partial = partial_closings(a, dt, open_level=1.4, closed_level=1.1, partial_level=1.3,
                               min_duration_s=0.3)
    assert [(g.closed, g.released, g.min_aperture) for g in partial] == [(2, 6, 1.2)]
    assert len(detect_grasps(a, dt, 1.4, 1.1, 0.3)) == 2
    # With the partial level at the closed level nothing is partial.
    assert partial_closings(a, dt, 1.4, 1.1, 1.1, 0.3) == []


@pytest.mark.parametrize(("rotation_deg", "mirror"), [(0, False), (120, True)])
def test_a_hand_closing_only_partly_gives_no_grasp_count(rotation_deg, mirror):
    # The constructed hand closes twice to exactly 1.2 palm lengths: between the closed
    # (1.1) and partial (1.3) levels, as the hand model reads fists filmed obliquely.
    settings = CONFIG.hand_opening
    half = level_for(1.2)
    script = [(2.0, 0.3, half), (3.5, 0.3, 0.0), (5.5, 0.3, half), (7.0, 0.3, 0.0)]
    out = run(level=closure(script), rotation_deg=rotation_deg, mirror=mirror)
    side = "right" if mirror else "left"
    for name in ("grasp_count", "grasps_per_min"):
        v = value(out, name, side)
        assert v.status == "insufficient_data" and v.value is None
        assert v.coverage == 1.0
        assert "closed only partly 2 times" in v.reason
        assert "to 1.20 palm lengths" in v.reason
    # The aperture is still what the hand model saw.
    assert value(out, "hand_aperture_median", side).value == pytest.approx(OPEN_APERTURE,
                                                                          abs=1e-6)
    assert value(out, "hand_aperture_range", side).value == pytest.approx(
        OPEN_APERTURE - 1.2, abs=0.02)
    assert not [e for e in out.events if e.type == "grasp"]
    # Counting full closings only (partial level = closed level), it is 0 grasps.
    full_only = CONFIG.with_section("hand_opening",
                                    partial_aperture=settings.closed_aperture)
    ds = synthetic_dataset(n_frames=N, fps=FPS, trajectories=hand(closure(script)),
                           rotation_deg=rotation_deg, mirror=mirror)
    counted = compute_metrics(prepare_signals(ds, SignalConfig()), full_only,
                              ["hand_opening"])
    assert value(counted, "grasp_count", side).value == 0


def test_a_shallow_closing_above_the_partial_level_counts_as_no_grasp():
    script = [(2.0, 0.3, level_for(1.36)), (3.5, 0.3, 0.0)]
    out = run(level=closure(script))
    assert value(out, "grasp_count").status == "ok"
    assert value(out, "grasp_count").value == 0


def test_a_grasp_and_a_partial_closing_give_no_count():
    script = [(2.0, 0.3, 1.0), (3.5, 0.3, 0.0), (5.5, 0.3, level_for(1.2)), (7.0, 0.3, 0.0)]
    out = run(level=closure(script))
    v = value(out, "grasp_count")
    assert v.status == "insufficient_data" and "closed only partly once" in v.reason
    assert not [e for e in out.events if e.type == "grasp"]


def test_hand_opening_levels_out_of_order_are_refused():
    from motorobs.config import AnalysisConfig, ConfigError

    with pytest.raises(ValueError, match="closed_aperture <= partial_aperture < open_aperture"):
        CONFIG.with_section("hand_opening", partial_aperture=1.5)
    with pytest.raises(ConfigError, match="partial_aperture"):
        AnalysisConfig.from_dict({"metrics": {"hand_opening": {"partial_aperture": 1.0}}})
