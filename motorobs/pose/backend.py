"""The pose-backend seam: what turns frames into people and hands, and a registry to pick one.

A *backend* (:class:`PoseBackend`) is one way of finding landmarks in pictures: MediaPipe
Tasks (``"mediapipe"``, :mod:`motorobs.pose.mediapipe_backend`, the default), a
deterministic stand-in for tests and demonstrations (``"fake"``, :mod:`motorobs.pose.fake`),
or any model registered with :func:`register_backend`. A backend is made from the pose
settings (:class:`motorobs.config.PoseConfig`; ``PoseConfig.backend`` names it) and opens a
:class:`FrameLandmarker` for one clip (or for independent images), which answers per frame.

Everything around the per-frame answers is shared by every backend and lives elsewhere:
decoding, the frame step and the video's rotation (:mod:`motorobs.pose.frame_loop`),
choosing the infant and attributing hands (:mod:`motorobs.pose.tracking`), and the landmarks
dataset (:mod:`motorobs.pose.assembly`).

Per frame, in pixels of the upright frame (x right, y down), a landmarker gives:

- people: one (33, 5) array per person, MediaPipe Pose's keypoints
  (:data:`motorobs.schema.POSE_LANDMARKS`), columns ``x_px, y_px, z, visibility, presence``
  (``z``: depth relative to the hips in frame widths, MediaPipe's convention; scores 0..1);
- hands: either every hand in the frame, ``[((21, 3) array x_px, y_px, z; score), ...]``, to
  be attributed to the infant (:mod:`motorobs.pose.infant`), or the infant's own hands,
  ``{"left" | "right": ((21, 3) array, score)}``.

A backend's :meth:`PoseBackend.cache_key` (its name, its model files with their SHA-256 and
the settings that change its landmarks) decides whether landmarks stored by an earlier run
can be reused (:func:`motorobs.pipeline.analyze_video`).
"""

from __future__ import annotations

import importlib
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from motorobs.errors import MotorobsError

if TYPE_CHECKING:
    import numpy as np

    from motorobs.config import PoseConfig

DEFAULT_BACKEND = "mediapipe"
"""The backend used when ``PoseConfig.backend`` is not set."""

SHARED_SETTINGS_NOT_IN_KEY: tuple[str, ...] = ("backend", "model_dir", "overlap_models")
"""PoseConfig fields that do not change the landmarks: the backend's name (in the key on its
own), where models live (their content is in the key) and threads."""

Hands = list | Mapping[str, tuple]
"""A landmarker's hands of one frame (see the module docstring)."""


class FrameLandmarker(ABC):
    """One backend's pass over the frames of one clip (or over independent images).

    Frames come in order with increasing ``timestamp_ms`` (milliseconds of the video).
    Use as a context manager; :meth:`close` releases what the backend holds.
    """

    @abstractmethod
    def detect_people(self, rgb: np.ndarray, timestamp_ms: int = 0,
                      checked: Any = None) -> list[np.ndarray]:
        """People in one (H, W, 3) uint8 RGB frame: one (33, 5) array each (module docstring).

        ``checked`` is what :meth:`check` returned for this frame when :meth:`check_due` said
        a check runs on it, else None."""

    @abstractmethod
    def detect_infant_hands(self, rgb: np.ndarray, timestamp_ms: int,
                            infant: np.ndarray | None) -> Hands:
        """The hands of one frame, given ``infant``, the (33, 5) pose of the person chosen as
        the infant (None when no one was): every hand in view (a list, attributed later) or
        the infant's own (a dict by side)."""

    def detect_hands_in_box(self, rgb: np.ndarray,
                            box: tuple[int, int, int, int]) -> list[tuple[np.ndarray, float]]:
        """Hands in the ``(x0, y0, x1, y1)`` part of ``rgb`` (pixels), searched closely for a
        hand the frame did not give: ``[((21, 3) array in pixels of rgb, score), ...]``.
        Default: none (a backend without a close-up search)."""
        return []

    def check_due(self, timestamp_ms: int) -> bool:
        """Whether :meth:`check` runs on the frame at ``timestamp_ms`` (called once per frame,
        in order). Default: never."""
        return False

    def check(self, rgb: np.ndarray) -> Any:
        """Work on a frame that must precede :meth:`detect_people` and may run in a thread of
        its own (MediaPipe: the quarter-turn re-check). Default: nothing."""
        return None

    def attrs(self) -> dict[str, Any]:
        """The backend's own dataset attributes, added after the shared ones (strings and
        numbers; JSON text for anything nested)."""
        return {}

    def close(self) -> None:  # noqa: B027 - optional: most backends hold something
        """Release models and threads (default: nothing to release)."""

    def __enter__(self) -> FrameLandmarker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PoseBackend(ABC):
    """A way of finding the landmarks of people and hands in pictures.

    Made from the pose settings (``factory(config)``, see :func:`register_backend`); cheap
    to make: models are loaded by :meth:`open`.
    """

    name: str = ""
    """The name it is registered under (the dataset's ``pose_backend`` attribute)."""

    def __init__(self, config: PoseConfig) -> None:
        self.config = config

    @abstractmethod
    def open(self, *, video: bool = True) -> FrameLandmarker:
        """A landmarker for one clip (``video=True``: frames in order, tracking across them)
        or for independent images (``video=False``).

        Raises
        ------
        motorobs.errors.ModelError
            The backend's model files are missing or broken (the message says the fix).
        """

    def models(self, *, download: bool = True) -> dict[str, Path]:
        """The backend's model files by role (e.g. ``{"pose": ..., "hand": ...}``);
        ``download=False`` never fetches a missing one (raises instead). Default: none."""
        return {}

    def settings(self) -> dict[str, Any]:
        """The settings that change this backend's landmarks, JSON-serialisable: by default
        every pose setting but :data:`SHARED_SETTINGS_NOT_IN_KEY` (the shared frame step and
        infant tracking read them too)."""
        return {k: v for k, v in asdict(self.config).items()
                if k not in SHARED_SETTINGS_NOT_IN_KEY}

    def versions(self) -> dict[str, str]:
        """Versions of the libraries it runs on, for the provenance (e.g. ``{"mediapipe":
        "0.10.14"}``). Default: none."""
        return {}

    def cache_key(self, *, download: bool = False) -> dict[str, Any]:
        """What the landmarks depend on besides the video and motorobs' version:
        ``{"backend": name, "models": [{"name", "sha256"}, ...], "settings": {...}}``.

        Raises
        ------
        motorobs.errors.MotorobsError
            A model file is missing (with ``download=False``) or broken.
        """
        from motorobs.io.hashing import file_sha256

        models = [{"name": Path(p).name, "sha256": file_sha256(p)}
                  for p in self.models(download=download).values()]
        return {"backend": self.name, "models": models, "settings": self.settings()}


