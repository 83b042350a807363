"""Choosing, reading and rendering the key frames of a clip's report.

Key frames show the moments wanted (:class:`~motorobs.report.moments.KeyFrameRequest`: the
moments of the summary's findings first, then of the other events; by default the middle of
each event, one event of each type in turn) and, when there are fewer such moments than
frames wanted, frames spread evenly over the clip. A frame is only ever used when the
infant's face can be located in it, so that it can be blurred. Each image has the skeleton
drawn and the clip time written on it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
import xarray as xr

from motorobs.landmarks import INDIVIDUAL
from motorobs.metrics.base import Event
from motorobs.report.faces import FaceNotLocatedError, shared_face_detector
from motorobs.report.labels import event_label
from motorobs.report.moments import KeyFrameRequest
from motorobs.report.overlay import render_key_frame, stamp_time
from motorobs.schema import FACE_LANDMARKS

logger = logging.getLogger("motorobs.report")

MAX_GAP_S = 0.5
"""Key frames are kept at least this far apart (s), or closer in short clips."""
INFANT_BOX_PADDING = 0.15
"""Key frames cropped to the infant (no face search available) keep this share of the
infant's larger box side as a margin on every side."""
SEEK_AFTER_FRAMES = 120
""":func:`read_frames` seeks rather than skips frame by frame across longer gaps: 4 s at
30 frames/s, about the distance between key frames of a phone video. Measured on two real
30 frames/s clips: 8 frames spread over 231 and 300 frames read in 0.46 and 0.60 s with a
seek each, against 0.19 and 0.17 s to step through the whole clip."""
MAX_SIDE_PX = 640
"""Key frames larger than this (longer side, px) are scaled down for the report: shown at
about half that width, sharp on a high-density screen, about 30 kB as JPEG."""
NO_FACE_NOTE = ("Key frames left out: no frame shows the infant's face clearly enough to blur "
                "it safely.")
CROPPED_NOTE = ("Other people's faces could not be searched for (the pose model was not "
                "available), so key frames show only the part of the picture around the baby.")

T = TypeVar("T")


@dataclass(frozen=True)
class KeyFrameChoice:
    """A frame chosen for the report (before it is read)."""

    time_index: int
    """Index along the landmarks' ``time`` dimension."""
    caption: str


@dataclass(frozen=True)
class KeyFrame:
    """A rendered key frame."""

    time_index: int
    frame_index: int
    time_s: float
    caption: str
    image: np.ndarray
    """(H, W, 3) uint8 RGB, faces blurred (unless blurring was switched off)."""


def face_located(ds: xr.Dataset) -> np.ndarray:
    """(T,) bool: the infant has at least one face landmark position in that frame."""
    keypoints = [str(k) for k in ds["keypoint"].values]
    face = [k for k in FACE_LANDMARKS if k in keypoints]
    xy = ds["position"].sel(individual=INDIVIDUAL, keypoint=face).transpose(
        "time", "keypoint", "space").values
    return np.any(np.all(np.isfinite(xy), axis=2), axis=1)


def _round_robin_by_type(events: list[Event]) -> list[Event]:
    """Events ordered so that each type comes once before any type comes twice."""
    by_type: dict[str, list[Event]] = {}
    for event in sorted(events, key=lambda e: (e.start_s, e.type, e.side or "")):
        by_type.setdefault(event.type, []).append(event)
    rounds = zip_longest(*by_type.values())
    return [e for group in rounds for e in group if e is not None]


def event_middles(events: list[Event]) -> list[KeyFrameRequest]:
    """The middle of each event (types interleaved), captioned with its name and times."""
    return [KeyFrameRequest((e.start_s + e.end_s) / 2, e.start_s, e.end_s,
                            f"{event_label(e)}, {e.start_s:.1f}–{e.end_s:.1f} s")
            for e in _round_robin_by_type(events)]


def choose_key_frames(
    ds: xr.Dataset, events: list[Event], n_frames: int, *, require_face: bool = True
) -> list[KeyFrameChoice]:
    """Candidate key frames at the middle of ``events`` (:func:`event_middles`), then evenly
    spaced (see :func:`choose_frames`)."""
    return choose_frames(ds, event_middles(events), n_frames, require_face=require_face)


