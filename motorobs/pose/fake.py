"""A deterministic stand-in for a pose model, for tests, demonstrations and CI without MediaPipe.

The ``"fake"`` backend (``--pose-backend fake``) does not look at what a frame shows, only at
whether it shows anything: a frame with no contrast (grey-level standard deviation below
:data:`MIN_CONTRAST`, e.g. a lens cap or a black screen) has no one in it; in any other it
"sees" the same analytic infant, lying on its back, filmed from above with its head towards
the top of the picture, filling the middle of the frame. Every :data:`PERIOD_S` seconds,
starting at :data:`FIRST_CROSSING_S`, the infant's right hand goes across its body midline
to its left side, stays there :data:`HOLD_S` and comes back (minimum-jerk movements of
:data:`MOVE_S` each way); the left hand rests. :func:`crossing_starts` says when, so a
clip's midline crossings are known exactly. Positions get a small Gaussian jitter
(``noise_px``), seeded by ``seed`` and the frame's time, so the same frame always gives the
same landmarks, in any order and in any process.

The body is described in body units (BU, shoulder widths) in the infant's anatomical frame
``(lateral, up, anterior)``: + lateral = the infant's left, + up = towards the head,
+ anterior = out of the chest. Seen from above, lateral runs along the picture's x axis,
up against its y axis and anterior towards the camera, so ``x_px = cx + s * lateral``,
``y_px = cy - s * up`` and MediaPipe's depth ``z = -s * anterior / width`` (frame widths),
with ``s = SHOULDER_FRACTION * min(width, height)`` pixels per BU.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from motorobs.config import PoseConfig
from motorobs.errors import ModelError
from motorobs.pose.backend import FrameLandmarker, PoseBackend
from motorobs.schema import HAND_LANDMARKS, POSE_LANDMARKS

MIN_CONTRAST = 2.0
"""Grey-level standard deviation (0..255) below which a frame shows no one."""
SHOULDER_FRACTION = 0.2
"""Shoulder width as a fraction of the frame's shorter side."""
BODY_CENTRE_UP_BU = -1.1
"""The point of the body at the centre of the frame: this far below mid-shoulder (BU)."""
PERIOD_S = 2.0
"""Seconds from the start of one midline crossing to the start of the next."""
FIRST_CROSSING_S = 0.5
"""When the first crossing starts (s)."""
MOVE_S = 0.4
"""Duration (s) of the movement across the midline, and of the movement back."""
HOLD_S = 0.6
"""Time (s) the right hand stays on the infant's left side."""
CROSSED_WRIST_BU = (0.45, -0.6, 0.4)
"""Where the right wrist goes (lateral, up, anterior; BU): 0.45 BU into the left side,
beyond any usual midline margin."""
SCORE = 0.98
"""Visibility and presence of every keypoint, and each hand's score."""

POSE_POINTS: dict[str, tuple[float, float, float]] = {
    "nose": (0.0, 0.65, 0.3),
    "left_eye_inner": (0.05, 0.75, 0.25),
    "left_eye": (0.1, 0.76, 0.22),
    "left_eye_outer": (0.15, 0.76, 0.18),
    "left_ear": (0.24, 0.68, 0.0),
    "mouth_left": (0.07, 0.52, 0.22),
    "left_shoulder": (0.5, 0.0, 0.0),
    "left_elbow": (0.75, -0.5, 0.05),
    "left_wrist": (0.7, -0.9, 0.1),
    "left_pinky": (0.74, -1.07, 0.1),
    "left_index": (0.66, -1.1, 0.12),
    "left_thumb": (0.6, -1.0, 0.14),
    "left_hip": (0.35, -1.4, 0.0),
    "left_knee": (0.4, -2.2, 0.2),
    "left_ankle": (0.38, -2.9, 0.1),
    "left_heel": (0.38, -3.0, 0.05),
    "left_foot_index": (0.42, -3.1, 0.2),
}
"""The left side and the midline at rest; the right side mirrors the left (lateral negated)."""
for _name, (_lat, _up, _ant) in list(POSE_POINTS.items()):
    if _name.startswith("left_"):
        POSE_POINTS["right_" + _name[5:]] = (-_lat, _up, _ant)
    elif _name == "mouth_left":
        POSE_POINTS["mouth_right"] = (-_lat, _up, _ant)
