"""MediaPipe Tasks model bundles: finding them, checking them and downloading them.

A bundle (``.task``) is a zip archive holding the TFLite networks of one landmarker:
``pose_detector.tflite`` + ``pose_landmarks_detector.tflite`` for the pose landmarkers,
``hand_detector.tflite`` + ``hand_landmarks_detector.tflite`` for the hand landmarker.
Bundles are checked structurally (a complete zip, every expected member present, non-empty
and with correct CRCs), not against a fixed hash: repacked copies (e.g. for offline
machines) are as good as the official files.

Where a bundle is looked for; the first rule that applies decides the folder, and a
bundle missing from that folder is an error (motorobs does not silently look elsewhere):

1. ``model_dir`` (the ``--model-dir`` option, or ``PoseConfig.model_dir``);
2. the folder named by the environment variable ``MOTOROBS_MODEL_DIR``;
3. the user cache, ``<cache>/models``, where ``<cache>`` is ``$MOTOROBS_CACHE_DIR`` if set,
   else the platform's cache folder (``$XDG_CACHE_HOME/motorobs`` or
   ``~/.cache/motorobs`` on Linux, ``~/Library/Caches/motorobs`` on macOS,
   ``%LOCALAPPDATA%\\motorobs\\Cache`` on Windows). Missing bundles are downloaded there
   from the official MediaPipe storage on first use, when downloading is allowed.

Nothing here touches the network or the disk at import time.
"""

from __future__ import annotations

import http.client
import logging
import os
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from motorobs import __version__
from motorobs.errors import ModelError
from motorobs.io.hashing import file_sha256

logger = logging.getLogger(__name__)

MODEL_DIR_ENV = "MOTOROBS_MODEL_DIR"
CACHE_DIR_ENV = "MOTOROBS_CACHE_DIR"
DOWNLOAD_TIMEOUT_S = 60.0
"""Seconds to wait for the server to answer (per network operation, not in total)."""

_STORAGE = "https://storage.googleapis.com/mediapipe-models"
_POSE_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
_HAND_MEMBERS = ("hand_detector.tflite", "hand_landmarks_detector.tflite")


@dataclass(frozen=True)
class ModelBundle:
    """One MediaPipe Tasks bundle: its file name, official URL and expected members."""

    name: str
    url: str
    members: tuple[str, ...]


def _pose_bundle(variant: str) -> ModelBundle:
    name = f"pose_landmarker_{variant}.task"
    return ModelBundle(
        name,
        f"{_STORAGE}/pose_landmarker/pose_landmarker_{variant}/float16/latest/{name}",
        _POSE_MEMBERS,
    )


BUNDLES: dict[str, ModelBundle] = {
    bundle.name: bundle
    for bundle in (
        _pose_bundle("full"),
        _pose_bundle("heavy"),
        _pose_bundle("lite"),
        ModelBundle(
            "hand_landmarker.task",
            f"{_STORAGE}/hand_landmarker/hand_landmarker/float16/latest/hand_landmarker.task",
            _HAND_MEMBERS,
        ),
    )
}
"""Known bundles by file name."""

DEFAULT_BUNDLES: tuple[str, ...] = ("pose_landmarker_full.task", "hand_landmarker.task")
"""The bundles the default :class:`motorobs.config.PoseConfig` uses."""

_ALTERNATIVES = f"or put it in any folder and pass --model-dir FOLDER or set {MODEL_DIR_ENV}=FOLDER"


def bundle_spec(name: str) -> ModelBundle:
    """The known bundle called ``name`` (the ``.task`` suffix may be left out).

    Raises
    ------
    ModelError
        For an unknown name (lists the known ones).
    """
    key = name if name.endswith(".task") else f"{name}.task"
    if key not in BUNDLES:
        raise ModelError(
            f"Unknown MediaPipe model bundle {name!r}; known bundles: {', '.join(BUNDLES)}."
        )
    return BUNDLES[key]


