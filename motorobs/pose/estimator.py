"""Landmark estimation with MediaPipe Tasks (PoseLandmarker + HandLandmarker, VIDEO mode).

Turns a video into the infant's landmarks dataset (:mod:`motorobs.landmarks`): every
analysed frame goes through the pose model, and every one in which the infant was found
through the hand model (:class:`motorobs.pose.tracking.HandGate`); the infant is picked
among the people found (:mod:`motorobs.pose.infant`, :mod:`motorobs.pose.tracking`), and its
hands are looked for where its pose puts them (:mod:`motorobs.pose.hand_tracking`) or, with
``hand_finder="frame"``, picked among the hands found in the whole frame.

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
``HAND_CROP_PX`` pixels (rule 3 of :mod:`motorobs.pose.infant`); a side whose hand stays
unseen is searched less often (:mod:`motorobs.pose.schedule`). ``PoseConfig.hands_every_frame``
turns both savings off (hand model and close-ups on every analysed frame).

Cost (docs/performance.md): on a video the pose model, the hand model and the quarter-turn
re-checks run in their own threads (:mod:`motorobs.pose.lanes`, ``PoseConfig.overlap_models``),
up to :data:`LOOKAHEAD_FRAMES` frames ahead of the frame whose close-up search runs in the
calling thread; the results are the same as without threads. With ``hand_finder="pose"``
(default) the hand model is MediaPipe's hand landmark network alone, run on the regions the
infant's pose gives (:mod:`motorobs.pose.hand_tracking`), not the full-frame HandLandmarker.
The stateless IMAGE-mode graphs (quarter turns, close-ups) are reused across clips
(:mod:`motorobs.pose.graphs`).
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
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
from motorobs.pose import graphs
from motorobs.pose.hand_net import HandLandmarkNetwork, runtime_available
from motorobs.pose.hand_tracking import RegionHandFinder
from motorobs.pose.infant import choose_infant
from motorobs.pose.lanes import Lanes
from motorobs.pose.models import resolve_model
from motorobs.pose.refine import pose_score, quarter_to_original, rotate_quarter
from motorobs.pose.tracking import HandGate, InfantChooser, InfantTracker, find_missed_hands

log = logging.getLogger(__name__)
ESTIMATORS: tuple[str, ...] = ("infant", "mediapipe")
"""Valid values of ``PoseConfig.estimator``."""
HAND_FINDERS: tuple[str, ...] = ("pose", "frame")
"""Valid values of ``PoseConfig.hand_finder``."""
SWITCH_MARGIN = 0.05
"""``"infant"``: another quarter turn replaces the upright frame (images, and the first frame
of a video) or the current turn (later video checks) only if its pose score (mean landmark
presence, 0..1) is higher by more than this, or if the kept turn finds no one. Scores of
good poses all sit near 1.0, so without this margin the choice between them is noise."""
HAND_CROP_PX = 256
"""Side (pixels) to which the close-up searched for a missed hand is resized: about the
size at which the hand model's palm detector finds an infant's hand."""
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
        if config.hand_finder not in HAND_FINDERS:
            raise ValueError(
                f"Unknown hand finder {config.hand_finder!r}; expected one of {HAND_FINDERS}."
            )
        from mediapipe.tasks.python import BaseOptions, vision

        self.config = config
        self.video = video
        self.hand_finder = hand_finder_of(config)
        """The hand finder that runs (:func:`hand_finder_of`)."""
        if self.hand_finder != config.hand_finder and not config.hands_every_frame:
            log.warning("The LiteRT runtime (ai-edge-litert) is not installed: hands are "
                        "found with MediaPipe's full-frame hand landmarker "
                        "(hand_finder='frame'), which is slower.")
        self.model_paths = {
            "pose": resolve_model(config.pose_model, config.model_dir),
            "hand": resolve_model(config.hand_model, config.model_dir),
        }
        self._vision, self._base_options = vision, BaseOptions
        self._pose_models: dict[tuple[bool, int], object] = {}
        self._taken: list[tuple[tuple, object]] = []
        """IMAGE-mode graphs taken from :mod:`motorobs.pose.graphs`, given back on close."""
        self.turns = 0
        """Quarter turns (counter-clockwise) the pose model currently sees in video mode."""
        self.turn_log: list[tuple[int, int]] = []
        """``(timestamp_ms, turns)`` each time the video-mode turn was set."""
        self._last_check_ms: int | None = None
        self._hand = self._regions = None
        try:
            self._pose_model(video, 0)
            if self.hand_finder == "frame":
                self._hand = self._hand_model(video, config.max_hands)
            else:
                self._regions = RegionHandFinder(
                    HandLandmarkNetwork(self.model_paths["hand"]), config, track=video)
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
            vision, config = self._vision, self.config
            mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE

            def create():
                return vision.PoseLandmarker.create_from_options(
                    vision.PoseLandmarkerOptions(
                        base_options=self._base_options(
                            model_asset_path=str(self.model_paths["pose"])
                        ),
                        running_mode=mode,
                        num_poses=config.max_people,
                        min_pose_detection_confidence=config.min_detection_confidence,
                        min_tracking_confidence=config.min_tracking_confidence,
                    )
                )

            self._pose_models[key] = create() if video else self._take(
                ("pose", graphs.model_key(self.model_paths["pose"]), config.max_people,
                 config.min_detection_confidence, config.min_tracking_confidence), create)
        return self._pose_models[key]

    def _hand_model(self, video: bool, num_hands: int):
        """A new VIDEO-mode hand landmarker, or an IMAGE-mode one from the shared pool."""
        vision, config = self._vision, self.config

        def create():
            return vision.HandLandmarker.create_from_options(
                vision.HandLandmarkerOptions(
                    base_options=self._base_options(model_asset_path=str(self.model_paths["hand"])),
                    running_mode=vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE,
                    num_hands=num_hands,
                    min_hand_detection_confidence=config.min_detection_confidence,
                    min_tracking_confidence=config.min_tracking_confidence,
                )
            )

        if video:
            return create()
        return self._take(("hand", graphs.model_key(self.model_paths["hand"]), num_hands,
                           config.min_detection_confidence, config.min_tracking_confidence),
                          create)

    def _take(self, key: tuple, create: Callable[[], object]) -> object:
        graph = graphs.take(key, create)
        self._taken.append((key, graph))
        return graph

    def __enter__(self) -> LandmarkEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the MediaPipe graphs: close the VIDEO-mode ones, give the IMAGE-mode ones
        back to :mod:`motorobs.pose.graphs` for the next estimator."""
        kept = {id(graph) for _, graph in self._taken}
        models = [*self._pose_models.values(), getattr(self, "_hand", None),
                  getattr(self, "_crop_hand", None)]
        for model in models:
            if model is not None and id(model) not in kept:
                model.close()
        for key, graph in self._taken:
            graphs.give_back(key, graph)
        self._pose_models, self._taken = {}, []
        self._hand = self._crop_hand = None

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

    def detect_infant_hands(self, rgb: np.ndarray, timestamp_ms: int,
                            infant: np.ndarray | None) -> list | dict:
        """The hands of one frame with the configured finder (:attr:`hand_finder`).

        ``"frame"``: every hand in the frame, as :meth:`detect_hands` (to be attributed);
        ``"pose"``: ``{side: ((21, 3) array, presence)}``, the infant's hands found from
        ``infant``, its (33, 5) pose (:class:`motorobs.pose.hand_tracking.RegionHandFinder`).
        """
        if self._regions is not None:
            return self._regions(rgb, infant)
        return self.detect_hands(rgb, timestamp_ms)

    @property
    def region_calls(self) -> int:
        """Hand landmark network calls of the ``"pose"`` finder so far."""
        return 0 if self._regions is None else self._regions.calls

    def detect_hands(self, rgb: np.ndarray, timestamp_ms: int = 0) -> list:
        """Hands in one (upright) frame: ``((21, 3) array x_px, y_px, z; score)`` per hand
        (MediaPipe's HandLandmarker over the whole frame)."""
        import mediapipe as mp

        if self._hand is None:
            self._hand = self._hand_model(self.video, self.config.max_hands)

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
            self._crop_hand = self._hand_model(False, 2)
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
        return choose_turn(*self.turn_candidates(rgb), preferred)

    def turn_candidates(self, rgb: np.ndarray) -> tuple[dict[int, list], dict[int, float]]:
        """The people the pose model finds in each quarter turn of ``rgb`` (IMAGE mode):
        ``(found, scores)``, both keyed by turn, for the turns that found the infant
        (:func:`choose_turn` picks one)."""
        found: dict[int, list[np.ndarray]] = {}
        scores: dict[int, float] = {}
        for turns in range(4):
            people = self.detect_pose(rgb, turns=turns, video=False)
            index, _ = choose_infant([p[:, :2] for p in people], None, None)
            if index is not None:
                found[turns], scores[turns] = people, pose_score(people[index])
        return found, scores

    def detect_people(self, rgb: np.ndarray, timestamp_ms: int = 0,
                      candidates: tuple[dict, dict] | None = None) -> list[np.ndarray]:
        """People in one frame (the pose models only), pixels of ``rgb``: one (33, 5) array
        per person, columns ``x_px, y_px, z, visibility, presence``; with ``estimator="infant"``
        the pose model sees the frame turned as described in the module docstring.

        Video, ``"infant"`` estimator: ``candidates`` are the :meth:`turn_candidates` of this
        frame when a quarter-turn re-check is due (:meth:`check_due`), else None.
        """
        if self.config.estimator == "mediapipe":
            return self.detect_pose(rgb, timestamp_ms)
        if not self.video:
            return self.best_turn(rgb)[1]
        if candidates is not None:
            best, _, _ = choose_turn(*candidates, self.turns)
            if not self.turn_log or best != self.turns:
                self.turns = best
                self.turn_log.append((timestamp_ms, best))
        return self.detect_pose(rgb, timestamp_ms, self.turns)

    def check_due(self, timestamp_ms: int) -> bool:
        """Video, ``"infant"`` estimator: whether the quarter turn is re-checked on the frame
        at ``timestamp_ms`` (the first frame, then every ``rotation_check_s``). Called once
        per frame, in order."""
        if not self.video or self.config.estimator != "infant":
            return False
        check_ms = self.config.rotation_check_s * 1000
        due = self._last_check_ms is None or (
            check_ms > 0 and timestamp_ms - self._last_check_ms >= check_ms
        )
        if due:
            self._last_check_ms = timestamp_ms
        return due


