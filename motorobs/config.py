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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CAMERA_POSITIONS: dict[str, str] = {
    "auto": "read from the landmarks",
    "above": "held above the infant (set by the user)",
    "level": "at the infant's height, in front of or beside it (set by the user)",
}
"""Valid values of ``SignalConfig.camera`` and what each says about the camera."""


@dataclass(frozen=True)
class PoseConfig:
    """Landmark estimation (MediaPipe Tasks) settings."""

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
    hand_finder: str = "pose"
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
    hand_crops: bool = True
    """For each side without a hand from the full-frame hand model, look again in a
    close-up around the infant's elbow (see ``motorobs.pose.infant``): infant hands are
    small and often missed, most of all on the chest, where the pose wrist is lost too."""
    estimator: str = "infant"
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
    found. 0.2 s is the shortest hand event a metric counts (``reach_min_duration_s``,
    ``midline_min_duration_s``), so every such event still gets a search."""
    wrist_min_visibility: float = 0.5
    """A pose wrist with at least this MediaPipe visibility is in view: the hand metrics then
    follow it rather than the hand model's wrist (the same value as
    ``SignalConfig.min_visibility``, which makes that choice)."""
    hand_detail_max_gap_s: float = 0.0
    """While both of the infant's pose wrists are in view, the hand model only adds the
    fingers (hand aperture); with a value above the analysed frame interval it then runs
    just often enough that no two hand-model frames are more than this apart (s), the
    cleaning filling the frames in between. ``0`` (default): every analysed frame. 0.15 s
    (half the shortest grasp, ``MetricsConfig.grasp_min_duration_s``) was measured to save
    a quarter of the hand-model calls but to delay grasps by a frame, raise the aperture error
    and drop two sample clips' aperture coverage below the minimum (docs/performance.md)."""
    overlap_models: bool = True
    """Run the pose model, the hand model and the close-up search in parallel threads
    (MediaPipe calls run in C, one core each; see ``motorobs.pose.lanes``). The landmarks are
    identical either way, so this setting is not part of the landmark cache key."""


@dataclass(frozen=True)
class SignalConfig:
    """Cleaning of landmark trajectories before metrics."""

    min_visibility: float = 0.5
    """Landmarks with MediaPipe visibility below this are treated as missing."""
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
    camera: str = "auto"
    """Where the camera was (:data:`CAMERA_POSITIONS`): ``"auto"``
    reads it from the landmarks, per clip segment; ``"above"``: held above a lying infant
    (shoulders seen overlapping then mean the infant lies on its side); ``"level"``: at the
    infant's height, in front of or beside it, so that gravity points down the image and an
    infant sitting face-on to the camera is recognised as sitting."""


