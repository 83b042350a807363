"""Finding and blurring faces in images motorobs writes (key frames of the report).

Infant video is health data: every image motorobs writes has every face blurred, the
infant's and any adult's. The infant's face is located from its own pose landmarks (nose,
eyes, ears, mouth); adults' faces are found by extra detectors run on the whole frame: a
MediaPipe PoseLandmarker in IMAGE mode (several people) when a model bundle is available,
and OpenCV's Haar cascades (frontal and profile) when the OpenCV build ships them.

All coordinates are pixels of the upright frame, x to the right, y down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np
import xarray as xr
from scipy.spatial.distance import pdist

from motorobs.landmarks import INDIVIDUAL
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
HAAR_BOX_RADIUS = 0.75
"""Face radius per side of a Haar detection box (the box is tight around eyes and mouth)."""
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
        What found it: ``"infant_landmarks"``, ``"mediapipe_pose"`` or ``"haar"``.
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


def haar_cascade_paths() -> list[Path]:
    """Haar cascade files for frontal and profile faces shipped with OpenCV (may be empty:
    some OpenCV wheels ship no cascade files)."""
    folder = Path(getattr(getattr(cv2, "data", None), "haarcascades", "") or "")
    names = ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml")
    return [folder / n for n in names if folder.name and (folder / n).is_file()]


class AdultFaceDetector:
    """Finds every face in a frame (adults' and the infant's) with the detectors available.

    Parameters
    ----------
    pose_model_path
        A MediaPipe ``pose_landmarker*.task`` bundle; when given (and present), a
        PoseLandmarker in IMAGE mode finds up to ``max_people`` people and their heads.
    use_haar
        Also run OpenCV's Haar cascades (frontal, profile and mirrored profile) if present.
    max_people
        People the pose landmarker may find per frame.

    Use as a context manager, or call :meth:`close`, to free the MediaPipe graph.
    """

    def __init__(
        self, pose_model_path: str | Path | None = None, *, use_haar: bool = True,
        max_people: int = 4,
    ) -> None:
        self._cascades = [cv2.CascadeClassifier(str(p)) for p in haar_cascade_paths()] if (
            use_haar
        ) else []
        self._cascades = [c for c in self._cascades if not c.empty()]
        self._landmarker = None
        if pose_model_path is not None:
            path = Path(pose_model_path)
            if path.is_file():
                self._landmarker = _create_pose_landmarker(path, max_people)
            else:
                logger.warning(
                    "Pose model %s not found: adult faces are found by Haar cascades only.", path
                )

    @property
    def methods(self) -> list[str]:
        """Names of the detectors in use (``"mediapipe_pose"``, ``"haar"``)."""
        return (["mediapipe_pose"] if self._landmarker is not None else []) + (
            ["haar"] if self._cascades else []
        )

    def detect(self, rgb: np.ndarray) -> list[FaceRegion]:
        """Face circles found in an (H, W, 3) uint8 RGB frame."""
        regions = []
        if self._landmarker is not None:
            regions += _pose_landmarker_faces(self._landmarker, rgb)
        if self._cascades:
            regions += _haar_faces(self._cascades, rgb)
        return regions

    def close(self) -> None:
        """Release the MediaPipe landmarker (safe to call twice)."""
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def __enter__(self) -> AdultFaceDetector:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


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


def _pose_landmarker_faces(landmarker, rgb: np.ndarray) -> list[FaceRegion]:
    import mediapipe as mp

    height, width = rgb.shape[:2]
    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
    result = landmarker.detect(image)
    regions = []
    index = {name: i for i, name in enumerate(POSE_LANDMARKS)}
    for pose in result.pose_landmarks:
        xy = {name: np.array([pose[i].x * width, pose[i].y * height]) for name, i in index.items()}
        points = {n: xy[n] for n in FACE_LANDMARKS}
        shoulder_width = float(np.hypot(*(xy["left_shoulder"] - xy["right_shoulder"])))
        region = face_region_from_landmarks(
            points, shoulder_width, (width, height), "mediapipe_pose"
        )
        if region is not None:
            regions.append(region)
    return regions


def _haar_faces(cascades: list[cv2.CascadeClassifier], rgb: np.ndarray) -> list[FaceRegion]:
    gray = cv2.equalizeHist(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    width = gray.shape[1]
    regions = []
    for cascade in cascades:
        for mirrored in (False, True):
            image = cv2.flip(gray, 1) if mirrored else gray
            boxes = cascade.detectMultiScale(image, scaleFactor=1.1, minNeighbors=4,
                                             minSize=(16, 16))
            for x, y, w, h in np.reshape(boxes, (-1, 4)):
                cx = x + w / 2
                regions.append(FaceRegion(
                    float(width - cx if mirrored else cx), float(y + h / 2),
                    HAAR_BOX_RADIUS * float(max(w, h)), "haar",
                ))
    return regions
