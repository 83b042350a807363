"""One typed configuration for the whole pipeline.

Every threshold a metric or a pipeline stage uses lives here, with its unit, so that a
result can be reproduced from the configuration recorded in its provenance. Lengths called
"body units" are multiples of the infant's shoulder width measured in the same frame
(see :mod:`motorobs.signals.body_frame`); times are in seconds; angles in degrees.

The metric thresholds are documented next to the metrics in ``docs/metrics.md``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union

from motorobs.errors import MotorobsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CAMERA_POSITIONS: dict[str, str] = {
    "auto": "read from the landmarks",
    "above": "held above the infant (set by the user)",
    "level": "at the infant's height, in front of or beside it (set by the user)",
}
"""Valid values of ``SignalConfig.camera`` and what each says about the camera."""


@dataclass(frozen=True)
class PoseConfig:
    """Landmark estimation settings (the MediaPipe Tasks backend's, and the shared frame step
    and infant tracking)."""

    backend: str = "mediapipe"
    """The pose backend that finds people and hands in the frames, by its registered name
    (:func:`motorobs.pose.backend.backend_names`): ``"mediapipe"`` (MediaPipe Tasks) or
    ``"fake"`` (a deterministic stand-in for tests, :mod:`motorobs.pose.fake`)."""
    model_dir: Path | None = None
    """Folder holding the ``.task`` bundles. ``None``: ``MOTOROBS_MODEL_DIR``, then the cache."""
    pose_model: str = "pose_landmarker_full.task"
    hand_model: str = "hand_landmarker.task"
    max_people: int = 2
    """People the pose model may find per frame; the infant is chosen among them."""
    max_hands: int = 4
    """Hands the hand model may find per frame (infant's and adults')."""
    min_detection_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    analysis_fps: float | None = 15.0
    """Analyse at most this many frames per second (frames are skipped evenly). ``None``: all.
    15 frames/s resolves infant limb movement (mostly below 5 Hz) at half the cost of 30."""
    hand_match_max_dist: float = 0.6
    """A detected hand is the infant's only if its wrist lies within this many of the
    infant's shoulder widths of the infant's pose wrist."""
    hand_finder: Literal["pose", "frame"] = "pose"
    """Where the hand landmark network looks for the infant's hands
    (:data:`motorobs.pose.estimator.HAND_FINDERS`). ``"pose"`` (default): in the regions the
    infant's pose gives, and after that where each hand was in the previous frame
    (:mod:`motorobs.pose.hand_tracking`), the network alone (no palm detector). ``"frame"``:
    MediaPipe's HandLandmarker searches the whole frame for palms and the hands are then
    attributed to the infant (:mod:`motorobs.pose.infant`). Either way, a side left without
    a hand is searched again in a close-up of its elbow (``hand_crops``).
    ``hands_every_frame`` uses ``"frame"``."""
    hand_start_confidence: float = 0.5
    """``hand_finder="pose"``: the hand landmark network's presence (0..1) needed for a hand
    found in the region the pose gives, where no hand was followed from the previous frame
    (a new track). A followed hand needs ``min_tracking_confidence``. The full-frame finder's
    analogue is the palm detector's ``min_detection_confidence``."""
    hand_recall_s: float = 1.0
    """``hand_finder="pose"``: a side left without a hand is looked for where its hand was
    last seen, for this long after (s; ``motorobs.pose.hand_tracking``, rule 3). A hand
    crossing over the chest is often lost by the pose model (its wrist then points
    elsewhere) and hidden for a moment behind the other arm; it comes back near where it
    went out of sight. ``0``: only the previous frame's hand is followed."""
    hand_crops: bool = True
    """For each side without a hand from the full-frame hand model, look again in a
    close-up around the infant's elbow (see ``motorobs.pose.infant``): infant hands are
    small and often missed, most of all on the chest, where the pose wrist is lost too."""
    estimator: Literal["infant", "mediapipe"] = "infant"
    """Which landmark estimator runs (see docs/accuracy.md): ``"infant"`` tries the frame in
    four quarter turns and keeps the turn whose pose the model is most sure of (infants lie at
    any angle; the model expects people upright), landmarks mapped back to the upright frame;
    ``"mediapipe"`` feeds the frame as it is (plain MediaPipe)."""
    rotation_check_s: float = 3.0
    """``"infant"`` on video: seconds between re-checks of the quarter turn (each check runs
    the pose model on four turns of one frame); ``0`` decides once per clip."""
    hands_every_frame: bool = False
    """``True``: MediaPipe's full-frame hand model (``hand_finder="frame"``) runs on every
    analysed frame, and the close-up search for a missed hand (``hand_crops``) on every
    analysed frame for every side without a hand: the reference against which the savings
    (``hand_finder="pose"`` and the settings below) are checked (docs/performance.md)."""
    hand_search_patience_s: float = 0.33
    """Close-up search back-off (s): a side is searched on every analysed frame while its hand
    was seen no longer ago than this. Equal to ``SignalConfig.max_gap_s``: a hand found again
    within it also lets the cleaning fill the frames in between; a hand unseen for longer is
    likely hidden (far side of the body, covered, out of the picture)."""
    hand_search_retry_s: float = 0.2
    """Close-up search back-off (s): a side whose hand has been unseen for longer than
    ``hand_search_patience_s`` is searched again every this many seconds until the hand is
    found. 0.2 s is the shortest hand event a metric counts (``metrics.reaching.min_duration_s``,
    ``metrics.midline_crossings.min_duration_s``), so every such event still gets a search."""
    wrist_min_visibility: float = 0.5
    """A pose wrist with at least this MediaPipe visibility is in view: the hand metrics then
    follow it rather than the hand model's wrist (the same value as
    ``SignalConfig.min_visibility``, which makes that choice)."""
    hand_detail_max_gap_s: float = 0.0
    """While both of the infant's pose wrists are in view, the hand model only adds the
    fingers (hand aperture); with a value above the analysed frame interval it then runs
    just often enough that no two hand-model frames are more than this apart (s), the
    cleaning filling the frames in between. ``0`` (default): every analysed frame. 0.15 s
    (half the shortest grasp, ``metrics.hand_opening.grasp_min_duration_s``) was measured to save
    a quarter of the hand-model calls but to delay grasps by a frame, raise the aperture error
    and drop two sample clips' aperture coverage below the minimum (docs/performance.md)."""
    overlap_models: bool = True
    """Run the pose model, the hand model and the close-up search in parallel threads
    (MediaPipe calls run in C, one core each; see ``motorobs.pose.lanes``). The landmarks are
    identical either way, so this setting is not part of the landmark cache key."""

    def __post_init__(self) -> None:
        for name in ("hand_recall_s", "rotation_check_s", "hand_search_patience_s",
                     "hand_search_retry_s", "hand_detail_max_gap_s"):
            if not getattr(self, name) >= 0:
                raise ValueError(f"{name} must be 0 or more seconds, not "
                                 f"{getattr(self, name)!r}; set it to 0 or more.")
        if self.analysis_fps is not None and not self.analysis_fps >= 0:
            raise ValueError(f"analysis_fps must be 0 or more frames per second (0 or unset: "
                             f"every frame), not {self.analysis_fps!r}.")


