"""Finding and blurring faces in images motorobs writes (key frames of the report).

Infant video is health data: every image motorobs writes has every face blurred, the
infant's and any adult's. The infant's face is located from its own pose landmarks (nose,
eyes, ears, mouth); every other person's face from the face landmarks the MediaPipe pose
model gives each person it finds in the whole frame (:class:`AdultFaceDetector`). Without a
pose model, key frames show only the infant's part of the picture
(:mod:`motorobs.report.keyframes`). Measured in docs/privacy.md.

All coordinates are pixels of the upright frame, x to the right, y down.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np
import xarray as xr
from scipy.spatial.distance import pdist

from motorobs.landmarks import INDIVIDUAL
from motorobs.pose.graphs import close_before_exit
from motorobs.pose.refine import BODY_LANDMARKS, quarter_to_original, rotate_quarter
from motorobs.schema import FACE_LANDMARKS, POSE_LANDMARKS

logger = logging.getLogger("motorobs.report")

EAR_DISTANCE_RADIUS = 1.0
"""Face radius per ear-to-ear distance (the whole head, chin to crown, from its centre)."""
EYE_DISTANCE_RADIUS = 2.4
"""Face radius per eye-to-eye distance."""
SPAN_RADIUS = 1.5
"""Face radius per largest distance between any two face landmarks (covers profile views,
where the ears project onto each other but nose-to-ear stays long)."""
SHOULDER_WIDTH_RADIUS = 0.6
"""Face radius per shoulder width (fallback when few face landmarks are present)."""
FRAME_FALLBACK_RADIUS = 0.08
"""Face radius as a share of the frame's longer side when nothing gives a scale."""
MIN_RADIUS_PX = 8.0
SEARCH_TURNS: tuple[int, ...] = (0, 2)
"""Quarter turns of the frame in which other people's faces are searched for: upright, and
upside down (a caregiver leaning in from the top edge of a clip filmed from above)."""
SEARCH_WINDOW_SHARE: float | None = 0.6
"""Besides the whole frame, two windows this share of the frame's longer side long, at its
two ends, are searched (:func:`search_windows`); ``None``: the whole frame only."""
SAME_BODY_SHARE = 0.5
"""A person found with at least this share of its body landmarks in the infant's body box
is the infant found again (:func:`is_the_infant_again`)."""
BODY_BOX_PADDING = 0.1
"""Padding of the infant's body box on each side, as a share of its width and height."""
MIN_FACE_EVIDENCE = 0.5
"""Smallest mean presence (0..1) of a person's face landmarks for its head to be blurred
as a face; measured in docs/privacy.md."""
MAX_SEARCH_THREADS = 2
"""Threads (each with its own MediaPipe graph) the windows and turns of one frame are
searched on, at most (and at most the machine's cores): the six searches of a key frame
take about half the time on two cores (docs/performance.md)."""
BLOCKS_ACROSS_FACE = 6
"""Pixelation: the face's diameter becomes this many blocks before the Gaussian blur."""


class FaceNotLocatedError(ValueError):
    """The infant's face cannot be located in a frame, so the frame must not be written."""


@dataclass(frozen=True)
class FaceRegion:
    """A face to blur: a circle in pixels of the upright frame.

    Attributes
    ----------
    x, y
        Centre (px).
    radius
        Radius (px), padded to cover the whole head.
    source
        What found it: ``"infant_landmarks"`` or ``"mediapipe_pose"``.
    """

    x: float
    y: float
    radius: float
    source: str

    def box(self, width: int, height: int) -> tuple[int, int, int, int] | None:
        """``(x0, y0, x1, y1)`` of the bounding box clipped to the frame (exclusive end);
        ``None`` when the circle lies wholly outside the frame."""
        x0 = max(0, int(np.floor(self.x - self.radius)))
        y0 = max(0, int(np.floor(self.y - self.radius)))
        x1 = min(width, int(np.ceil(self.x + self.radius)) + 1)
        y1 = min(height, int(np.ceil(self.y + self.radius)) + 1)
        if x1 <= x0 or y1 <= y0:
            return None
        return x0, y0, x1, y1


