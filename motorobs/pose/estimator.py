"""Landmark estimation: a video or an image to the infant's landmarks dataset.

The entry points every front end uses. Which pose backend finds people and hands is a
setting (``PoseConfig.backend``, :mod:`motorobs.pose.backend`; MediaPipe by default,
:mod:`motorobs.pose.mediapipe_backend`); the rest is shared by every backend: the frame loop
(:mod:`motorobs.pose.frame_loop`), the choice of the infant and of its hands
(:mod:`motorobs.pose.tracking`) and the dataset (:mod:`motorobs.pose.assembly`).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from motorobs.config import PoseConfig
from motorobs.io.video import VideoInfo
from motorobs.pose.assembly import clip_dataset, image_dataset
from motorobs.pose.backend import PoseBackend, backend_for
from motorobs.pose.frame_loop import ProgressCallback, frame_step, run_frames, run_image
from motorobs.pose.mediapipe_backend import HAND_CROP_PX, LandmarkEstimator

__all__ = ["HAND_CROP_PX", "ImageLandmarker", "LandmarkEstimator", "ProgressCallback",
           "estimate_image", "estimate_landmarks", "frame_step"]


def estimate_landmarks(
    info: VideoInfo, config: PoseConfig, progress: ProgressCallback | None = None, *,
    backend: PoseBackend | None = None,
) -> xr.Dataset:
    """Run pose and hand estimation over a video and keep the infant's landmarks.

    Parameters
    ----------
    info
        Probed video (:func:`motorobs.io.video.probe_video`).
    config
        Pose settings; ``analysis_fps`` sets how many frames are analysed, ``backend`` which
        backend runs (and, for MediaPipe, ``estimator`` which estimator).
    progress
        Optional ``progress(done, total)`` callback.
    backend
        The backend to run (default: the one ``config`` names).

    Returns
    -------
    xarray.Dataset
        The infant's landmarks (pixels of the upright frame) with the attributes of
        :func:`motorobs.pose.assembly.clip_dataset` and the backend's own (MediaPipe:
        ``estimator``, ``pose_turns``, ``hand_finder``, ``hand_region_calls``).

    Raises
    ------
    motorobs.errors.ModelError
        The backend's models are missing or broken.
    motorobs.errors.VideoError
        The video stops decoding well before its announced end.
    """
    backend = backend or backend_for(config)
    with backend.open(video=True) as landmarker:
        run = run_frames(info, config, landmarker, progress)
        backend_attrs = landmarker.attrs()
    return clip_dataset(info, run, backend.cache_key(download=True), backend_attrs)


class ImageLandmarker:
    """The single-image estimator, reusable over many images (a context manager).

    ``landmarker(rgb)`` gives what :func:`estimate_image` gives, without reloading the
    models for every image (used by :mod:`motorobs.pose.evaluation`).
    """

    def __init__(self, config: PoseConfig | None = None, *,
                 backend: PoseBackend | None = None) -> None:
        self.config = config or PoseConfig()
        self._backend = backend or backend_for(self.config)
        self._key = self._backend.cache_key(download=True)
        self._landmarker = self._backend.open(video=False)

    def __enter__(self) -> ImageLandmarker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the backend's models."""
        self._landmarker.close()

    def __call__(self, rgb: np.ndarray) -> xr.Dataset:
        """A one-frame landmarks dataset of ``rgb`` (see :func:`estimate_image`)."""
        run = run_image(rgb, self.config, self._landmarker)
        return image_dataset(rgb.shape, run, self._key, self._landmarker.attrs())


def estimate_image(rgb: np.ndarray, config: PoseConfig | None = None) -> xr.Dataset:
    """The infant's landmarks in one image, through the same estimator as the video path.

    Parameters
    ----------
    rgb
        (H, W, 3) uint8 image, RGB, upright.
    config
        Pose settings (defaults when ``None``: MediaPipe's ``"infant"`` estimator, which
        tries the image in four quarter turns).

    Returns
    -------
    xarray.Dataset
        A one-frame landmarks dataset (``time`` = [0.0]) in pixels of ``rgb``; all NaN when
        no person was found. ``attrs["estimator"]`` names the estimator that ran.
    """
    with ImageLandmarker(config) as landmarker:
        return landmarker(rgb)