@dataclass(frozen=True)
class SignalConfig:
    """Cleaning of landmark trajectories before metrics."""

    min_visibility: float = 0.5
    """Landmarks with MediaPipe visibility below this are treated as missing."""
    undo_side_swaps: bool = True
    """Put back frames in which the pose model gave the infant's left and right the other
    side's labels (trunk, arms or legs jumping to the other side and back; see
    :mod:`motorobs.signals.sides`), before any other cleaning."""
    max_gap_s: float = 0.33
    """Gaps up to this long are interpolated; longer gaps stay missing."""
    lowpass_hz: float = 5.0
    """Zero-phase Butterworth low-pass cut-off frequency (Hz)."""
    lowpass_order: int = 2
    hampel_window_s: float = 0.4
    """Hampel outlier filter: length of the centred window (s); the half-width is
    ``round(hampel_window_s x rate / 2)`` samples, at least 1 (7 samples at 15 fps)."""
    hampel_n_sigma: float = 3.0
    """Hampel outlier filter: a sample further than this many robust standard deviations
    (1.4826 x median absolute deviation) from its window's median is replaced by it;
    ``float("inf")`` turns the step off."""
    derivative_window_s: float = 0.15
    """Velocities: Savitzky-Golay window (s); the half-width is
    ``round(derivative_window_s x rate / 2)`` samples, at least 1 (3 samples at 15 fps,
    5 at 30 fps)."""
    derivative_polyorder: int = 2
    """Velocities: Savitzky-Golay polynomial degree."""
    oblique_lateral: Literal["picture", "depth"] = "picture"
    """How a hand's distance from the body midline is measured in oblique views (camera
    37-60 degrees off the chest's normal; :meth:`motorobs.signals.BodySignals.
    lateral_offset_bu`). ``"picture"`` (default): in the picture, in shoulder widths as
    seen, which cancels the foreshortening but not the parallax of a hand raised off the
    body. ``"depth"``: in 3-D with the landmarks' depth, which undoes the parallax when the
    depth is right (keypoints from a 3-D tool). With MediaPipe's depth it was worse on the
    tuning renders (oblique midline F1 0.67 against 0.86; docs/validation.md)."""
    raised_hand_bu: float = 0.4
    """Height (BU) of a hand over the chest assumed when a hand's distance from the body
    midline is corrected for parallax in views from above (:meth:`motorobs.signals.
    BodySignals.lateral_offset_bu`): filmed from beside the midline, a raised hand shows
    displaced away from the camera by its height times the tangent of the camera's
    sideways tilt. 0 turns the correction off. Chosen on the tuning renders
    (docs/validation.md)."""
    camera: Literal["auto", "above", "level"] = "auto"
    """Where the camera was (:data:`CAMERA_POSITIONS`): ``"auto"``
    reads it from the landmarks, per clip segment; ``"above"``: held above a lying infant
    (shoulders seen overlapping then mean the infant lies on its side); ``"level"``: at the
    infant's height, in front of or beside it, so that gravity points down the image and an
    infant sitting face-on to the camera is recognised as sitting."""