def face_radius(
    points: dict[str, np.ndarray],
    shoulder_width_px: float | None,
    frame_size: tuple[int, int],
) -> float:
    """Radius (px) of a circle covering a head, from whichever face landmarks are present.

    Parameters
    ----------
    points
        Face landmark name (:data:`motorobs.schema.FACE_LANDMARKS`) -> ``(x, y)`` pixels;
        only the landmarks present.
    shoulder_width_px
        Distance between the shoulders (px), or ``None`` when unknown.
    frame_size
        ``(width, height)`` of the frame (px), for the last-resort size.

    Returns
    -------
    float
        The largest of the estimates available (blurring too much is safe, too little is
        not), at least :data:`MIN_RADIUS_PX`.
    """

    def dist(a: str, b: str) -> float | None:
        if a in points and b in points:
            return float(np.hypot(*(points[a] - points[b])))
        return None

    estimates = []
    ears = dist("left_ear", "right_ear")
    if ears is not None:
        estimates.append(EAR_DISTANCE_RADIUS * ears)
    eyes = dist("left_eye", "right_eye")
    if eyes is not None:
        estimates.append(EYE_DISTANCE_RADIUS * eyes)
    if len(points) >= 2:
        span = float(np.max(pdist(np.array(list(points.values())))))
        estimates.append(SPAN_RADIUS * span)
    if shoulder_width_px is not None and np.isfinite(shoulder_width_px):
        estimates.append(SHOULDER_WIDTH_RADIUS * shoulder_width_px)
    if len(points) < 3 and ears is None and eyes is None and shoulder_width_px is None:
        estimates.append(FRAME_FALLBACK_RADIUS * max(frame_size))
    return max([MIN_RADIUS_PX, *estimates])


def face_region_from_landmarks(
    points: dict[str, np.ndarray],
    shoulder_width_px: float | None,
    frame_size: tuple[int, int],
    source: str,
) -> FaceRegion | None:
    """Circle covering the head whose face landmarks are ``points`` (see :func:`face_radius`);
    ``None`` when no face landmark is present."""
    points = {k: np.asarray(v, float) for k, v in points.items() if np.all(np.isfinite(v))}
    if not points:
        return None
    xy = np.array(list(points.values()))
    centre = (xy.min(axis=0) + xy.max(axis=0)) / 2
    radius = face_radius(points, shoulder_width_px, frame_size)
    return FaceRegion(float(centre[0]), float(centre[1]), radius, source)


def infant_face_region(ds: xr.Dataset, time_index: int) -> FaceRegion | None:
    """Where the infant's face is at ``time_index`` of a landmarks dataset, or ``None``.

    Every face landmark with a position counts, whatever its visibility: a guessed point
    still says where the head is, and blurring a little too much is harmless.
    """
    infant = ds["position"].isel(time=time_index).sel(individual=INDIVIDUAL)
    names = list(ds["keypoint"].values)
    index = {name: i for i, name in enumerate(names)}
    xy = infant.transpose("keypoint", "space").values
    points = {n: xy[index[n]] for n in FACE_LANDMARKS if n in index}
    shoulders = [xy[index[n]] for n in ("left_shoulder", "right_shoulder") if n in index]
    shoulder_width = None
    if len(shoulders) == 2 and np.all(np.isfinite(shoulders)):
        shoulder_width = float(np.hypot(*(shoulders[0] - shoulders[1])))
    width = int(ds.attrs.get("frame_width", 0) or 0)
    height = int(ds.attrs.get("frame_height", 0) or 0)
    if not width or not height:
        finite = xy[np.all(np.isfinite(xy), axis=1)]
        width = int(np.max(finite[:, 0], initial=1))
        height = int(np.max(finite[:, 1], initial=1))
    return face_region_from_landmarks(points, shoulder_width, (width, height), "infant_landmarks")


