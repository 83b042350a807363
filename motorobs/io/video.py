"""Reading caregiver videos: probing, validation and upright RGB frames.

Frames are decoded with OpenCV's FFmpeg backend. Phones often film portrait but store the
picture sideways together with a rotation in the file's metadata; motorobs always works on
the upright picture. OpenCV applies that rotation itself (``CAP_PROP_ORIENTATION_AUTO``), and
:attr:`VideoInfo.width` / :attr:`VideoInfo.height` are measured on a decoded frame, so they
are always those of the frames :func:`iter_frames` yields.

Time stamps
-----------
:func:`iter_frames` reports ``time_s = frame_index / fps``: a uniform grid at the clip's
average frame rate. Phones record a slightly variable frame rate, but the deviation of the
real presentation times from that grid is a few milliseconds, far below the time scales of
infant movements, whereas the signal processing downstream (interpolation, Butterworth
filters) needs evenly spaced samples and MediaPipe's VIDEO mode needs strictly increasing
times. ``CAP_PROP_POS_MSEC`` is only used to check containers whose frame count and rate
OpenCV has to guess (Matroska/WebM, e.g. clips recorded in a web browser).

Bad input raises :class:`motorobs.errors.VideoError` with a one-line message that names the
file and says what to do.
"""

from __future__ import annotations

import logging
import math
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from motorobs.errors import VideoError
from motorobs.io.hashing import file_sha256

logger = logging.getLogger(__name__)

VIDEO_SUFFIXES: tuple[str, ...] = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")

MIN_FPS = 1.0
MAX_FPS = 1000.0
"""Frame rates (frames per second) outside ``[MIN_FPS, MAX_FPS]`` are taken as broken
metadata (or a time-lapse, useless for following movements)."""

TRUNCATION_TOLERANCE = 0.02
"""Decoding may end this share of the announced frames (at least
:data:`TRUNCATION_MIN_FRAMES`) early before the file counts as truncated."""

TRUNCATION_MIN_FRAMES = 2

_FPS_MISMATCH = 0.05
"""Matroska/WebM: a measured frame rate differing from the announced one by more than this
share replaces it."""

_COUNT_BY_DECODING = (".mkv", ".webm")
"""Containers whose frame count OpenCV estimates from duration x frame rate."""

_FIX_RECOPY = "copy or export it again from the phone or camera"
_FIX_REEXPORT = "export it again as an H.264 .mp4 (any phone or video editor can do this)"
_MAX_MOOV_BYTES = 256 << 20


@dataclass(frozen=True)
class VideoInfo:
    """What motorobs knows about a video before analysing it.

    ``width`` and ``height`` are those of the upright frame (after applying the rotation
    recorded in the file's metadata, e.g. a phone filming portrait).
    """

    path: Path
    fps: float
    n_frames: int
    duration_s: float
    width: int
    height: int
    rotation_deg: int
    codec: str
    sha256: str


def probe_video(path: str | Path) -> VideoInfo:
    """Check that ``path`` is a readable video and describe it.

    Decodes the first frame (to learn the upright frame size and prove the codec is
    readable) and, for Matroska/WebM or when the container gives no frame count, every
    frame (with ``grab``, without colour conversion) to count them.

    Parameters
    ----------
    path
        Video file; the suffix must be one of :data:`VIDEO_SUFFIXES` (any case).

    Returns
    -------
    VideoInfo
        ``fps`` in frames per second, ``duration_s = n_frames / fps`` in seconds, ``width``
        and ``height`` in pixels of the upright frame, ``rotation_deg`` the clockwise
        rotation (0, 90, 180 or 270) stored in the metadata and applied to the frames,
        ``codec`` the FourCC reported by FFmpeg, ``sha256`` of the file's bytes.

    Raises
    ------
    VideoError
        Missing path, a folder, an unsupported suffix, not a video (an image, a text
        file...), no frames, a codec that cannot be decoded, an absurd frame rate or a
        truncated file. The message names the file and says what to do.
    """
    path = _check_path(path)
    container = _sniff(path)
    if container == "isobmff":
        _check_mp4_complete(path)
    with _capture(path) as (cap, auto_rotates):
        fps = _check_fps(path, cap.get(cv2.CAP_PROP_FPS))
        announced = _announced_frame_count(cap)
        ok, first = cap.read()
        if not ok or first is None:
            raise _no_frame_error(path, announced, _fourcc(cap))
        rotation = _rotation_deg(cap)
        first = _upright(first, rotation, auto_rotates)
        height, width = first.shape[:2]
        codec = _fourcc(cap)

    n_frames = announced
    if n_frames is None or path.suffix.lower() in _COUNT_BY_DECODING:
        n_frames, fps = _count_and_check(path, fps, announced)
    return VideoInfo(
        path=path,
        fps=fps,
        n_frames=n_frames,
        duration_s=n_frames / fps,
        width=int(width),
        height=int(height),
        rotation_deg=rotation,
        codec=codec,
        sha256=file_sha256(path),
    )