del _name, _lat, _up, _ant

_HAND_FINGERS = {"thumb": 0.5, "index_finger": 0.2, "middle_finger": 0.0,
                 "ring_finger": -0.2, "pinky": -0.4}
"""Spread of each finger across the palm (fraction of the palm's width, + towards the thumb)."""
_HAND_JOINTS = {"cmc": 0.08, "mcp": 0.15, "ip": 0.22, "pip": 0.22, "dip": 0.27, "tip": 0.32}
"""Distance of each joint from the wrist along the forearm's direction (BU)."""
_PALM_WIDTH_BU = 0.2


def min_jerk(tau: float) -> float:
    """Minimum-jerk position profile 0 -> 1 at normalised time ``tau`` (clipped to 0..1)."""
    tau = min(max(tau, 0.0), 1.0)
    return 10 * tau**3 - 15 * tau**4 + 6 * tau**5


def crossing_starts(duration_s: float, period_s: float = PERIOD_S) -> list[float]:
    """Start times (s) of the right hand's midline crossings that end (hand back on its own
    side) within the first ``duration_s`` seconds of a clip."""
    starts, t0 = [], FIRST_CROSSING_S
    while t0 + 2 * MOVE_S + HOLD_S <= duration_s:
        starts.append(t0)
        t0 += period_s
    return starts


def contralateral_intervals(duration_s: float,
                            period_s: float = PERIOD_S) -> list[tuple[float, float]]:
    """``(start_s, end_s)`` of each crossing of :func:`crossing_starts`: while the right
    wrist is beyond the body midline (lateral > 0), the ground truth of a midline crossing."""
    rest = POSE_POINTS["right_wrist"][0]
    share = -rest / (CROSSED_WRIST_BU[0] - rest)  # of the way across at the midline
    low, high = 0.0, 1.0
    for _ in range(60):  # min_jerk is increasing: bisect min_jerk(tau) = share
        mid = (low + high) / 2
        low, high = (mid, high) if min_jerk(mid) < share else (low, mid)
    over = low * MOVE_S
    return [(t0 + over, t0 + 2 * MOVE_S + HOLD_S - over)
            for t0 in crossing_starts(duration_s, period_s)]


def crossing_progress(time_s: float, period_s: float = PERIOD_S) -> float:
    """How far (0 at rest .. 1 fully across) the right hand is across the midline at
    ``time_s`` seconds."""
    if time_s < FIRST_CROSSING_S:
        return 0.0
    t = (time_s - FIRST_CROSSING_S) % period_s
    if t < MOVE_S + HOLD_S:
        return min_jerk(t / MOVE_S)
    return 1.0 - min_jerk((t - MOVE_S - HOLD_S) / MOVE_S)


def body_points(time_s: float, period_s: float = PERIOD_S) -> dict[str, np.ndarray]:
    """Every pose keypoint of the infant at ``time_s`` (lateral, up, anterior; BU)."""
    points = {name: np.asarray(p, float) for name, p in POSE_POINTS.items()}
    shift = crossing_progress(time_s, period_s) * (
        np.asarray(CROSSED_WRIST_BU) - points["right_wrist"])
    for name in ("right_wrist", "right_pinky", "right_index", "right_thumb"):
        points[name] = points[name] + shift
    points["right_elbow"] = points["right_elbow"] + 0.4 * shift
    return points


def hand_points(points: dict[str, np.ndarray], side: str) -> np.ndarray:
    """(21, 3) hand keypoints (:data:`motorobs.schema.HAND_LANDMARKS` order; BU) of the
    ``side`` hand: fingers straight along the forearm, spread across the palm."""
    wrist, elbow = points[f"{side}_wrist"], points[f"{side}_elbow"]
    along = (wrist - elbow) / np.linalg.norm(wrist - elbow)
    across = np.array([-along[1], along[0], 0.0]) * (1 if side == "left" else -1)
    hand = np.zeros((len(HAND_LANDMARKS), 3))
    for i, name in enumerate(HAND_LANDMARKS):
        if name == "wrist":
            hand[i] = wrist
            continue
        finger, joint = name.rsplit("_", 1)
        hand[i] = (wrist + _HAND_JOINTS[joint] * along
                   + _HAND_FINGERS[finger] * _PALM_WIDTH_BU * across)
    return hand


