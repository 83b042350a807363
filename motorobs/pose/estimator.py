"""Landmark estimation with MediaPipe Tasks (PoseLandmarker + HandLandmarker, VIDEO mode).

Turns a video into the infant's landmarks dataset (:mod:`motorobs.landmarks`): every
analysed frame goes through the pose and hand models; the infant is picked among the people
found and the infant's hands among the hands found (:mod:`motorobs.pose.infant`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

import motorobs
from motorobs.config import PoseConfig
from motorobs.errors import ModelError
from motorobs.io.hashing import file_sha256
from motorobs.io.video import VideoInfo, iter_frames
from motorobs.landmarks import build_dataset, empty_arrays
from motorobs.pose.infant import (
    attribute_hands,
    choose_infant,
    torso_centre_px,
    torso_size_px,
)
from motorobs.pose.models import resolve_model
from motorobs.schema import HAND_LANDMARKS, POSE_LANDMARKS

ESTIMATOR_NAME = "mediapipe_tasks"
ProgressCallback = Callable[[int, int], None]
"""Called as ``progress(done, total)`` with numbers of analysed frames."""

_N_POSE = len(POSE_LANDMARKS)
_N_HAND = len(HAND_LANDMARKS)


def frame_step(fps: float, analysis_fps: float | None) -> int:
    """Analyse every ``step``-th frame so that at most ``analysis_fps`` frames/s are analysed."""
    if not analysis_fps or analysis_fps <= 0 or fps <= analysis_fps:
        return 1
    return max(1, int(round(fps / analysis_fps)))


@dataclass
class _SelectionLog:
    """How often each infant-selection rule was used, for the report."""

    rules: Counter = field(default_factory=Counter)
    frames_with_people: Counter = field(default_factory=Counter)
    adult_hands: int = 0

    def notes(self, n_frames: int) -> list[str]:
        notes = []
        crowded = sum(v for k, v in self.frames_with_people.items() if k > 1)
        if crowded:
            notes.append(
                f"More than one person was in view in {crowded} of {n_frames} analysed frames; "
                "the infant was taken to be the person continuing the infant's track, or else "
                f"the smaller body ({self.rules['smaller_body']} frames decided by size)."
            )
        if self.adult_hands:
            notes.append(
                f"{self.adult_hands} detected hand(s) did not match the infant's wrists and were "
                "ignored (likely a caregiver's hands)."
            )
        return notes


class LandmarkEstimator:
    """MediaPipe pose and hand landmarkers (use as a context manager).

    ``video=True`` (one video): timestamps must increase from call to call, as MediaPipe's
    VIDEO mode tracks across frames. ``video=False``: independent images (IMAGE mode).
    Pixel coordinates refer to the frame passed in.
    """

    def __init__(self, config: PoseConfig, *, video: bool = True) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        self.config = config
        self.video = video
        self.model_paths = {
            "pose": resolve_model(config.pose_model, config.model_dir),
            "hand": resolve_model(config.hand_model, config.model_dir),
        }
        mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
        try:
            self._pose = vision.PoseLandmarker.create_from_options(
                vision.PoseLandmarkerOptions(
                    base_options=BaseOptions(model_asset_path=str(self.model_paths["pose"])),
                    running_mode=mode,
                    num_poses=config.max_people,
                    min_pose_detection_confidence=config.min_detection_confidence,
                    min_tracking_confidence=config.min_tracking_confidence,
                )
            )
            self._hand = vision.HandLandmarker.create_from_options(
                vision.HandLandmarkerOptions(
                    base_options=BaseOptions(model_asset_path=str(self.model_paths["hand"])),
                    running_mode=mode,
                    num_hands=config.max_hands,
                    min_hand_detection_confidence=config.min_detection_confidence,
                    min_tracking_confidence=config.min_tracking_confidence,
                )
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelError(
                f"MediaPipe could not load the model bundles {self.model_paths} ({exc}). "
                "Delete them and run again to re-download, or put valid bundles in --model-dir."
            ) from exc

    def __enter__(self) -> LandmarkEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the MediaPipe graphs."""
        self._pose.close()
        self._hand.close()

    def detect(self, rgb: np.ndarray, timestamp_ms: int = 0) -> tuple[list, list]:
        """People and hands in one frame (``timestamp_ms`` is used in video mode only).

        Returns
        -------
        (people, hands)
            ``people``: one (33, 5) array per person, columns ``x_px, y_px, z, visibility,
            presence``; ``hands``: one ``((21, 3) array x_px, y_px, z; score)`` per hand.
        """
        import mediapipe as mp

        height, width = rgb.shape[:2]
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        if self.video:
            pose_result = self._pose.detect_for_video(image, timestamp_ms)
            hand_result = self._hand.detect_for_video(image, timestamp_ms)
        else:
            pose_result = self._pose.detect(image)
            hand_result = self._hand.detect(image)
        people = [
            np.array(
                [[p.x * width, p.y * height, p.z, p.visibility or 0.0, p.presence or 0.0]
                 for p in person]
            )
            for person in pose_result.pose_landmarks
        ]
        hands = [
            (
                np.array([[p.x * width, p.y * height, p.z] for p in hand]),
                float(handedness[0].score) if handedness else 0.0,
            )
            for hand, handedness in zip(hand_result.hand_landmarks, hand_result.handedness)
        ]
        return people, hands


