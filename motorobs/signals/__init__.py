"""Cleaned, body-relative landmark signals: the input of every motor metric."""

from motorobs.signals.body_frame import BodyFrame, compute_body_frame
from motorobs.signals.cleaning import (
    clean_trajectories,
    interpolate_gaps,
    lowpass_filter,
    mask_low_confidence,
    time_derivative,
)
from motorobs.signals.posture import POSTURES, VIEWS, classify_posture, classify_view
from motorobs.signals.prepare import HAND_POINTS, BodySignals, prepare_signals

__all__ = [
    "HAND_POINTS",
    "POSTURES",
    "VIEWS",
    "BodyFrame",
    "BodySignals",
    "classify_posture",
    "classify_view",
    "clean_trajectories",
    "compute_body_frame",
    "interpolate_gaps",
    "lowpass_filter",
    "mask_low_confidence",
    "prepare_signals",
    "time_derivative",
]
