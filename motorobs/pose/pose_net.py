"""MediaPipe's pose networks (BlazePose) run directly, with their own tracking.

MediaPipe's PoseLandmarker is a graph around two networks in the ``pose_landmarker*.task``
bundle: a person detector (``pose_detector.tflite``: a box around the head and two
alignment points, the mid-hip point and a point on the circle around the whole body) and a
landmark network (``pose_landmarks_detector.tflite``: 33 landmarks and 6 auxiliary points
in a rotated square crop of one person). In VIDEO mode with more than one person allowed it
runs the detector on every frame in which fewer people than allowed are followed, that is
on every frame of a clip with only the infant in view, and its graph costs several
milliseconds per frame on top of the networks (docs/performance.md).

:class:`PoseNetworkLandmarker` runs the same two networks through LiteRT
(``ai-edge-litert``) with MediaPipe's geometry: the detector's input is the frame
letterboxed to 224 x 224 with values in [-1, 1]; each person's region is a square centred
on the mid-hip point, twice the distance to the alignment point wide, enlarged 1.25 times
and turned so that this vector points up; the landmark network sees that region at
256 x 256 in [0, 1], its landmarks are refined on its 64 x 64 heatmaps, and the next frame's
region comes from the auxiliary points of the landmarks found (MediaPipe's tracking rule).
MediaPipe's graph costs several milliseconds per frame on top of its two networks; run
directly they cost what the networks cost (docs/performance.md).

Coordinates are pixels of the image passed in (x right, y down).
"""

from __future__ import annotations

import functools
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from motorobs.errors import ModelError
from motorobs.pose.hand_roi import HandRegion, to_frame

DETECTOR_FILE = "pose_detector.tflite"
LANDMARK_FILE = "pose_landmarks_detector.tflite"
DETECTOR_STRIDES = (8, 16, 32, 32, 32)
"""Feature-map strides of the detector's anchor layers (MediaPipe's SSD anchor options for
the pose detector: 2254 anchors at 224 x 224, two per layer and cell)."""
NMS_IOU = 0.3
"""Detections overlapping more than this (intersection over union) are merged (weighted)."""
ROI_SCALE = 1.25
"""The person's region is enlarged this many times around the alignment circle."""
LANDMARKS = 39
"""Points the landmark network gives: 33 landmarks, then the 2 alignment points used for
tracking (33: mid-hip, 34: the body circle's point) and 4 unused."""
HEATMAP_KERNEL = 7
"""Side of the heatmap window (cells) a landmark is refined in."""
MIN_REFINE_CONFIDENCE = 0.5
"""A landmark is moved to its heatmap window's centre of mass only where the heatmap is at
least this sure (MediaPipe's value)."""


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(x, float), -100.0, 100.0)))


@functools.cache
def detector_anchors(input_px: int = 224, strides: tuple[int, ...] = DETECTOR_STRIDES
                     ) -> np.ndarray:
    """(N, 2) anchor centres of the detector, in [0, 1] of its input (x, y)."""
    centres = []
    layer = 0
    while layer < len(strides):
        stride = strides[layer]
        same = sum(1 for s in strides[layer:] if s == stride)
        cells = int(np.ceil(input_px / stride))
        per_cell = 2 * same
        ys, xs = np.mgrid[0:cells, 0:cells]
        grid = np.stack([(xs + 0.5) / cells, (ys + 0.5) / cells], axis=-1).reshape(-1, 2)
        centres.append(np.repeat(grid, per_cell, axis=0))
        layer += same
    return np.concatenate(centres)


@dataclass(frozen=True)
class PersonDetection:
    """A person found by the detector, in pixels of the image.

    Attributes
    ----------
    score
        The detector's probability (0..1).
    box
        ``(x0, y0, x1, y1)`` of the head box.
    keypoints
        (4, 2): mid-hip point, body-circle point, mid-shoulder point, upper-body circle point.
    """

    score: float
    box: np.ndarray
    keypoints: np.ndarray


