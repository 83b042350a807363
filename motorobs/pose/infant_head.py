"""COCO-17 infant keypoints from BlazePose's own features: motorobs' infant keypoint head.

BlazePose's landmark network (``pose_landmarks_detector.tflite``) computes, inside, 64 x 64
decoder features (48 channels) from which its 39 heatmaps come. The **infant head** is a
small convolutional network, trained by ``tools/train_pose`` on synthetic infants (and no
real image in the shipped weights), that reads those features and the heatmap logits
(64 x 64 x 87) and gives one heatmap per COCO-17 keypoint, with the keypoints defined as
human annotators place them. The landmark network itself is left as it is (frozen).

Where the head is unsure (its confidence below the weights' ``threshold``), the keypoint of
the pose it refines (the ``infant`` estimator's) is kept: :func:`fuse`.

Coordinates: frame pixels (x right, y down) unless said otherwise; "crop pixels" are pixels
of the landmark network's 256 x 256 input; "cells" are cells of its 64 x 64 feature map
(cell ``(c, r)`` covers crop pixels ``[4c, 4c + 4) x [4r, 4r + 4)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from motorobs.errors import ModelError
from motorobs.pose.hand_roi import HandRegion, to_frame
from motorobs.pose.pose_net import PoseNetworks, region_of
from motorobs.pose.refine import original_to_quarter, quarter_to_original, rotate_quarter

WEIGHTS_FILE = "infant_head.npz"
"""The head's weights, package data of ``motorobs.pose.weights``."""
MATCH_TORSOS = 1.0
"""A detected person is the reference pose's when its mid-hip point lies within this many
of the reference's torso sizes of the reference's mid-hip point."""
WINDOW = 2
"""Cells on each side of the peak over which a keypoint is averaged and its confidence
summed (a 5 x 5 window)."""
_HIPS, _SHOULDERS = (11, 12), (5, 6)  # COCO-17 indices


@dataclass(frozen=True)
class HeadCrop:
    """The landmark network's view of one infant.

    Attributes
    ----------
    turns
        Quarter turns (counter-clockwise, :func:`~motorobs.pose.refine.rotate_quarter`) of
        the frame in which the person detector found the infant.
    region
        The landmark network's region, pixels of the turned frame.
    crop_to_frame
        (2, 3) affine map from crop pixels to pixels of the turned frame.
    features
        (64, 64, 87) float32: decoder features then heatmap logits (cells).
    landmarks
        (39, 5) BlazePose's landmarks (``x_px, y_px`` of the **upright** frame, z,
        visibility, presence).
    frame_size
        ``(width, height)`` of the upright frame, pixels.
    """

    turns: int
    region: HandRegion
    crop_to_frame: np.ndarray
    features: np.ndarray
    landmarks: np.ndarray
    frame_size: tuple[int, int]

    def to_upright(self, crop_xy: np.ndarray) -> np.ndarray:
        """(N, 2) crop pixels -> (N, 2) pixels of the upright frame."""
        return quarter_to_original(to_frame(crop_xy, self.crop_to_frame), self.turns,
                                   *self.frame_size)

    def to_crop(self, frame_xy: np.ndarray) -> np.ndarray:
        """(N, 2) pixels of the upright frame -> (N, 2) crop pixels."""
        turned = original_to_quarter(frame_xy, self.turns, *self.frame_size)
        linear, offset = self.crop_to_frame[:, :2], self.crop_to_frame[:, 2]
        return (np.asarray(turned, float) - offset) @ np.linalg.inv(linear).T


def _torso(coco_xy: np.ndarray) -> tuple[np.ndarray, float]:
    """Mid-hip point (pixels) and torso size (mean shoulder-to-opposite-hip diagonal)."""
    hips = coco_xy[list(_HIPS)]
    d1 = np.hypot(*(coco_xy[_SHOULDERS[0]] - coco_xy[_HIPS[1]]))
    d2 = np.hypot(*(coco_xy[_SHOULDERS[1]] - coco_xy[_HIPS[0]]))
    return np.nanmean(hips, axis=0), float(np.nanmean([d1, d2]))


