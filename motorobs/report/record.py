"""The stored form of a clip's report: what ``report.json`` holds, as typed records.

A clip folder keeps everything its ``report.html`` shows, so that the report can be rendered
again at any time without the video (:func:`motorobs.report.rebuild_clip_report`):

- ``metrics.json``: the metrics, the analysis notes and the provenance;
- ``report.json``: one :class:`ClipReport` (summary facts, events, what each trace is, the key
  frames and how they were made, the report's own notes);
- ``traces.parquet``: the traces' values, one column per trace (:attr:`TraceInfo.column`)
  beside ``time_s`` (s) and ``frame`` (video frame index);
- ``keyframes/frame_NNNNNN.jpg``: the key frames, faces already blurred.

This module converts between records and JSON-ready dicts only; it reads and writes no file
(:mod:`motorobs.report.store` does) and imports nothing heavy.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

REPORT_FORMAT = 2
"""Version of the layout of ``report.json`` and ``traces.parquet``; raised when it changes.
Format 2 added the posture segments, each event's moment, the key frames' style and the
overlay video; a format-1 file is still read (without them)."""
READABLE_FORMATS: tuple[int, ...] = (1, 2)
KEY_FRAME_STYLE = 2
"""Version of how key frames are drawn (2: the clip time written on the image); stored
frames of another style are made again."""
METRICS_FILE = "metrics.json"
REPORT_FILE = "report.json"
TRACES_FILE = "traces.parquet"
KEYFRAMES_DIR = "keyframes"
OVERLAY_VIDEO = "overlay.webm"
REPORT_HTML = "report.html"
TIME_COLUMN = "time_s"
FRAME_COLUMN = "frame"


def json_safe(value: Any) -> Any:
    """Plain JSON types: numpy scalars unwrapped, tuples as lists, NaN and infinities as
    ``null``, anything else as its text."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _fields_of(
    cls: type, data: dict[str, Any], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The values of ``cls``'s fields in ``data``; a field in ``optional`` that is missing
    (a file of an older format) is ``None``.

    Raises
    ------
    ValueError
        If ``data`` is not a JSON object or lacks one of the other fields (names them).
    """
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
    names = [f.name for f in fields(cls)]
    missing = [n for n in names if n not in data and n not in optional]
    if missing:
        raise ValueError(f"{cls.__name__}: missing {', '.join(missing)}")
    return {n: data.get(n) for n in names}


@dataclass(frozen=True)
class ClipSummary:
    """The facts at the top of a report."""

    duration_s: float | None
    """Length of the video (s); ``None`` when unknown."""
    fps: float | None
    """Frame rate of the video (frames per second)."""
    frames_analysed: int
    view: str
    """Camera view (``"top"``, ``"side"``, ...); empty when not determined."""
    view_reason: str
    posture_shares: dict[str, float]
    """Posture name -> share (0..1) of analysed frames, most common first; empty when not
    determined."""
    infant_found: float
    """Share (0..1) of analysed frames with at least one pose landmark of the infant."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClipSummary:
        values = _fields_of(cls, data)
        return cls(
            duration_s=_optional_float(values["duration_s"]),
            fps=_optional_float(values["fps"]),
            frames_analysed=int(values["frames_analysed"]),
            view=str(values["view"] or ""),
            view_reason=str(values["view_reason"] or ""),
            posture_shares={str(k): float(v) for k, v in dict(values["posture_shares"]).items()},
            infant_found=float(values["infant_found"]),
        )


@dataclass(frozen=True)
class EventRecord:
    """A detected event as stored: times in seconds, type-specific ``details``."""

    type: str
    side: str | None
    start_s: float
    end_s: float
    details: dict[str, Any]
    moment_s: float | None = None
    """The moment that shows the event best (s): a midline crossing at its furthest point, a
    reach at its peak speed, a head lift at its highest (:mod:`motorobs.report.moments`);
    ``None``: not known (the middle of the event is used)."""

    @property
    def moment(self) -> float:
        """:attr:`moment_s`, or the middle of the event when it is not known (s)."""
        if self.moment_s is None:
            return (self.start_s + self.end_s) / 2
        return self.moment_s

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EventRecord:
        values = _fields_of(cls, data, optional=("moment_s",))
        return cls(str(values["type"]), values["side"] and str(values["side"]),
                   float(values["start_s"]), float(values["end_s"]), dict(values["details"]),
                   _optional_float(values["moment_s"]))


@dataclass(frozen=True)
class PostureSegment:
    """A stretch of the clip in one posture (``supine``, ``prone``, ``side_lying``,
    ``sitting`` or ``unknown``), from ``start_s`` to ``end_s`` (s; the end is where the next
    segment starts)."""

    posture: str
    start_s: float
    end_s: float

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PostureSegment:
        values = _fields_of(cls, data)
        return cls(str(values["posture"]), float(values["start_s"]), float(values["end_s"]))