def choose_turn(found: dict[int, list], scores: dict[int, float],
                preferred: int = 0) -> tuple[int, list[np.ndarray], dict[int, float]]:
    """The quarter turn to keep among :meth:`LandmarkEstimator.turn_candidates`: the best
    scored, unless ``preferred`` scores within :data:`SWITCH_MARGIN` of it. Returns
    ``(turns, people of that turn, scores)``; ``(preferred, [], {})`` when no turn found
    the infant."""
    if not scores:
        return preferred, [], scores
    best = max(scores, key=lambda t: (scores[t], -t))
    if preferred in scores and scores[best] <= scores[preferred] + SWITCH_MARGIN:
        best = preferred
    return best, found[best], scores


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
        turns]`` each time the infant estimator set the turn the pose model sees),
        ``notes`` (JSON list of plain-language remarks on person selection),
        ``hand_model_frames`` (analysed frames the full-frame hand model ran on) and
        ``hand_close_ups`` (close-up searches for a missed hand).
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

    def people_of(rgb: np.ndarray, ms: int, turns: Future | None):  # pose lane
        return choose(estimator.detect_people(rgb, ms, turns.result() if turns else None))

    def hands_of(people: Future, rgb: np.ndarray, ms: int, time_s: float):  # hand lane
        frame = people.result()
        if not gate(frame, time_s):
            return None
        return estimator.detect_infant_hands(rgb, ms, frame.infant_pose)

    def finish() -> None:  # calling thread
        nonlocal n_done
        row, frame_index, time_s, rgb, people, hands = in_flight.popleft()
        frames[row], times[row] = frame_index, time_s
        tracker.store(arrays, row, people.result(), hands.result(), time_s)
        find_missed_hands(estimator.detect_hands_in_box, config, tracker, arrays, row, rgb,
                          time_s)
        n_done = row + 1
        if progress:
            progress(n_done, total)

    with LandmarkEstimator(config) as estimator, \
            Lanes(("turns", "pose", "hand"), threaded=config.overlap_models) as lanes:
        for row, (frame_index, time_s, rgb) in enumerate(iter_frames(info, step)):
            if row >= total:
                break
            ms = int(round(time_s * 1000))
            turns = lanes.submit("turns", estimator.turn_candidates, rgb) \
                if estimator.check_due(ms) else None
            people = lanes.submit("pose", people_of, rgb, ms, turns)
            hands = lanes.submit("hand", hands_of, people, rgb, ms, time_s)
            in_flight.append((row, frame_index, time_s, rgb, people, hands))
            if len(in_flight) > LOOKAHEAD_FRAMES:
                finish()
        while in_flight:
            finish()
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
        "hand_model_frames": tracker.log.hand_model_frames,
        "hand_close_ups": tracker.log.close_ups,
        "hand_finder": estimator.hand_finder,
        "hand_region_calls": estimator.region_calls,
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
        tracker = InfantTracker(self.config.hand_match_max_dist)
        frame = InfantChooser()(self._estimator.detect_people(rgb))
        hands = self._estimator.detect_infant_hands(rgb, 0, frame.infant_pose)
        tracker.store(arrays, 0, frame, hands)
        find_missed_hands(self._estimator.detect_hands_in_box, self.config, tracker, arrays, 0,
                          rgb)
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


def hand_finder_of(config: PoseConfig) -> str:
    """The hand finder that runs for ``config``: ``"frame"`` with ``hands_every_frame``
    (the reference) or where the LiteRT runtime the ``"pose"`` finder needs is not
    installed (Windows; logged), else ``config.hand_finder``."""
    if config.hands_every_frame or config.hand_finder == "frame":
        return "frame"
    return config.hand_finder if runtime_available() else "frame"


def _model_provenance(estimator: LandmarkEstimator) -> str:
    return json.dumps(
        [{"name": Path(p).name, "sha256": file_sha256(p)} for p in estimator.model_paths.values()]
    )


_NOT_IN_CACHE_KEY = ("model_dir", "overlap_models")
"""PoseConfig fields that do not change the landmarks (where models live, threads)."""


def _pose_config_dict(config: PoseConfig) -> dict:
    """The pose settings that change the landmarks (all but :data:`_NOT_IN_CACHE_KEY`)."""
    from dataclasses import asdict

    settings = {k: v for k, v in asdict(config).items() if k not in _NOT_IN_CACHE_KEY}
    settings["hand_finder"] = hand_finder_of(config)  # the one that runs
    return settings