@dataclass(frozen=True)
class MidlineCrossingsSettings:
    """``midline_crossings`` (also the rule behind a reach's ``crossed_midline``)."""

    margin_bu: float = 0.10
    """The hand must go beyond this lateral margin (body units) on the other side of the
    midline."""
    min_duration_s: float = 0.2
    """Minimum time (s) spent beyond the margin on the other side (and back on the own side
    before the next crossing)."""
    return_margin_bu: float = 0.35
    """A crossing ends only where the hand is back beyond this lateral distance (body units)
    on its own side of the midline: outside the central band in which the hands meet
    (``hands_together.max_midline_offset_bu``). Where the pose model loses a hand over the
    chest, its stand-in wobbles about the midline, which split one crossing into two (on
    one tuning render, h5024, with 0; not with 0.35)."""


@dataclass(frozen=True)
class HandsTogetherSettings:
    """``hands_together``."""

    max_midline_offset_bu: float = 0.35
    """Each hand within this lateral distance (body units) of the midline."""
    max_distance_bu: float = 0.5
    """The two hands within this distance (body units) of each other."""
    min_bout_s: float = 0.5
    """Shortest bout (s) counted in ``hands_together_bouts``."""
    merge_gap_s: float = 0.2
    """Bouts separated by at most this (s) are one bout."""


@dataclass(frozen=True)
class HandToMouthSettings:
    """``hand_to_mouth``."""

    max_distance_bu: float = 0.3
    """The nearest hand landmark within this distance (body units) of the mouth (midpoint
    of the mouth corners)."""
    min_duration_s: float = 0.5
    """Shortest bout (s)."""
    merge_gap_s: float = 0.2
    """Bouts separated by at most this (s) are one bout."""