def choose_frames(
    ds: xr.Dataset, requests: Sequence[KeyFrameRequest], n_frames: int, *,
    require_face: bool = True,
) -> list[KeyFrameChoice]:
    """Candidate key frames in order of preference (more than ``n_frames`` when possible).

    Parameters
    ----------
    ds
        Landmarks dataset; its ``time`` coordinate (s) is the time base.
    requests
        The moments wanted, best first (times in seconds).
    n_frames
        Frames wanted; evenly spaced candidates are added for this many.
    require_face
        Only frames where the infant's face can be located (needed for blurring).

    Returns
    -------
    list of KeyFrameChoice
        First the frame nearest each request's target (at most ``2 n_frames`` of them;
        searched within the request's interval, at least ``min(MAX_GAP_S, duration /
        (2 n_frames))`` from frames already chosen; a request with no such frame is left
        out), then frames nearest evenly spaced times (kept apart the same way when
        possible). No frame twice.
    """
    times = np.asarray(ds["time"].values, float)
    if n_frames <= 0 or times.size == 0:
        return []
    usable = face_located(ds) if require_face else np.ones(times.size, bool)
    min_gap_s = min(MAX_GAP_S, (times[-1] - times[0]) / (2 * n_frames))
    chosen: list[KeyFrameChoice] = []

    def nearest(target: float, lo: float, hi: float, gap_s: float) -> int | None:
        allowed = usable & (times >= lo) & (times <= hi)
        for choice in chosen:
            allowed &= np.abs(times - times[choice.time_index]) >= max(gap_s, 1e-9)
        if not allowed.any():
            return None
        candidates = np.flatnonzero(allowed)
        return int(candidates[np.argmin(np.abs(times[candidates] - target))])

    for request in requests:
        if len(chosen) >= 2 * n_frames:  # enough, with spares for unreadable frames
            break
        index = nearest(request.target_s, request.start_s, request.end_s, min_gap_s)
        if index is not None:
            chosen.append(KeyFrameChoice(index, request.caption))
    start, end = times[0], times[-1]
    for k in range(n_frames):
        target = start + (k + 0.5) / n_frames * (end - start)
        index = nearest(target, -np.inf, np.inf, min_gap_s)
        if index is None:
            index = nearest(target, -np.inf, np.inf, 0.0)
        if index is not None:
            chosen.append(KeyFrameChoice(index, "Evenly spaced frame"))
    return chosen


def infant_box(
    ds: xr.Dataset, time_index: int, width: int, height: int,
    padding: float = INFANT_BOX_PADDING,
) -> tuple[int, int, int, int] | None:
    """``(x0, y0, x1, y1)`` (pixels, end exclusive) around the infant's landmarks at
    ``time_index``, padded by ``padding`` of the box's larger side on every side and
    clipped to the frame; ``None`` when fewer than two landmarks are known."""
    xy = ds["position"].isel(time=time_index).sel(individual=INDIVIDUAL).transpose(
        "keypoint", "space").values
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    if len(xy) < 2:
        return None
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    pad = padding * float(max(hi - lo))
    x0, y0 = (max(0, int(np.floor(v - pad))) for v in lo)
    x1 = min(width, int(np.ceil(hi[0] + pad)) + 1)
    y1 = min(height, int(np.ceil(hi[1] + pad)) + 1)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def crop_to_infant(rgb: np.ndarray, ds: xr.Dataset, time_index: int) -> np.ndarray:
    """The part of ``rgb`` around the infant (:func:`infant_box`): the privacy fallback
    when other people's faces cannot be searched for. The whole frame is kept only when
    the infant's box cannot be found."""
    box = infant_box(ds, time_index, rgb.shape[1], rgb.shape[0])
    if box is None:
        return rgb
    x0, y0, x1, y1 = box
    return np.ascontiguousarray(rgb[y0:y1, x0:x1])


def upright(frame: np.ndarray, width: int, height: int, rotation_deg: int) -> np.ndarray | None:
    """Turn a decoded frame upright to ``width`` x ``height``; ``None`` if it cannot match.

    OpenCV usually applies the rotation stored in the file itself; when the frame comes out
    with width and height swapped, it is rotated by ``rotation_deg`` (clockwise) here.
    """
    h, w = frame.shape[:2]
    if (w, h) == (width, height) or width <= 0 or height <= 0:
        return frame
    if (h, w) == (width, height):
        code = cv2.ROTATE_90_COUNTERCLOCKWISE if rotation_deg % 360 == 270 else (
            cv2.ROTATE_90_CLOCKWISE)
        return cv2.rotate(frame, code)
    return None


