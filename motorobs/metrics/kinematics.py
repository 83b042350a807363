"""Pure kinematic measures of movement signals: smoothness, movement units, path shape,
left-right symmetry and coupling.

Every function takes plain numpy arrays (time along the first axis, sampled at a constant
rate) and returns numbers; none knows about landmarks or the registry. Units follow the
input: a speed in body units per second (BU/s) gives thresholds in BU/s, positions in BU
give path lengths in BU. NaN marks unseen samples.
"""

from __future__ import annotations

import numpy as np

SPARC_PADDING_LEVEL = 4
"""Zero-padding of the speed profile before the FFT: the FFT length is
``2 ** (ceil(log2(n)) + SPARC_PADDING_LEVEL)`` (Balasubramanian et al. 2015 use 4)."""


def sparc(
    speed: np.ndarray,
    rate_hz: float,
    *,
    amplitude_threshold: float = 0.05,
    max_cutoff_hz: float = 10.0,
    padding_level: int = SPARC_PADDING_LEVEL,
) -> float:
    """Spectral arc length (SPARC) of a speed profile: smoothness, dimensionless, < 0.

    Definition (Balasubramanian, Melendez-Calderon, Roby-Brami & Burdet 2015, "On the
    analysis of movement smoothness", J NeuroEng Rehabil 12:112)::

        SPARC = - integral_0^wc sqrt( (1/wc)^2 + (dV^/dw)^2 ) dw
        V^(w) = |V(w)| / |V(0)|         (Fourier magnitude spectrum, normalised)
        wc    = min(wc_max, min{w : V^(r) < threshold for all r > w})

    i.e. the length of the normalised magnitude spectrum's curve with the frequency axis
    scaled to 0..1, up to an adaptive cut-off. Computed with the FFT of the zero-padded
    profile. A single minimum-jerk movement gives about -1.58; more sub-movements, pauses
    or tremor make it more negative. It does not depend on the movement's amplitude or
    duration.

    Parameters
    ----------
    speed
        (n,) speed samples of one movement (any unit; SPARC is scale-free).
    rate_hz
        Sampling rate (Hz).
    amplitude_threshold
        The cut-off is the highest frequency (below ``max_cutoff_hz``) where the
        normalised spectrum still reaches this value (paper: 0.05).
    max_cutoff_hz
        Upper limit of the cut-off (paper: 10 Hz, above human voluntary movement); it is
        lowered to the Nyquist frequency ``rate_hz / 2`` when that is smaller.
    padding_level
        See :data:`SPARC_PADDING_LEVEL`.

    Returns
    -------
    SPARC, or NaN if ``speed`` has fewer than 3 samples, any NaN, or is all zero.
    """
    speed = np.asarray(speed, float)
    if speed.size < 3 or not np.isfinite(speed).all() or not np.any(speed) or rate_hz <= 0:
        return float("nan")
    n_fft = int(2 ** (np.ceil(np.log2(speed.size)) + padding_level))
    frequency = np.fft.rfftfreq(n_fft, d=1.0 / rate_hz)
    magnitude = np.abs(np.fft.rfft(speed, n_fft))
    magnitude = magnitude / magnitude.max()
    cutoff = min(max_cutoff_hz, rate_hz / 2.0)
    inside = frequency <= cutoff + 1e-12
    frequency, magnitude = frequency[inside], magnitude[inside]
    above = np.flatnonzero(magnitude >= amplitude_threshold)
    frequency = frequency[above[0]:above[-1] + 1]
    magnitude = magnitude[above[0]:above[-1] + 1]
    if frequency.size < 2:
        return float("nan")
    d_frequency = np.diff(frequency) / (frequency[-1] - frequency[0])
    return float(-np.sum(np.sqrt(d_frequency**2 + np.diff(magnitude) ** 2)))