class FakeBackend(PoseBackend):
    """The analytic infant of the module docstring (no model files, no MediaPipe).

    Parameters
    ----------
    config
        The pose settings (the shared ones apply: frame step, tracking).
    seed
        Seed of the positions' jitter.
    period_s
        Seconds between the starts of two midline crossings.
    noise_px
        Standard deviation (pixels) of the jitter added to x and y.
    model
        An optional file standing for a model: its SHA-256 enters the cache key (to test
        that landmarks are recomputed when a backend's model changes).
    """

    name = "fake"

    def __init__(self, config: PoseConfig, *, seed: int = 0, period_s: float = PERIOD_S,
                 noise_px: float = 0.3, model: str | Path | None = None) -> None:
        super().__init__(config)
        self.seed, self.period_s, self.noise_px = seed, period_s, noise_px
        self.model = Path(model) if model is not None else None

    def open(self, *, video: bool = True) -> FakeLandmarker:
        """A :class:`FakeLandmarker` (nothing to load)."""
        return FakeLandmarker(self.seed, self.period_s, self.noise_px)

    def models(self, *, download: bool = True) -> dict[str, Path]:
        """``{"model": file}`` when a model file was given, else none.

        Raises
        ------
        motorobs.errors.ModelError
            The model file given does not exist.
        """
        if self.model is None:
            return {}
        if not self.model.is_file():
            raise ModelError(f"{self.model}: the fake backend's model file is missing; "
                             "create it or make the backend without one.")
        return {"model": self.model}

    def settings(self) -> dict[str, Any]:
        """The shared pose settings and the trajectory's (seed, period, jitter)."""
        return {**super().settings(), "fake": {"seed": self.seed, "period_s": self.period_s,
                                               "noise_px": self.noise_px}}


class FakeLandmarker(FrameLandmarker):
    """Per frame: the analytic infant at the frame's time, in pixels of the frame."""

    def __init__(self, seed: int, period_s: float, noise_px: float) -> None:
        self.seed, self.period_s, self.noise_px = seed, period_s, noise_px

    def _to_pixels(self, bu: np.ndarray, shape: tuple[int, ...], timestamp_ms: int,
                   stream: int) -> np.ndarray:
        """(N, 3) body points (BU) -> (N, 3) ``x_px, y_px, z`` in a frame of ``shape``."""
        height, width = shape[:2]
        scale = SHOULDER_FRACTION * min(width, height)
        xyz = np.column_stack([width / 2 + scale * bu[:, 0],
                               height / 2 - scale * (bu[:, 1] - BODY_CENTRE_UP_BU),
                               -scale * bu[:, 2] / width])
        rng = np.random.default_rng([self.seed, max(timestamp_ms, 0), stream])
        xyz[:, :2] += rng.normal(0.0, self.noise_px, (len(bu), 2))
        return xyz

    def detect_people(self, rgb: np.ndarray, timestamp_ms: int = 0,
                      checked: Any = None) -> list[np.ndarray]:
        """The infant, or no one in a frame without contrast (:data:`MIN_CONTRAST`)."""
        if float(np.std(rgb)) < MIN_CONTRAST:
            return []
        points = body_points(timestamp_ms / 1000.0, self.period_s)
        bu = np.array([points[name] for name in POSE_LANDMARKS])
        person = np.full((len(POSE_LANDMARKS), 5), SCORE)
        person[:, :3] = self._to_pixels(bu, rgb.shape, timestamp_ms, 0)
        return [person]

    def detect_infant_hands(self, rgb: np.ndarray, timestamp_ms: int,
                            infant: np.ndarray | None) -> dict[str, tuple[np.ndarray, float]]:
        """Both of the infant's hands (none when no infant was found)."""
        if infant is None:
            return {}
        points = body_points(timestamp_ms / 1000.0, self.period_s)
        return {side: (self._to_pixels(hand_points(points, side), rgb.shape, timestamp_ms,
                                       stream), SCORE)
                for stream, side in ((1, "left"), (2, "right"))}

    def attrs(self) -> dict[str, Any]:
        """``estimator`` ("fake") and the trajectory's ``fake_seed`` and ``fake_period_s``."""
        return {"estimator": "fake", "fake_seed": self.seed, "fake_period_s": self.period_s}