def iter_frames(info: VideoInfo, step: int = 1) -> Iterator[tuple[int, float, np.ndarray]]:
    """Yield ``(frame_index, time_s, rgb)`` for every ``step``-th frame, upright.

    Parameters
    ----------
    info
        From :func:`probe_video`.
    step
        Keep frames ``0, step, 2 * step, ...`` (skipped frames are demuxed and decoded
        but not converted, which is much cheaper).

    Yields
    ------
    frame_index : int
        Index of the frame in the video (0-based, < ``info.n_frames``). The last one or two
        announced frames may be missing: some MP4s count a frame that does not decode; only a
        larger shortfall (see :data:`TRUNCATION_TOLERANCE`) is an error.
    time_s : float
        ``frame_index / info.fps`` in seconds (see the module notes).
    rgb : numpy.ndarray
        ``(info.height, info.width, 3)`` uint8 RGB image, rotation applied.

    Raises
    ------
    VideoError
        If decoding stops well before ``info.n_frames`` (a truncated or damaged file; the
        message gives the frame where it stopped) or the frame size changes mid-clip.
    ValueError
        If ``step`` < 1.
    """
    if step < 1:
        raise ValueError(f"step must be a positive number of frames, got {step}.")
    path = info.path
    with _capture(path) as (cap, auto_rotates):
        rotation = _rotation_deg(cap)
        index = 0
        while index < info.n_frames:
            if not cap.grab():
                break
            if index % step == 0:
                ok, bgr = cap.retrieve()
                if not ok or bgr is None:
                    break
                rgb = cv2.cvtColor(_upright(bgr, rotation, auto_rotates), cv2.COLOR_BGR2RGB)
                if rgb.shape[:2] != (info.height, info.width):
                    raise _error(
                        path,
                        f"the frame size changes at frame {index} (from {info.width}x"
                        f"{info.height} to {rgb.shape[1]}x{rgb.shape[0]} pixels)",
                        "export the clip again at one fixed resolution",
                    )
                yield index, index / info.fps, rgb
            index += 1
    if _is_short(index, info.n_frames):
        raise _error(
            path,
            f"decoding stopped at frame {index} of {info.n_frames} "
            f"({index / info.fps:.1f} s of {info.duration_s:.1f} s): the file is truncated "
            "or damaged",
            _FIX_RECOPY,
        )
    if index < info.n_frames:
        # common with MP4s from some encoders: the container counts one frame that does not
        # decode (e.g. dropped by an edit list)
        logger.info("%s: %d of %d announced frames decoded.", path, index, info.n_frames)


def find_videos(folder: str | Path) -> list[Path]:
    """Video files (by suffix, case-insensitive) directly in ``folder``, sorted by name.

    Hidden files (names starting with ``.``, e.g. macOS ``._clip.mp4`` companions) and
    sub-folders are skipped. Names are sorted case-insensitively.

    Raises
    ------
    VideoError
        If ``folder`` does not exist or is not a folder.
    """
    folder = Path(folder).expanduser()
    if not folder.exists():
        raise _error(folder, "no such folder", "check the spelling of the path")
    if not folder.is_dir():
        raise _error(folder, "is a file, not a folder", "pass the folder that holds the clips")
    videos = [
        entry
        for entry in folder.iterdir()
        if not entry.name.startswith(".")
        and entry.suffix.lower() in VIDEO_SUFFIXES
        and entry.is_file()
    ]
    return sorted(videos, key=lambda p: (p.name.lower(), p.name))