def shrink(rgb: np.ndarray, max_side_px: int) -> np.ndarray:
    """``rgb`` scaled down (area averaging) so that its longer side is at most
    ``max_side_px``; unchanged if already small enough."""
    height, width = rgb.shape[:2]
    scale = max_side_px / max(height, width)
    if scale >= 1:
        return rgb
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)


def read_frames(
    video_path: Path, frame_indices: list[int], width: int = 0, height: int = 0,
    rotation_deg: int = 0,
) -> dict[int, np.ndarray]:
    """Read some frames of a video as upright (H, W, 3) uint8 RGB images.

    The frames are read in order, skipping forward frame by frame (exact, and cheaper than
    a seek, which decodes from the last key frame of the video stream before the target); a
    gap of more than :data:`SEEK_AFTER_FRAMES` frames is seeked across.

    Frames that cannot be read (or decoded at a size that does not match the landmarks)
    are left out of the returned dict.
    """
    capture = cv2.VideoCapture(str(video_path))
    frames: dict[int, np.ndarray] = {}
    try:
        if not capture.isOpened():
            return frames
        capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        position = 0  # index of the frame the next read returns
        for index in sorted(set(frame_indices)):
            if index < position or index - position > SEEK_AFTER_FRAMES:
                capture.set(cv2.CAP_PROP_POS_FRAMES, index)
                position = index
            while position < index and capture.grab():
                position += 1
            if position < index:
                break  # the video ended
            ok, bgr = capture.read()
            position += 1
            if not ok or bgr is None:
                continue
            frame = upright(bgr, width, height, rotation_deg)
            if frame is not None:
                frames[index] = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
    finally:
        capture.release()
    return frames


def frame_indices(ds: xr.Dataset, choices: list[KeyFrameChoice]) -> list[int]:
    """The video frame index of each choice."""
    frame_of = np.asarray(ds["frame"].values, np.int64)
    return [int(frame_of[c.time_index]) for c in choices]


def face_search_method(blur_faces: bool, pose_model_path: Path | None) -> str:
    """How faces other than the infant's are kept out of key frames: ``"mediapipe_pose"``
    (searched for with the pose model and blurred), ``"crop_to_infant"`` (no pose model: only
    the infant's part of the picture is kept) or ``"off"`` (blurring switched off)."""
    if not blur_faces:
        return "off"
    if pose_model_path is not None and Path(pose_model_path).is_file():
        return "mediapipe_pose"
    return "crop_to_infant"


def key_frame_notes(
    shown: int, wanted: int, face_search: str, video_path: Path | None, video_read: bool
) -> list[str]:
    """The report's notes on its key frames: why some are missing, and the crop fallback.

    Parameters
    ----------
    shown, wanted
        Key frames shown and wanted.
    face_search
        :func:`face_search_method` of the key frames.
    video_path
        The analysed video.
    video_read
        Whether the video could be read (else it is the reason frames are missing).
    """
    notes = [CROPPED_NOTE] if face_search == "crop_to_infant" and shown else []
    if shown >= wanted:
        return notes
    if not video_read:
        notes.append(f"Key frames left out: the video {video_path} is not available."
                     if not shown else
                     f"{shown} of {wanted} key frames could be shown: the video {video_path} "
                     "is not available to read more.")
    else:
        notes.append(f"{shown} of {wanted} key frames could be shown "
                     "(frames are used only where the infant's face can be blurred).")
    return notes


def first_rendered(
    choices: list[KeyFrameChoice], n_frames: int, render: Callable[[KeyFrameChoice], T | None]
) -> list[tuple[KeyFrameChoice, T]]:
    """The first ``n_frames`` choices, in order of preference, that ``render`` turns into an
    image (``None``: this frame cannot be used, try the next)."""
    picked: list[tuple[KeyFrameChoice, T]] = []
    for choice in choices:
        if len(picked) == n_frames:
            break
        rendered = render(choice)
        if rendered is not None:
            picked.append((choice, rendered))
    return picked