def estimate_landmarks(
    info: VideoInfo, config: PoseConfig, progress: ProgressCallback | None = None
) -> xr.Dataset:
    """Run pose and hand estimation over a video and keep the infant's landmarks.

    Parameters
    ----------
    info
        Probed video (:func:`motorobs.io.video.probe_video`).
    config
        Model and detection settings; ``analysis_fps`` sets how many frames are analysed.
    progress
        Optional ``progress(done, total)`` callback.

    Returns
    -------
    xarray.Dataset
        The infant's landmarks (pixels of the upright frame), with provenance attributes
        and ``notes`` (JSON list of plain-language remarks on person selection).
    """
    step = frame_step(info.fps, config.analysis_fps)
    total = len(range(0, info.n_frames, step))
    arrays = empty_arrays(total)
    frames = np.zeros(total, dtype=np.int64)
    times = np.zeros(total)
    tracker = _InfantTracker(config.hand_match_max_dist)
    n_done = 0
    with LandmarkEstimator(config) as estimator:
        for row, (frame_index, time_s, rgb) in enumerate(iter_frames(info, step)):
            if row >= total:
                break
            frames[row], times[row] = frame_index, time_s
            people, hands = estimator.detect(rgb, int(round(time_s * 1000)))
            tracker.store(arrays, row, people, hands)
            n_done = row + 1
            if progress:
                progress(n_done, total)
    if n_done < total:  # the decoder delivered fewer frames than announced
        arrays = {k: v[:n_done] for k, v in arrays.items()}
        frames, times = frames[:n_done], times[:n_done]
    attrs = {
        "fps": info.fps,
        "analysis_step": step,
        "frame_width": info.width,
        "frame_height": info.height,
        "rotation_deg": info.rotation_deg,
        "source_video": str(info.path),
        "video_sha256": info.sha256,
        "estimator": ESTIMATOR_NAME,
        "motorobs_version": motorobs.__version__,
        "models": _model_provenance(estimator),
        "pose_config": json.dumps(_pose_config_dict(config), sort_keys=True),
        "notes": json.dumps(tracker.log.notes(n_done)),
    }
    return build_dataset(arrays, frames, times, attrs)


def estimate_image(rgb: np.ndarray, config: PoseConfig | None = None) -> xr.Dataset:
    """The infant's landmarks in one image, through the same estimator as the video path.

    Parameters
    ----------
    rgb
        (H, W, 3) uint8 image, RGB, upright.
    config
        Model and detection settings (defaults when ``None``).

    Returns
    -------
    xarray.Dataset
        A one-frame landmarks dataset (``time`` = [0.0]) in pixels of ``rgb``; all NaN when
        no person was found.
    """
    config = config or PoseConfig()
    arrays = empty_arrays(1)
    tracker = _InfantTracker(config.hand_match_max_dist)
    with LandmarkEstimator(config, video=False) as estimator:
        people, hands = estimator.detect(rgb)
        tracker.store(arrays, 0, people, hands)
        models = _model_provenance(estimator)
    attrs = {
        "frame_width": int(rgb.shape[1]),
        "frame_height": int(rgb.shape[0]),
        "estimator": ESTIMATOR_NAME,
        "motorobs_version": motorobs.__version__,
        "models": models,
        "notes": json.dumps(tracker.log.notes(1)),
    }
    return build_dataset(arrays, np.array([0]), np.array([0.0]), attrs)


def _model_provenance(estimator: LandmarkEstimator) -> str:
    return json.dumps(
        [{"name": Path(p).name, "sha256": file_sha256(p)} for p in estimator.model_paths.values()]
    )


class _InfantTracker:
    """Picks the infant and the infant's hands frame after frame (see motorobs.pose.infant)."""

    def __init__(self, hand_match_max_dist: float) -> None:
        self.hand_match_max_dist = hand_match_max_dist
        self.log = _SelectionLog()
        self.previous_centre: np.ndarray | None = None
        self.previous_size: float | None = None

    def store(self, arrays: dict[str, np.ndarray], row: int, people: list, hands: list) -> None:
        """Write the infant's pose and hands of one frame into row ``row`` of ``arrays``."""
        self.log.frames_with_people[len(people)] += 1
        index, rule = choose_infant(
            [p[:, :2] for p in people], self.previous_centre, self.previous_size
        )
        if index is None:
            return
        self.log.rules[rule] += 1
        infant = people[index]
        _store_pose(arrays, row, infant)
        self.previous_centre = torso_centre_px(infant[:, :2])
        self.previous_size = torso_size_px(infant[:, :2]) or self.previous_size
        owned = attribute_hands(
            infant[:, :2], [h[0][0, :2] for h in hands], self.hand_match_max_dist
        )
        self.log.adult_hands += len(hands) - len(owned)
        for side, h in owned.items():
            _store_hand(arrays, row, side, *hands[h])


def _pose_config_dict(config: PoseConfig) -> dict:
    """The pose settings that change the landmarks (everything but where models live)."""
    from dataclasses import asdict

    return {k: v for k, v in asdict(config).items() if k != "model_dir"}


def _store_pose(arrays: dict[str, np.ndarray], row: int, person: np.ndarray) -> None:
    arrays["position"][row, :, :_N_POSE] = person[:, :2].T
    arrays["depth_z"][row, :_N_POSE] = person[:, 2]
    arrays["visibility"][row, :_N_POSE] = person[:, 3]
    arrays["presence"][row, :_N_POSE] = person[:, 4]
    arrays["confidence"][row, :_N_POSE] = person[:, 3]


def _store_hand(
    arrays: dict[str, np.ndarray], row: int, side: str, hand: np.ndarray, score: float
) -> None:
    start = _N_POSE + (0 if side == "left" else _N_HAND)
    cols = slice(start, start + _N_HAND)
    arrays["position"][row, :, cols] = hand[:, :2].T
    arrays["depth_z"][row, cols] = hand[:, 2]
    for name in ("visibility", "presence", "confidence"):
        arrays[name][row, cols] = score