# --- validation ------------------------------------------------------------------------


def _error(path: Path, problem: str, fix: str) -> VideoError:
    """One-line VideoError: ``<path>: <problem>; <fix>.``"""
    message = f"{path}: {problem}; {fix}."
    return VideoError(" ".join(message.split()))


def _check_path(path: str | Path) -> Path:
    path = Path(path).expanduser()
    if not path.exists():
        raise _error(path, "no such file", "check the spelling of the path and the folder")
    if path.is_dir():
        raise _error(path, "is a folder, not a video file", "pass one of the video files inside it")
    if path.suffix.lower() not in VIDEO_SUFFIXES:
        suffix = path.suffix or "(none)"
        raise _error(
            path,
            f"unsupported file type {suffix}",
            f"motorobs reads {', '.join(VIDEO_SUFFIXES)} videos; convert the clip to .mp4",
        )
    return path


def _check_fps(path: Path, fps: float) -> float:
    if not math.isfinite(fps) or not MIN_FPS <= fps <= MAX_FPS:
        raise _error(
            path,
            f"the frame rate in the file ({fps:g} frames per second) is outside the usable "
            f"range {MIN_FPS:g}-{MAX_FPS:g}",
            _FIX_REEXPORT,
        )
    return float(fps)


def _announced_frame_count(cap: cv2.VideoCapture) -> int | None:
    """Frame count from the container, or None when it is missing or garbage."""
    count = cap.get(cv2.CAP_PROP_FRAME_COUNT)
    if not math.isfinite(count) or count <= 0 or count > 1e8:
        return None
    return int(round(count))


def _is_short(decoded: int, announced: int) -> bool:
    """True when decoding ended well before the announced number of frames."""
    allowance = max(TRUNCATION_MIN_FRAMES, TRUNCATION_TOLERANCE * announced)
    return announced - decoded > allowance


def _no_frame_error(path: Path, announced: int | None, codec: str) -> VideoError:
    if announced is None or announced == 0:
        return _error(path, "the video contains no frames", "check that the recording worked")
    return _error(
        path,
        f"none of its {announced} frames could be decoded (codec {codec!r} is not supported "
        "or the data is damaged)",
        _FIX_REEXPORT,
    )


def _count_and_check(path: Path, fps: float, announced: int | None) -> tuple[int, float]:
    """Count frames by decoding; check them against the container's duration.

    Returns the frame count and the frame rate, replaced by the rate measured from the
    frames' time stamps when the announced one is off by more than 5 % (browser recordings
    often announce a nominal or a time-base rate).
    """
    announced_fps = fps
    count = 0
    first_ms = last_ms = math.nan
    with _capture(path) as (cap, _):
        while cap.grab():
            position_ms = cap.get(cv2.CAP_PROP_POS_MSEC)
            if count == 0:
                first_ms = position_ms
            last_ms = position_ms
            count += 1
    if count == 0:
        raise _error(path, "the video contains no frames", "check that the recording worked")
    span_s = (last_ms - first_ms) / 1000.0
    if count >= 3 and math.isfinite(span_s) and span_s > 0:
        measured = (count - 1) / span_s
        if abs(measured - fps) > _FPS_MISMATCH * fps:
            logger.info(
                "%s: announced %.3g fps but the frames' time stamps give %.3g fps; using %.3g.",
                path,
                fps,
                measured,
                measured,
            )
            fps = _check_fps(path, measured)
    if announced is not None and math.isfinite(span_s):
        # OpenCV derives the announced count from the container's duration and the announced
        # rate; compare durations rather than counts so that a variable frame rate is not
        # mistaken for truncation.
        announced_s = announced / announced_fps
        decoded_s = span_s + 1.0 / fps
        allowance_s = max(TRUNCATION_MIN_FRAMES / fps, TRUNCATION_TOLERANCE * announced_s)
        if announced_s - decoded_s > allowance_s:
            raise _error(
                path,
                f"decoding stopped after {decoded_s:.1f} s of the {announced_s:.1f} s the file "
                "announces: the file is truncated or damaged",
                _FIX_RECOPY,
            )
    return count, fps