def find_crop(networks: PoseNetworks, rgb: np.ndarray, reference: np.ndarray, *,
              jitter: Callable[[HandRegion], HandRegion] | None = None,
              min_score: float = 0.5) -> HeadCrop | None:
    """The landmark network's view of the person of ``reference`` (its features kept).

    The person detector runs on the upright frame, then on each quarter turn until it finds
    a person whose mid-hip point (the detector's first alignment point) is within
    :data:`MATCH_TORSOS` of the reference's; that person's region (MediaPipe's geometry,
    :func:`~motorobs.pose.pose_net.region_of`) goes to the landmark network.

    Parameters
    ----------
    networks
        BlazePose's networks, made with ``features=True``.
    rgb
        (H, W, 3) uint8 upright frame.
    reference
        (17, 2) COCO-17 keypoints of the infant (pixels; NaN where unknown), e.g. the
        ``infant`` estimator's or an annotation: only hips and shoulders are used.
    jitter
        Changes the region before the landmark network sees it (training only).
    min_score
        Smallest detector score.

    Returns
    -------
    HeadCrop or None
        None when no detected person matches, or the reference has no torso.
    """
    centre, torso = _torso(np.asarray(reference, float))
    if not (np.all(np.isfinite(centre)) and np.isfinite(torso) and torso > 0):
        return None
    height, width = rgb.shape[:2]
    for turns in range(4):
        turned = rotate_quarter(rgb, turns)
        best, best_gap = None, MATCH_TORSOS
        for person in networks.detect(turned, min_score, 3):
            hip = quarter_to_original(person.keypoints[0], turns, width, height)
            gap = float(np.hypot(*(hip - centre))) / torso
            if gap <= best_gap:
                best, best_gap = person, gap
        region = region_of(best.keypoints[0], best.keypoints[1]) if best else None
        if region is None:
            continue
        if jitter is not None:
            region = jitter(region)
        landmarks, _ = networks.landmarks(turned, region)
        landmarks[:, :2] = quarter_to_original(landmarks[:, :2], turns, width, height)
        return HeadCrop(turns, region, region.crop_to_frame(networks.landmark_px),
                        networks.last_features.astype(np.float32), landmarks,
                        (width, height))
    return None


