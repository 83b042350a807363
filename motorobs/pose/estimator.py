"""Landmark estimation with MediaPipe Tasks (PoseLandmarker + HandLandmarker, VIDEO mode).

Turns a video into the infant's landmarks dataset (:mod:`motorobs.landmarks`): every
analysed frame goes through the pose and hand models; the infant is picked among the people
found and the infant's hands among the hands found (:mod:`motorobs.pose.infant`).

Two estimators (``PoseConfig.estimator``, recorded in the dataset's ``attrs["estimator"]``):

* ``"mediapipe"``: the frame goes to MediaPipe as it is.
* ``"infant"`` (default): MediaPipe expects upright people, infants lie at any angle. The pose
  model also sees the frame turned by one, two and three quarter turns; a turn replaces the
  upright frame only when the model is clearly surer of the infant's pose in it
  (:func:`motorobs.pose.refine.pose_score`, :data:`SWITCH_MARGIN`) or finds the infant only
  there; the landmarks are mapped back to the upright frame exactly. Images try the four
  turns each time; videos decide the turn on the first frame and re-check it every
  ``rotation_check_s`` seconds with the same rule, the current turn taking the place of the
  upright one (so tracking stays smooth). The hand model always sees
  the upright frame (its palm detector handles any rotation).

With ``PoseConfig.hand_crops`` (default), a side of the infant that got no hand from the
full-frame hand model is searched again in a close-up of its elbow, enlarged to
``HAND_CROP_PX`` pixels (rule 3 of :mod:`motorobs.pose.infant`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
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
    hand_search_box,
    pick_crop_hand,
    torso_centre_px,
    torso_size_px,
)
from motorobs.pose.models import resolve_model
from motorobs.pose.refine import pose_score, quarter_to_original, rotate_quarter
from motorobs.schema import HAND_LANDMARKS, POSE_LANDMARKS

ESTIMATORS: tuple[str, ...] = ("infant", "mediapipe")
"""Valid values of ``PoseConfig.estimator``."""
SWITCH_MARGIN = 0.05
"""``"infant"``: another quarter turn replaces the upright frame (images, and the first frame
of a video) or the current turn (later video checks) only if its pose score (mean landmark
presence, 0..1) is higher by more than this, or if the kept turn finds no one. Scores of
good poses all sit near 1.0, so without this margin the choice between them is noise."""
HAND_CROP_PX = 256
"""Side (pixels) to which the close-up searched for a missed hand is resized: about the
size at which the hand model's palm detector finds an infant's hand."""
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
    crop_hands: int = 0

    def crowded_frames(self) -> int:
        """Analysed frames in which the pose model found more than one person."""
        return sum(v for k, v in self.frames_with_people.items() if k > 1)

    def notes(self, n_frames: int) -> list[str]:
        notes = []
        crowded = self.crowded_frames()
        if crowded:
            notes.append(
                f"More than one person was in view in {crowded} of {n_frames} analysed frames; "
                "the infant was taken to be the person continuing the infant's track, or else "
                f"the smaller body ({self.rules['smaller_body']} frames decided by size)."
            )
        if self.crop_hands:
            notes.append(
                f"{self.crop_hands} time(s), a hand of the baby was found only by looking "
                "again closely around the elbow (it is small in the picture)."
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
    Pixel coordinates always refer to the frame passed in (upright), whatever turn the pose
    model saw.
    """

    def __init__(self, config: PoseConfig, *, video: bool = True) -> None:
        if config.estimator not in ESTIMATORS:
            raise ValueError(
                f"Unknown pose estimator {config.estimator!r}; expected one of {ESTIMATORS}."
            )
        from mediapipe.tasks.python import BaseOptions, vision

        self.config = config
        self.video = video
        self.model_paths = {
            "pose": resolve_model(config.pose_model, config.model_dir),
            "hand": resolve_model(config.hand_model, config.model_dir),
        }
        self._vision, self._base_options = vision, BaseOptions
        self._pose_models: dict[tuple[bool, int], object] = {}
        self.turns = 0
        """Quarter turns (counter-clockwise) the pose model currently sees in video mode."""
        self.turn_log: list[tuple[int, int]] = []
        """``(timestamp_ms, turns)`` each time the video-mode turn was set."""
        self._last_check_ms: int | None = None
        mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
        try:
            self._pose_model(video, 0)
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
            self.close()
            raise ModelError(
                f"MediaPipe could not load the model bundles {self.model_paths} ({exc}). "
                "Delete them and run again to re-download, or put valid bundles in --model-dir."
            ) from exc

    def _pose_model(self, video: bool, turns: int):
        """The pose landmarker for a running mode and quarter turn (one per turn in video
        mode, so each keeps its own tracking state), created on first use."""
        key = (video, turns if video else 0)
        if key not in self._pose_models:
            vision = self._vision
            mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
            self._pose_models[key] = vision.PoseLandmarker.create_from_options(
                vision.PoseLandmarkerOptions(
                    base_options=self._base_options(
                        model_asset_path=str(self.model_paths["pose"])
                    ),
                    running_mode=mode,
                    num_poses=self.config.max_people,
                    min_pose_detection_confidence=self.config.min_detection_confidence,
                    min_tracking_confidence=self.config.min_tracking_confidence,
                )
            )
        return self._pose_models[key]

    def __enter__(self) -> LandmarkEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the MediaPipe graphs."""
        for model in self._pose_models.values():
            model.close()
        self._pose_models = {}
        for name in ("_hand", "_crop_hand"):
            if getattr(self, name, None) is not None:
                getattr(self, name).close()
                setattr(self, name, None)

    def detect_pose(
        self, rgb: np.ndarray, timestamp_ms: int = 0, turns: int = 0, *, video: bool | None = None
    ) -> list[np.ndarray]:
        """People in one frame, the pose model seeing it turned by ``turns`` quarter turns.

        Returns one (33, 5) array per person, columns ``x_px, y_px, z, visibility,
        presence``, with x, y in pixels of ``rgb`` (mapped back from the turned frame).
        """
        import mediapipe as mp

        video = self.video if video is None else video
        height, width = rgb.shape[:2]
        turned = rotate_quarter(rgb, turns) if turns % 4 else np.ascontiguousarray(rgb)
        t_height, t_width = turned.shape[:2]
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=turned)
        model = self._pose_model(video, turns % 4)
        result = model.detect_for_video(image, timestamp_ms) if video else model.detect(image)
        people = []
        for person in result.pose_landmarks:
            arr = np.array(
                [[p.x * t_width, p.y * t_height, p.z, p.visibility or 0.0, p.presence or 0.0]
                 for p in person]
            )
            arr[:, :2] = quarter_to_original(arr[:, :2], turns, width, height)
            people.append(arr)
        return people

    def detect_hands(self, rgb: np.ndarray, timestamp_ms: int = 0) -> list:
        """Hands in one (upright) frame: ``((21, 3) array x_px, y_px, z; score)`` per hand."""
        import mediapipe as mp

        height, width = rgb.shape[:2]
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        if self.video:
            result = self._hand.detect_for_video(image, timestamp_ms)
        else:
            result = self._hand.detect(image)
        return [
            (
                np.array([[p.x * width, p.y * height, p.z] for p in hand]),
                float(handedness[0].score) if handedness else 0.0,
            )
            for hand, handedness in zip(result.hand_landmarks, result.handedness, strict=False)
        ]

    def detect_hands_in_box(self, rgb: np.ndarray, box: tuple[int, int, int, int]) -> list:
        """Hands in the ``(x0, y0, x1, y1)`` part of ``rgb``, enlarged to ``HAND_CROP_PX``
        (IMAGE mode): ``((21, 3) array x_px, y_px, z; score)`` per hand, pixels of ``rgb``."""
        import mediapipe as mp

        if getattr(self, "_crop_hand", None) is None:
            vision = self._vision
            self._crop_hand = vision.HandLandmarker.create_from_options(
                vision.HandLandmarkerOptions(
                    base_options=self._base_options(
                        model_asset_path=str(self.model_paths["hand"])),
                    running_mode=vision.RunningMode.IMAGE,
                    num_hands=2,
                    min_hand_detection_confidence=self.config.min_detection_confidence,
                )
            )
        x0, y0, x1, y1 = box
        crop = cv2.resize(rgb[y0:y1, x0:x1], (HAND_CROP_PX, HAND_CROP_PX),
                          interpolation=cv2.INTER_CUBIC)
        result = self._crop_hand.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=crop))
        sx, sy = (x1 - x0) / HAND_CROP_PX, (y1 - y0) / HAND_CROP_PX
        return [
            (
                np.array([[x0 + p.x * HAND_CROP_PX * sx, y0 + p.y * HAND_CROP_PX * sy,
                           p.z * HAND_CROP_PX * sx / rgb.shape[1]] for p in hand]),
                float(handedness[0].score) if handedness else 0.0,
            )
            for hand, handedness in zip(result.hand_landmarks, result.handedness, strict=False)
        ]

    def best_turn(
        self, rgb: np.ndarray, preferred: int = 0
    ) -> tuple[int, list[np.ndarray], dict[int, float]]:
        """Try the four quarter turns on one frame (IMAGE mode) and keep the surest.

        Parameters
        ----------
        rgb
            (H, W, 3) uint8 upright frame.
        preferred
            The turn kept unless another scores more than :data:`SWITCH_MARGIN` higher or
            it finds no one (0: the upright frame; in video, the current turn).

        Returns
        -------
        (turns, people, scores)
            The chosen number of quarter turns, the people found in that turn (pixels of
            ``rgb``), and the infant's :func:`~motorobs.pose.refine.pose_score` per turn
            that found someone.
        """
        found: dict[int, list[np.ndarray]] = {}
        scores: dict[int, float] = {}
        for turns in range(4):
            people = self.detect_pose(rgb, turns=turns, video=False)
            index, _ = choose_infant([p[:, :2] for p in people], None, None)
            if index is not None:
                found[turns], scores[turns] = people, pose_score(people[index])
        if not scores:
            return preferred, [], scores
        best = max(scores, key=lambda t: (scores[t], -t))
        if preferred in scores and scores[best] <= scores[preferred] + SWITCH_MARGIN:
            best = preferred
        return best, found[best], scores

    def detect(self, rgb: np.ndarray, timestamp_ms: int = 0) -> tuple[list, list]:
        """People and hands in one frame (``timestamp_ms`` is used in video mode only).

        With ``estimator="infant"`` the pose model sees the frame turned as described in
        the module docstring; coordinates are always pixels of ``rgb``.

        Returns
        -------
        (people, hands)
            ``people``: one (33, 5) array per person, columns ``x_px, y_px, z, visibility,
            presence``; ``hands``: one ``((21, 3) array x_px, y_px, z; score)`` per hand.
        """
        if self.config.estimator == "mediapipe":
            people = self.detect_pose(rgb, timestamp_ms)
        elif not self.video:
            _, people, _ = self.best_turn(rgb)
        else:
            people = self._detect_video_infant(rgb, timestamp_ms)
        return people, self.detect_hands(rgb, timestamp_ms)

    def _detect_video_infant(self, rgb: np.ndarray, timestamp_ms: int) -> list[np.ndarray]:
        check_ms = self.config.rotation_check_s * 1000
        due = self._last_check_ms is None or (
            check_ms > 0 and timestamp_ms - self._last_check_ms >= check_ms
        )
        if due:
            self._last_check_ms = timestamp_ms
            best, _, _ = self.best_turn(rgb, preferred=self.turns)
            if not self.turn_log or best != self.turns:
                self.turns = best
                self.turn_log.append((timestamp_ms, best))
        return self.detect_pose(rgb, timestamp_ms, self.turns)


def estimate_landmarks(
    info: VideoInfo, config: PoseConfig, progress: ProgressCallback | None = None
) -> xr.Dataset:
    """Run pose and hand estimation over a video and keep the infant's landmarks.

    Parameters
    ----------
    info
        Probed video (:func:`motorobs.io.video.probe_video`).
    config
        Model and detection settings; ``analysis_fps`` sets how many frames are analysed,
        ``estimator`` which estimator runs (see the module docstring).
    progress
        Optional ``progress(done, total)`` callback.

    Returns
    -------
    xarray.Dataset
        The infant's landmarks (pixels of the upright frame), with provenance attributes,
        ``estimator`` (which one ran), ``pose_turns`` (JSON list of ``[time_s, quarter
        turns]`` each time the infant estimator set the turn the pose model sees) and
        ``notes`` (JSON list of plain-language remarks on person selection).
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
            _find_missed_hands(estimator, tracker, arrays, row, rgb)
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
        "estimator": config.estimator,
        "pose_turns": json.dumps([[ms / 1000.0, t] for ms, t in estimator.turn_log]),
        "motorobs_version": motorobs.__version__,
        "models": _model_provenance(estimator),
        "pose_config": json.dumps(_pose_config_dict(config), sort_keys=True),
        "notes": json.dumps(tracker.log.notes(n_done)),
        "frames_with_several_people": tracker.log.crowded_frames(),
    }
    return build_dataset(arrays, frames, times, attrs)


