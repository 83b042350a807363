"""When the close-up search for a missed hand is worth its cost (pure functions).

The close-up search (rule 3 of :mod:`motorobs.pose.infant`) runs the hand model once more,
on an enlarged crop around the elbow of each side that the full-frame hand model left
without a hand. Where the hand is in view but small, it finds it in most frames. Where the
hand is hidden (on the far side of the body from a side-on camera, under a blanket, out of
the picture), it finds nothing frame after frame, and those searches are wasted: in side-on
tummy-time clips that is one search per frame.

So a side is searched on every analysed frame while its hand was seen recently (within
``PoseConfig.hand_search_patience_s``: a hand just lost is likely to be found again close
by, and a find within the gap the signal cleaning bridges also restores the frames in
between); once it has stayed unseen longer, the search is repeated only every
``PoseConfig.hand_search_retry_s``, and back on every frame as soon as it finds the hand.
Times are in seconds of the video.
"""

from __future__ import annotations

_EPS_S = 1e-6
"""Slack (s) for comparing times computed as frame index / fps."""


def close_up_due(
    now_s: float,
    last_seen_s: float | None,
    last_search_s: float | None,
    patience_s: float,
    retry_s: float,
) -> bool:
    """Whether a side without a hand from the full-frame model gets the close-up search.

    Parameters
    ----------
    now_s
        Time (s) of the frame.
    last_seen_s
        Time (s) the side last had a hand (from either search), or, when it never had one,
        when it was first considered for the close-up search; ``None``: neither yet.
    last_search_s
        Time (s) of the side's last close-up search; ``None``: never searched.
    patience_s
        Search on every frame while the hand was seen no longer ago than this (s).
    retry_s
        After that, search again when this long (s) has passed since the last search;
        ``<= 0``: search on every frame (no back-off).

    Returns
    -------
    bool
        True when the side should be searched in this frame.
    """
    if retry_s <= 0 or last_search_s is None or last_seen_s is None:
        return True
    if now_s - last_seen_s <= patience_s + _EPS_S:
        return True
    return now_s - last_search_s >= retry_s - _EPS_S


def hand_model_due(
    now_s: float,
    last_run_s: float | None,
    frame_interval_s: float,
    max_gap_s: float,
    wrists_in_view: bool,
) -> bool:
    """Whether the full-frame hand model runs on a frame in which the infant was found.

    Where a pose wrist is not in view, the hand model's wrist stands in for it in every
    hand metric (``left_hand_point``/``right_hand_point`` of :mod:`motorobs.signals`), whose
    speeds need every analysed frame: the hand model runs. Where both pose wrists are in
    view, the hand model only adds the fingers, for the hand aperture; it then runs just
    often enough that no two hand-model frames are more than ``max_gap_s`` apart.

    Parameters
    ----------
    now_s
        Time (s) of the frame.
    last_run_s
        Time (s) of the last frame the hand model ran on; ``None``: none yet.
    frame_interval_s
        Time (s) between two analysed frames.
    max_gap_s
        Longest time (s) between two hand-model frames while both wrists are in view;
        ``<= frame_interval_s``: every frame.
    wrists_in_view
        Whether both of the infant's pose wrists are in view in this frame.

    Returns
    -------
    bool
        False only when skipping this frame keeps the gap to the next analysed frame within
        ``max_gap_s``.
    """
    if not wrists_in_view or last_run_s is None:
        return True
    return now_s + frame_interval_s - last_run_s > max_gap_s + _EPS_S
