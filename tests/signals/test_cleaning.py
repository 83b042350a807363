"""Cleaning primitives on arrays with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.signals.cleaning import (
    derivative_window_samples,
    effective_cutoff_hz,
    half_window_samples,
    hampel_filter,
    interpolate_gaps,
    lowpass_filter,
    mask_low_confidence,
    time_derivative,
    valid_runs,
)

T = np.arange(30) / 30.0


def test_mask_low_confidence_drops_low_and_nan_scores():
    values = np.ones((3, 2))
    conf = np.array([[0.9, 0.4], [np.nan, 0.5], [0.5, 1.0]])
    out = mask_low_confidence(values, conf, 0.5)
    assert np.isnan(out).tolist() == [[False, True], [True, False], [False, False]]


def test_short_gap_is_filled_linearly_and_long_gap_is_not():
    column = 2.0 * T + 1.0
    values = np.stack([column, column], axis=1)
    values[5:8, 0] = np.nan    # 3 frames = 0.1 s
    values[5:20, 1] = np.nan   # 15 frames = 0.5 s
    filled, was_filled = interpolate_gaps(values, T, max_gap_s=0.33)
    np.testing.assert_allclose(filled[:, 0], column)
    assert was_filled[5:8, 0].all() and was_filled.sum() == 3
    assert np.isnan(filled[5:20, 1]).all()


def test_gap_length_limit_is_inclusive_and_edges_are_not_extrapolated():
    values = np.arange(30.0)[:, None].copy()
    values[10:20] = np.nan     # exactly 10 frames = 0.333 s at 30 fps
    values[:2] = np.nan
    filled, _ = interpolate_gaps(values, T, max_gap_s=10 / 30)
    np.testing.assert_allclose(filled[10:20, 0], np.arange(10.0, 20.0))
    assert np.isnan(filled[:2, 0]).all()


def test_lowpass_keeps_slow_signal_and_removes_fast_one():
    t = np.arange(300) / 30.0
    slow = np.sin(2 * np.pi * 0.5 * t)
    fast = 0.5 * np.sin(2 * np.pi * 12.0 * t)
    out = lowpass_filter((slow + fast)[:, None], 30.0, 5.0, 2)[:, 0]
    assert np.max(np.abs(out[30:-30] - slow[30:-30])) < 0.02


def test_lowpass_filters_each_valid_run_and_keeps_nan():
    values = np.full((40, 1), 3.0)
    values[20:23] = np.nan
    out = lowpass_filter(values, 30.0, 5.0, 2)
    assert np.isnan(out[20:23]).all()
    np.testing.assert_allclose(out[~np.isnan(out)], 3.0)


def test_cutoff_is_clamped_below_nyquist_at_low_rates():
    assert effective_cutoff_hz(30.0, 5.0) == 5.0
    assert effective_cutoff_hz(5.0, 5.0) == pytest.approx(2.0)


def test_derivative_of_ramp_is_exact_and_gaps_do_not_spread():
    values = (3.0 * T)[:, None].copy()
    values[10] = np.nan
    out = time_derivative(values, T)
    assert np.isnan(out[10, 0])
    np.testing.assert_allclose(out[~np.isnan(out[:, 0]), 0], 3.0)


def test_valid_runs():
    assert valid_runs(np.array([1, 1, 0, 1, 0, 0, 1], bool)) == [(0, 2), (3, 4), (6, 7)]


def test_hampel_removes_a_spike_on_a_constant_exactly():
    values = np.full((40, 1), 2.5)
    values[17, 0] = 9.0
    out, outlier = hampel_filter(values, half_window=3, n_sigma=3.0)
    np.testing.assert_array_equal(out, np.full((40, 1), 2.5))
    assert np.flatnonzero(outlier[:, 0]).tolist() == [17]


def test_hampel_flags_only_the_spike_on_a_smooth_signal():
    t = np.arange(90) / 30.0
    smooth = np.sin(2 * np.pi * 0.5 * t)[:, None]
    spiked = smooth.copy()
    spiked[40, 0] += 5.0
    out, outlier = hampel_filter(spiked, 3, 3.0)
    assert np.flatnonzero(outlier[:, 0]).tolist() == [40]
    keep = np.arange(90) != 40
    np.testing.assert_array_equal(out[keep], smooth[keep])
    # replaced by the median of its neighbours: within one sample step of the true value
    assert abs(out[40, 0] - smooth[40, 0]) <= np.max(np.abs(np.diff(smooth[:, 0]))) * 1.01


def test_hampel_leaves_smooth_signals_untouched():
    t = np.arange(300) / 30.0
    smooth = np.stack([np.sin(2 * np.pi * 0.7 * t), 3 * t**2 - t, np.cos(2 * np.pi * 2 * t)],
                      axis=1)
    out, outlier = hampel_filter(smooth, 6, 3.0)
    np.testing.assert_array_equal(out, smooth)
    assert not outlier.any()


def test_hampel_keeps_gaps_and_never_reaches_across_them():
    values = np.full((30, 1), 1.0)
    values[10:15] = np.nan
    values[15:, 0] = 4.0          # a different level after the gap is not an outlier
    values[20, 0] = 50.0
    out, outlier = hampel_filter(values, 3, 3.0)
    assert np.isnan(out[10:15]).all()
    np.testing.assert_array_equal(out[:10], 1.0)
    np.testing.assert_array_equal(out[15:], 4.0)
    assert np.flatnonzero(outlier[:, 0]).tolist() == [20]


def test_half_window_rounds_half_up():
    assert half_window_samples(0.4, 15.0) == 3
    assert half_window_samples(0.15, 30.0) == 2
    assert half_window_samples(0.01, 15.0) == 1
    assert derivative_window_samples(0.15, 15.0, 2) == 3
    assert derivative_window_samples(0.15, 30.0, 2) == 5


def test_savitzky_golay_derivative_of_a_quadratic_is_exact_including_run_ends():
    values = (T**2)[:, None].copy()
    out = time_derivative(values, T, window=5, polyorder=2)
    np.testing.assert_allclose(out[:, 0], 2 * T, atol=1e-9)


def test_short_runs_fall_back_to_central_differences():
    values = (3.0 * T)[:, None].copy()
    values[4] = np.nan              # run 0..3 is shorter than the 7-sample window
    out = time_derivative(values, T, window=7, polyorder=2)
    np.testing.assert_allclose(out[:4, 0], 3.0)
    np.testing.assert_allclose(out[5:, 0], 3.0)
    with pytest.raises(ValueError, match="odd"):
        time_derivative(values, T, window=4)