def key_attrs(key: Mapping[str, Any]) -> dict[str, str]:
    """A :meth:`PoseBackend.cache_key` as landmarks-dataset attributes: ``pose_backend``,
    ``models`` (JSON list) and ``pose_config`` (JSON, sorted keys)."""
    return {"pose_backend": key["backend"], "models": json.dumps(key["models"]),
            "pose_config": json.dumps(key["settings"], sort_keys=True)}


def stored_key(attrs: Mapping[str, Any]) -> dict[str, Any] | None:
    """The cache key recorded in a landmarks dataset's (or file's) attributes by
    :func:`key_attrs`; None when it is incomplete or not JSON (an older or foreign file)."""
    try:
        return {"backend": attrs["pose_backend"], "models": json.loads(attrs["models"]),
                "settings": json.loads(attrs["pose_config"])}
    except (KeyError, TypeError, ValueError):
        return None


BackendFactory = Callable[["PoseConfig"], PoseBackend]
"""Makes a backend from the pose settings (a :class:`PoseBackend` subclass will do)."""

_REGISTRY: dict[str, BackendFactory | str] = {
    "mediapipe": "motorobs.pose.mediapipe_backend:MediaPipeBackend",
    "fake": "motorobs.pose.fake:FakeBackend",
}
"""Name -> factory, or ``"module:attribute"`` imported on first use (so that importing
motorobs never imports a backend's libraries)."""
ENTRY_POINT_GROUP = "motorobs.pose_backends"
"""Installed packages offer backends under this entry-point group, each a ``name =
"module:attribute"`` naming a factory (no import needed to register; registered names win)::

    [project.entry-points."motorobs.pose_backends"]
    my_infant_model = "my_package.pose:MyBackend"
"""


class UnknownBackendError(MotorobsError, ValueError):
    """No backend is registered under the name asked for."""


def register_backend(name: str, factory: BackendFactory | str, *,
                     replace: bool = False) -> None:
    """Make a backend selectable by ``name`` (``PoseConfig.backend``, ``--pose-backend``).

    Parameters
    ----------
    name
        The name, e.g. ``"my_infant_model"``.
    factory
        ``factory(config) -> PoseBackend`` (a :class:`PoseBackend` subclass), or
        ``"package.module:attribute"`` naming one, imported when first asked for.
    replace
        Allow replacing a backend already registered under ``name``.

    Raises
    ------
    ValueError
        ``name`` is taken (and ``replace`` is false) or empty.
    """
    if not name or not isinstance(name, str):
        raise ValueError(f"A pose backend needs a non-empty name, got {name!r}.")
    if name in _REGISTRY and not replace:
        raise ValueError(f"A pose backend named {name!r} is already registered; pass "
                         "replace=True to replace it.")
    _REGISTRY[name] = factory


def _known() -> dict[str, BackendFactory | str]:
    """The installed packages' backends (:data:`ENTRY_POINT_GROUP`), then the registered."""
    from importlib.metadata import entry_points

    installed = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    return {**installed, **_REGISTRY}


def backend_names() -> tuple[str, ...]:
    """The names of the registered and installed backends, sorted."""
    return tuple(sorted(_known()))


def get_backend(name: str | None, config: PoseConfig | None = None) -> PoseBackend:
    """The backend registered as ``name`` (None: :data:`DEFAULT_BACKEND`), made for
    ``config`` (None: the default pose settings).

    Raises
    ------
    UnknownBackendError
        No backend has that name (the message lists the registered ones).
    """
    from motorobs.config import PoseConfig

    name = name or DEFAULT_BACKEND
    known = _known()
    if name not in known:
        raise UnknownBackendError(f"Unknown pose backend {name!r}; registered backends: "
                                  f"{', '.join(sorted(known))}.")
    factory = known[name]
    if isinstance(factory, str):
        module, _, attribute = factory.partition(":")
        factory = _REGISTRY[name] = getattr(importlib.import_module(module), attribute)
    backend = factory(config or PoseConfig())
    backend.name = name
    return backend


def backend_for(config: PoseConfig) -> PoseBackend:
    """The backend ``config`` asks for (``PoseConfig.backend``; the default when the
    settings have no such field)."""
    return get_backend(getattr(config, "backend", None), config)