def region_of(centre: np.ndarray, towards: np.ndarray) -> HandRegion | None:
    """The landmark network's region for a person aligned by two points (pixels): centred
    on ``centre`` (mid-hip), ``2 x ROI_SCALE`` times the distance to ``towards`` wide, turned
    so that ``centre -> towards`` points up. None when the points coincide or are unknown."""
    vector = np.asarray(towards, float) - np.asarray(centre, float)
    length = float(np.hypot(*vector))
    if not np.isfinite(length) or length < 1.0:
        return None
    return HandRegion(np.asarray(centre, float), 2.0 * ROI_SCALE * length, vector / length)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x1 - x0) * max(0.0, y1 - y0)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def weighted_nms(scores: np.ndarray, boxes: np.ndarray, keypoints: np.ndarray,
                 max_count: int, iou: float = NMS_IOU) -> list[PersonDetection]:
    """MediaPipe's weighted non-maximum suppression: the surest detection absorbs every
    other overlapping it more than ``iou``; its box and keypoints become their
    score-weighted mean. At most ``max_count`` detections, surest first."""
    order = list(np.argsort(-scores))
    found: list[PersonDetection] = []
    while order and len(found) < max_count:
        top = order[0]
        group = [i for i in order if _iou(boxes[top], boxes[i]) > iou or i == top]
        weights = scores[group][:, None]
        box = (boxes[group] * weights).sum(axis=0) / weights.sum()
        points = (keypoints[group] * weights[:, :, None]).sum(axis=0) / weights.sum()
        found.append(PersonDetection(float(scores[top]), box, points))
        order = [i for i in order if i not in group]
    return found


FEATURE_TENSOR = "model_1/model/re_lu_66/"
"""Name prefix of the landmark network's last 64 x 64 decoder features (48 channels after a
ReLU6; its heatmaps are computed from them): the input of motorobs' infant keypoint head."""


def _load(bundle: Path, name: str, keep_tensors: bool = False):
    from ai_edge_litert.interpreter import Interpreter

    try:
        with zipfile.ZipFile(bundle) as archive:
            content = archive.read(name)
        with warnings.catch_warnings():  # LiteRT warns that keeping tensors costs memory
            warnings.simplefilter("ignore", UserWarning)
            interpreter = Interpreter(model_content=content, num_threads=1,
                                      experimental_preserve_all_tensors=keep_tensors)
        interpreter.allocate_tensors()
    except (OSError, KeyError, ValueError, RuntimeError, zipfile.BadZipFile) as exc:
        raise ModelError(
            f"Cannot load the pose network {name} from {bundle} ({exc}). Delete the bundle "
            "and run again to re-download it, or put a valid pose_landmarker_full.task in "
            "--model-dir."
        ) from exc
    return interpreter


