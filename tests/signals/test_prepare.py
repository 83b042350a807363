"""Pure helpers of :mod:`motorobs.signals.prepare`."""

from __future__ import annotations

import numpy as np
import pytest

from motorobs.signals.prepare import depth_scale


def shoulders_tilted(width: float, tilt_deg: float, depth_gain: float, n: int = 20):
    """Shoulders ``width`` px apart in 3-D, the line turned ``tilt_deg`` out of the image
    plane, their depth reported ``depth_gain`` times too large, with small noise."""
    rng = np.random.default_rng(0)
    t = np.radians(tilt_deg)
    half = np.array([width / 2 * np.cos(t), 0.0, width / 2 * np.sin(t) * depth_gain])
    centre = np.array([300.0, 200.0, 0.0]) + rng.normal(0, 0.2, (n, 3))
    return centre + half, centre - half


@pytest.mark.parametrize("gain", [1.0, 2.0, 4.0])
def test_depth_scale_undoes_a_wrong_depth_scale(gain):
    left, right = shoulders_tilted(100.0, 45.0, gain)
    assert depth_scale(left, right, 100.0) == pytest.approx(1 / gain, rel=0.02)


def test_depth_scale_never_enlarges_depth_and_is_zero_without_foreshortening():
    left, right = shoulders_tilted(100.0, 45.0, 0.5)
    assert depth_scale(left, right, 100.0) == 1.0  # depth too small: kept as it is
    left, right = shoulders_tilted(100.0, 0.0, 1.0)
    left[:, 2] += 30.0  # depth differs, yet the picture shows the full width
    assert depth_scale(left, right, 100.0) == 0.0


def test_an_unknown_oblique_lateral_setting_is_refused_by_name():
    from dataclasses import replace

    from motorobs.config import SignalConfig
    from motorobs.signals.prepare import prepare_signals
    from tests.signals.synthetic import synthetic_dataset

    with pytest.raises(ValueError, match="oblique_lateral 'sideways'.*picture, depth"):
        prepare_signals(synthetic_dataset(n_frames=30, fps=15.0),
                        replace(SignalConfig(), oblique_lateral="sideways"))
