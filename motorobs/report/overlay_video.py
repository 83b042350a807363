"""The skeleton video beside the report (``motorobs analyze --overlay-video``).

Every analysed frame of the clip, read once at analysis time, with every face blurred as in
the key frames (the infant's from its landmarks, other people's found with the pose model),
the skeleton drawn and the clip time written on it, scaled down to
:data:`~motorobs.report.keyframes.MAX_SIDE_PX` and written as WebM (VP8 at
:data:`BITRATE` bits per second, which browsers play and OpenCV writes without extra
libraries) at the analysis rate. Other people's faces are searched for every
:data:`ADULT_SEARCH_EVERY_S` (the pose model takes about 0.2 s a frame); a frame between two
searches has the faces of both blurred, each enlarged by :data:`BETWEEN_SEARCHES_GROWTH`. A
frame whose infant face cannot be located is written grey with a note: it is never published
unblurred. Without a pose model to search for other people's faces, everything outside the
infant's box is greyed out (the video's counterpart of cropping key frames to the infant).

Like key frames, the video is made once: a stored video made from the same video (SHA-256),
the same landmarks and the same blur setting is kept as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import xarray as xr

from motorobs.landmarks import INDIVIDUAL
from motorobs.report.faces import (
    FaceRegion,
    blur_regions,
    infant_face_region,
    shared_face_detector,
)
from motorobs.report.keyframes import (
    MAX_SIDE_PX,
    face_search_method,
    infant_box,
    shrink,
    upright,
)
from motorobs.report.overlay import draw_skeleton, stamp_time
from motorobs.report.record import OVERLAY_VIDEO, ClipReport, OverlayVideoRecord
from motorobs.result import ClipResult

logger = logging.getLogger("motorobs.report")

FOURCC = "VP80"
BITRATE = 300_000
"""Bits per second of the video: about 2 MB per minute at 640 x 480."""
ADULT_SEARCH_EVERY_S = 0.2
"""Other people's faces are searched for at most this far apart in time (s)."""
BETWEEN_SEARCHES_GROWTH = 1.3
"""Radius factor of the faces blurred in frames between two searches (people move)."""
HIDDEN_GREY = 128
HIDDEN_TEXT = "face not located: frame hidden"


@dataclass(frozen=True)
class StoredOverlay:
    """The overlay video of a clip folder after :func:`store_overlay_video`."""

    record: OverlayVideoRecord | None
    notes: list[str]
    written: list[Path]


def all_landmarks_fingerprint(ds: xr.Dataset) -> str:
    """SHA-256 (hex) of every frame index and infant landmark position drawn on the video."""
    xy = ds["position"].sel(individual=INDIVIDUAL).values
    digest = hashlib.sha256(np.ascontiguousarray(ds["frame"].values, np.int64).tobytes())
    digest.update(np.ascontiguousarray(xy, np.float64).tobytes())
    return digest.hexdigest()


def analysis_fps(ds: xr.Dataset, fallback: float) -> float:
    """Frames per second of the analysed frames (from their median spacing in time)."""
    times = np.asarray(ds["time"].values, float)
    if times.size > 1:
        step = float(np.median(np.diff(times)))
        if step > 0:
            return 1.0 / step
    return float(fallback) if fallback and fallback > 0 else 15.0


def grey_outside(rgb: np.ndarray, box: tuple[int, int, int, int] | None) -> np.ndarray:
    """A copy of ``rgb`` grey outside ``box`` (``(x0, y0, x1, y1)``, end exclusive); all grey
    when there is no box."""
    out = np.full_like(rgb, HIDDEN_GREY)
    if box is not None:
        x0, y0, x1, y1 = box
        out[y0:y1, x0:x1] = rgb[y0:y1, x0:x1]
    return out