class PoseNetworks:
    """The detector and landmark networks of a ``pose_landmarker*.task`` bundle (one
    instance per thread: LiteRT interpreters are not shared).

    Raises
    ------
    ImportError
        If the LiteRT runtime is not installed.
    ModelError
        If the bundle cannot be read or its networks are not BlazePose's.
    """

    def __init__(self, bundle: Path, *, features: bool = False) -> None:
        self.bundle = Path(bundle)
        self._detector = _load(self.bundle, DETECTOR_FILE)
        self._landmarker = _load(self.bundle, LANDMARK_FILE, keep_tensors=features)
        (det_in,) = self._detector.get_input_details()
        (lm_in,) = self._landmarker.get_input_details()
        det_out = {d["name"]: d for d in self._detector.get_output_details()}
        lm_out = {d["name"]: d for d in self._landmarker.get_output_details()}
        self.detector_px = int(det_in["shape"][1])
        self.landmark_px = int(lm_in["shape"][1])
        anchors = detector_anchors(self.detector_px)
        shapes_ok = (
            tuple(det_out.get("Identity", {}).get("shape", ())) == (1, len(anchors), 12)
            and tuple(lm_out.get("Identity", {}).get("shape", ())) == (1, LANDMARKS * 5)
            and tuple(lm_out.get("Identity_3", {}).get("shape", ()))[-1:] == (LANDMARKS,)
        )
        if not shapes_ok:
            raise ModelError(f"{self.bundle} does not hold BlazePose's pose networks "
                             f"(detector outputs {sorted(det_out)}, landmark outputs "
                             f"{sorted(lm_out)}).")
        self._det_in, self._lm_in = det_in["index"], lm_in["index"]
        self._det_boxes = det_out["Identity"]["index"]
        self._det_scores = det_out["Identity_1"]["index"]
        self._lm_points = lm_out["Identity"]["index"]
        self._lm_flag = lm_out["Identity_1"]["index"]
        self._lm_heatmap = lm_out["Identity_3"]["index"]
        self.calls = {"detector": 0, "landmarks": 0}
        self._lm_features = None
        if features:
            found = [t["index"] for t in self._landmarker.get_tensor_details()
                     if t["name"].startswith(FEATURE_TENSOR)]
            if len(found) != 1:
                raise ModelError(f"{self.bundle}: the landmark network has no single tensor "
                                 f"named {FEATURE_TENSOR}...; it is not BlazePose Full's.")
            self._lm_features = found[0]
        self.last_features: np.ndarray | None = None
        """With ``features=True``: (64, 64, 48 + 39) decoder features and raw heatmap logits
        of the last :meth:`landmarks` call (crop cells: x right, y down)."""

    def detect(self, rgb: np.ndarray, min_score: float, max_count: int) -> list[PersonDetection]:
        """People in an (H, W, 3) uint8 RGB image: the frame letterboxed into the detector's
        square input, detections above ``min_score`` merged by :func:`weighted_nms`."""
        height, width = rgb.shape[:2]
        side = self.detector_px
        scale = side / max(height, width)
        new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
        pad_x, pad_y = (side - new_w) // 2, (side - new_h) // 2
        tensor = np.zeros((side, side, 3), np.float32)
        resized = cv2.resize(rgb, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
        tensor[pad_y:pad_y + new_h, pad_x:pad_x + new_w] = resized * (2.0 / 255.0) - 1.0
        self._detector.set_tensor(self._det_in, tensor[np.newaxis])
        self._detector.invoke()
        self.calls["detector"] += 1
        raw = self._detector.get_tensor(self._det_boxes)[0]
        scores = _sigmoid(self._detector.get_tensor(self._det_scores)[0, :, 0])
        keep = np.flatnonzero(scores >= min_score)
        if not keep.size:
            return []
        anchors = detector_anchors(side)[keep] * side
        raw = raw[keep]
        centre = anchors + raw[:, 0:2]
        half = raw[:, 2:4] / 2.0
        boxes = np.concatenate([centre - half, centre + half], axis=1)
        points = anchors[:, None, :] + raw[:, 4:12].reshape(-1, 4, 2)
        offset = np.array([pad_x, pad_y], float)
        boxes = (boxes - np.tile(offset, 2)) / scale
        points = (points - offset) / scale
        return weighted_nms(scores[keep], boxes, points, max_count)

    def landmarks(self, rgb: np.ndarray, region: HandRegion) -> tuple[np.ndarray, float]:
        """The landmark network on ``region`` of ``rgb`` (with ``features=True`` its decoder
        features are kept in :attr:`last_features`).

        Returns
        -------
        (landmarks, presence)
            (39, 5): ``x_px, y_px`` (pixels of ``rgb``), ``z`` (depth, MediaPipe's scale:
            about the units of x in the region's normalised frame), ``visibility`` and
            ``presence`` (0..1); and the network's probability that the region holds a
            person.
        """
        px = self.landmark_px
        crop, crop_to_frame = crop_replicated(rgb, region, px)
        self._landmarker.set_tensor(self._lm_in,
                                    (crop.astype(np.float32) * np.float32(1 / 255))[None])
        self._landmarker.invoke()
        self.calls["landmarks"] += 1
        raw = self._landmarker.get_tensor(self._lm_points).reshape(LANDMARKS, 5).astype(float)
        flag = float(self._landmarker.get_tensor(self._lm_flag).reshape(-1)[0])
        heatmap = self._landmarker.get_tensor(self._lm_heatmap)[0]
        if self._lm_features is not None:
            self.last_features = np.concatenate(
                [self._landmarker.get_tensor(self._lm_features)[0], heatmap], axis=-1)
        xy = refine_on_heatmap(raw[:, :2] / px, heatmap) * px
        out = np.empty((LANDMARKS, 5))
        out[:, :2] = to_frame(xy, crop_to_frame)
        out[:, 2] = raw[:, 2] / px * (region.side_px / rgb.shape[1])
        out[:, 3:5] = _sigmoid(raw[:, 3:5])
        return out, flag


def crop_replicated(rgb: np.ndarray, region: HandRegion, input_px: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The ``input_px`` square crop of ``region`` (turned so that ``region.up`` points up,
    the frame's edge pixels repeated outside it, as MediaPipe's image-to-tensor step does)
    and its (2, 3) crop-to-frame matrix (:meth:`HandRegion.crop_to_frame`)."""
    crop_to_frame = region.crop_to_frame(input_px)
    crop = cv2.warpAffine(rgb, crop_to_frame, (input_px, input_px),
                          flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REPLICATE)
    return crop, crop_to_frame


def refine_on_heatmap(xy: np.ndarray, heatmap: np.ndarray,
                      kernel: int = HEATMAP_KERNEL,
                      min_confidence: float = MIN_REFINE_CONFIDENCE) -> np.ndarray:
    """Landmarks moved to the centre of mass of their heatmap window (MediaPipe's rule).

    Parameters
    ----------
    xy
        (K, 2) landmark positions in [0, 1] of the network's input.
    heatmap
        (H, W, K) raw heatmap logits.

    Returns
    -------
    numpy.ndarray
        (K, 2): each landmark whose window (``kernel`` cells around it, cut at the edges)
        holds a cell of confidence (sigmoid) at least ``min_confidence`` moved to the
        confidence-weighted mean cell of the window, divided by the heatmap size; the
        others unchanged.
    """
    rows, cols, _ = heatmap.shape
    out = np.array(xy, float)
    half = (kernel - 1) // 2
    for k, (x, y) in enumerate(xy):
        col, row = int(x * cols), int(y * rows)
        if not (0 <= col < cols and 0 <= row < rows):
            continue
        r0, r1 = max(0, row - half), min(rows, row + half + 1)
        c0, c1 = max(0, col - half), min(cols, col + half + 1)
        confidence = _sigmoid(heatmap[r0:r1, c0:c1, k].astype(float))
        total = confidence.sum()
        if confidence.max() >= min_confidence and total > 0:
            rr, cc = np.mgrid[r0:r1, c0:c1]
            out[k] = ((cc * confidence).sum() / total / cols,
                      (rr * confidence).sum() / total / rows)
    return out


class PoseNetworkLandmarker:
    """People's pose landmarks in images or video frames with MediaPipe's networks, geometry
    and tracking rule (see the module docstring); a stand-in for MediaPipe's PoseLandmarker.

    Video (:meth:`detect_for_video`), as MediaPipe's VIDEO mode: each person kept in one
    frame gives its region in the next (from the landmarks' alignment points). While fewer
    than ``max_people`` are followed the detector runs too, and a person it finds whose
    region overlaps a followed one (intersection over union above
    ``min_tracking_confidence``, MediaPipe's use of that setting) replaces it: with one
    infant and two people allowed, every frame's region comes from the detector.

    Parameters
    ----------
    networks
        The networks (this instance's own: one per thread).
    max_people
        People found at most.
    min_detection_confidence
        Smallest detector score for a person.
    min_presence_confidence
        Smallest probability of the landmark network that its region holds a person, for
        the person to be kept (MediaPipe's ``min_pose_presence_confidence``).
    min_tracking_confidence
        See above.
    """

    def __init__(self, networks: PoseNetworks, *, max_people: int = 2,
                 min_detection_confidence: float = 0.5, min_presence_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5) -> None:
        self.networks = networks
        self.max_people = max_people
        self.min_detection_confidence = min_detection_confidence
        self.min_presence_confidence = min_presence_confidence
        self.min_tracking_confidence = min_tracking_confidence
        self._followed: list[HandRegion] = []

    def detect(self, rgb: np.ndarray) -> list[np.ndarray]:
        """People in one image (no tracking): (33, 5) per person, columns as
        :meth:`PoseNetworks.landmarks`."""
        return [p[:33] for p in self._people(rgb, self._detected_regions(rgb))]

    def detect_for_video(self, rgb: np.ndarray) -> list[np.ndarray]:
        """People in the next frame of a video (see the class docstring)."""
        regions = list(self._followed)
        if len(regions) < self.max_people:
            for found in self._detected_regions(rgb):
                regions = [r for r in regions
                           if _region_iou(r, found) <= self.min_tracking_confidence]
                regions.append(found)
        people = self._people(rgb, regions[: self.max_people])
        followed = (region_of(p[33, :2], p[34, :2]) for p in people)
        self._followed = [r for r in followed if r is not None]
        return [p[:33] for p in people]

    def _detected_regions(self, rgb: np.ndarray) -> list[HandRegion]:
        found = self.networks.detect(rgb, self.min_detection_confidence, self.max_people)
        regions = (region_of(d.keypoints[0], d.keypoints[1]) for d in found)
        return [r for r in regions if r is not None]

    def _people(self, rgb: np.ndarray, regions: list[HandRegion]) -> list[np.ndarray]:
        people = []
        for region in regions:
            landmarks, presence = self.networks.landmarks(rgb, region)
            if presence >= self.min_presence_confidence:
                people.append(landmarks)
        return people


def _region_iou(a: HandRegion, b: HandRegion) -> float:
    """Intersection over union of the upright bounding squares of two regions."""
    def box(r: HandRegion) -> np.ndarray:
        half = r.side_px / 2.0
        return np.array([r.centre[0] - half, r.centre[1] - half,
                         r.centre[0] + half, r.centre[1] + half])
    return _iou(box(a), box(b))
