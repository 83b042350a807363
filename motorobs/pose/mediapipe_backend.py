"""The MediaPipe backend: MediaPipe Tasks PoseLandmarker + HandLandmarker (VIDEO mode).

The only module of motorobs' pose estimation that imports ``mediapipe`` (lazily, when a
landmarker is opened). It implements :class:`motorobs.pose.backend.PoseBackend` (registered
as ``"mediapipe"``, the default); the frame loop, the choice of the infant and the dataset
are shared with every backend (:mod:`motorobs.pose.estimator`).

Every analysed frame goes through the pose model; every one in which the infant was found,
through the hand model (:class:`motorobs.pose.tracking.HandGate`). The infant's hands are
looked for where its pose puts them (:mod:`motorobs.pose.hand_tracking`) or, with
``hand_finder="frame"``, picked among the hands found in the whole frame.

Two estimators (``PoseConfig.estimator``, recorded in the dataset's ``attrs["estimator"]``):

* ``"mediapipe"``: the frame goes to MediaPipe as it is.
* ``"infant"`` (default): MediaPipe expects upright people, infants lie at any angle. The pose
  model also sees the frame turned by one, two and three quarter turns
  (:mod:`motorobs.pose.turns`); the landmarks are mapped back to the upright frame exactly.
  Images try the four turns each time; videos decide the turn on the first frame and
  re-check it every ``rotation_check_s`` seconds, the current turn taking the place of the
  upright one (so tracking stays smooth). The hand model always sees the upright frame (its
  palm detector handles any rotation).

With ``PoseConfig.hand_crops`` (default), a side of the infant that got no hand from the
full-frame hand model is searched again in a close-up of its elbow, enlarged to
:data:`HAND_CROP_PX` pixels (rule 3 of :mod:`motorobs.pose.infant`).

With ``hand_finder="pose"`` (default) the hand model is MediaPipe's hand landmark network
alone, run on the regions the infant's pose gives (:mod:`motorobs.pose.hand_tracking`), not
the full-frame HandLandmarker. The stateless IMAGE-mode graphs (quarter turns, close-ups)
are reused across clips (:mod:`motorobs.pose.graphs`).
"""

from __future__ import annotations

# Imported before motorobs.pose.graphs, so that graphs' exit hook (closing the idle graphs)
# is registered after the thread pools' and runs before them, while MediaPipe's worker
# threads still accept calls (see graphs.close_before_exit): the backend can be imported
# before any thread pool exists (to fingerprint its models).
import concurrent.futures.thread  # noqa: F401, I001
import json
import logging
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from motorobs.config import PoseConfig
from motorobs.errors import ModelError
from motorobs.pose import graphs
from motorobs.pose.backend import FrameLandmarker, PoseBackend
from motorobs.pose.hand_net import HandLandmarkNetwork, runtime_available
from motorobs.pose.hand_tracking import RegionHandFinder
from motorobs.pose.infant import choose_infant
from motorobs.pose.models import resolve_model
from motorobs.pose.refine import pose_score, quarter_to_original, rotate_quarter
from motorobs.pose.turns import TurnSchedule, choose_turn

log = logging.getLogger(__name__)
ESTIMATORS: tuple[str, ...] = ("infant", "mediapipe")
"""Valid values of ``PoseConfig.estimator``."""
HAND_FINDERS: tuple[str, ...] = ("pose", "frame")
"""Valid values of ``PoseConfig.hand_finder``."""
HAND_CROP_PX = 256
"""Side (pixels) to which the close-up searched for a missed hand is resized: about the
size at which the hand model's palm detector finds an infant's hand."""