def _conv(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, dilation: int) -> np.ndarray:
    """'Same' 2-D convolution of (H, W, Cin) by (k, k, Cin, Cout) weights (im2col)."""
    k = weight.shape[0]
    if k == 1:
        return x @ weight[0, 0] + bias
    pad = dilation * (k // 2)
    padded = np.pad(x, ((pad, pad), (pad, pad), (0, 0)))
    rows, cols = x.shape[:2]
    columns = np.concatenate(
        [padded[i * dilation:i * dilation + rows, j * dilation:j * dilation + cols]
         for i in range(k) for j in range(k)], axis=-1)
    return columns @ weight.reshape(-1, weight.shape[-1]) + bias


class InfantHead:
    """The trained head (numpy only).

    Parameters
    ----------
    path
        An ``.npz`` written by ``tools/train_pose/export.py``; default: the package's.

    Raises
    ------
    ModelError
        If the file is missing or not a head's weights.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        source = Path(path) if path else resources.files("motorobs.pose.weights") / WEIGHTS_FILE
        try:
            with np.load(str(source)) as data:
                self.mean, self.scale = data["input_mean"], data["input_scale"]
                n = int(data["layers"])
                self.layers = [(data[f"w{i}"], data[f"b{i}"], int(data[f"d{i}"]))
                               for i in range(n)]
                self.skip = data["skip_channels"].astype(int)
                self.skip_gain = float(data["skip_gain"])
                self.threshold = float(data["threshold"])
                self.version = str(data["version"])
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"Cannot read the infant head's weights {source} ({exc}); "
                             "reinstall motorobs or pass a file written by "
                             "tools/train_pose/export.py.") from exc
        self.source = str(source)

    def logits(self, features: np.ndarray) -> np.ndarray:
        """(64, 64, 17) heatmap logits from (64, 64, 87) features: the layers' output plus
        BlazePose's own heatmap logit of each keypoint times the learnt gain."""
        raw = np.asarray(features, np.float32)
        x = (raw - self.mean) * self.scale
        for i, (weight, bias, dilation) in enumerate(self.layers):
            x = _conv(x, weight, bias, dilation)
            if i < len(self.layers) - 1:
                x = np.maximum(x, 0.0)
        return x + self.skip_gain * raw[:, :, self.skip]

    def __call__(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Keypoints in crop pixels and their confidence: see :func:`decode`."""
        return decode(self.logits(features))


def decode(logits: np.ndarray, window: int = WINDOW, crop_px: int = 256
           ) -> tuple[np.ndarray, np.ndarray]:
    """Keypoints from heatmap logits.

    Each keypoint's heatmap is a softmax over all cells; the keypoint is the
    probability-weighted mean cell of the window of ``window`` cells around the most
    probable cell, and its confidence the probability inside that window (0..1).

    Parameters
    ----------
    logits
        (R, C, K) logits.

    Returns
    -------
    (xy, confidence)
        (K, 2) crop pixels (cell centres at ``(c + 0.5) * crop_px / C``) and (K,).
    """
    rows, cols, count = logits.shape
    flat = logits.reshape(-1, count).astype(float)
    prob = np.exp(flat - flat.max(axis=0))
    prob = (prob / prob.sum(axis=0)).reshape(rows, cols, count)
    xy, confidence = np.empty((count, 2)), np.empty(count)
    for k in range(count):
        r, c = np.unravel_index(int(np.argmax(prob[:, :, k])), (rows, cols))
        r0, r1 = max(0, r - window), min(rows, r + window + 1)
        c0, c1 = max(0, c - window), min(cols, c + window + 1)
        part = prob[r0:r1, c0:c1, k]
        rr, cc = np.mgrid[r0:r1, c0:c1]
        total = part.sum()
        xy[k] = ((cc * part).sum() / total + 0.5) * crop_px / cols, \
                ((rr * part).sum() / total + 0.5) * crop_px / rows
        confidence[k] = total
    return xy, confidence


def fuse(head_xy: np.ndarray, confidence: np.ndarray, fallback_xy: np.ndarray,
         threshold: float) -> np.ndarray:
    """(K, 2) the head's keypoints where ``confidence >= threshold`` or the fallback has
    none (NaN), else the fallback's (``fallback_xy``: the refined estimator's)."""
    use = (np.asarray(confidence) >= threshold) | ~np.isfinite(fallback_xy).all(axis=1)
    return np.where(use[:, None], head_xy, fallback_xy)


class InfantHeadRefiner:
    """The ``infant_head`` estimator's step after the ``infant`` estimator, one image at a
    time: BlazePose's crop of the infant (:func:`find_crop`), the head's keypoints and
    :func:`fuse` with the ``infant`` estimator's pose.

    Parameters
    ----------
    bundle
        ``pose_landmarker_full.task`` (the networks are read from it).
    weights
        The head's ``.npz`` (default: the package's).
    """

    def __init__(self, bundle: str | Path, weights: str | Path | None = None) -> None:
        from motorobs.pose.evaluation import MEDIAPIPE_TO_COCO

        self.networks = PoseNetworks(Path(bundle), features=True)
        self.head = InfantHead(weights)
        self._coco = list(MEDIAPIPE_TO_COCO)

    def provenance(self) -> dict:
        """What identifies the head: its file's SHA-256, version text and threshold."""
        from motorobs.io.hashing import file_sha256

        return {"weights": Path(self.head.source).name,
                "sha256": file_sha256(self.head.source),
                "version": self.head.version, "threshold": self.head.threshold}

    def refine(self, rgb: np.ndarray, pose_xy: np.ndarray) -> tuple[np.ndarray, int]:
        """The pose with its COCO-17 keypoints from the head where it is sure.

        Parameters
        ----------
        rgb
            (H, W, 3) uint8 upright frame.
        pose_xy
            (33, 2) the ``infant`` estimator's landmarks (pixels; NaN when not found).

        Returns
        -------
        (pose, replaced)
            (33, 2) landmarks (the 16 not in COCO-17 unchanged) and how many keypoints the
            head replaced (0 when no crop matched the pose).
        """
        pose = np.array(pose_xy, float)
        coco = pose[self._coco]
        crop = find_crop(self.networks, rgb, coco) if np.isfinite(coco).any() else None
        if crop is None:
            return pose, 0
        xy, confidence = self.head(crop.features)
        fused = fuse(crop.to_upright(xy), confidence, coco, self.head.threshold)
        pose[self._coco] = fused
        return pose, int(np.sum(np.any(fused != coco, axis=1)))