def movement_unit_peaks(
    speed: np.ndarray, min_rise: float, min_fraction_of_max: float = 0.2
) -> list[int]:
    """Indices of the movement units' speed peaks in one movement's speed profile.

    A movement unit (MU; von Hofsten 1991; Fetters & Todd 1987) is one acceleration and
    deceleration: a speed peak that rises at least ``min_rise`` above the lowest speed
    since the previous counted peak (or the start) and falls at least ``min_rise`` below
    itself before the next one (or the end); and that exceeds ``min_fraction_of_max`` of
    the movement's maximum speed (J Pediatr 2016;175:144, after Clifton et al. 1994 and
    Konczak & Dichgans 1997: 10 mm/s and 20 %). A peak still rising at the end of the
    profile is not counted.

    Parameters
    ----------
    speed
        (n,) speed of one movement; NaN samples are skipped.
    min_rise
        Minimum rise and fall around a peak (unit of ``speed``).
    min_fraction_of_max
        Minimum peak height as a fraction of ``max(speed)``.
    """
    speed = np.asarray(speed, float)
    finite = np.flatnonzero(np.isfinite(speed))
    if finite.size == 0:
        return []
    peaks: list[int] = []
    lowest = speed[finite[0]]
    candidate: int | None = None
    for i in finite:
        value = speed[i]
        if candidate is None:
            if value < lowest:
                lowest = value
            elif value >= lowest + min_rise:
                candidate = int(i)
        elif value > speed[candidate]:
            candidate = int(i)
        elif value <= speed[candidate] - min_rise:
            peaks.append(candidate)
            candidate, lowest = None, value
    top = np.nanmax(speed)
    return [p for p in peaks if speed[p] > min_fraction_of_max * top]


def path_length(points: np.ndarray) -> float:
    """Length of a polyline through (n, d) points (their unit); NaN if any is NaN."""
    points = np.asarray(points, float)
    if len(points) < 2 or not np.isfinite(points).all():
        return float("nan")
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())


def straightness_index(points: np.ndarray) -> float:
    """Path length / straight-line distance from the first to the last point (>= 1).

    1 for a straight path, pi/2 for a semicircle; larger is more curved (Gonçalves et al.
    2013). NaN when a point is NaN or start and end coincide (no defined chord).

    Parameters
    ----------
    points
        (n, d) positions along the path (any unit; the index has none).
    """
    points = np.asarray(points, float)
    length = path_length(points)
    if not np.isfinite(length):
        return float("nan")
    chord = float(np.linalg.norm(points[-1] - points[0]))
    if chord <= 1e-12 * max(length, 1e-300):
        return float("nan")
    return length / chord


def symmetry_index(left: float, right: float) -> float:
    """Left-right symmetry index SI = (L - R) / (0.5 (L + R)), dimensionless, in [-2, 2].

    0 = symmetric; + = the left is larger (L = 2R gives 2/3); NaN when L + R = 0 or either
    is NaN. Meaningful for non-negative quantities (e.g. mean speed).
    """
    total = left + right
    if not np.isfinite(total) or total == 0:
        return float("nan")
    return float((left - right) / (0.5 * total))


def lagged_cross_correlation(
    left: np.ndarray, right: np.ndarray, rate_hz: float, max_lag_s: float = 1.0,
    min_overlap: int = 3,
) -> tuple[float, float]:
    """Peak Pearson correlation of two signals over time lags, and the lag at the peak.

    For every lag k (frames, ``|k| <= max_lag_s * rate_hz``) the Pearson correlation of
    ``left[t]`` with ``right[t + k]`` over the samples where both are finite; the result is
    the largest correlation and its lag ``k / rate_hz`` in seconds. A positive lag means
    ``right`` follows ``left`` (right delayed by that much); on ties the smallest |lag|.

    Parameters
    ----------
    left, right
        (T,) signals on the same time base (e.g. limb speeds, BU/s); NaN where unseen.
    rate_hz
        Sampling rate (Hz).
    max_lag_s
        Largest lag tried (s).
    min_overlap
        Fewest paired finite samples for a lag to be considered.

    Returns
    -------
    (peak correlation, lag in s); (NaN, NaN) when no lag has enough overlap or a signal
    is constant.
    """
    left, right = np.asarray(left, float), np.asarray(right, float)
    n = len(left)
    max_lag = int(np.floor(max_lag_s * rate_hz + 1e-9)) if rate_hz > 0 else 0
    best_r, best_lag = -np.inf, None
    for lag in sorted(range(-max_lag, max_lag + 1), key=abs):
        if abs(lag) >= n:
            continue
        a = left[max(0, -lag):n - max(0, lag)]
        b = right[max(0, lag):n - max(0, -lag)]
        both = np.isfinite(a) & np.isfinite(b)
        if both.sum() < min_overlap:
            continue
        a, b = a[both] - a[both].mean(), b[both] - b[both].mean()
        norm = np.sqrt(np.sum(a * a) * np.sum(b * b))
        if norm <= 0:
            continue
        r = float(np.sum(a * b) / norm)
        if r > best_r + 1e-12:
            best_r, best_lag = r, lag
    if best_lag is None:
        return float("nan"), float("nan")
    return best_r, best_lag / rate_hz