class KeyFrameRenderer:
    """Publishable images of chosen frames of one video: every face blurred (other people's
    found with the pose model, else the picture cropped to the infant), the skeleton drawn,
    scaled down to :data:`MAX_SIDE_PX`.

    The video is read, and the face detector taken (:func:`~motorobs.report.faces.
    shared_face_detector`), only when a first frame is rendered; the frames in
    ``frames_wanted`` are then read in one pass.

    Parameters
    ----------
    ds
        The infant's landmarks.
    video_path
        The analysed video (``None`` or missing: nothing can be rendered).
    frames_wanted
        Video frame indices that may be asked for.
    blur_faces, pose_model_path
        As in :func:`extract_key_frames`.
    width, height, rotation_deg
        Upright frame size of the video and its rotation metadata.
    """

    def __init__(
        self, ds: xr.Dataset, video_path: Path | None, frames_wanted: Iterable[int], *,
        blur_faces: bool = True, pose_model_path: Path | None = None, width: int = 0,
        height: int = 0, rotation_deg: int = 0,
    ) -> None:
        self.ds = ds
        self.video_path = None if video_path is None else Path(video_path)
        self.blur_faces = blur_faces
        self.pose_model_path = pose_model_path
        self.face_search = face_search_method(blur_faces, pose_model_path)
        self._size = (width, height, rotation_deg)
        self._frame_of = np.asarray(ds["frame"].values, np.int64)
        self._wanted = {int(f) for f in frames_wanted}
        self._tried: set[int] = set()
        self._images: dict[int, np.ndarray] = {}
        self.video_missing = False
        """Whether a frame was asked for while the video was not there."""

    @property
    def video_available(self) -> bool:
        """Whether the video file is there to be read."""
        return self.video_path is not None and self.video_path.is_file()

    def frame_index(self, choice: KeyFrameChoice) -> int:
        """The video frame index of a choice."""
        return int(self._frame_of[choice.time_index])

    def render(self, choice: KeyFrameChoice) -> np.ndarray | None:
        """The (H, W, 3) uint8 RGB image of a choice, or ``None`` when its frame cannot be read
        or its infant face cannot be located (so it must not be published)."""
        frame_index = self.frame_index(choice)
        if frame_index not in self._tried:
            todo = (self._wanted | {frame_index}) - self._tried
            self._tried |= todo
            if self.video_available:
                self._images.update(read_frames(self.video_path, sorted(todo), *self._size))
            else:
                self.video_missing = True
        rgb = self._images.get(frame_index)
        if rgb is None:
            return None
        detector = (shared_face_detector(self.pose_model_path)
                    if self.face_search == "mediapipe_pose" else None)
        try:
            image = render_key_frame(rgb, self.ds, choice.time_index,
                                     blur_faces=self.blur_faces, face_detector=detector)
        except FaceNotLocatedError:
            return None
        if self.face_search == "crop_to_infant":
            image = crop_to_infant(image, self.ds, choice.time_index)
        image = shrink(image, MAX_SIDE_PX)
        return stamp_time(image, float(self.ds["time"].values[choice.time_index]))


def extract_key_frames(
    ds: xr.Dataset,
    events: list[Event],
    video_path: Path | None,
    n_frames: int,
    *,
    blur_faces: bool = True,
    pose_model_path: Path | None = None,
    width: int = 0,
    height: int = 0,
    rotation_deg: int = 0,
) -> tuple[list[KeyFrame], list[str]]:
    """Up to ``n_frames`` rendered key frames (sorted by time) and notes on what was left out.

    Parameters
    ----------
    ds
        The infant's landmarks.
    events
        Detected events.
    video_path
        The analysed video; ``None`` or missing: no key frames.
    n_frames
        Frames wanted.
    blur_faces
        Blur every face (frames without an infant face landmark are never used then).
    pose_model_path
        MediaPipe pose bundle for finding adults' faces (optional; without it, key frames
        show only the part of the picture around the infant).
    width, height, rotation_deg
        Upright frame size of the video and its rotation metadata.
    """
    if n_frames <= 0:
        return [], []
    if video_path is None or not Path(video_path).is_file():
        return [], key_frame_notes(0, n_frames, "", video_path, video_read=False)
    choices = choose_key_frames(ds, events, n_frames, require_face=blur_faces)
    if not choices:
        return [], [NO_FACE_NOTE]
    renderer = KeyFrameRenderer(ds, video_path, frame_indices(ds, choices),
                                blur_faces=blur_faces, pose_model_path=pose_model_path,
                                width=width, height=height, rotation_deg=rotation_deg)
    times = ds["time"].values
    key_frames = [
        KeyFrame(c.time_index, renderer.frame_index(c), float(times[c.time_index]), c.caption,
                 image)
        for c, image in first_rendered(choices, n_frames, renderer.render)
    ]
    notes = key_frame_notes(len(key_frames), n_frames, renderer.face_search, video_path,
                            video_read=True)
    return sorted(key_frames, key=lambda k: k.time_index), notes