def hidden_frame(shape: tuple[int, ...]) -> np.ndarray:
    """A grey frame saying that it is hidden (its face could not be located)."""
    out = np.full(shape, HIDDEN_GREY, np.uint8)
    scale = max(0.4, min(shape[:2]) / 640)
    cv2.putText(out, HIDDEN_TEXT, (10, shape[0] // 2), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (255, 255, 255), max(1, round(2 * scale)), cv2.LINE_AA)
    return out


def compose_frame(rgb: np.ndarray, ds: xr.Dataset, time_index: int, *, blur_faces: bool,
                  others: list[FaceRegion], crop: bool) -> tuple[np.ndarray, bool]:
    """One published frame of the video and whether it had to be hidden: every face blurred
    (the infant's from its landmarks, ``others`` as given), the skeleton drawn, grey outside
    the infant when ``crop``, scaled down and the time written."""
    hidden = False
    image = rgb
    if blur_faces:
        infant = infant_face_region(ds, time_index)
        if infant is None:
            image, hidden = hidden_frame(rgb.shape), True
        else:
            image = blur_regions(rgb, [infant, *others])
    if not hidden:
        image = draw_skeleton(image, ds, time_index)
        if crop:
            image = grey_outside(image, infant_box(ds, time_index, rgb.shape[1], rgb.shape[0]))
    image = shrink(image, MAX_SIDE_PX)
    return stamp_time(image, float(ds["time"].values[time_index])), hidden


def grown(regions: list[FaceRegion], factor: float = BETWEEN_SEARCHES_GROWTH
          ) -> list[FaceRegion]:
    """The regions with their radius multiplied by ``factor``."""
    return [FaceRegion(r.x, r.y, r.radius * factor, r.source) for r in regions]


def analysed_frames(video_path: Path, wanted: dict[int, int], width: int, height: int,
                    rotation_deg: int) -> Iterator[tuple[int, np.ndarray]]:
    """``(time index, upright RGB frame)`` of each analysed frame, reading the video once.

    Raises
    ------
    OSError
        If the video cannot be opened.
    """
    capture = cv2.VideoCapture(str(video_path))
    if not capture.isOpened():
        raise OSError(f"cannot read the video {video_path}")
    capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    try:
        last = max(wanted, default=-1)
        for index in range(last + 1):
            ok, bgr = capture.read()
            if not ok or bgr is None:
                return
            if index in wanted:
                frame = upright(bgr, width, height, rotation_deg)
                if frame is not None:
                    yield wanted[index], cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    finally:
        capture.release()


def write_overlay_video(
    result: ClipResult, path: Path, *, blur_faces: bool = True,
    pose_model_path: Path | None = None,
) -> tuple[int, int]:
    """Write the overlay video of ``result`` to ``path`` (atomically).

    Returns
    -------
    (frames, hidden)
        Frames written, and how many of them are grey (face not located).

    Raises
    ------
    OSError
        If the video cannot be read or the WebM cannot be written.
    """
    ds, video = result.landmarks, result.video
    face_search = face_search_method(blur_faces, pose_model_path)
    detector = shared_face_detector(pose_model_path) if face_search == "mediapipe_pose" else None
    wanted = {int(f): i for i, f in enumerate(ds["frame"].values)}
    fps = analysis_fps(ds, video.fps)
    every = max(1, round(ADULT_SEARCH_EVERY_S * fps))
    handle, tmp_name = tempfile.mkstemp(prefix=".overlay-", suffix=".webm", dir=path.parent)
    os.close(handle)
    tmp = Path(tmp_name)
    writer, frames, hidden = None, 0, 0
    waiting: list[tuple[int, np.ndarray]] = []  # frames between two face searches
    searched: list[FaceRegion] = []

    def search(time_index: int, rgb: np.ndarray) -> list[FaceRegion]:
        infant_xy = ds["position"].isel(time=time_index).sel(individual=INDIVIDUAL).transpose(
            "keypoint", "space").values
        return detector.detect(rgb, infant_xy)

    def emit(time_index: int, rgb: np.ndarray, others: list[FaceRegion]) -> None:
        nonlocal writer, frames, hidden
        image, was_hidden = compose_frame(rgb, ds, time_index, blur_faces=blur_faces,
                                          others=others, crop=face_search == "crop_to_infant")
        if writer is None:
            writer = cv2.VideoWriter(str(tmp), cv2.CAP_FFMPEG, cv2.VideoWriter_fourcc(*FOURCC),
                                     fps, (image.shape[1], image.shape[0]),
                                     [cv2.VIDEOWRITER_PROP_BITRATE, BITRATE])
            if not writer.isOpened():
                raise OSError(f"OpenCV cannot write {FOURCC} WebM video to {tmp}")
        writer.write(np.ascontiguousarray(image[:, :, ::-1]))
        frames += 1
        hidden += was_hidden

    try:
        frames_read = analysed_frames(video.path, wanted, video.width, video.height,
                                      video.rotation_deg)
        for count, (time_index, rgb) in enumerate(frames_read):
            if detector is None:
                emit(time_index, rgb, [])
                continue
            if count % every:
                waiting.append((time_index, rgb))
                continue
            found = search(time_index, rgb)
            for between_index, between in waiting:
                emit(between_index, between, grown(searched + found))
            waiting = []
            emit(time_index, rgb, found)
            searched = found
        if waiting:  # the last frames: search the last of them too
            last_index, last = waiting[-1]
            around = grown(searched + search(last_index, last))
            for between_index, between in waiting:
                emit(between_index, between, around)
        if writer is None:
            raise OSError(f"no frame of {video.path} could be read")
        writer.release()
        writer = None
        os.replace(tmp, path)
    finally:
        if writer is not None:
            writer.release()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return frames, hidden


def store_overlay_video(
    result: ClipResult, clip_dir: Path, *, blur_faces: bool = True,
    pose_model_path: Path | None = None, previous: ClipReport | None = None,
) -> StoredOverlay:
    """Make sure ``clip_dir/overlay.webm`` holds the clip's overlay video: the stored one
    when it was made the same way, else written now. A failure leaves it out with a note."""
    clip_dir = Path(clip_dir)
    ds, video = result.landmarks, result.video
    face_search = face_search_method(blur_faces, pose_model_path)
    fingerprint = all_landmarks_fingerprint(ds)
    old = previous.overlay_video if previous is not None else None
    if (old is not None and video.sha256 and old.video_sha256 == video.sha256
            and old.landmarks_sha256 == fingerprint and old.blur_faces == blur_faces
            and old.face_search == face_search and old.max_side_px == MAX_SIDE_PX
            and (clip_dir / old.file).is_file()):
        return StoredOverlay(old, [], [])
    path = clip_dir / OVERLAY_VIDEO
    if video.path is None or not Path(video.path).is_file():
        return StoredOverlay(None, [f"Skeleton video left out: the video {video.path} is not "
                                    "available."], [])
    try:
        frames, hidden = write_overlay_video(result, path, blur_faces=blur_faces,
                                             pose_model_path=pose_model_path)
    except Exception as exc:  # the report must not be lost for the sake of the video
        logger.exception("Overlay video of %s failed", result.clip)
        return StoredOverlay(None, [f"Skeleton video left out: {type(exc).__name__}: {exc}"],
                             [])
    record = OverlayVideoRecord(OVERLAY_VIDEO, str(video.sha256 or ""), fingerprint,
                                blur_faces, face_search, frames, hidden,
                                round(analysis_fps(ds, video.fps), 3), MAX_SIDE_PX)
    return StoredOverlay(record, [], [path])


def remove_overlay_video(clip_dir: Path) -> bool:
    """Delete ``clip_dir/overlay.webm`` (a video no longer asked for); whether it was
    there."""
    path = Path(clip_dir) / OVERLAY_VIDEO
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