@dataclass(frozen=True)
class ReachingSettings:
    """``reaching``: reach detection and the kinematics of each reach."""

    min_speed_bu_per_s: float = 0.4
    """Hand speed (body units per second) above which a movement bout starts."""
    rest_floor_bu_per_s: float = 0.2
    """Onset/offset: from where the speed crossed ``min_speed_bu_per_s``, the reach is
    widened over frames still faster than this (BU/s) or still slowing down. 0.2 BU/s is
    just above the median speed (0.15 BU/s) of a still hand's tracked wrist, measured
    against ground truth on the synthetic sample clips."""
    min_displacement_bu: float = 0.4
    """Minimum net displacement of the hand relative to its shoulder (body units)."""
    min_own_share: float = 0.5
    """The hand itself must move in the picture at least this share (dimensionless) of its
    net displacement relative to the shoulder: a hand planted on the floor while the
    shoulder moves over it (pushing up in tummy time, rocking) is no reach."""
    max_peak_speed_bu_per_s: float = 10.0
    """A movement bout whose hand speed relative to the shoulder ever exceeds this (BU/s) is
    a jump of the landmarks, not a reach: 10 shoulder widths per second is about 1.5 m/s
    for an infant, several times the peak speeds of infant reaches (0.2-0.6 m/s in the
    reaching literature) and above the fastest scripted movement of our renders (7.7 BU/s);
    the pose model's arm or left/right jumps reach 12-19 BU/s."""
    min_peak_speed_bu_per_s: float = 1.0
    """A movement bout whose hand speed relative to the shoulder never reaches this (BU/s)
    is drift, not a reach: 1 shoulder width per second is about 0.15 m/s for an infant,
    below the slowest peak speeds of infant reaches in the reaching literature (0.2-0.6
    m/s). On the tuning renders every true reach found peaked at 1.2 BU/s or more, and
    three false ones, a resting hand drifting with its pose landmarks in oblique views, at
    0.5-0.8 BU/s."""
    min_duration_s: float = 0.2
    """Shortest movement bout (s) that can be a reach."""
    max_duration_s: float = 4.0
    """Longest movement bout (s); also the longest hold (s) before a return."""
    merge_gap_s: float = 0.15
    """Speed bouts separated by pauses up to this long (s) are one movement."""
    unit_min_rise_bu_per_s: float = 0.5
    """Movement units: a speed peak must rise and fall at least this much (BU/s) around it
    (literature: 10 mm/s with motion capture)."""
    unit_min_fraction: float = 0.2
    """Movement units: a speed peak must exceed this fraction of the reach's peak speed
    (dimensionless)."""
    sparc_amplitude_threshold: float = 0.05
    """SPARC: adaptive cut-off at the last frequency whose normalised spectrum magnitude
    reaches this value (dimensionless; Balasubramanian et al. 2015)."""
    sparc_max_cutoff_hz: float = 10.0
    """SPARC: highest cut-off frequency (Hz); lowered to the Nyquist frequency."""


@dataclass(frozen=True)
class HeadLiftSettings:
    """``head_lift``."""

    threshold_deg: float = 20.0
    """Elevation above rest (degrees) that starts a lift episode."""
    min_duration_s: float = 0.5
    """Minimum duration (s) of an episode."""
    rest_max_deg: float = 0.0
    """The resting level is the 10th percentile of the angle in prone, but at most this
    (degrees), so that a clip where the head is up throughout still shows lifts."""
    prone_min_share: float = 0.0
    """Share of frames that must be prone for the metric to apply (besides > 0)."""
    floor_from_legs: bool = False
    """Measure the angle above the floor as the near leg shows it (hip to ankle, median over
    the tummy time where the leg lies stretched out) rather than above the picture's
    horizontal, so that a phone held turned does not add its turn to the angle. Off by
    default: on held-out renders it took out the turn where the camera was square to the
    side but added the perspective tilt of the floor's line where it was turned towards the
    head or feet (docs/validation.md, held-outs 8 and 9). Without the ankle seen, or with the
    leg flexed, the picture's horizontal either way."""


@dataclass(frozen=True)
class ForearmSupportSettings:
    """``forearm_support``."""

    in_line_bu: float = 0.15
    """Elbow within this distance (body units) of the shoulder along the trunk axis counts
    as under the shoulder (in line)."""
    prone_min_share: float = 0.0
    """Share of frames that must be prone for the metric to apply (besides > 0)."""


