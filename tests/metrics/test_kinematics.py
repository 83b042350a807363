"""Kinematic helpers on constructed signals whose answers are known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.metrics.kinematics import (
    lagged_cross_correlation,
    movement_unit_peaks,
    path_length,
    sparc,
    straightness_index,
    symmetry_index,
)

# Smoothest possible value of SPARC with the paper's settings for one minimum-jerk
# movement (computed here with a 1 kHz profile and 64x zero padding; see docs/metrics.md).
SPARC_MIN_JERK = -1.4068


def min_jerk_speed(time_s, t0, duration, distance=1.0):
    """Speed of a minimum-jerk movement of ``distance`` starting at t0 (0 outside)."""
    tau = np.clip((np.asarray(time_s) - t0) / duration, 0.0, 1.0)
    return distance / duration * 30 * tau**2 * (1 - tau) ** 2


@pytest.mark.parametrize("rate_hz", [100.0, 30.0, 15.0])
@pytest.mark.parametrize(("duration", "distance"), [(0.5, 0.3), (1.0, 1.0), (2.0, 5.0)])
def test_sparc_of_one_minimum_jerk_movement_is_independent_of_scale_and_rate(
    rate_hz, duration, distance
):
    time = np.arange(0, duration + 1e-9, 1 / rate_hz)
    value = sparc(min_jerk_speed(time, 0, duration, distance), rate_hz)
    assert value == pytest.approx(SPARC_MIN_JERK, abs=0.01)


def test_the_reference_value_itself():
    time = np.arange(0, 1 + 1e-9, 1e-3)
    assert sparc(min_jerk_speed(time, 0, 1.0), 1000.0, padding_level=6) == pytest.approx(
        SPARC_MIN_JERK, abs=1e-3)


def test_sparc_falls_with_more_sub_movements():
    rate = 100.0
    time = np.arange(0, 2.6, 1 / rate)
    one = min_jerk_speed(time, 0, 1.0)
    two = one + min_jerk_speed(time, 0.6, 1.0)
    three = two + min_jerk_speed(time, 1.2, 1.0)
    values = [sparc(s[: np.flatnonzero(s)[-1] + 2], rate) for s in (one, two, three)]
    assert values[0] > values[1] + 0.2 > values[2] + 0.4
    assert values[0] == pytest.approx(SPARC_MIN_JERK, abs=0.01)


def test_sparc_cut_off_is_capped_at_nyquist_and_at_the_maximum():
    rate = 100.0
    time = np.arange(0, 1.0, 1 / rate)
    tremor = min_jerk_speed(time, 0, 1.0) * (1 + 0.3 * np.sin(2 * np.pi * 8 * time))
    with_tremor = sparc(tremor, rate)                        # 8 Hz inside the 10 Hz cut-off
    tremor_ignored = sparc(tremor, rate, max_cutoff_hz=5.0)  # 8 Hz cut away
    assert with_tremor < tremor_ignored - 0.3
    assert tremor_ignored == pytest.approx(SPARC_MIN_JERK, abs=0.05)


def test_sparc_is_nan_for_unusable_profiles():
    assert np.isnan(sparc(np.array([1.0, np.nan, 1.0, 2.0]), 30.0))
    assert np.isnan(sparc(np.zeros(20), 30.0))
    assert np.isnan(sparc(np.array([1.0, 2.0]), 30.0))


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_k_separated_minimum_jerk_bumps_are_k_movement_units(k):
    rate = 30.0
    time = np.arange(0, 1.2 * k + 0.5, 1 / rate)
    speed = sum(min_jerk_speed(time, 0.2 + 1.2 * i, 0.8, 1.0 + 0.3 * i) for i in range(k))
    assert len(movement_unit_peaks(speed, min_rise=0.5)) == k
    noisy = speed + np.random.default_rng(k).uniform(-0.1, 0.1, len(speed))
    assert len(movement_unit_peaks(noisy, min_rise=0.5)) == k


def test_peak_positions_and_the_two_criteria():
    rate = 100.0
    time = np.arange(0, 3.0, 1 / rate)
    big = min_jerk_speed(time, 0.0, 1.0, 1.0)          # peak 1.875 at t = 0.5 s
    small = min_jerk_speed(time, 1.5, 1.0, 0.3)        # peak 0.5625: 30 % of the big one
    assert movement_unit_peaks(big + small, min_rise=0.1) == [50, 200]
    # The small bump is below 40 % of the maximum: not a unit.
    assert movement_unit_peaks(big + small, min_rise=0.1, min_fraction_of_max=0.4) == [50]
    # Its rise (0.56) is below a 0.6 minimum rise: not a unit.
    assert movement_unit_peaks(big + small, min_rise=0.6) == [50]


def test_a_shallow_dip_splits_units_only_when_deeper_than_the_minimum_rise():
    rate = 100.0
    time = np.arange(0, 2.0, 1 / rate)
    overlapping = min_jerk_speed(time, 0, 1.0) + min_jerk_speed(time, 0.6, 1.0, 1.2)
    peaks = [p for p in range(1, len(time) - 1)
             if overlapping[p - 1] < overlapping[p] > overlapping[p + 1]]
    assert peaks == [50, 110]                     # two local maxima, 1.875 and 2.25 BU/s,
    dip = overlapping[50] - overlapping[50:110].min()
    assert dip == pytest.approx(0.261, abs=1e-3)  # with a 0.26 BU/s dip between them
    assert movement_unit_peaks(overlapping, min_rise=0.3) == [110]
    assert movement_unit_peaks(overlapping, min_rise=0.2) == [50, 110]


def test_a_peak_still_rising_at_the_end_is_not_a_unit():
    speed = np.array([0.0, 1.0, 2.0, 0.5, 1.0, 2.5])
    assert movement_unit_peaks(speed, min_rise=0.5) == [2]


def test_straightness_of_a_straight_path_is_exactly_one():
    s = np.sort(np.random.default_rng(0).uniform(0, 1, 40))   # uneven sampling along it
    path = np.stack([2 * s, -3 * s], axis=1)
    assert straightness_index(path) == pytest.approx(1.0, abs=1e-12)


def test_straightness_of_a_semicircle_is_pi_over_two():
    angle = np.linspace(0, np.pi, 20001)
    path = 0.7 * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    assert path_length(path) == pytest.approx(0.7 * np.pi, rel=1e-8)
    assert straightness_index(path) == pytest.approx(np.pi / 2, rel=1e-8)


def test_straightness_is_nan_without_a_chord_or_with_gaps():
    angle = np.linspace(0, 2 * np.pi, 50)
    assert np.isnan(straightness_index(np.stack([np.cos(angle), np.sin(angle)], axis=1)))
    assert np.isnan(straightness_index(np.array([[0.0, 0.0], [np.nan, 1.0], [2.0, 0.0]])))


def test_symmetry_index():
    assert symmetry_index(0.8, 0.8) == 0.0
    assert symmetry_index(2.0, 1.0) == pytest.approx(2 / 3)
    assert symmetry_index(1.0, 2.0) == pytest.approx(-2 / 3)
    assert symmetry_index(1.0, 0.0) == 2.0
    assert np.isnan(symmetry_index(0.0, 0.0))


@pytest.mark.parametrize("delay_s", [0.4, -0.3, 0.0])
def test_lag_of_a_delayed_copy_is_found_within_one_frame(delay_s):
    rate = 30.0
    time = np.arange(0, 10, 1 / rate)
    starts = (0.7, 2.1, 2.9, 4.8, 6.0, 8.1)
    left = sum(min_jerk_speed(time, t0, 0.6 + 0.1 * i) for i, t0 in enumerate(starts))
    right = sum(min_jerk_speed(time, t0 + delay_s, 0.6 + 0.1 * i)
                for i, t0 in enumerate(starts))
    r, lag = lagged_cross_correlation(left, right, rate, max_lag_s=1.0)
    assert abs(lag - delay_s) <= 1 / rate + 1e-9
    assert r > 0.99


def test_cross_correlation_ignores_gaps_and_respects_the_lag_limit():
    rate = 30.0
    time = np.arange(0, 10, 1 / rate)
    left = np.sin(2 * np.pi * 0.23 * time) + np.sin(2 * np.pi * 0.61 * time)
    right = np.interp(time - 0.4, time, left)
    left[100:130] = np.nan
    r, lag = lagged_cross_correlation(left, right, rate, max_lag_s=1.0)
    assert lag == pytest.approx(0.4, abs=1 / rate)
    r_limited, lag_limited = lagged_cross_correlation(left, right, rate, max_lag_s=0.2)
    assert abs(lag_limited) <= 0.2 + 1e-9 and r_limited < r
    assert np.isnan(lagged_cross_correlation(np.ones(50), left[:50], rate)[0])
