"""Errors motorobs raises for problems a user can fix.

Each message names the file concerned and says what to do; the command line prints the
message on one line (no traceback) and exits with a non-zero status.
"""

from __future__ import annotations


class MotorobsError(Exception):
    """Base class: a problem with the input or the set-up, explained for the user."""


class VideoError(MotorobsError):
    """A video cannot be used: missing, not a video, empty, unreadable or truncated."""


class ModelError(MotorobsError):
    """MediaPipe model bundles are missing, corrupt or cannot be downloaded."""


class NoInfantError(MotorobsError):
    """No infant was found in any frame of a clip."""


class LandmarksFileError(MotorobsError):
    """A landmarks file cannot be read back."""