@dataclass(frozen=True)
class HeadTurningSettings:
    """``head_turning``."""

    threshold: float = 0.3
    """Yaw proxy (nose offset from the ear midpoint, in half inter-ear distances) beyond
    which the head counts as turned (about 17 degrees)."""
    min_turned_s: float = 1.0
    """The asymmetry index needs at least this much turned time (s)."""


@dataclass(frozen=True)
class LimbMovementSettings:
    """``limb_movement``."""

    motion_speed_bu_per_s: float = 0.5
    """A limb is "in motion" while its speed relative to the trunk exceeds this (BU/s)."""


@dataclass(frozen=True)
class LimbSymmetrySettings:
    """``limb_symmetry``."""

    max_lag_s: float = 1.0
    """Largest lag (s) of the left-right cross-correlation of limb speeds."""


@dataclass(frozen=True)
class HandOpeningSettings:
    """``hand_opening`` (fine motor: aperture and grasps)."""

    min_palm_px: float = 15.0
    """A hand counts for the aperture and grasps only in frames where its palm (wrist to
    middle knuckle, hand model) is at least this many pixels long. A finger is about a
    fifth of a palm length wide: below 15 px it is under 3 px wide in the picture, and the
    hand model's finger positions there are guesses (a hand that small read as closing and
    opening at random in a clip where it did neither; docs/metrics.md)."""
    open_aperture: float = 1.4
    """Hand aperture (mean fingertip-to-wrist distance, in palm lengths) at or above which
    the hand is open."""
    closed_aperture: float = 1.1
    """Hand aperture (palm lengths) at or below which the hand is closed."""
    partial_aperture: float = 1.3
    """A hand that closes from open to this aperture (palm lengths) or below for at least
    ``grasp_min_duration_s``, but not to ``closed_aperture``, closed only partly. Filmed
    obliquely or low, the hand model often reads a true fist at 1.1-1.3 (true 0.74): a
    partial closing may be a grasp it does not show, so with one the hand's grasp count is
    ``insufficient_data`` (with the reason) rather than a count that may be short
    (docs/metrics.md). Set it to ``closed_aperture`` to count full closings only, as
    before 2026-12-03."""
    grasp_min_duration_s: float = 0.3
    """Shortest closing (s) from closed to reopening that counts as a grasp."""

    def __post_init__(self) -> None:
        if not self.closed_aperture <= self.partial_aperture < self.open_aperture:
            raise ValueError(
                "the hand-opening levels must keep closed_aperture <= partial_aperture < "
                f"open_aperture; got {self.closed_aperture!r}, {self.partial_aperture!r} and "
                f"{self.open_aperture!r} palm lengths.")


@dataclass(frozen=True)
class PostureChangeSettings:
    """``rolls`` and ``sitting_balance``: a change of posture that counts."""

    min_hold_s: float = 1.0
    """Each posture must be held at least this long (s)."""
    max_transition_s: float = 3.0
    """Longest time (s) between the end of the old posture and the start of the new one
    (side-lying or unrecognised frames in between)."""


@dataclass(frozen=True)
class RecordingQualitySettings:
    """``recording_quality`` (see :mod:`motorobs.metrics.quality`)."""

    min_in_view_share: float = 0.6
    """The key landmarks must be seen, inside the frame, in at least this share of the
    clip."""
    min_body_scale: float = 0.06
    """The infant's shoulder width must be at least this share of the frame's shorter
    side."""
    camera_speed_bu_per_s: float = 0.5
    """Rigid motion of head and trunk (body units per second) above which a frame may show
    camera movement."""
    camera_rigid_ratio: float = 0.3
    """...if the non-rigid part of that motion is below this fraction of it (the body
    moves as one piece)."""
    max_camera_share: float = 0.2
    """At most this share of the clip may show camera movement."""
    max_crowded_share: float = 0.25
    """At most this share of the clip may show another person."""