def blur_regions(rgb: np.ndarray, regions: list[FaceRegion]) -> np.ndarray:
    """A copy of ``rgb`` with every region made unrecognisable; pixels outside stay identical.

    Each circle is pixelated (:data:`BLOCKS_ACROSS_FACE` blocks across) and then Gaussian
    blurred with a kernel proportional to its size.

    Parameters
    ----------
    rgb
        (H, W, 3) uint8 image.
    regions
        Faces to blur.
    """
    out = rgb.copy()
    height, width = out.shape[:2]
    for region in regions:
        box = region.box(width, height)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        roi = out[y0:y1, x0:x1]
        h, w = roi.shape[:2]
        block = max(2.0, 2 * region.radius / BLOCKS_ACROSS_FACE)
        small = cv2.resize(
            roi, (max(1, round(w / block)), max(1, round(h / block))), interpolation=cv2.INTER_AREA
        )
        blurred = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
        kernel = int(region.radius) // 2 * 2 + 1
        blurred = cv2.GaussianBlur(blurred, (kernel, kernel), 0)
        mask = np.zeros((h, w), np.uint8)
        centre = (round(region.x - x0), round(region.y - y0))
        cv2.circle(mask, centre, int(np.ceil(region.radius)), 255, thickness=-1)
        roi[mask > 0] = blurred[mask > 0]
    return out


@dataclass(frozen=True)
class PersonFace:
    """A head found by the pose model, before it is accepted as a face to blur.

    Attributes
    ----------
    region
        The circle covering the head (pixels of the frame passed in).
    evidence
        Mean ``presence`` of the person's face landmarks (0..1): how sure the pose model
        is that this person's face landmarks are in the picture.
    body_xy
        See below.
    """

    region: FaceRegion
    evidence: float
    body_xy: np.ndarray
    """(13, 2) pixels of the person's body landmarks
    (:data:`motorobs.pose.refine.BODY_LANDMARKS`)."""