class MediaPipeBackend(PoseBackend):
    """MediaPipe Tasks, with the bundles ``PoseConfig.pose_model`` and ``hand_model``
    (found or downloaded as :func:`motorobs.pose.models.resolve_model` says)."""

    name = "mediapipe"

    def open(self, *, video: bool = True) -> LandmarkEstimator:
        """A :class:`LandmarkEstimator` (loads the models, downloading missing bundles)."""
        return LandmarkEstimator(self.config, video=video)

    def models(self, *, download: bool = True) -> dict[str, Path]:
        """``{"pose": bundle, "hand": bundle}``."""
        config = self.config
        return {"pose": resolve_model(config.pose_model, config.model_dir, download=download),
                "hand": resolve_model(config.hand_model, config.model_dir, download=download)}

    def settings(self) -> dict[str, object]:
        """The shared settings, with the hand finder that actually runs
        (:func:`hand_finder_of`)."""
        return {**super().settings(), "hand_finder": hand_finder_of(self.config)}

    def versions(self) -> dict[str, str]:
        """``{"mediapipe": version}``."""
        import mediapipe

        return {"mediapipe": mediapipe.__version__}


class LandmarkEstimator(FrameLandmarker):
    """MediaPipe pose and hand landmarkers, the MediaPipe backend's landmarker (use as a
    context manager).

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
        self.model_paths = MediaPipeBackend(config).models()
        self._vision, self._base_options = vision, BaseOptions
        self._pose_models: dict[tuple[bool, int], object] = {}
        self._taken: list[tuple[tuple, object]] = []
        """IMAGE-mode graphs taken from :mod:`motorobs.pose.graphs`, given back on close."""
        self.turns = 0
        """Quarter turns (counter-clockwise) the pose model currently sees in video mode."""
        self.turn_log: list[tuple[int, int]] = []
        """``(timestamp_ms, turns)`` each time the video-mode turn was set."""
        self._schedule = TurnSchedule(config.rotation_check_s)
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
            return self._regions(rgb, infant, timestamp_ms / 1000.0)
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
            The turn kept unless another scores more than
            :data:`~motorobs.pose.turns.SWITCH_MARGIN` higher or
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
                      checked: tuple[dict, dict] | None = None) -> list[np.ndarray]:
        """People in one frame (the pose models only), pixels of ``rgb``: one (33, 5) array
        per person, columns ``x_px, y_px, z, visibility, presence``; with ``estimator="infant"``
        the pose model sees the frame turned as described in the module docstring.

        Video, ``"infant"`` estimator: ``checked`` are the :meth:`turn_candidates` of this
        frame when a quarter-turn re-check is due (:meth:`check_due`), else None.
        """
        if self.config.estimator == "mediapipe":
            return self.detect_pose(rgb, timestamp_ms)
        if not self.video:
            return self.best_turn(rgb)[1]
        if checked is not None:
            best, _, _ = choose_turn(*checked, self.turns)
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
        return self._schedule.due(timestamp_ms)

    def check(self, rgb: np.ndarray) -> tuple[dict[int, list], dict[int, float]]:
        """The quarter-turn re-check of a frame: its :meth:`turn_candidates`."""
        return self.turn_candidates(rgb)

    def attrs(self) -> dict[str, object]:
        """``estimator`` (which one ran), ``pose_turns`` (JSON list of ``[time_s, quarter
        turns]`` each time the video-mode turn was set), ``hand_finder`` (the one that ran)
        and ``hand_region_calls`` (hand landmark network calls of the ``"pose"`` finder)."""
        return {
            "estimator": self.config.estimator,
            "pose_turns": json.dumps([[ms / 1000.0, t] for ms, t in self.turn_log]),
            "hand_finder": self.hand_finder,
            "hand_region_calls": self.region_calls,
        }


def hand_finder_of(config: PoseConfig) -> str:
    """The hand finder that runs for ``config``: ``"frame"`` with ``hands_every_frame``
    (the reference) or where the LiteRT runtime the ``"pose"`` finder needs is not
    installed (Windows; logged), else ``config.hand_finder``."""
    if config.hands_every_frame or config.hand_finder == "frame":
        return "frame"
    return config.hand_finder if runtime_available() else "frame"