# --- OpenCV capture ----------------------------------------------------------------------


@contextmanager
def _capture(path: Path) -> Iterator[tuple[cv2.VideoCapture, bool]]:
    """Open ``path`` with FFmpeg; yields the capture and whether OpenCV rotates frames."""
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    try:
        if not cap.isOpened():
            raise _open_failure(path)
        yield cap, _enable_auto_orientation(cap)
    finally:
        cap.release()


def _enable_auto_orientation(cap: cv2.VideoCapture) -> bool:
    """Ask OpenCV to apply the rotation metadata; False if this build cannot."""
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return cap.get(cv2.CAP_PROP_ORIENTATION_AUTO) == 1


def _rotation_deg(cap: cv2.VideoCapture) -> int:
    """Clockwise display rotation from the metadata: 0, 90, 180 or 270."""
    meta = cap.get(cv2.CAP_PROP_ORIENTATION_META)
    if not math.isfinite(meta):
        return 0
    return int(round(meta / 90.0)) * 90 % 360


_ROTATE_CODES = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}


def _upright(frame: np.ndarray, rotation: int, auto_rotates: bool) -> np.ndarray:
    """Rotate a decoded frame ourselves when OpenCV did not."""
    if auto_rotates or rotation == 0:
        return frame
    return cv2.rotate(frame, _ROTATE_CODES[rotation])


def _fourcc(cap: cv2.VideoCapture) -> str:
    code = int(cap.get(cv2.CAP_PROP_FOURCC)) & 0xFFFFFFFF
    text = code.to_bytes(4, "little").decode("latin-1").strip("\x00 ")
    return text if text and text.isprintable() and text.isascii() else f"0x{code:08x}"


# --- what is in the file -------------------------------------------------------------------

_IMAGE_SIGNATURES = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
)
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"avif", b"avis", b"msf1"}
_ISOBMFF_TOP_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid"}


def _sniff(path: Path) -> str:
    """Recognise the container from the first bytes; raise VideoError for non-videos.

    Returns ``"isobmff"`` (MP4/MOV/M4V), ``"avi"``, ``"matroska"`` (MKV/WebM) or
    ``"unknown"`` (left to FFmpeg to judge).
    """
    try:
        with open(path, "rb") as stream:
            head = stream.read(512)
    except OSError as exc:
        raise _error(
            path, f"cannot be read ({exc.strerror})", "check the file's permissions"
        ) from exc
    if not head:
        raise _error(path, "the file is empty (0 bytes)", _FIX_RECOPY)
    not_a_video = "is not a video"
    for signature, what in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            raise _error(path, f"{not_a_video}: it is {what}", "pass the video file itself")
    if head[4:8] == b"ftyp" and head[8:12] in _IMAGE_BRANDS:
        raise _error(path, f"{not_a_video}: it is a HEIC/AVIF photo", "pass the video file itself")
    if head[4:8] in _ISOBMFF_TOP_BOXES:
        return "isobmff"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "matroska"
    if _looks_like_text(head):
        raise _error(path, f"{not_a_video}: it contains text", "pass the video file itself")
    return "unknown"


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character may be cut at the end of the sample
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return False
    return all(char.isprintable() or char in "\r\n\t\f" for char in text)


def _open_failure(path: Path) -> VideoError:
    """Explain why FFmpeg could not open ``path``."""
    container = _sniff(path)
    if container == "isobmff":
        _check_mp4_complete(path)
        samples = _mp4_video_sample_counts(path)
        if samples is not None and not samples:
            return _error(
                path,
                "the file has no video track (no picture was recorded)",
                "check that the recording worked and that this is the video, not a sound file",
            )
        if samples is not None and sum(samples) == 0:
            return _error(path, "the video contains no frames", "check that the recording worked")
    if container == "unknown":
        return _error(
            path,
            "is not a video that FFmpeg recognises (unknown or damaged content)",
            f"check that it is really a video; if it plays elsewhere, {_FIX_REEXPORT}",
        )
    return _error(
        path,
        "cannot be opened as a video (it is damaged, truncated or empty, or its codec is "
        "not supported)",
        f"if it plays in a video player, {_FIX_REEXPORT}; otherwise {_FIX_RECOPY}",
    )


