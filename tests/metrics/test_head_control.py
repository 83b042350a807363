"""Head lift in prone from a side view: an angle ramp with known answers."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import compute_metrics
from motorobs.signals import prepare_signals
from tests.signals.synthetic import REST_POINTS, synthetic_dataset

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


# --- head lift past vertical, bouts, forearm support, head stability, head turning -------

RAMP_N = 270
RAMP_T = np.arange(RAMP_N) / FPS
# -10 deg until 1 s, up to 95 deg at 4 s (35 deg/s), hold to 6 s, down to -10 at 8 s (52.5/s)
RAMP = np.interp(RAMP_T, [0, 1, 4, 6, 8, 9], [-10, -10, 95, 95, -10, -10])


def run_ramp(**kwargs):
    ds = synthetic_dataset(n_frames=RAMP_N, fps=FPS, pose="prone_side", head_lift_deg=RAMP,
                           **kwargs)
    return compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, ["head_lift"])


@pytest.mark.parametrize(("rotation_deg", "mirror", "noise_px"),
                         [(0, False, 0.0), (0, True, 0.0), (0, False, 0.5)])
def test_head_ramp_past_vertical_gives_time_above_90_and_45(rotation_deg, mirror, noise_px):
    out = run_ramp(rotation_deg=rotation_deg, mirror=mirror, noise_px=noise_px, seed=4)
    above_45 = (1 + 55 / 35, 6 + 50 / 52.5)          # analytic crossings of 45 degrees
    above_90 = (1 + 100 / 35, 6 + 5 / 52.5)
    tol = 1 / FPS + 1e-9
    assert value(out, "head_lift_max_deg").value == pytest.approx(95.0, abs=0.6)
    assert abs(value(out, "head_lift_time_above_90_s").value - np.diff(above_90)[0]) <= tol
    assert abs(value(out, "head_lift_time_above_45_s").value - np.diff(above_45)[0]) <= tol
    assert abs(value(out, "head_lift_longest_above_45_s").value - np.diff(above_45)[0]) <= tol
    pct = value(out, "head_lift_time_above_90_pct").value
    assert abs(pct - 100 * np.diff(above_90)[0] / 9.0) <= 100 / RAMP_N + 1e-9
    assert value(out, "head_lift_p90_deg").value == pytest.approx(np.percentile(RAMP, 90),
                                                                  abs=0.6)
    assert value(out, "head_lift_bouts").value == 1


def test_two_lifts_are_two_bouts_and_the_longest_bout_above_45_is_the_longer():
    angle = np.interp(RAMP_T, [0, 1, 1.5, 2.5, 3, 5, 5.5, 7.5, 8, 9],
                      [-10, -10, 60, 60, -10, -10, 60, 60, -10, -10])
    ds = synthetic_dataset(n_frames=RAMP_N, fps=FPS, pose="prone_side", head_lift_deg=angle)
    out = compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, ["head_lift"])
    assert value(out, "head_lift_bouts").value == 2
    longest = 2.0 + 2 * 0.5 * 15 / 70                # hold + both ramps above 45 degrees
    assert abs(value(out, "head_lift_longest_above_45_s").value - longest) <= 1 / FPS + 1e-9
    assert value(out, "head_lift_time_above_90_s").value == 0


def forearm_run(up_offsets: np.ndarray, **kwargs):
    n = len(up_offsets)
    elbow = np.tile(np.array([0.75, 0.0, 0.0]), (n, 1))
    elbow[:, 1] = up_offsets
    ds = synthetic_dataset(n_frames=n, fps=FPS, pose="prone_side",
                           trajectories={"left_elbow": elbow}, **kwargs)
    signals = prepare_signals(ds, SignalConfig())
    return signals, compute_metrics(signals, CONFIG, ["forearm_support"])


def test_forearm_support_shares_behind_under_and_in_front():
    offsets = np.repeat([-0.5, 0.0, 0.4], 100)     # body units of the constructed body
    signals, out = forearm_run(offsets)
    assert signals.near_side == "left"
    tol = 100 * 4 / 300                              # the low-pass smears each step
    for name in ("elbows_behind_shoulders_pct", "elbows_under_shoulders_pct",
                 "elbows_in_front_of_shoulders_pct"):
        assert value(out, name).value == pytest.approx(100 / 3, abs=tol)
    top = compute_metrics(prepare_signals(synthetic_dataset(pose="prone_top"), SignalConfig()),
                          CONFIG, ["forearm_support"])
    assert value(top, "elbows_under_shoulders_pct").status == "not_applicable"
    supine = compute_metrics(prepare_signals(synthetic_dataset(pose="supine_side"),
                                             SignalConfig()), CONFIG, ["forearm_support"])
    assert value(supine, "elbows_under_shoulders_pct").reason == "no tummy time in this clip"


STAB_N = 300
STAB_T = np.arange(STAB_N) / FPS


def ears_swaying(amplitude: float, freq: float) -> dict[str, np.ndarray]:
    sway = amplitude * np.sin(2 * np.pi * freq * STAB_T)
    out = {}
    for side in ("left", "right"):
        ear = np.tile(np.array(REST_POINTS[f"{side}_ear"]), (STAB_N, 1))
        ear[:, 0] += sway
        out[f"{side}_ear"] = ear
    return out


@pytest.mark.parametrize("rotation_deg", [0, 37, 180])
def test_head_sway_of_a_sinusoid_has_the_analytic_rms_and_path(rotation_deg):
    amplitude, freq = 0.1, 0.5                       # BU, Hz: 5 whole periods in 10 s
    ds = synthetic_dataset(n_frames=STAB_N, fps=FPS, rotation_deg=rotation_deg,
                           trajectories=ears_swaying(amplitude, freq))
    out = compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, ["head_stability"])
    assert value(out, "head_sway_rms_bu").value == pytest.approx(amplitude / np.sqrt(2),
                                                                 rel=0.01)
    # 4 x amplitude per period; the path is measured over the 299 frame-to-frame steps
    path = 4 * amplitude * freq * STAB_N / (STAB_N - 1)
    assert value(out, "head_sway_path_bu_per_s").value == pytest.approx(path, rel=0.01)


def test_head_sway_with_noise_and_a_gap_and_wrong_posture():
    ds = synthetic_dataset(n_frames=STAB_N, fps=FPS, noise_px=0.5, seed=1,
                           hidden={"left_ear": [(100, 105)]},
                           trajectories=ears_swaying(0.1, 0.5))
    out = compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, ["head_stability"])
    assert value(out, "head_sway_rms_bu").value == pytest.approx(0.1 / np.sqrt(2), rel=0.05)
    assert value(out, "head_sway_rms_bu").coverage == 1.0
    prone = compute_metrics(prepare_signals(synthetic_dataset(pose="prone_top"),
                                            SignalConfig()), CONFIG, ["head_stability"])
    assert value(prone, "head_sway_rms_bu").status == "not_applicable"
    side = compute_metrics(prepare_signals(synthetic_dataset(pose="supine_side"),
                                           SignalConfig()), CONFIG, ["head_turning"])
    assert value(side, "head_turn_asymmetry").status == "not_applicable"


def turned_head(yaw_deg: np.ndarray) -> dict[str, np.ndarray]:
    """Nose and ears turned by ``yaw`` (+ = to the infant's left) about the head's up axis."""
    phi = np.radians(yaw_deg)
    centre = np.array([0.0, 0.6, 0.0])
    out = {}
    for name in ("nose", "left_ear", "right_ear", "mouth_left", "mouth_right"):
        lat, up, ant = np.array(REST_POINTS[name]) - centre
        out[name] = centre + np.stack([lat * np.cos(phi) + ant * np.sin(phi),
                                       np.full_like(phi, up),
                                       -lat * np.sin(phi) + ant * np.cos(phi)], axis=1)
    return out


@pytest.mark.parametrize(("rotation_deg", "mirror"), [(0, False), (90, False), (0, True)])
def test_head_turned_left_70_percent_of_the_time_gives_asymmetry_0_4(rotation_deg, mirror):
    yaw = np.where(STAB_T < 7.0, 30.0, -30.0)
    ds = synthetic_dataset(n_frames=STAB_N, fps=FPS, rotation_deg=rotation_deg, mirror=mirror,
                           trajectories=turned_head(yaw))
    out = compute_metrics(prepare_signals(ds, SignalConfig()), CONFIG, ["head_turning"])
    left, right = ("right", "left") if mirror else ("left", "right")   # mirror swaps labels
    sign = -1 if mirror else 1
    # the low-pass smears the step: up to 2 frames near it are turned neither way
    assert abs(value(out, f"head_turned_{left}_s").value - 7.0) <= 2 / FPS + 1e-9
    assert abs(value(out, f"head_turned_{right}_s").value - 3.0) <= 2 / FPS + 1e-9
    assert value(out, "head_turn_asymmetry").value == pytest.approx(sign * 0.4, abs=0.01)
    proxy = 0.25 * np.tan(np.radians(30)) / 0.22    # nose 0.25 BU forward, ears 0.22 BU out
    assert value(out, "head_yaw_range").value == pytest.approx(2 * proxy, rel=0.01)


def test_head_never_turned_gives_no_asymmetry():
    out = compute_metrics(prepare_signals(synthetic_dataset(), SignalConfig()), CONFIG,
                          ["head_turning"])
    assert value(out, "head_turned_left_s").value == 0
    assert value(out, "head_turn_asymmetry").status == "insufficient_data"
    assert "turned for only 0.0 s" in value(out, "head_turn_asymmetry").reason


# --- a clip filmed first from above, then from the side ------------------------------------


def test_camera_moved_to_the_side_head_lift_uses_the_side_part_only():
    from tests.signals.synthetic import filmed_in_turn

    n_top = int(4 * FPS)
    top = synthetic_dataset(n_frames=n_top, fps=FPS, pose="prone_top")
    side = synthetic_dataset(n_frames=N, fps=FPS, pose="prone_side", head_lift_deg=ANGLE)
    signals = prepare_signals(filmed_in_turn(top, side), SignalConfig())
    out = compute_metrics(signals, CONFIG, ["head_lift", "forearm_support", "posture_time"])
    assert [s.view for s in signals.view_segments] == ["top", "side"]
    assert value(out, "prone_time_s").value == pytest.approx((n_top + N) / FPS)
    # The angle ramp is the same as in the side-only clip: same answers, shifted by 4 s.
    assert value(out, "head_lift_max_deg").value == pytest.approx(60.0, abs=0.5)
    assert value(out, "head_lift_median_deg").value == pytest.approx(np.median(ANGLE), abs=0.5)
    (lift,) = [e for e in out.events if e.type == "head_lift"]
    assert abs(lift.start_s - (4 + 1 + 2 * 10 / 70)) <= 1 / FPS + 1e-9
    trace = next(t for t in out.traces if t.name == "head_lift_angle")
    assert np.isnan(trace.values[: n_top - 2]).all()  # nothing measured from above
    assert value(out, "elbows_under_shoulders_pct").status == "ok"


def test_tummy_time_filmed_only_from_above_is_not_applicable_even_if_the_camera_moved():
    from tests.signals.synthetic import filmed_in_turn

    prone_top = synthetic_dataset(n_frames=N, fps=FPS, pose="prone_top")
    supine_side = synthetic_dataset(n_frames=int(4 * FPS), fps=FPS, pose="supine_side")
    signals = prepare_signals(filmed_in_turn(prone_top, supine_side), SignalConfig())
    out = compute_metrics(signals, CONFIG, ["head_lift", "head_stability"])
    assert [s.view for s in signals.view_segments] == ["top", "side"]
    lift = value(out, "head_lift_max_deg")
    assert lift.status == "not_applicable" and "side-on view" in lift.reason
    stability = value(out, "head_sway_rms_bu")
    assert stability.status == "not_applicable" and "from the side" in stability.reason


ANKLES = {f"{side}_ankle": np.tile([x, -3.0, 0.0], (N, 1))
          for side, x in (("left", 0.35), ("right", -0.35))}
"""Ankles on the floor, in line with the hips and knees (body coordinates, BU)."""


@pytest.mark.parametrize("turn_deg", [-20.0, 12.0])
def test_a_turned_phone_does_not_turn_the_angle_when_the_leg_shows_the_floor(turn_deg):
    """Filmed side-on by a phone turned ``turn_deg``, the shoulder-to-ear line shows turned
    with the whole picture; measured from the near leg's line (the floor in tummy time,
    ``floor_from_legs``), the ramp's answers come back. Without the leg, with the leg
    flexed, or with the option off (the default), the picture's horizontal stays the floor
    and the turn adds to the angle."""
    def lift_max(config: MetricsConfig, trajectories=None) -> tuple[float, list]:
        ds = synthetic_dataset(n_frames=N, fps=FPS, pose="prone_side", head_lift_deg=ANGLE,
                               rotation_deg=turn_deg, trajectories=trajectories)
        out = compute_metrics(prepare_signals(ds, SignalConfig()), config, ["head_lift"])
        return value(out, "head_lift_max_deg").value, out.events

    legs = replace(CONFIG, head_lift=replace(CONFIG.head_lift, floor_from_legs=True))
    level, (lift,) = lift_max(legs, ANKLES)
    assert level == pytest.approx(60.0, abs=0.5)
    assert abs(lift.details["floor_tilt_deg"]) == pytest.approx(abs(turn_deg), abs=0.5)
    turned, _ = lift_max(legs)
    assert abs(turned - 60.0) == pytest.approx(abs(turn_deg), abs=0.5)
    assert not CONFIG.head_lift.floor_from_legs  # off by default (docs/validation.md)
    assert lift_max(CONFIG, ANKLES)[0] == pytest.approx(turned, abs=0.1)
    # knees bent to a right angle, the shank raised off the floor: no floor line
    raised = {f"{side}_ankle": np.tile([x, -2.2, 0.8], (N, 1))
              for side, x in (("left", 0.35), ("right", -0.35))}
    flexed, (lift,) = lift_max(legs, raised)
    assert flexed == pytest.approx(turned, abs=0.1)
    assert lift.details["floor_tilt_deg"] is None


def test_knee_angle_and_floor_tilt_of_a_constructed_leg():
    from motorobs.metrics.head_control import floor_tilt_deg, knee_angle_deg

    def at(x: float, y: float) -> np.ndarray:
        return np.tile([x, y], (10, 1)).astype(float)

    frames = np.ones(10, bool)
    # hip at the origin, knee 40 px towards the feet (-x), ankle 40 px further, 10 px lower
    hip, knee, ankle = at(0, 0), at(-40, 0), at(-80, 10)
    assert knee_angle_deg(hip, knee, ankle) == pytest.approx(
        np.full(10, 180 - np.degrees(np.arctan2(10, 40))))
    # head towards +x: the hip 10 px above the ankle 80 px away, the line rising headwards
    assert floor_tilt_deg(hip, knee, ankle, 1.0, frames) == pytest.approx(
        np.degrees(np.arctan2(10, 80)))
    bent = at(-40, 40)  # ankle straight below the knee: a right angle
    assert np.isnan(floor_tilt_deg(hip, knee, bent, 1.0, frames))
    assert np.isnan(floor_tilt_deg(hip, knee, ankle, None, frames))