@dataclass(frozen=True)
class MetricsConfig:
    """Thresholds of the motor metrics (see docs/metrics.md): the coverage gate every metric
    shares, then one section per metric function that has settings of its own, named as
    the metric (``config.metrics.reaching.min_speed_bu_per_s``; ``[metrics.reaching]`` in a
    TOML file). Metrics without a section (``posture_time``, ``head_stability``,
    ``sitting_sway``) use only the gate."""

    min_coverage: float = 0.5
    """A metric seeing less than this share of its relevant time reports
    ``insufficient_data`` instead of a value."""
    min_valid_s: float = 2.0
    """...and it needs at least this many seconds of usable data."""
    recording_quality: RecordingQualitySettings = field(
        default_factory=RecordingQualitySettings)
    head_lift: HeadLiftSettings = field(default_factory=HeadLiftSettings)
    forearm_support: ForearmSupportSettings = field(default_factory=ForearmSupportSettings)
    head_turning: HeadTurningSettings = field(default_factory=HeadTurningSettings)
    midline_crossings: MidlineCrossingsSettings = field(
        default_factory=MidlineCrossingsSettings)
    hands_together: HandsTogetherSettings = field(default_factory=HandsTogetherSettings)
    hand_to_mouth: HandToMouthSettings = field(default_factory=HandToMouthSettings)
    rolls: PostureChangeSettings = field(default_factory=PostureChangeSettings)
    reaching: ReachingSettings = field(default_factory=ReachingSettings)
    sitting_balance: PostureChangeSettings = field(default_factory=PostureChangeSettings)
    limb_movement: LimbMovementSettings = field(default_factory=LimbMovementSettings)
    limb_symmetry: LimbSymmetrySettings = field(default_factory=LimbSymmetrySettings)
    hand_opening: HandOpeningSettings = field(default_factory=HandOpeningSettings)

    def with_section(self, name: str, **values: Any) -> MetricsConfig:
        """Copy with settings of one metric's section replaced, checked as in
        :meth:`AnalysisConfig.with_overrides`:
        ``config.with_section("midline_crossings", margin_bu=0.2)``."""
        return replace_checked(self, {name: values}, "settings", ("metrics",))


@dataclass(frozen=True)
class ReportConfig:
    """Outputs written next to the metrics."""

    blur_faces: bool = True
    """Blur every face (infant and adults) in images and videos motorobs writes. Health
    data: keep on."""
    n_key_frames: int = 8
    """Key frames in the report: the moments of the summary's findings first, then of the
    other events, then evenly spaced."""
    html: bool = True
    overlay_video: bool = False
    """Also write ``overlay.webm`` beside the report: every analysed frame with every face
    blurred and the skeleton drawn (``motorobs analyze --overlay-video``)."""


class ConfigError(MotorobsError, ValueError):
    """A setting that does not exist or has a value of the wrong type or range."""


