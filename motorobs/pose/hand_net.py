"""MediaPipe's hand landmark network run directly on a region of the frame.

MediaPipe's HandLandmarker runs a palm detector over the whole frame and then its hand
landmark network on the region of each palm found. For the infant the region is already
known from the pose (:func:`motorobs.pose.hand_roi.region_from_pose`) or from the hand of
the previous frame (:func:`motorobs.pose.hand_roi.region_from_hand`), so motorobs runs the
landmark network alone, through LiteRT (``ai-edge-litert``, the TensorFlow Lite runtime),
on the network file inside the same ``hand_landmarker.task`` bundle: no palm detector and
no graph overhead, about a quarter of the HandLandmarker's cost per hand
(docs/performance.md).

LiteRT's ``invoke`` releases Python's GIL, so the network can run in its own thread beside
the pose model (:mod:`motorobs.pose.lanes`).
"""

from __future__ import annotations

import functools
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from motorobs.errors import ModelError
from motorobs.pose.hand_roi import HandRegion, crop_region, to_frame

NETWORK_FILE = "hand_landmarks_detector.tflite"
"""Name of the hand landmark network inside a ``hand_landmarker.task`` bundle."""


@dataclass(frozen=True)
class RegionHand:
    """The network's answer for one region.

    Attributes
    ----------
    landmarks
        (21, 3): ``x_px, y_px`` in pixels of the frame, ``z`` (depth relative to the wrist,
        in frame widths, MediaPipe's convention).
    presence
        The network's probability (0..1) that the region holds a hand.
    """

    landmarks: np.ndarray
    presence: float


@functools.cache
def runtime_available() -> bool:
    """Whether the LiteRT runtime (``ai-edge-litert``) is installed (not on Windows)."""
    import importlib.util

    return importlib.util.find_spec("ai_edge_litert") is not None


class HandLandmarkNetwork:
    """The hand landmark network of a ``hand_landmarker.task`` bundle (one per thread).

    Parameters
    ----------
    bundle
        Path of the ``.task`` bundle (a zip holding :data:`NETWORK_FILE`).

    Raises
    ------
    ImportError
        If the LiteRT runtime is not installed (:func:`runtime_available`).
    ModelError
        If the bundle cannot be read, holds no :data:`NETWORK_FILE`, or the network's
        inputs and outputs are not those of MediaPipe's hand landmark model.
    """

    def __init__(self, bundle: Path) -> None:
        from ai_edge_litert.interpreter import Interpreter

        try:
            with zipfile.ZipFile(bundle) as archive:
                content = archive.read(NETWORK_FILE)
            self._interpreter = Interpreter(model_content=content, num_threads=1)
            self._interpreter.allocate_tensors()
        except (OSError, KeyError, ValueError, RuntimeError, zipfile.BadZipFile) as exc:
            raise ModelError(
                f"Cannot load the hand landmark network {NETWORK_FILE} from {bundle} ({exc}). "
                "Delete the bundle and run again to re-download it, or put a valid "
                "hand_landmarker.task in --model-dir."
            ) from exc
        (self._input,) = self._interpreter.get_input_details()
        outputs = {d["name"]: d for d in self._interpreter.get_output_details()}
        shape = tuple(self._input["shape"])
        if len(shape) != 4 or shape[1] != shape[2] or shape[3] != 3 or \
                {"Identity", "Identity_1"} - set(outputs):
            raise ModelError(
                f"{NETWORK_FILE} in {bundle} is not MediaPipe's hand landmark network "
                f"(input {shape}, outputs {sorted(outputs)})."
            )
        self.input_px = int(shape[1])
        self._landmarks = outputs["Identity"]["index"]
        self._presence = outputs["Identity_1"]["index"]

    def __call__(self, rgb: np.ndarray, region: HandRegion) -> RegionHand:
        """Run the network on ``region`` of the (H, W, 3) uint8 RGB frame ``rgb``."""
        crop, crop_to_frame = crop_region(rgb, region, self.input_px)
        tensor = (crop.astype(np.float32) * np.float32(1.0 / 255.0))[np.newaxis]
        self._interpreter.set_tensor(self._input["index"], tensor)
        self._interpreter.invoke()
        raw = self._interpreter.get_tensor(self._landmarks).reshape(21, 3)
        presence = float(self._interpreter.get_tensor(self._presence).reshape(-1)[0])
        landmarks = np.empty((21, 3))
        landmarks[:, :2] = to_frame(raw[:, :2], crop_to_frame)
        landmarks[:, 2] = raw[:, 2] * (region.side_px / self.input_px) / rgb.shape[1]
        return RegionHand(landmarks, presence)