@dataclass(frozen=True)
class MetricsConfig:
    """Thresholds of the motor metrics (see docs/metrics.md)."""

    min_coverage: float = 0.5
    """A metric seeing less than this share of its relevant time reports
    ``insufficient_data`` instead of a value."""
    min_valid_s: float = 2.0
    """...and it needs at least this many seconds of usable data."""
    midline_margin: float = 0.10
    """Midline crossing: the hand must go beyond this lateral margin (body units) on the
    other side of the midline."""
    midline_min_duration_s: float = 0.2
    """Midline crossing: minimum time spent beyond the margin on the other side."""
    hands_together_midline: float = 0.35
    """Hands together: each hand within this lateral distance (body units) of the midline."""
    hands_together_distance: float = 0.5
    """Hands together: the two hands within this distance (body units) of each other."""
    reach_min_speed: float = 0.4
    """Reach: hand speed (body units per second) above which a movement bout starts."""
    reach_rest_floor: float = 0.2
    """Reach onset/offset: from where the speed crossed ``reach_min_speed``, the reach is
    widened over frames still faster than this (BU/s) or still slowing down. 0.2 BU/s is
    just above the median speed (0.15 BU/s) of a still hand's tracked wrist, measured
    against ground truth on the synthetic sample clips."""
    reach_min_displacement: float = 0.4
    """Reach: minimum net displacement of the hand relative to its shoulder (body units)."""
    reach_min_duration_s: float = 0.2
    """Reach: shortest movement bout (s) that can be a reach."""
    reach_max_duration_s: float = 4.0
    """Reach: longest movement bout (s); also the longest hold (s) before a return."""
    reach_merge_gap_s: float = 0.15
    """Reach: speed bouts separated by pauses up to this long (s) are one movement."""
    head_lift_threshold_deg: float = 20.0
    """Head lift: elevation above rest (degrees) that starts a lift episode."""
    head_lift_min_duration_s: float = 0.5
    """Head lift: minimum duration of an episode."""
    head_lift_rest_max_deg: float = 0.0
    """Head lift: the resting level is the 10th percentile of the angle in prone, but at
    most this (degrees), so that a clip where the head is up throughout still shows lifts."""
    prone_min_share: float = 0.0
    """Share of frames that must be prone for head-lift metrics to apply (besides > 0)."""
    reach_unit_min_rise: float = 0.5
    """Reach movement units: a speed peak must rise and fall at least this much (BU/s)
    around it (literature: 10 mm/s with motion capture)."""
    reach_unit_min_fraction: float = 0.2
    """Reach movement units: a speed peak must exceed this fraction of the reach's peak
    speed (dimensionless)."""
    sparc_amplitude_threshold: float = 0.05
    """SPARC: adaptive cut-off at the last frequency whose normalised spectrum magnitude
    reaches this value (dimensionless; Balasubramanian et al. 2015)."""
    sparc_max_cutoff_hz: float = 10.0
    """SPARC: highest cut-off frequency (Hz); lowered to the Nyquist frequency."""
    limb_motion_speed: float = 0.5
    """Whole body: a limb is "in motion" while its speed relative to the trunk exceeds this
    (BU/s)."""
    limb_xcorr_max_lag_s: float = 1.0
    """Whole body: largest lag (s) of the left-right cross-correlation of limb speeds."""
    min_palm_px: float = 15.0
    """Fine motor: a hand counts for the aperture and grasps only in frames where its palm
    (wrist to middle knuckle, hand model) is at least this many pixels long. A finger is
    about a fifth of a palm length wide: below 15 px it is under 3 px wide in the picture,
    and the hand model's finger positions there are guesses (a hand that small read as
    closing and opening at random in a clip where it did neither; docs/metrics.md)."""
    hand_open_aperture: float = 1.4
    """Fine motor: hand aperture (mean fingertip-to-wrist distance, in palm lengths) at or
    above which the hand is open."""
    hand_closed_aperture: float = 1.1
    """Fine motor: hand aperture (palm lengths) at or below which the hand is closed."""
    grasp_min_duration_s: float = 0.3
    """Fine motor: shortest closing (s) from closed to reopening that counts as a grasp."""

    posture_min_hold_s: float = 1.0
    """Rolls and losses of sitting: each posture must be held at least this long (s)."""
    posture_max_transition_s: float = 3.0
    """Rolls and losses of sitting: longest time (s) between the end of the old posture and
    the start of the new one (side-lying or unrecognised frames in between)."""
    hands_together_min_bout_s: float = 0.5
    """Hands together: shortest bout (s) counted in ``hands_together_bouts``."""
    hand_to_mouth_distance: float = 0.3
    """Hand to mouth: the nearest hand landmark within this distance (body units) of the
    mouth (midpoint of the mouth corners)."""
    hand_to_mouth_min_duration_s: float = 0.5
    """Hand to mouth: shortest bout (s)."""
    bout_merge_gap_s: float = 0.2
    """Hands-together and hand-to-mouth bouts separated by at most this (s) are one bout."""
    forearm_in_line_bu: float = 0.15
    """Forearm support: elbow within this distance (body units) of the shoulder along the
    trunk axis counts as under the shoulder (in line)."""
    head_turn_threshold: float = 0.3
    """Head turning: yaw proxy (nose offset from the ear midpoint, in half inter-ear
    distances) beyond which the head counts as turned (about 17 degrees)."""
    head_turn_min_turned_s: float = 1.0
    """Head turning: the asymmetry index needs at least this much turned time (s)."""
    quality_min_in_view_share: float = 0.6
    """Recording quality: the key landmarks must be seen, inside the frame, in at least this
    share of the clip."""
    quality_min_body_scale: float = 0.06
    """Recording quality: the infant's shoulder width must be at least this share of the
    frame's shorter side."""
    quality_camera_speed_bu_s: float = 0.5
    """Recording quality: rigid motion of head and trunk (body units per second) above
    which a frame may show camera movement."""
    quality_camera_rigid_ratio: float = 0.3
    """Recording quality: ...if the non-rigid part of that motion is below this fraction
    of it (the body moves as one piece)."""
    quality_max_camera_share: float = 0.2
    """Recording quality: at most this share of the clip may show camera movement."""
    quality_max_crowded_share: float = 0.25
    """Recording quality: at most this share of the clip may show another person."""


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


@dataclass(frozen=True)
class AnalysisConfig:
    """Everything :func:`motorobs.analyze_video` needs besides the video."""

    pose: PoseConfig = field(default_factory=PoseConfig)
    signals: SignalConfig = field(default_factory=SignalConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    report: ReportConfig = field(default_factory=ReportConfig)

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-serialisable form (paths as strings)."""
        return json.loads(json.dumps(dataclasses.asdict(self), default=str))

    def with_overrides(self, **sections: dict[str, Any]) -> AnalysisConfig:
        """Copy with some fields replaced, e.g. ``with_overrides(pose={"analysis_fps": 10})``.

        Raises
        ------
        ValueError
            If a section or field name does not exist (lists the valid names).
        """
        changes = {}
        for section, values in sections.items():
            if section not in _SECTIONS:
                raise ValueError(
                    f"Unknown config section {section!r}; expected one of {sorted(_SECTIONS)}."
                )
            current = getattr(self, section)
            valid = {f.name for f in dataclasses.fields(current)}
            unknown = set(values) - valid
            if unknown:
                raise ValueError(
                    f"Unknown {section} setting(s) {sorted(unknown)}; valid: {sorted(valid)}."
                )
            changes[section] = dataclasses.replace(current, **values)
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnalysisConfig:
        """Build from a (possibly partial) nested dict; missing fields keep their defaults."""
        data = dict(data)
        pose = dict(data.get("pose", {}))
        if pose.get("model_dir") is not None:
            pose["model_dir"] = Path(pose["model_dir"])
        data["pose"] = pose
        return cls().with_overrides(**{k: v for k, v in data.items() if v})

    def fingerprint(self, section: str | None = None) -> str:
        """Short SHA-256 of the configuration (or one section), for provenance and caching."""
        payload = self.to_dict() if section is None else self.to_dict()[section]
        text = json.dumps(payload, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


_SECTIONS = {f.name for f in dataclasses.fields(AnalysisConfig)}