# --- MP4 / MOV structure (ISO base media file format) -----------------------------------------

_INDEX_AND_DATA_BOXES = {b"moov", b"mdat", b"moof"}


def _top_level_boxes(path: Path) -> tuple[list[tuple[bytes, int, int]], bool]:
    """Top-level boxes ``(type, payload_offset, payload_size)`` of an MP4/MOV file.

    Also returns whether the file was cut short: an index or media-data box ('moov',
    'mdat', 'moof') that ends beyond the end of the file. Bytes that do not parse as boxes
    (some phones append their own trailers) end the scan without counting as a cut.
    """
    size_on_disk = path.stat().st_size
    boxes: list[tuple[bytes, int, int]] = []
    with open(path, "rb") as stream:
        offset = 0
        while offset + 8 <= size_on_disk:
            stream.seek(offset)
            header = stream.read(16)
            size, kind = struct.unpack(">I4s", header[:8])
            header_size = 8
            if size == 1 and len(header) == 16:
                size = struct.unpack(">Q", header[8:16])[0]
                header_size = 16
            elif size == 0:
                size = size_on_disk - offset
            if size < header_size:
                break
            if offset + size > size_on_disk:
                return boxes, kind in _INDEX_AND_DATA_BOXES
            boxes.append((kind, offset + header_size, size - header_size))
            offset += size
    return boxes, False


def _check_mp4_complete(path: Path) -> None:
    """Raise VideoError for an MP4/MOV cut short: index ('moov') missing or data cut."""
    boxes, cut = _top_level_boxes(path)
    kinds = {kind for kind, _, _ in boxes}
    if b"moov" not in kinds and b"moof" not in kinds:
        raise _error(
            path,
            "the file is truncated: its index (the MP4 'moov' box) is missing, as happens when "
            "a recording or a copy is interrupted",
            _FIX_RECOPY,
        )
    if cut:
        raise _error(
            path,
            f"the file is truncated: it ends before the data its index announces "
            f"({path.stat().st_size} bytes on disk)",
            _FIX_RECOPY,
        )


def _mp4_video_sample_counts(path: Path) -> list[int] | None:
    """Sample (frame) count of each video track in the 'moov' box; None if unreadable."""
    boxes, _ = _top_level_boxes(path)
    moov = next(((start, size) for kind, start, size in boxes if kind == b"moov"), None)
    if moov is None or moov[1] > _MAX_MOOV_BYTES:
        return None
    with open(path, "rb") as stream:
        stream.seek(moov[0])
        data = stream.read(moov[1])
    counts = []
    for trak in _child_boxes(data, b"trak"):
        mdia = next(_child_boxes(trak, b"mdia"), b"")
        handler = next(_child_boxes(mdia, b"hdlr"), b"")
        if handler[8:12] != b"vide":
            continue
        minf = next(_child_boxes(mdia, b"minf"), b"")
        stbl = next(_child_boxes(minf, b"stbl"), b"")
        sizes = next(_child_boxes(stbl, b"stsz"), None) or next(_child_boxes(stbl, b"stz2"), b"")
        counts.append(struct.unpack(">I", sizes[8:12])[0] if len(sizes) >= 12 else 0)
    return counts


def _child_boxes(data: bytes, wanted: bytes) -> Iterator[bytes]:
    """Payloads of the boxes of type ``wanted`` directly inside ``data``."""
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        header_size = 8
        if size == 1 and offset + 16 <= len(data):
            size = struct.unpack(">Q", data[offset + 8 : offset + 16])[0]
            header_size = 16
        elif size == 0:
            size = len(data) - offset
        if size < header_size:
            return
        if kind == wanted:
            yield data[offset + header_size : offset + size]
        offset += size
