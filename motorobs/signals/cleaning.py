"""Cleaning of landmark trajectories: masking, gap filling, low-pass filtering, derivatives.

Every function is pure and works on arrays whose first axis is time: ``values`` has
shape ``(T, N)`` (N independent columns, e.g. x and y of every keypoint), NaN marking
missing samples. Units are those of the input (pixels, seconds).
"""

from __future__ import annotations

import numpy as np
from scipy import signal

NYQUIST_FRACTION = 0.8
"""The low-pass cut-off is clamped to this fraction of the Nyquist frequency."""


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


def time_derivative(values: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """Derivative per second of every column (central differences, one-sided at run ends).

    Computed run by run of valid samples, so a gap never spreads into its neighbours;
    isolated samples get NaN.

    Parameters
    ----------
    values
        (T, N) samples (filtered first: differences amplify noise).
    time_s
        (T,) sample times (s).

    Returns
    -------
    (T, N) derivative in units of ``values`` per second.
    """
    values = np.asarray(values, float)
    out = np.full(values.shape, np.nan)
    for col in range(values.shape[1]):
        column = values[:, col]
        for start, stop in valid_runs(~np.isnan(column)):
            if stop - start >= 2:
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mask, fill and low-pass filter (T, N) trajectories in one go.

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
    return lowpass_filter(filled, rate, cutoff_hz, order), observed, was_filled