def search_threads() -> int:
    """Threads of a face search: :data:`MAX_SEARCH_THREADS`, or fewer on a machine (or in a
    process restricted to) with fewer cores."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, min(MAX_SEARCH_THREADS, cores))


def is_the_infant_again(body_xy: np.ndarray, infant_xy: np.ndarray) -> bool:
    """Whether a person found by the face search is the infant itself: at least
    :data:`SAME_BODY_SHARE` of its body landmarks lie in the infant's body box (the box
    around the infant's pose landmarks, padded by :data:`BODY_BOX_PADDING` of its size).

    Parameters
    ----------
    body_xy
        (N, 2) pixels of the found person's body landmarks.
    infant_xy
        (K, 2) pixels of the infant's landmarks (NaN rows ignored).
    """
    infant = np.asarray(infant_xy, float)
    infant = infant[np.all(np.isfinite(infant), axis=1)]
    body = np.asarray(body_xy, float)
    body = body[np.all(np.isfinite(body), axis=1)]
    if len(infant) < 2 or not len(body):
        return False
    lo, hi = infant.min(axis=0), infant.max(axis=0)
    pad = BODY_BOX_PADDING * (hi - lo)
    inside = np.all((body >= lo - pad) & (body <= hi + pad), axis=1)
    return bool(inside.mean() >= SAME_BODY_SHARE)


def search_windows(
    width: int, height: int, share: float | None
) -> list[tuple[int, int, int, int]]:
    """``(x0, y0, x1, y1)`` windows (pixels, end exclusive) searched for people: the whole
    frame, then, with ``share``, two overlapping windows at the two ends of the longer side,
    each ``share`` of it long (a person small in a wide picture is found better in a
    window where it fills more of the detector's square input)."""
    windows = [(0, 0, width, height)]
    if share is None or not 0 < share < 1:
        return windows
    if width >= height:
        length = round(share * width)
        windows += [(0, 0, length, height), (width - length, 0, width, height)]
    else:
        length = round(share * height)
        windows += [(0, 0, width, length), (0, height - length, width, height)]
    return windows


class AdultFaceDetector:
    """Finds the heads of every person in a frame (adults' and the infant's).

    The evidence is the MediaPipe pose model's own face landmarks (nose, eyes, ears, mouth)
    of every person it finds, in IMAGE mode. Its person detector is anchored on the head,
    and it behaves the same from one library release to the next, unlike OpenCV's Haar
    cascades, which motorobs no longer uses. The frame is searched upright and turned half
    a turn (a caregiver leaning in over a baby filmed from above is upside down in the
    picture). A head is kept when its face landmarks are present with a mean presence of at
    least ``min_evidence``.

    Parameters
    ----------
    pose_model_path
        A MediaPipe ``pose_landmarker*.task`` bundle. When it is ``None`` or missing,
        :attr:`methods` is empty and :meth:`detect` finds nothing: callers must then fall
        back to showing less of the frame (see :mod:`motorobs.report.keyframes`).
    max_people
        People the pose landmarker may find per frame and turn.
    turns
        Quarter turns (counter-clockwise) of the frame the pose model sees.
    min_evidence
        Smallest mean presence of the face landmarks for a head to count as a face.

    Use as a context manager, or call :meth:`close`, to free the MediaPipe graph; or take the
    process's shared one (:func:`shared_face_detector`), which is never closed by its users.
    Calls from several threads share the graphs (each serves one search at a time).
    """

    def __init__(
        self, pose_model_path: str | Path | None = None, *, max_people: int = 4,
        turns: tuple[int, ...] = SEARCH_TURNS, min_evidence: float = MIN_FACE_EVIDENCE,
        window_share: float | None = SEARCH_WINDOW_SHARE, threads: int | None = None,
    ) -> None:
        self.turns = turns
        self.window_share = window_share
        self.min_evidence = min_evidence
        self.threads = search_threads() if threads is None else max(1, int(threads))
        self._idle: queue.SimpleQueue = queue.SimpleQueue()
        """Landmarkers not in use (each MediaPipe graph serves one call at a time)."""
        self._count = 0
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        if pose_model_path is not None:
            path = Path(pose_model_path)
            if path.is_file():
                for _ in range(self.threads):
                    self._idle.put(_create_pose_landmarker(path, max_people))
                self._count = self.threads
            else:
                logger.warning("Pose model %s not found: faces other than the infant's "
                               "cannot be searched for.", path)

    @property
    def methods(self) -> list[str]:
        """Names of the detectors in use (``["mediapipe_pose"]`` or ``[]``)."""
        return ["mediapipe_pose"] if self._count else []

    def _search(self, rgb: np.ndarray, window: tuple[int, int, int, int], turns: int
                ) -> list[tuple[np.ndarray, np.ndarray]]:
        """The people of one window and turn (pixels of ``rgb``), with an idle landmarker."""
        x0, y0, x1, y1 = window
        part = rgb[y0:y1, x0:x1]
        turned = rotate_quarter(part, turns) if turns % 4 else np.ascontiguousarray(part)
        landmarker = self._idle.get()
        try:
            people = [] if landmarker is None else _pose_landmarker_people(landmarker, turned)
        finally:
            self._idle.put(landmarker)
        return [(quarter_to_original(xy, turns, x1 - x0, y1 - y0) + [x0, y0], presence)
                for xy, presence in people]

    def people(self, rgb: np.ndarray) -> list[PersonFace]:
        """Every head the pose model finds in an (H, W, 3) uint8 RGB frame, with its
        evidence and body, in every window and turn searched (none are filtered out). The
        searches run on :attr:`threads` threads, each with its own MediaPipe graph."""
        if not self._count:
            return []
        height, width = rgb.shape[:2]
        tasks = [(window, turns) for window in search_windows(width, height, self.window_share)
                 for turns in self.turns]
        with self._lock:
            if self._pool is None and self.threads > 1:
                self._pool = ThreadPoolExecutor(self.threads, "motorobs-faces")
            pool = self._pool
        if pool is None:
            results = [self._search(rgb, w, t) for w, t in tasks]
        else:
            results = list(pool.map(lambda task: self._search(rgb, *task), tasks))
        found = []
        for people in results:
            for xy, presence in people:
                face = _face_person(xy, presence, (width, height))
                if face is not None:
                    found.append(face)
        return found

    def detect(self, rgb: np.ndarray, infant_xy: np.ndarray | None = None) -> list[FaceRegion]:
        """Face circles of the people other than the infant in an (H, W, 3) uint8 RGB frame.

        Parameters
        ----------
        rgb
            The frame.
        infant_xy
            (K, 2) pixels of the infant's pose landmarks in this frame (NaN where unknown),
            or ``None``. A person found lying on the infant's own body
            (:func:`is_the_infant_again`, e.g. in a window that cuts the infant in two) is
            not taken for another face: the infant's face is blurred from its own landmarks.
        """
        return [
            p.region for p in self.people(rgb)
            if p.evidence >= self.min_evidence
            and not (infant_xy is not None and is_the_infant_again(p.body_xy, infant_xy))
        ]

    def close(self) -> None:
        """Release the MediaPipe landmarkers (safe to call twice); waits for searches under
        way. A closed detector finds nothing."""
        with self._lock:
            count, self._count = self._count, 0
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
        for _ in range(count):  # each comes back when its search ends
            self._idle.get().close()
        for _ in range(count):  # a search that started before the close finds nobody
            self._idle.put(None)

    def __enter__(self) -> AdultFaceDetector:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_shared: dict[Path, AdultFaceDetector] = {}
_shared_lock = threading.Lock()
_exit_hook: list[bool] = []


def _close_shared_at_exit() -> None:
    """Close the shared detectors when the process ends (once registered)."""
    if not _exit_hook:
        close_before_exit(close_shared_face_detectors)
        _exit_hook.append(True)


def shared_face_detector(pose_model_path: str | Path | None) -> AdultFaceDetector:
    """The process's one :class:`AdultFaceDetector` (default settings) for a pose model.

    Creating one loads the MediaPipe graph (about 0.5 s); in IMAGE mode it keeps no state
    between frames, so every clip of a process can use the same. Do not close it: call
    :func:`close_shared_face_detectors` to free them all (done by itself when the process
    ends). A detector that was closed anyway is replaced by a new one.

    Parameters
    ----------
    pose_model_path
        A MediaPipe ``pose_landmarker*.task`` bundle. ``None`` or missing: a detector without
        a model (it finds nothing; see :class:`AdultFaceDetector`), not kept.
    """
    if pose_model_path is None or not Path(pose_model_path).is_file():
        return AdultFaceDetector(pose_model_path)
    key = Path(pose_model_path).resolve()
    with _shared_lock:
        detector = _shared.get(key)
        if detector is None or not detector.methods:
            _close_shared_at_exit()
            detector = _shared[key] = AdultFaceDetector(key)
        return detector


def close_shared_face_detectors() -> int:
    """Close and forget every detector :func:`shared_face_detector` handed out; returns how
    many there were. The next call to :func:`shared_face_detector` creates a new one."""
    with _shared_lock:
        detectors = list(_shared.values())
        _shared.clear()
    for detector in detectors:
        detector.close()
    return len(detectors)


def _create_pose_landmarker(path: Path, max_people: int):  # returns a mediapipe PoseLandmarker
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(path)),
        running_mode=vision.RunningMode.IMAGE,
        num_poses=max_people,
        min_pose_detection_confidence=0.3,
        min_pose_presence_confidence=0.3,
    )
    return vision.PoseLandmarker.create_from_options(options)


def _pose_landmarker_people(landmarker, rgb: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """``((33, 2) pixels, (33,) presence)`` of every person the landmarker finds in ``rgb``."""
    import mediapipe as mp

    height, width = rgb.shape[:2]
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
    result = landmarker.detect(image)
    return [
        (np.array([[p.x * width, p.y * height] for p in pose]),
         np.array([p.presence or 0.0 for p in pose]))
        for pose in result.pose_landmarks
    ]


def _face_person(
    xy: np.ndarray, presence: np.ndarray, frame_size: tuple[int, int]
) -> PersonFace | None:
    """The head of one person found by the pose model ((33, 2) pixels, (33,) presence)."""
    index = {name: i for i, name in enumerate(POSE_LANDMARKS)}
    face = [index[n] for n in FACE_LANDMARKS]
    points = {n: xy[index[n]] for n in FACE_LANDMARKS}
    shoulder_width = float(np.hypot(*(xy[index["left_shoulder"]] - xy[index["right_shoulder"]])))
    region = face_region_from_landmarks(points, shoulder_width, frame_size, "mediapipe_pose")
    if region is None:
        return None
    return PersonFace(region, float(np.mean(presence[face])), xy[list(BODY_LANDMARKS)])