def cache_root() -> Path:
    """motorobs's user cache folder (``$MOTOROBS_CACHE_DIR`` or the platform's)."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "motorobs" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "motorobs"
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache"
    return base / "motorobs"


def default_cache_dir() -> Path:
    """Folder where downloaded bundles are kept: ``cache_root() / "models"``."""
    return cache_root() / "models"


def model_search_dir(model_dir: str | Path | None = None) -> tuple[Path, str]:
    """The folder bundles are looked for in, and the rule that chose it.

    Returns
    -------
    folder, origin
        ``origin`` is ``"--model-dir"``, ``"MOTOROBS_MODEL_DIR"`` or ``"cache"``.
    """
    if model_dir is not None:
        return Path(model_dir).expanduser(), "--model-dir"
    from_env = os.environ.get(MODEL_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser(), MODEL_DIR_ENV
    return default_cache_dir(), "cache"


def check_bundle(path: str | Path, name: str | None = None) -> None:
    """Check that ``path`` is a complete bundle holding the members ``name`` needs.

    Parameters
    ----------
    path
        The ``.task`` file.
    name
        Bundle name deciding the expected members; default: the file's name.

    Raises
    ------
    ModelError
        If the file is not a complete zip, misses a member, or a member is damaged.
    """
    path = Path(path)
    bundle = bundle_spec(name or path.name)
    problem = _bundle_problem(path, bundle)
    if problem is not None:
        raise ModelError(
            f"{path} is not a usable MediaPipe bundle ({problem}); replace it with a fresh "
            f"copy of {bundle.url}."
        )


def resolve_model(name: str, model_dir: str | Path | None = None, *, download: bool = True) -> Path:
    """Path of a checked bundle, downloading it into the cache if needed and allowed.

    Parameters
    ----------
    name
        Bundle file name, e.g. ``"pose_landmarker_full.task"`` (see :data:`BUNDLES`).
    model_dir
        Folder holding the bundle (the ``--model-dir`` option); ``None`` follows the search
        order of the module notes.
    download
        Allow downloading a bundle missing from (or damaged in) the cache. Never used for
        ``model_dir`` or ``MOTOROBS_MODEL_DIR``, which are the user's folders.

    Raises
    ------
    ModelError
        The bundle is missing or damaged where it was looked for, or cannot be downloaded;
        the message says which file to put in which folder and where to get it.
    """
    bundle = bundle_spec(name)
    folder, origin = model_search_dir(model_dir)
    path = folder / bundle.name
    if origin != "cache":
        how = "given with --model-dir" if origin == "--model-dir" else f"named by {MODEL_DIR_ENV}"
        undo = "leave out --model-dir" if origin == "--model-dir" else f"unset {MODEL_DIR_ENV}"
        if not path.is_file():
            state = "" if folder.is_dir() else ", which does not exist"
            raise ModelError(
                f"{bundle.name} not found in {folder} (the folder {how}{state}); put the file "
                f"there (download it from {bundle.url}), or {undo} to use the model cache "
                f"{default_cache_dir()}."
            )
        check_bundle(path, bundle.name)
        return path

    if path.is_file():
        problem = _bundle_problem(path, bundle)
        if problem is None:
            return path
        if not download:
            raise ModelError(
                f"{path} in the model cache is damaged ({problem}) and downloading is off; "
                f"delete it and allow the download, or replace it with a copy of {bundle.url}."
            )
        logger.warning("%s is damaged (%s); downloading it again.", path, problem)
    elif not download:
        raise ModelError(
            f"{bundle.name} is not in the model cache {folder} and downloading is off; "
            f"download {bundle.url} into {folder}, {_ALTERNATIVES}."
        )
    return download_model(bundle.name, folder)


def download_model(
    name: str,
    dest_dir: str | Path,
    *,
    url: str | None = None,
    timeout: float = DOWNLOAD_TIMEOUT_S,
) -> Path:
    """Download a bundle into ``dest_dir`` safely.

    The data go to a hidden temporary file in ``dest_dir``; only once it has arrived in
    full and passed :func:`check_bundle` is it moved to ``dest_dir / name`` in one step
    (``os.replace``). On any failure the temporary file is removed, so an interrupted or
    corrupt download never leaves a broken bundle behind (and never replaces a good one).

    Parameters
    ----------
    name
        Bundle file name (see :data:`BUNDLES`).
    dest_dir
        Folder to put it in (created if needed).
    url
        Where to get it; default: the official MediaPipe URL of the bundle.
    timeout
        Seconds to wait for the server at each step.

    Returns
    -------
    Path
        ``dest_dir / name``.

    Raises
    ------
    ModelError
        The download failed or gave a file that is not a complete bundle.
    """
    bundle = bundle_spec(name)
    url = url or bundle.url
    dest_dir = Path(dest_dir).expanduser()
    target = dest_dir / bundle.name

    def failure(reason: str) -> ModelError:
        return ModelError(
            f"Could not download {bundle.name} from {url} ({reason}); check the internet "
            f"connection and try again, or download the file by hand into {dest_dir}, "
            f"{_ALTERNATIVES}."
        )

    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(
            dir=dest_dir, prefix=f".{bundle.name}.", suffix=".part"
        )
    except OSError as exc:
        raise failure(f"cannot write to {dest_dir}: {exc.strerror or exc}") from exc
    temp_path = Path(temp_name)
    try:
        logger.info("Downloading %s from %s", bundle.name, url)
        with os.fdopen(handle, "wb") as stream:
            size = _fetch(url, stream, timeout, failure)
        problem = _bundle_problem(temp_path, bundle)
        if problem is not None:
            raise failure(f"the downloaded file is not a complete MediaPipe bundle: {problem}")
        os.chmod(temp_path, 0o644)
        os.replace(temp_path, target)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    logger.info("Saved %s (%d bytes) to %s", bundle.name, size, target)
    return target


def model_status(
    model_dir: str | Path | None = None, *, names: Sequence[str] = DEFAULT_BUNDLES
) -> list[dict[str, Any]]:
    """Where each bundle is looked for and what is there, for ``motorobs info``.

    Never downloads. Hashes the bundles found (about 20 MB: well under a second).

    Returns
    -------
    list of dict
        One per bundle, with keys ``name``, ``origin`` (``"--model-dir"``,
        ``"MOTOROBS_MODEL_DIR"`` or ``"cache"``), ``folder`` (where it was looked for),
        ``found``, ``valid``, ``path``
        (None if not found), ``size_bytes``, ``sha256``, ``problem`` (None when valid) and
        ``url`` (the official download).
    """
    folder, origin = model_search_dir(model_dir)
    rows = []
    for name in names:
        bundle = bundle_spec(name)
        path = folder / bundle.name
        found = path.is_file()
        if found:
            problem = _bundle_problem(path, bundle)
        elif origin == "cache":
            problem = "not downloaded yet (motorobs downloads it on first use)"
        else:
            problem = "not found"
        rows.append(
            {
                "name": bundle.name,
                "origin": origin,
                "folder": str(folder),
                "found": found,
                "valid": found and problem is None,
                "path": str(path) if found else None,
                "size_bytes": path.stat().st_size if found else None,
                "sha256": file_sha256(path) if found else None,
                "problem": problem,
                "url": bundle.url,
            }
        )
    return rows


# --- helpers -----------------------------------------------------------------------------

_CHUNK_BYTES = 1 << 16


def _bundle_problem(path: Path, bundle: ModelBundle) -> str | None:
    """What is wrong with ``path`` as ``bundle`` (None: nothing)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            missing = [member for member in bundle.members if member not in infos]
            if missing:
                return f"missing {', '.join(missing)}"
            empty = [member for member in bundle.members if infos[member].file_size == 0]
            if empty:
                return f"empty {', '.join(empty)}"
            damaged = archive.testzip()
            if damaged is not None:
                return f"{damaged} is damaged (CRC mismatch)"
    except zipfile.BadZipFile:
        return "not a complete zip archive: truncated or not a bundle"
    except (OSError, EOFError) as exc:
        return f"cannot be read: {exc}"
    return None


def _fetch(url: str, stream: BinaryIO, timeout: float, failure: Callable[[str], ModelError]) -> int:
    """Copy ``url`` into ``stream``; returns the byte count. Raises ``failure(reason)``."""
    request = urllib.request.Request(url, headers={"User-Agent": f"motorobs/{__version__}"})
    received = 0
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            while chunk := response.read(_CHUNK_BYTES):
                stream.write(chunk)
                received += len(chunk)
    except urllib.error.HTTPError as exc:
        raise failure(f"the server answered HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise failure(f"{exc.reason}") from exc
    except TimeoutError as exc:
        raise failure(f"no answer within {timeout:g} s") from exc
    except http.client.IncompleteRead as exc:
        raise failure(f"the connection closed after {received + len(exc.partial)} bytes") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise failure(str(exc) or type(exc).__name__) from exc
    if expected is not None and received != expected:
        raise failure(f"the connection closed after {received} of {expected} bytes")
    return received
