"""Which quarter turn of the frame a pose model that expects upright people should see.

Infants lie at any angle; MediaPipe's pose model expects people upright. The ``"infant"``
estimator (:mod:`motorobs.pose.mediapipe_backend`) shows the model the frame turned by one,
two and three quarter turns as well, and keeps a turn other than the current one only when
the model is clearly surer of the infant's pose in it (:data:`SWITCH_MARGIN`) or finds the
infant only there. On video the choice is made on the first frame and re-checked every
``rotation_check_s`` seconds (:class:`TurnSchedule`).
"""

from __future__ import annotations

import numpy as np

SWITCH_MARGIN = 0.05
"""``"infant"``: another quarter turn replaces the upright frame (images, and the first frame
of a video) or the current turn (later video checks) only if its pose score (mean landmark
presence, 0..1) is higher by more than this, or if the kept turn finds no one. Scores of
good poses all sit near 1.0, so without this margin the choice between them is noise."""


def choose_turn(found: dict[int, list], scores: dict[int, float],
                preferred: int = 0) -> tuple[int, list[np.ndarray], dict[int, float]]:
    """The quarter turn to keep among the turns that found the infant.

    Parameters
    ----------
    found, scores
        Per quarter turn (0..3, counter-clockwise) that found the infant: the people found
        (pixels of the upright frame) and the infant's pose score
        (:func:`motorobs.pose.refine.pose_score`).
    preferred
        The turn kept unless another scores more than :data:`SWITCH_MARGIN` higher or it
        found no one.

    Returns
    -------
    (turns, people of that turn, scores)
        ``(preferred, [], {})`` when no turn found the infant.
    """
    if not scores:
        return preferred, [], scores
    best = max(scores, key=lambda t: (scores[t], -t))
    if preferred in scores and scores[best] <= scores[preferred] + SWITCH_MARGIN:
        best = preferred
    return best, found[best], scores


class TurnSchedule:
    """Video: on which frames the quarter turn is re-checked: the first, then every
    ``every_s`` seconds (``0``: the first only)."""

    def __init__(self, every_s: float) -> None:
        self.every_ms = every_s * 1000
        self._last_ms: int | None = None

    def due(self, timestamp_ms: int) -> bool:
        """Whether the frame at ``timestamp_ms`` gets a check (called once per frame, in
        order)."""
        due = self._last_ms is None or (
            self.every_ms > 0 and timestamp_ms - self._last_ms >= self.every_ms
        )
        if due:
            self._last_ms = timestamp_ms
        return due
