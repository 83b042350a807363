"""Key frames stored in a clip folder (``keyframes/frame_NNNNNN.jpg``): made once, reused.

At analysis time the key frames are chosen (:func:`~motorobs.report.keyframes.
choose_key_frames`) and written as JPEG, every face already blurred. A chosen frame that is
already stored from the same video (same SHA-256), with the same blur setting and face
search, and with the same infant landmarks drawn on it, is reused as it is: re-running the
metrics and the report from saved landmarks then neither reads the video nor searches for
faces. Frames no longer chosen are removed (:func:`remove_stale_key_frames`).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import xarray as xr

from motorobs.io.atomic import write_atomic
from motorobs.landmarks import INDIVIDUAL
from motorobs.report.keyframes import (
    MAX_SIDE_PX,
    NO_FACE_NOTE,
    KeyFrameChoice,
    KeyFrameRenderer,
    choose_frames,
    event_middles,
    face_search_method,
    first_rendered,
    frame_indices,
    key_frame_notes,
)
from motorobs.report.moments import KeyFrameRequest
from motorobs.report.record import KEYFRAMES_DIR, ClipReport, KeyFrameRecord, KeyFrameSource
from motorobs.result import ClipResult

JPEG_QUALITY = 80
"""JPEG quality (0..100) of stored key frames: 25-35 kB for a 640 x 480 frame, without
visible blocks."""
FILE_PATTERN = "frame_*.jpg"


def key_frame_file(frame: int) -> str:
    """Where the key frame of video frame ``frame`` is stored, relative to the clip folder."""
    return f"{KEYFRAMES_DIR}/frame_{frame:06d}.jpg"


def landmarks_fingerprint(ds: xr.Dataset, time_index: int) -> str:
    """SHA-256 (hex) of the infant's landmark positions at ``time_index``: what is drawn on
    the key frame and where its face is blurred."""
    xy = ds["position"].isel(time=time_index).sel(individual=INDIVIDUAL).transpose(
        "keypoint", "space").values
    return hashlib.sha256(np.ascontiguousarray(xy, np.float64).tobytes()).hexdigest()


def encode_jpeg(rgb: np.ndarray) -> bytes:
    """An (H, W, 3) uint8 RGB image as JPEG bytes (quality :data:`JPEG_QUALITY`).

    Raises
    ------
    ValueError
        If OpenCV cannot encode it.
    """
    ok, jpeg = cv2.imencode(".jpg", np.ascontiguousarray(rgb[:, :, ::-1]),
                            [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError(f"Could not encode a {rgb.shape} key frame as JPEG.")
    return jpeg.tobytes()


def reusable_key_frames(
    previous: ClipReport | None, source: KeyFrameSource, clip_dir: Path
) -> dict[int, KeyFrameRecord]:
    """Video frame index -> stored key frame that may be reused: made the same way
    (``source``, including the video's SHA-256) and still on disk."""
    if previous is None or not source.video_sha256 or previous.key_frame_source != source:
        return {}
    return {k.frame: k for k in previous.key_frames if (Path(clip_dir) / k.file).is_file()}


@dataclass(frozen=True)
class StoredKeyFrames:
    """The key frames of a clip folder after :func:`store_key_frames`."""

    source: KeyFrameSource | None
    """How they were made (``None``: none were made)."""
    frames: list[KeyFrameRecord]
    """In time order."""
    notes: list[str]
    written: list[Path]
    """Files written now (the others were reused)."""


def store_key_frames(
    result: ClipResult,
    clip_dir: Path,
    n_frames: int,
    *,
    blur_faces: bool = True,
    pose_model_path: Path | None = None,
    previous: ClipReport | None = None,
    requests: Sequence[KeyFrameRequest] | None = None,
) -> StoredKeyFrames:
    """Choose the clip's key frames and make sure each is stored in ``clip_dir``.

    Parameters
    ----------
    result
        The clip's analysis (landmarks, events, video).
    clip_dir
        The clip folder; images go to ``keyframes/``.
    n_frames
        Key frames wanted.
    blur_faces
        Blur every face (frames without an infant face landmark are never used then).
    pose_model_path
        MediaPipe pose bundle to find other people's faces with; without one, key frames
        show only the part of the picture around the infant.
    previous
        The report stored by an earlier run, whose key frames may be reused.
    requests
        The moments wanted, best first (:func:`~motorobs.report.moments.
        key_frame_requests`); ``None``: the middle of each event
        (:func:`~motorobs.report.keyframes.event_middles`).
    """
    clip_dir = Path(clip_dir)
    ds, video = result.landmarks, result.video
    renderer_args = {"blur_faces": blur_faces, "pose_model_path": pose_model_path,
                     "width": video.width, "height": video.height,
                     "rotation_deg": video.rotation_deg}
    source = KeyFrameSource(str(video.sha256 or ""), blur_faces,
                            face_search_method(blur_faces, pose_model_path),
                            Path(pose_model_path).name if pose_model_path else None,
                            MAX_SIDE_PX)
    if n_frames <= 0:
        return StoredKeyFrames(source, [], [], [])
    if requests is None:
        requests = event_middles(result.events)
    choices = choose_frames(ds, requests, n_frames, require_face=blur_faces)
    if not choices:
        return StoredKeyFrames(source, [], [NO_FACE_NOTE], [])
    stored = reusable_key_frames(previous, source, clip_dir)
    times = ds["time"].values
    fingerprints = {c.time_index: landmarks_fingerprint(ds, c.time_index) for c in choices}
    frame_of = dict(zip((c.time_index for c in choices), frame_indices(ds, choices),
                        strict=True))
    kept = {t: stored[f] for t, f in frame_of.items()
            if f in stored and stored[f].landmarks_sha256 == fingerprints[t]}
    renderer = KeyFrameRenderer(ds, video.path,
                                [f for t, f in frame_of.items() if t not in kept],
                                **renderer_args)
    written: list[Path] = []

    def produce(choice: KeyFrameChoice) -> KeyFrameRecord | None:
        time_s = float(times[choice.time_index])
        if choice.time_index in kept:
            return replace(kept[choice.time_index], time_s=time_s, caption=choice.caption)
        image = renderer.render(choice)
        if image is None:
            return None
        frame = frame_of[choice.time_index]
        (clip_dir / KEYFRAMES_DIR).mkdir(parents=True, exist_ok=True)
        written.append(write_atomic(clip_dir / key_frame_file(frame), encode_jpeg(image)))
        return KeyFrameRecord(key_frame_file(frame), frame, time_s, choice.caption,
                              fingerprints[choice.time_index])

    frames = [record for _, record in first_rendered(choices, n_frames, produce)]
    notes = key_frame_notes(len(frames), n_frames, source.face_search, video.path,
                            video_read=not renderer.video_missing)
    return StoredKeyFrames(source, sorted(frames, key=lambda k: k.time_s), notes, written)


def remove_stale_key_frames(clip_dir: Path, keep: Iterable[str]) -> list[Path]:
    """Delete the stored key frames of ``clip_dir`` not in ``keep`` (files relative to the
    clip folder); the ``keyframes`` folder too when it is left empty. Returns what was
    deleted."""
    folder = Path(clip_dir) / KEYFRAMES_DIR
    if not folder.is_dir():
        return []
    keep = {Path(clip_dir, k).resolve() for k in keep}
    removed = []
    for path in folder.glob(FILE_PATTERN):
        if path.resolve() not in keep:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            removed.append(path)
    with contextlib.suppress(OSError):  # not empty: fine
        folder.rmdir()
    return removed