@dataclass(frozen=True)
class AnalysisConfig:
    """Everything :func:`motorobs.analyze_video` needs besides the video.

    Precedence: these defaults < a TOML file (:meth:`from_toml`, ``motorobs analyze
    --config FILE``) < explicit overrides (:meth:`with_overrides`, command-line options).
    ``docs/example-config.toml`` lists every setting with its default.
    """

    pose: PoseConfig = field(default_factory=PoseConfig)
    signals: SignalConfig = field(default_factory=SignalConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    report: ReportConfig = field(default_factory=ReportConfig)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable form (paths as strings)."""
        return json.loads(json.dumps(dataclasses.asdict(self), default=str))

    def with_overrides(self, **sections: Mapping[str, Any]) -> AnalysisConfig:
        """Copy with some fields replaced, e.g. ``with_overrides(pose={"analysis_fps": 10})``
        or ``with_overrides(metrics={"reaching": {"min_speed_bu_per_s": 0.5}})``.

        Values are checked as in :meth:`from_toml` (a path may be given as a string).

        Raises
        ------
        ConfigError
            (a ``ValueError``) if a section or setting does not exist (lists the valid
            names) or a value has the wrong type (names the expected one).
        """
        return replace_checked(self, sections, "settings")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "settings") -> AnalysisConfig:
        """Build from a (possibly partial) nested dict; missing fields keep their defaults.

        ``source`` names where the dict came from, in error messages.
        """
        return replace_checked(cls(), data, source)

    @classmethod
    def from_toml(cls, path: str | Path) -> AnalysisConfig:
        """Read settings from a TOML file: tables ``[pose]``, ``[signals]``, ``[metrics]``
        (with one sub-table per metric, e.g. ``[metrics.reaching]``) and ``[report]``;
        settings left out keep their defaults (see ``docs/example-config.toml``).

        Raises
        ------
        ConfigError
            If the file cannot be read or is not valid TOML (names the file and line), or
            a setting is unknown or has the wrong type (names the file, the table and key,
            and the allowed keys or values).
        """
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"Cannot read the settings file {path}: {exc.strerror or exc}."
                              ) from None
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path} is not a valid TOML file: {exc}.") from None
        return cls.from_dict(data, source=str(path))

    def fingerprint(self, section: str | None = None) -> str:
        """Short SHA-256 of the configuration (or one section), for provenance and caching."""
        payload = self.to_dict() if section is None else self.to_dict()[section]
        text = json.dumps(payload, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def replace_checked(base: Any, values: Mapping[str, Any], source: str,
                    table: tuple[str, ...] = ()) -> Any:
    """Copy of the frozen dataclass ``base`` with ``values`` (nested mappings for nested
    sections) put in, each checked against the field's type.

    ``source`` (a file name or ``"settings"``) and ``table`` (the path of sections down
    to ``base``) name the place of a bad value in the error.

    Raises
    ------
    ConfigError
        For an unknown key (lists the allowed ones) or a value of the wrong type.
    """
    where = f"[{'.'.join(table)}]" if table else "the top level"
    if not isinstance(values, Mapping):
        raise ConfigError(f"{source}: {where} must be a table of settings, got "
                          f"{values!r}.")
    fields = {f.name: f for f in dataclasses.fields(base)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        kind, at = ("setting", "in") if table else ("section", "at")
        raise ConfigError(
            f"{source}: unknown {kind}{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(map(repr, unknown))} {at} {where}; allowed: {', '.join(fields)}.")
    hints = typing.get_type_hints(type(base))
    changes = {}
    for key, value in values.items():
        current = getattr(base, key)
        if dataclasses.is_dataclass(current):
            changes[key] = replace_checked(current, value, source, (*table, key))
        else:
            changes[key] = _checked_value(value, hints[key],
                                          f"{source}: {where} {key}")
    try:
        return dataclasses.replace(base, **changes)
    except ValueError as exc:  # a section's own range checks (__post_init__)
        raise ConfigError(f"{source}: {where}: {exc}") from None


def _checked_value(value: Any, hint: Any, name: str) -> Any:
    """``value`` as the type ``hint`` wants (an int where a float is wanted becomes a
    float; a string where a path is wanted becomes a Path), else a ConfigError."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (Union, UnionType) \
        else (hint,)
    if value is None:
        if type(None) in options:
            return None
        raise ConfigError(f"{name} must not be empty (no value given).")
    for option in options:
        if typing.get_origin(option) is Literal:
            allowed = typing.get_args(option)
            if value in allowed and isinstance(value, str):
                return value
            raise ConfigError(f"{name} must be one of {', '.join(map(repr, allowed))}; "
                              f"got {value!r}.")
        if option is bool and isinstance(value, bool):
            return value
        if option is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if option is float and isinstance(value, (int, float)) and not isinstance(value,
                                                                                 bool):
            return float(value)
        if option is str and isinstance(value, str):
            return value
        if option is Path and isinstance(value, (str, Path)):
            return Path(value)
    wanted = " or ".join(_TYPE_WORDS.get(o, getattr(o, "__name__", str(o)))
                         for o in options if o is not type(None))
    raise ConfigError(f"{name} must be {wanted}; got {value!r} "
                      f"({_TYPE_WORDS.get(type(value), type(value).__name__)}).")


_TYPE_WORDS = {bool: "true or false", int: "a whole number", float: "a number",
               str: "a string", Path: "a folder path (a string)"}
"""How a value's type is named in errors."""
