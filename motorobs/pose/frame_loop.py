"""The frame loop every pose backend shares: decoding, the frame step, the threads.

:func:`run_frames` decodes a video's upright frames (:func:`motorobs.io.video.iter_frames`
applies the file's rotation), keeps every ``step``-th (:func:`frame_step`), hands each to a
backend's :class:`~motorobs.pose.backend.FrameLandmarker` and writes the infant it follows
(:mod:`motorobs.pose.tracking`) into the landmark arrays. :func:`run_image` does the same for
one picture.

Cost (docs/performance.md): the landmarker's check (MediaPipe: the quarter-turn re-check),
its pose model and its hand model run in their own threads (:mod:`motorobs.pose.lanes`,
``PoseConfig.overlap_models``), up to :data:`LOOKAHEAD_FRAMES` frames ahead of the frame
whose close-up search runs in the calling thread; the results are the same as without
threads.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass

import numpy as np

from motorobs.config import PoseConfig
from motorobs.io.video import VideoInfo, iter_frames
from motorobs.landmarks import empty_arrays
from motorobs.pose.backend import FrameLandmarker
from motorobs.pose.lanes import Lanes
from motorobs.pose.tracking import HandGate, InfantChooser, InfantTracker, find_missed_hands

LOOKAHEAD_FRAMES = 2
"""Video: frames whose pose and hand models may run ahead of the frame being stored and
searched for missed hands (each held in memory until then)."""
ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` with numbers of analysed frames."""


def frame_step(fps: float, analysis_fps: float | None) -> int:
    """Analyse every ``step``-th frame so that at most ``analysis_fps`` frames/s are analysed."""
    if not analysis_fps or analysis_fps <= 0 or fps <= analysis_fps:
        return 1
    return max(1, int(round(fps / analysis_fps)))


@dataclass
class FrameRun:
    """What the frame loop found in a clip (or an image).

    Attributes
    ----------
    arrays
        The infant's landmarks (:func:`motorobs.landmarks.empty_arrays` layout), pixels of
        the upright frame, one row per analysed frame; NaN where not found.
    frames
        (T,) index of each analysed frame in the video.
    times_s
        (T,) time of each analysed frame (s).
    step
        Every ``step``-th frame was analysed.
    tracker
        The infant tracker, with its :class:`~motorobs.pose.tracking.SelectionLog`.
    """

    arrays: dict[str, np.ndarray]
    frames: np.ndarray
    times_s: np.ndarray
    step: int
    tracker: InfantTracker


def run_frames(info: VideoInfo, config: PoseConfig, landmarker: FrameLandmarker,
               progress: ProgressCallback | None = None) -> FrameRun:
    """Run ``landmarker`` over the analysed frames of a video and follow the infant.

    Parameters
    ----------
    info
        Probed video (:func:`motorobs.io.video.probe_video`).
    config
        ``analysis_fps`` sets the frame step; the tracking settings (hand matching,
        close-up search, hand-model schedule) are read by :mod:`motorobs.pose.tracking`.
    landmarker
        An opened landmarker (``backend.open(video=True)``).
    progress
        Optional ``progress(done, total)`` callback.

    Raises
    ------
    motorobs.errors.VideoError
        The video stops decoding well before its announced end.
    """
    step = frame_step(info.fps, config.analysis_fps)
    total = len(range(0, info.n_frames, step))
    arrays = empty_arrays(total)
    frames = np.zeros(total, dtype=np.int64)
    times = np.zeros(total)
    tracker = InfantTracker(config.hand_match_max_dist)
    choose, gate = InfantChooser(), HandGate(config, step / info.fps)
    n_done = 0
    in_flight: deque = deque()

    def people_of(rgb: np.ndarray, ms: int, checked: Future | None):  # pose lane
        return choose(landmarker.detect_people(rgb, ms, checked.result() if checked else None))

    def hands_of(people: Future, rgb: np.ndarray, ms: int, time_s: float):  # hand lane
        frame = people.result()
        if not gate(frame, time_s):
            return None
        return landmarker.detect_infant_hands(rgb, ms, frame.infant_pose)

    def finish() -> None:  # calling thread
        nonlocal n_done
        row, frame_index, time_s, rgb, people, hands = in_flight.popleft()
        frames[row], times[row] = frame_index, time_s
        tracker.store(arrays, row, people.result(), hands.result(), time_s)
        find_missed_hands(landmarker.detect_hands_in_box, config, tracker, arrays, row, rgb,
                          time_s)
        n_done = row + 1
        if progress:
            progress(n_done, total)

    with Lanes(("check", "pose", "hand"), threaded=config.overlap_models) as lanes:
        for row, (frame_index, time_s, rgb) in enumerate(iter_frames(info, step)):
            if row >= total:
                break
            ms = int(round(time_s * 1000))
            checked = lanes.submit("check", landmarker.check, rgb) \
                if landmarker.check_due(ms) else None
            people = lanes.submit("pose", people_of, rgb, ms, checked)
            hands = lanes.submit("hand", hands_of, people, rgb, ms, time_s)
            in_flight.append((row, frame_index, time_s, rgb, people, hands))
            if len(in_flight) > LOOKAHEAD_FRAMES:
                finish()
        while in_flight:
            finish()
    if n_done < total:  # the decoder delivered fewer frames than announced
        arrays = {k: v[:n_done] for k, v in arrays.items()}
        frames, times = frames[:n_done], times[:n_done]
    return FrameRun(arrays, frames, times, step, tracker)


def run_image(rgb: np.ndarray, config: PoseConfig, landmarker: FrameLandmarker) -> FrameRun:
    """The infant in one (H, W, 3) uint8 RGB picture, with ``landmarker`` opened for images
    (``backend.open(video=False)``): a one-row :class:`FrameRun` (frame 0, time 0 s)."""
    arrays = empty_arrays(1)
    tracker = InfantTracker(config.hand_match_max_dist)
    frame = InfantChooser()(landmarker.detect_people(rgb))
    hands = landmarker.detect_infant_hands(rgb, 0, frame.infant_pose)
    tracker.store(arrays, 0, frame, hands)
    find_missed_hands(landmarker.detect_hands_in_box, config, tracker, arrays, 0, rgb)
    return FrameRun(arrays, np.array([0]), np.array([0.0]), 1, tracker)