@dataclass(frozen=True)
class TraceInfo:
    """What one trace is; its values are the column :attr:`column` of ``traces.parquet``."""

    name: str
    label: str
    unit: str
    column: str
    event_types: tuple[str, ...]
    """Events of these types are shaded on its plot."""
    reference_lines: tuple[float, ...]
    """Thresholds drawn as dashed lines (unit of the values)."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TraceInfo:
        values = _fields_of(cls, data)
        return cls(str(values["name"]), str(values["label"]), str(values["unit"]),
                   str(values["column"]), tuple(str(t) for t in values["event_types"]),
                   tuple(float(v) for v in values["reference_lines"]))


@dataclass(frozen=True)
class KeyFrameSource:
    """How the stored key frames were made; a stored frame is reused only for the same."""

    video_sha256: str
    blur_faces: bool
    face_search: str
    """``"mediapipe_pose"`` (other people's faces searched for), ``"crop_to_infant"`` (no pose
    model: only the infant's part of the picture is kept) or ``"off"`` (no blurring)."""
    pose_model: str | None
    """File name of the pose model that searched for faces."""
    max_side_px: int
    """Longer side of the stored images at most (px)."""
    style: int = KEY_FRAME_STYLE
    """How the images were drawn (:data:`KEY_FRAME_STYLE`; 1 in format-1 files)."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyFrameSource:
        values = _fields_of(cls, data, optional=("style",))
        return cls(str(values["video_sha256"]), bool(values["blur_faces"]),
                   str(values["face_search"]), values["pose_model"] and str(values["pose_model"]),
                   int(values["max_side_px"]),
                   1 if values["style"] is None else int(values["style"]))


@dataclass(frozen=True)
class OverlayVideoRecord:
    """The short video written beside the report (``analyze --overlay-video``): every
    analysed frame with every face blurred and the skeleton drawn, at the analysis rate."""

    file: str
    """Path relative to the clip folder (:data:`OVERLAY_VIDEO`)."""
    video_sha256: str
    landmarks_sha256: str
    """Fingerprint of all the infant's landmarks drawn on it."""
    blur_faces: bool
    face_search: str
    """As :attr:`KeyFrameSource.face_search`."""
    frames: int
    """Frames written."""
    hidden_frames: int
    """Frames written grey because the infant's face could not be located to blur it."""
    fps: float
    max_side_px: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OverlayVideoRecord:
        values = _fields_of(cls, data)
        return cls(str(values["file"]), str(values["video_sha256"]),
                   str(values["landmarks_sha256"]), bool(values["blur_faces"]),
                   str(values["face_search"]), int(values["frames"]),
                   int(values["hidden_frames"]), float(values["fps"]),
                   int(values["max_side_px"]))


@dataclass(frozen=True)
class KeyFrameRecord:
    """One stored key frame."""

    file: str
    """Path of the JPEG relative to the clip folder (``keyframes/frame_000123.jpg``)."""
    frame: int
    """Index of the frame in the video."""
    time_s: float
    caption: str
    landmarks_sha256: str
    """Fingerprint of the infant's landmarks drawn on it (:func:`landmarks_fingerprint` in
    :mod:`motorobs.report.keyframe_store`): other landmarks, other picture."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyFrameRecord:
        values = _fields_of(cls, data)
        return cls(str(values["file"]), int(values["frame"]), float(values["time_s"]),
                   str(values["caption"]), str(values["landmarks_sha256"]))


@dataclass(frozen=True)
class ClipReport:
    """The content of ``report.json``: everything the report shows besides ``metrics.json``."""

    clip: str
    summary: ClipSummary
    blur_faces: bool
    """Whether faces were to be blurred (the report warns when not)."""
    events: tuple[EventRecord, ...]
    traces: tuple[TraceInfo, ...]
    key_frame_source: KeyFrameSource | None
    key_frames: tuple[KeyFrameRecord, ...]
    """In time order."""
    notes: tuple[str, ...]
    """The report's own notes (key frames or plots left out), after the analysis notes."""
    posture_segments: tuple[PostureSegment, ...] = ()
    """The clip's postures over time, for the timeline (empty in format-1 files)."""
    overlay_video: OverlayVideoRecord | None = None
    """The skeleton video beside the report, if one was made."""

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``report.json`` (with its ``format``)."""
        return {"format": REPORT_FORMAT, **json_safe(asdict(self))}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ClipReport:
        """Read back :meth:`to_json`.

        Raises
        ------
        ValueError, TypeError
            If ``data`` is of another format or misses or mistypes a field (the message says
            which).
        """
        if not isinstance(data, dict) or data.get("format") not in READABLE_FORMATS:
            found = data.get("format") if isinstance(data, dict) else type(data).__name__
            raise ValueError(f"format {found!r}, this motorobs reads format "
                             f"{' or '.join(str(f) for f in READABLE_FORMATS)}")
        values = _fields_of(cls, data, optional=("posture_segments", "overlay_video"))
        source = values["key_frame_source"]
        overlay = values["overlay_video"]
        return cls(
            clip=str(values["clip"]),
            summary=ClipSummary.from_json(values["summary"]),
            blur_faces=bool(values["blur_faces"]),
            events=tuple(EventRecord.from_json(e) for e in values["events"]),
            traces=tuple(TraceInfo.from_json(t) for t in values["traces"]),
            key_frame_source=None if source is None else KeyFrameSource.from_json(source),
            key_frames=tuple(KeyFrameRecord.from_json(k) for k in values["key_frames"]),
            notes=tuple(str(n) for n in values["notes"]),
            posture_segments=tuple(PostureSegment.from_json(p)
                                   for p in values["posture_segments"] or ()),
            overlay_video=None if overlay is None else OverlayVideoRecord.from_json(overlay),
        )
