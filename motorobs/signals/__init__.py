"""Cleaned, body-relative landmark signals: the input of every motor metric."""

from motorobs.signals.body_frame import BodyFrame, compute_body_frame
from motorobs.signals.bouts import find_bouts
from motorobs.signals.cleaning import (
    clean_trajectories,
    hampel_filter,
    interpolate_gaps,
    lowpass_filter,
    mask_low_confidence,
    time_derivative,
)
from motorobs.signals.posture import (
    POSTURES,
    PostureBout,
    PostureChange,
    classify_posture,
    posture_bouts,
    posture_changes,
)
from motorobs.signals.prepare import HAND_POINTS, BodySignals, prepare_signals
from motorobs.signals.view import VIEWS, ViewSegment, classify_view, view_segments

__all__ = [
    "HAND_POINTS",
    "POSTURES",
    "VIEWS",
    "BodyFrame",
    "BodySignals",
    "PostureBout",
    "PostureChange",
    "ViewSegment",
    "classify_posture",
    "classify_view",
    "clean_trajectories",
    "compute_body_frame",
    "find_bouts",
    "hampel_filter",
    "interpolate_gaps",
    "lowpass_filter",
    "mask_low_confidence",
    "posture_bouts",
    "posture_changes",
    "prepare_signals",
    "time_derivative",
    "view_segments",
]