class ImageLandmarker:
    """The single-image estimator, reusable over many images (a context manager).

    ``landmarker(rgb)`` gives what :func:`estimate_image` gives, without reloading the
    models for every image (used by :mod:`motorobs.pose.evaluation`).
    """

    def __init__(self, config: PoseConfig | None = None) -> None:
        self.config = config or PoseConfig()
        self._estimator = LandmarkEstimator(self.config, video=False)
        self._models = _model_provenance(self._estimator)

    def __enter__(self) -> ImageLandmarker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the MediaPipe graphs."""
        self._estimator.close()

    def __call__(self, rgb: np.ndarray) -> xr.Dataset:
        """A one-frame landmarks dataset of ``rgb`` (see :func:`estimate_image`)."""
        arrays = empty_arrays(1)
        tracker = _InfantTracker(self.config.hand_match_max_dist)
        people, hands = self._estimator.detect(rgb)
        tracker.store(arrays, 0, people, hands)
        _find_missed_hands(self._estimator, tracker, arrays, 0, rgb)
        attrs = {
            "frame_width": int(rgb.shape[1]),
            "frame_height": int(rgb.shape[0]),
            "estimator": self.config.estimator,
            "motorobs_version": motorobs.__version__,
            "models": self._models,
            "pose_config": json.dumps(_pose_config_dict(self.config), sort_keys=True),
            "notes": json.dumps(tracker.log.notes(1)),
        }
        return build_dataset(arrays, np.array([0]), np.array([0.0]), attrs)


def estimate_image(rgb: np.ndarray, config: PoseConfig | None = None) -> xr.Dataset:
    """The infant's landmarks in one image, through the same estimator as the video path.

    Parameters
    ----------
    rgb
        (H, W, 3) uint8 image, RGB, upright.
    config
        Model and detection settings (defaults when ``None``: the ``"infant"`` estimator,
        which tries the image in four quarter turns).

    Returns
    -------
    xarray.Dataset
        A one-frame landmarks dataset (``time`` = [0.0]) in pixels of ``rgb``; all NaN when
        no person was found. ``attrs["estimator"]`` names the estimator that ran.
    """
    with ImageLandmarker(config) as landmarker:
        return landmarker(rgb)


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
        self.previous_hands: dict[str, np.ndarray] = {}
        self.frame_infant: np.ndarray | None = None
        """(33, 2) pose of the infant in the frame last stored (None if not found)."""

    def store(self, arrays: dict[str, np.ndarray], row: int, people: list, hands: list) -> None:
        """Write the infant's pose and hands of one frame into row ``row`` of ``arrays``."""
        self.log.frames_with_people[len(people)] += 1
        index, rule = choose_infant(
            [p[:, :2] for p in people], self.previous_centre, self.previous_size
        )
        self.frame_infant = None
        if index is None:
            self.previous_hands = {}
            return
        self.log.rules[rule] += 1
        infant = people[index]
        self.frame_infant = infant[:, :2]
        _store_pose(arrays, row, infant)
        self.previous_centre = torso_centre_px(infant[:, :2])
        self.previous_size = torso_size_px(infant[:, :2]) or self.previous_size
        owned = attribute_hands(
            infant[:, :2],
            [h[0][0, :2] for h in hands],
            self.hand_match_max_dist,
            previous=self.previous_hands,
        )
        self.previous_hands = {side: hands[h][0][0, :2] for side, h in owned.items()}
        self.log.adult_hands += len(hands) - len(owned)
        for side, h in owned.items():
            _store_hand(arrays, row, side, *hands[h])

    def store_crop_hand(self, arrays: dict[str, np.ndarray], row: int, side: str,
                        hands: list) -> None:
        """Keep the hand found in the ``side`` elbow's close-up that is the infant's
        (:func:`motorobs.pose.infant.pick_crop_hand`), if any, as that side's hand."""
        if self.frame_infant is None or not hands:
            return
        other = "right" if side == "left" else "left"
        h = pick_crop_hand(self.frame_infant, side, [hand[0][0, :2] for hand in hands],
                           self.previous_hands.get(other))
        if h is None:
            return
        _store_hand(arrays, row, side, *hands[h])
        self.previous_hands[side] = hands[h][0][0, :2]
        self.log.crop_hands += 1


def _find_missed_hands(estimator: LandmarkEstimator, tracker: _InfantTracker,
                       arrays: dict[str, np.ndarray], row: int, rgb: np.ndarray) -> None:
    """Search a close-up of the elbow for each infant hand the full frame did not give."""
    if not estimator.config.hand_crops or tracker.frame_infant is None:
        return
    for side in ("left", "right"):
        if side in tracker.previous_hands:
            continue
        box = hand_search_box(tracker.frame_infant, side, *rgb.shape[:2])
        if box is not None:
            tracker.store_crop_hand(arrays, row, side, estimator.detect_hands_in_box(rgb, box))


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
