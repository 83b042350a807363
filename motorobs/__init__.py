"""motorobs: video-based infant motor observation.

Turns short caregiver clips of infant play and tummy time into pose and hand landmarks
(MediaPipe), motor metrics and reports a paediatric therapist can review.
Importing motorobs has no side effects (no downloads, no logging set-up, no folders).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("motorobs")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
