"""Cleaning of landmark trajectories: masking, gap filling, outliers, low-pass, derivatives.

The steps, in the order :func:`clean_trajectories` (and
:func:`motorobs.signals.prepare_signals`) apply them:

1. :func:`mask_low_confidence` - drop samples the detector was unsure of;
2. :func:`interpolate_gaps` - fill short gaps linearly;
3. :func:`hampel_filter` - replace isolated outliers by the local median;
4. :func:`lowpass_filter` - zero-phase Butterworth low-pass;
5. :func:`time_derivative` - Savitzky-Golay derivative of the filtered signal.

Every function is pure and works on arrays whose first axis is time: ``values`` has
shape ``(T, N)`` (N independent columns, e.g. x and y of every keypoint), NaN marking
missing samples. Units are those of the input (pixels, seconds).
"""

from __future__ import annotations

import numpy as np
from scipy import signal

NYQUIST_FRACTION = 0.8
"""The low-pass cut-off is clamped to this fraction of the Nyquist frequency."""
MAD_TO_SD = 1.4826
"""Median absolute deviation x this = standard deviation, for Gaussian noise."""


def valid_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` index pairs (stop exclusive) of the runs of True in a (T,) mask."""
    padded = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def sample_spacing_s(time_s: np.ndarray) -> float:
    """Median spacing (s) of a (T,) time base; 0 when it has fewer than two samples."""
    if len(time_s) < 2:
        return 0.0
    return float(np.median(np.diff(time_s)))


def mask_low_confidence(
    values: np.ndarray, confidence: np.ndarray, min_confidence: float
) -> np.ndarray:
    """Copy of ``values`` (T, N) with NaN where ``confidence`` (T, N) < ``min_confidence``.

    NaN confidence counts as missing.
    """
    out = np.array(values, dtype=float, copy=True)
    conf = np.asarray(confidence, float)
    out[~(conf >= min_confidence)] = np.nan
    return out


def interpolate_gaps(
    values: np.ndarray, time_s: np.ndarray, max_gap_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Linearly fill interior NaN gaps no longer than ``max_gap_s`` seconds.

    The length of a gap is the time it leaves uncovered: the time between the valid samples
    around it minus one sample spacing (``n`` missing frames at spacing ``dt`` last
    ``n * dt``). Gaps at the start or end of a column are never filled.

    Parameters
    ----------
    values
        (T, N) samples, NaN where missing.
    time_s
        (T,) sample times in seconds.
    max_gap_s
        Longest gap (s) to fill.

    Returns
    -------
    filled, was_filled
        The filled (T, N) array and a (T, N) boolean mask of the samples that were filled.
    """
    values = np.array(values, dtype=float, copy=True)
    filled_mask = np.zeros(values.shape, bool)
    dt = sample_spacing_s(time_s)
    for col in range(values.shape[1]):
        column = values[:, col]
        good = ~np.isnan(column)
        for start, stop in valid_runs(~good):
            if start == 0 or stop == len(column):
                continue
            gap_s = time_s[stop] - time_s[start - 1] - dt
            if gap_s <= max_gap_s + 1e-9:
                column[start:stop] = np.interp(
                    time_s[start:stop],
                    [time_s[start - 1], time_s[stop]],
                    [column[start - 1], column[stop]],
                )
                filled_mask[start:stop, col] = True
    return values, filled_mask


def half_window_samples(window_s: float, rate_hz: float, minimum: int = 1) -> int:
    """Half-width (samples) of a centred window lasting about ``window_s`` seconds.

    ``window_s * rate_hz / 2`` rounded half up, at least ``minimum``; the window then holds
    ``2 * half + 1`` samples.
    """
    if rate_hz <= 0:
        return minimum
    return max(minimum, int(np.floor(window_s * rate_hz / 2.0 + 0.5)))


def hampel_filter(
    values: np.ndarray, half_window: int, n_sigma: float
) -> tuple[np.ndarray, np.ndarray]:
    """Replace outliers by the local median (Hampel identifier), column by column.

    A sample is an outlier when it differs from the median of the centred window of
    ``2 * half_window + 1`` samples by more than ``n_sigma`` robust standard deviations,
    the standard deviation being estimated as :data:`MAD_TO_SD` x the window's median
    absolute deviation. Each run of valid samples is processed on its own (windows never
    reach across a gap); the first and last ``half_window`` samples of a run, whose window
    would not be centred, are left as they are, and so are runs shorter than one window.
    A monotonic stretch is never changed (its centre sample is its
    window's median), so smooth movement passes untouched; a movement shorter than about
    half the window looks like an outlier and is removed.

    Parameters
    ----------
    values
        (T, N) samples, NaN where missing.
    half_window
        Samples on each side of the centre (>= 1).
    n_sigma
        Threshold in robust standard deviations; ``inf`` flags nothing.

    Returns
    -------
    filtered, is_outlier
        The (T, N) filtered copy and the (T, N) mask of replaced samples.
    """
    if half_window < 1:
        raise ValueError(f"hampel_filter: half_window must be >= 1, got {half_window}.")
    out = np.array(values, dtype=float, copy=True)
    outlier = np.zeros(out.shape, bool)
    width = 2 * half_window + 1
    for col in range(out.shape[1]):
        column = out[:, col]
        for start, stop in valid_runs(~np.isnan(column)):
            if stop - start < width:
                continue
            segment = column[start:stop]
            windows = np.lib.stride_tricks.sliding_window_view(segment, width)
            median = np.median(windows, axis=1)
            mad = np.median(np.abs(windows - median[:, None]), axis=1)
            centre = segment[half_window:len(segment) - half_window]
            with np.errstate(invalid="ignore"):  # inf x 0 = NaN: never an outlier
                bad = np.abs(centre - median) > n_sigma * MAD_TO_SD * mad
            segment[half_window:len(segment) - half_window] = np.where(bad, median, centre)
            outlier[start + half_window:stop - half_window, col] = bad
    return out, outlier


def effective_cutoff_hz(rate_hz: float, cutoff_hz: float) -> float:
    """The cut-off actually used: ``cutoff_hz`` clamped to 80 % of the Nyquist frequency."""
    return float(min(cutoff_hz, NYQUIST_FRACTION * rate_hz / 2.0))


def lowpass_filter(
    values: np.ndarray, rate_hz: float, cutoff_hz: float, order: int = 2
) -> np.ndarray:
    """Zero-phase Butterworth low-pass filter of every column, run by run of valid samples.

    NaN samples stay NaN; each run of valid samples is filtered on its own (forward and
    backward, ``scipy.signal.sosfiltfilt``, odd padding shortened for short runs). Runs of
    fewer than 4 samples are left as they are.

    Parameters
    ----------
    values
        (T, N) samples.
    rate_hz
        Sampling rate (Hz).
    cutoff_hz
        Cut-off (Hz); see :func:`effective_cutoff_hz` for the clamp at low rates.
    order
        Butterworth order (the zero-phase result has twice this order).
    """
    out = np.array(values, dtype=float, copy=True)
    if rate_hz <= 0:
        return out
    sos = signal.butter(order, effective_cutoff_hz(rate_hz, cutoff_hz), fs=rate_hz,
                        output="sos")
    default_padlen = 3 * (2 * len(sos) + 1 - min((sos[:, 2] == 0).sum(), (sos[:, 5] == 0).sum()))
    for col in range(out.shape[1]):
        column = out[:, col]
        for start, stop in valid_runs(~np.isnan(column)):
            n = stop - start
            if n < 4:
                continue
            column[start:stop] = signal.sosfiltfilt(
                sos, column[start:stop], padlen=min(default_padlen, n - 1)
            )
    return out


def derivative_window_samples(window_s: float, rate_hz: float, polyorder: int) -> int:
    """Odd Savitzky-Golay window (samples) lasting about ``window_s``, > ``polyorder``."""
    half = half_window_samples(window_s, rate_hz, minimum=1)
    return max(2 * half + 1, polyorder + 1 + (polyorder % 2))


def time_derivative(
    values: np.ndarray, time_s: np.ndarray, window: int = 3, polyorder: int = 2
) -> np.ndarray:
    """Derivative per second of every column (Savitzky-Golay, run by run of valid samples).

    ``scipy.signal.savgol_filter(deriv=1)`` fits a polynomial of degree ``polyorder`` to
    each centred window of ``window`` samples (``mode="interp"``: the first and last
    windows of a run are fitted once, so the ends are not padded with made-up samples). The
    default (3 samples, degree 2) equals central differences inside a run. Runs shorter
    than the window fall back to central differences (one-sided at the ends), so a gap
    never spreads into its neighbours; isolated samples get NaN. The sample spacing is the
    median spacing of ``time_s`` (the time base is uniform).

    Parameters
    ----------
    values
        (T, N) samples (filtered first: differences amplify noise).
    time_s
        (T,) sample times (s).
    window, polyorder
        Savitzky-Golay window (odd number of samples) and polynomial degree.

    Returns
    -------
    (T, N) derivative in units of ``values`` per second.
    """
    if window % 2 == 0 or window <= polyorder:
        raise ValueError(
            f"time_derivative: window must be odd and > polyorder ({polyorder}), got {window}."
        )
    values = np.asarray(values, float)
    out = np.full(values.shape, np.nan)
    dt = sample_spacing_s(time_s)
    for col in range(values.shape[1]):
        column = values[:, col]
        for start, stop in valid_runs(~np.isnan(column)):
            n = stop - start
            if n >= window and dt > 0:
                out[start:stop, col] = signal.savgol_filter(
                    column[start:stop], window, polyorder, deriv=1, delta=dt, mode="interp"
                )
            elif n >= 2:
                out[start:stop, col] = np.gradient(column[start:stop], time_s[start:stop])
    return out


def clean_trajectories(
    values: np.ndarray,
    confidence: np.ndarray,
    time_s: np.ndarray,
    *,
    min_confidence: float,
    max_gap_s: float,
    cutoff_hz: float,
    order: int,
    hampel_window_s: float | None = None,
    hampel_n_sigma: float = 3.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mask, fill, remove outliers and low-pass filter (T, N) trajectories in one go.

    ``hampel_window_s=None`` skips the outlier step.

    Returns
    -------
    cleaned, observed, filled
        The filtered (T, N) values (NaN where still missing), the (T, N) mask of samples
        the detector saw with enough confidence, and the mask of samples filled by
        interpolation.
    """
    masked = mask_low_confidence(values, confidence, min_confidence)
    observed = ~np.isnan(masked)
    filled, was_filled = interpolate_gaps(masked, time_s, max_gap_s)
    rate = 1.0 / sample_spacing_s(time_s) if len(time_s) > 1 else 0.0
    if hampel_window_s is not None:
        half = half_window_samples(hampel_window_s, rate)
        filled, _ = hampel_filter(filled, half, hampel_n_sigma)
    return lowpass_filter(filled, rate, cutoff_hz, order), observed, was_filled
