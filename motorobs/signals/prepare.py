"""From a landmarks dataset to the cleaned, body-relative signals every metric uses."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import xarray as xr

from motorobs.config import CAMERA_POSITIONS, SignalConfig
from motorobs.landmarks import with_all_body_parts
from motorobs.signals.body_frame import (
    SHOULDER_PER_TRUNK,
    BodyFrame,
    clip_body_lengths,
    compute_body_frame,
)
from motorobs.signals.cleaning import (
    derivative_window_samples,
    effective_cutoff_hz,
    half_window_samples,
    hampel_filter,
    interpolate_gaps,
    lowpass_filter,
    mask_low_confidence,
    sample_spacing_s,
    time_derivative,
)
from motorobs.signals.posture import (
    SIDE_VIEW_GRAVITY,
    SITTING_ABOVE_MAX_HEAD_BEYOND,
    SITTING_ABOVE_MAX_TRUNK_PER_SHOULDER,
    THIGHS_ALONG_TRUNK_MIN_COS,
    TrunkAndThighs,
    body_straight_in_picture,
    classify_posture,
    facing_chest_alignment,
    head_beyond_shoulders,
    settle_gravity_sign,
    shoulders_nearer_than_hips,
    sitting_seen_from_above,
    sitting_seen_from_behind,
    sitting_seen_from_the_front,
    trunk_and_thighs,
    trunk_up_cos,
    upright_in_image,
)
from motorobs.signals.sides import MAX_SWAP_S, undo_side_swaps
from motorobs.signals.view import (
    FACING_TILT_COS,
    NEAR_SIDE_LANDMARKS,
    ViewSegment,
    camera_lateral,
    flattest_tilt_cos,
    gravity_in_camera,
    near_side,
    plane_foreshortening,
    tilt_per_frame,
    view_segments,
)

HAND_POINTS: dict[str, str] = {"left": "left_hand_point", "right": "right_hand_point"}
"""Derived keypoint holding each hand's position (see :func:`prepare_signals`)."""
SIDES = ("left", "right")
HAND_OVER_POSE_WRIST_SHOULDERS = 0.5
"""Where the hand model's wrist and the pose wrist lie more than this many shoulder widths
apart, the hand point is the hand model's. On the 48 second tuning renders the hand model's
was the nearer the true wrist in 282 of 326 such frames (median errors 0.1-0.4 shoulder
widths against 0.5-1.3): the pose model's wrist stays behind where a hand crosses the chest
or is hidden, with a confidence of 0.5-0.7."""
OBLIQUE_LATERAL = ("picture", "depth")
"""The ways :meth:`BodySignals.lateral_offset_bu` measures in oblique views
(:attr:`motorobs.config.SignalConfig.oblique_lateral`)."""


OBLIQUE_MIN_TILT_COS = FACING_TILT_COS
"""Views whose trunk-plane tilt cosine is below this (the camera more than about 37 degrees
off the chest's normal, :data:`motorobs.signals.view.FACING_TILT_COS`) are oblique: lateral
offsets are measured in 3-D there (:meth:`BodySignals.lateral_offset_bu`)."""


@dataclass
class BodySignals:
    """Cleaned landmark trajectories of one clip, in the image and in the body frame.

    Attributes
    ----------
    time_s
        (T,) analysis time base, seconds from the start of the video.
    rate_hz
        Sampling rate of ``time_s`` (1 / median spacing; 0 with fewer than 2 frames).
    keypoints
        (K,) names: the dataset's keypoints plus the derived ``left_hand_point`` and
        ``right_hand_point`` (the pose wrist when visible, else the hand model's wrist;
        the hand model's where the two disagree: :data:`HAND_OVER_POSE_WRIST_SHOULDERS`).
    position_px
        (T, K, 2) cleaned positions in pixels (x right, y down); NaN where not usable.
    depth_px
        (T, K) cleaned MediaPipe depth times the frame width (pixels, + = away from the
        camera; relative and rough).
    velocity_px_s
        (T, K, 2) time derivative of ``position_px`` (pixels per second).
    confidence
        (T, K) the landmarks' raw confidence (visibility / hand score, 0..1; NaN if absent).
    observed
        (T, K) seen with confidence >= ``min_visibility``.
    valid
        (T, K) usable: observed, or inside a gap short enough to be interpolated.
    frame
        The body frame (origin, axes, body unit).
    posture
        (T,) str in {"supine", "prone", "side_lying", "sitting", "unknown"}.
    view, view_reason
        Camera view of the clip ("top", "side" or "unknown"; the view of most frames when
        it changed) and why.
    near_side
        In a side view, the infant's side facing the camera ("left"/"right"); the other
        side's limbs are hidden and only guessed by MediaPipe. None in other views. With
        several side-view segments, the side facing the camera in most side-view frames.
    view_segments
        The stretches of the clip with one camera view each, in order, covering every
        frame (:class:`motorobs.signals.view.ViewSegment`); one segment unless the camera
        moved. ``frame_views`` and ``near_side_per_frame`` give them per frame.
    frame_width, frame_height
        Video frame size in pixels.
    provenance
        Cleaning and body-frame parameters actually used; ``cleaning_steps`` lists the
        cleaning functions in the order applied, each with its parameters.
    in_frame
        (T, K) the raw landmark (before cleaning) lay inside the video frame; False where
        it was outside or not detected. MediaPipe places landmarks it guesses outside the
        picture at coordinates beyond its edges.
    attrs
        The landmarks dataset's attributes (provenance of the landmarks: ``fps``,
        ``notes`` on person selection, models ...), passed through unchanged.
    """

    time_s: np.ndarray
    rate_hz: float
    keypoints: tuple[str, ...]
    position_px: np.ndarray
    depth_px: np.ndarray
    velocity_px_s: np.ndarray
    confidence: np.ndarray
    observed: np.ndarray
    valid: np.ndarray
    frame: BodyFrame
    posture: np.ndarray
    view: str
    view_reason: str
    near_side: str | None
    frame_width: int
    frame_height: int
    provenance: dict[str, Any] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)
    in_frame: np.ndarray | None = None
    view_segments: tuple[ViewSegment, ...] = ()
    oblique_lateral: str = "picture"
    """:attr:`motorobs.config.SignalConfig.oblique_lateral`: how
    :meth:`lateral_offset_bu` measures in oblique views."""
    raised_hand_bu: float = 0.0
    """:attr:`motorobs.config.SignalConfig.raised_hand_bu`: the hand height (BU) for which
    :meth:`lateral_offset_bu` corrects the parallax of views from beside the midline (0:
    no correction)."""

    @property
    def missing_body_parts(self) -> frozenset[str]:
        """Body-part names (``left_ear``, ``left_hand_wrist`` ...) the landmarks' source
        skeleton has no keypoint for, from ``attrs["missing_body_parts"]`` (a JSON list, or
        a list); empty for MediaPipe landmarks and when the attribute is absent. Metrics
        needing one of them are ``not_applicable`` (:func:`motorobs.metrics.compute_metrics`)."""
        import json

        raw = self.attrs.get("missing_body_parts") or "[]"
        return frozenset(json.loads(raw) if isinstance(raw, str) else raw)

    @property
    def frame_views(self) -> np.ndarray:
        """(T,) camera view of each frame ("top", "side" or "unknown")."""
        views = np.full(self.n_frames, self.view, dtype=object)
        for segment in self.view_segments:
            views[segment.frames()] = segment.view
        return views.astype(str)

    @property
    def near_side_per_frame(self) -> np.ndarray:
        """(T,) side facing the camera in side-view frames ("left"/"right"), else ""."""
        sides = np.full(self.n_frames, "", dtype=object)
        if not self.view_segments and self.view == "side":
            sides[:] = self.near_side or ""
        for segment in self.view_segments:
            sides[segment.frames()] = segment.near_side or ""
        return sides.astype(str)

    def in_view(self, view: str) -> np.ndarray:
        """(T,) frames filmed from ``view`` ("top" or "side")."""
        return self.frame_views == view

    def far_side_frames(self, side: str) -> np.ndarray:
        """(T,) frames where the ``side`` ("left"/"right") limbs are on the far side of the
        body from a side-on camera: hidden, and only guessed by the pose model."""
        facing = self.near_side_per_frame
        return (self.frame_views == "side") & (facing != "") & (facing != side)

    def near_point_px(self, part: str) -> np.ndarray:
        """(T, 2) pixel position of the near-side ``part`` (e.g. "shoulder") in side-view
        frames, the side facing the camera in each; NaN in other frames."""
        facing = self.near_side_per_frame
        out = np.full((self.n_frames, 2), np.nan)
        for side in ("left", "right"):
            frames = facing == side
            out[frames] = self.point_px(f"{side}_{part}")[frames]
        return out

    @property
    def n_frames(self) -> int:
        """Number of analysed frames T."""
        return len(self.time_s)

    @property
    def dt_s(self) -> float:
        """Duration each frame stands for (s): 1 / ``rate_hz``."""
        return 1.0 / self.rate_hz if self.rate_hz > 0 else 0.0

    @property
    def body_unit_px(self) -> float:
        """The body unit (BU, the infant's shoulder width) in pixels."""
        return self.frame.scale_px

    def index(self, name: str) -> int:
        """Position of keypoint ``name`` in ``keypoints``."""
        try:
            return self.keypoints.index(name)
        except ValueError:
            raise KeyError(
                f"No keypoint {name!r}; known keypoints include {list(self.keypoints[:12])} ..."
            ) from None

    def point_px(self, name: str) -> np.ndarray:
        """(T, 2) cleaned image position of ``name`` in pixels (NaN where not usable)."""
        return self.position_px[:, self.index(name)]

    def point3d_px(self, name: str) -> np.ndarray:
        """(T, 3) ``(x_px, y_px, depth_px)`` of ``name``."""
        i = self.index(name)
        return np.concatenate([self.position_px[:, i], self.depth_px[:, i, None]], axis=1)

    def is_valid(self, name: str) -> np.ndarray:
        """(T,) frames where ``name`` is usable."""
        return self.valid[:, self.index(name)]

    def body_xy(self, name: str) -> np.ndarray:
        """(T, 2) body coordinates ``(lateral, up)`` of ``name`` in BU.

        + lateral = towards the infant's left; + up = towards the head; origin mid-shoulder.
        """
        return self.frame.to_body(self.point_px(name))

    @property
    def tilt_cos_per_frame(self) -> np.ndarray:
        """(T,) cosine of the trunk plane's tilt to the image plane in each frame (its view
        segment's flattest frames, :func:`motorobs.signals.view.flattest_tilt_cos`): 1 when
        the camera faces the chest or back, lower in oblique views; NaN where unknown."""
        return tilt_per_frame(list(self.view_segments), self.n_frames)

    def lateral_offset_bu(self, name: str) -> np.ndarray:
        """(T,) signed distance of ``name`` from the body's sagittal plane, in BU
        (+ = towards the infant's left).

        Where the camera faces the trunk this is the 2-D body-frame lateral coordinate
        (:meth:`body_xy`). In oblique views (:attr:`oblique_frames`) the picture
        foreshortens distances across the body, and a point raised off the body (a hand
        reaching up) shows displaced across the midline. How it is measured there is
        :attr:`oblique_lateral`:

        ``"picture"``
            In the picture, in shoulder widths as seen: the lateral offset in pixels over
            the median 2-D shoulder width of the oblique frames. The foreshortening of the
            offset and of the shoulders cancel, whatever the body unit (the
            unforeshortened size there). The parallax of a raised hand is corrected for an
            assumed height (:attr:`parallax_shift_bu`, in every frame viewed from above).
        ``"depth"``
            In 3-D, on ``(x_px, y_px, k depth_px)``: along the shoulder line made
            perpendicular to the trunk axis (mid-hip to mid-shoulder), from the
            mid-shoulder point. The depth of pose models has no reliable scale, so ``k``
            comes from the geometry (:func:`depth_scale`): the one that gives the shoulders
            the unforeshortened width the body unit says they have.
        """
        lateral = self.body_xy(name)[:, 0]
        oblique = self.oblique_frames
        if self.oblique_lateral == "depth":
            if oblique.any():
                offset = self._offset_along_shoulders_3d(name, oblique)
                in_3d = oblique & np.isfinite(offset)
                lateral[in_3d] = offset[in_3d] / self.body_unit_px
            return lateral
        if oblique.any():
            seen = np.linalg.norm(
                self.point_px("left_shoulder") - self.point_px("right_shoulder"), axis=1
            )[oblique]
            seen = seen[np.isfinite(seen) & (seen > 0)]
            if seen.size:
                lateral[oblique] *= self.body_unit_px / float(np.median(seen))
        return lateral + self.parallax_shift_bu

    @property
    def camera_lateral_per_frame(self) -> np.ndarray:
        """(T,) sideways component of the direction to the camera in each frame's view
        segment (:func:`motorobs.signals.view.camera_lateral`: + = towards the infant's
        left, from the shoulders' depth); 0 outside segments."""
        lateral = np.zeros(self.n_frames)
        left = self.depth_px[:, self.index("left_shoulder")]
        right = self.depth_px[:, self.index("right_shoulder")]
        for segment in self.view_segments:
            frames = segment.frames()
            lateral[frames] = camera_lateral(left[frames], right[frames], self.body_unit_px)
        return lateral

    @property
    def parallax_shift_bu(self) -> np.ndarray:
        """(T,) what :meth:`lateral_offset_bu` adds to a hand's picture offset for the
        parallax of a hand raised :attr:`raised_hand_bu` off the chest (BU).

        Seen from a camera beside the body midline, a point at height ``h`` over the chest
        shows ``h tan(tilt)`` away from the camera's side, where ``tan(tilt)`` is the
        camera's sideways component (:attr:`camera_lateral_per_frame`) over the trunk-plane
        tilt cosine (:attr:`tilt_cos_per_frame`). Most hands near the midline are raised
        (reaching over the chest), so the offset is moved back towards the camera's side by
        that much for the assumed height: a hand raised over the shoulder nearer the camera
        no longer shows across the midline, one raised across from the far side does. Frames
        viewed from above (top view) only; 0 elsewhere.
        """
        if self.raised_hand_bu <= 0:
            return np.zeros(self.n_frames)
        tilt = self.tilt_cos_per_frame
        usable = self.in_view("top") & np.isfinite(tilt) & (tilt > 0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(usable, self.camera_lateral_per_frame / tilt * self.raised_hand_bu,
                            0.0)

    def _offset_along_shoulders_3d(self, name: str, oblique: np.ndarray) -> np.ndarray:
        """(T,) offset (pixels) of ``name`` from mid-shoulder along the 3-D shoulder line
        made perpendicular to the trunk, the depth scaled by :func:`depth_scale`."""
        left, right = self.point3d_px("left_shoulder"), self.point3d_px("right_shoulder")
        scale = np.array([1.0, 1.0, depth_scale(left[oblique], right[oblique],
                                                self.body_unit_px)])
        left, right, point = left * scale, right * scale, self.point3d_px(name) * scale
        hips = (self.point3d_px("left_hip") + self.point3d_px("right_hip")) / 2 * scale
        mid_shoulder = (left + right) / 2
        trunk = mid_shoulder - hips
        across = left - right
        with np.errstate(invalid="ignore", divide="ignore"):
            trunk_unit = trunk / np.linalg.norm(trunk, axis=1, keepdims=True)
            across = across - np.einsum("ti,ti->t", across, trunk_unit)[:, None] * trunk_unit
            across = across / np.linalg.norm(across, axis=1, keepdims=True)
            return np.einsum("ti,ti->t", point - mid_shoulder, across)

    def hand(self, side: str) -> str:
        """Name of the derived keypoint of the ``side`` ("left"/"right") hand."""
        return HAND_POINTS[side]

    @property
    def oblique_frames(self) -> np.ndarray:
        """(T,) frames of oblique views: seen from the front or back of the trunk ("top"
        view) but tilted (trunk-plane tilt cosine below :data:`OBLIQUE_MIN_TILT_COS`),
        where movement towards or away from the camera is measured with the pose model's
        depth. Side views keep the picture's two dimensions."""
        return self.in_view("top") & (self.tilt_cos_per_frame < OBLIQUE_MIN_TILT_COS)

    def relative_speed_bu_s(self, name: str, reference: str) -> np.ndarray:
        """(T,) speed of ``name`` relative to ``reference`` in BU per second.

        Translation of the whole body cancels out; the magnitude does not depend on the
        body frame's orientation.
        """
        v = self.velocity_px_s[:, self.index(name)] - self.velocity_px_s[:, self.index(reference)]
        return np.linalg.norm(v, axis=1) / self.body_unit_px


def depth_scale(left_shoulder: np.ndarray, right_shoulder: np.ndarray,
                width_px: float) -> float:
    """Factor (0..1) for the pose model's depth so that the shoulders, ``(N, 3)``
    ``(x_px, y_px, depth_px)``, are ``width_px`` apart in 3-D (medians over the frames):
    the picture shows their width foreshortened, the depth difference makes up the rest.
    0 when the picture already shows them that wide or the depths do not differ."""
    seen = np.nanmedian(np.linalg.norm(left_shoulder[:, :2] - right_shoulder[:, :2], axis=1))
    depth = np.nanmedian(np.abs(left_shoulder[:, 2] - right_shoulder[:, 2]))
    if not (np.isfinite(seen) and np.isfinite(depth) and depth > 0 and width_px > seen):
        return 0.0
    return float(min(1.0, np.sqrt(width_px ** 2 - seen ** 2) / depth))


def _infant(ds: xr.Dataset) -> xr.Dataset:
    if "individual" in ds.dims:
        return ds.isel(individual=0)
    return ds


def _with_hand_points(
    position: np.ndarray, depth: np.ndarray, confidence: np.ndarray, names: list[str],
    min_confidence: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Append ``left_hand_point``/``right_hand_point``: pose wrist, else hand-model wrist.

    The pose wrist comes first: it is tracked with the rest of the body in every frame, so
    the hand point does not jump between two landmark sources while the pose sees the
    wrist and the two agree. The hand model's wrist is taken where the pose wrist is not
    visible, and where the two lie more than :data:`HAND_OVER_POSE_WRIST_SHOULDERS`
    shoulder widths (the clip's median) apart: the hand model looked at the hand itself.
    A pose wrist whose elbow is not visible either, with no hand-model hand to confirm
    it, is no hand point (missing): the pose model then guesses the arm. On the 64 renders
    of held-out 4 (tuning data) such a wrist, in view at visibility 0.5 or more, lay more
    than a shoulder width from the true wrist in 138 of 153 frames (90 %), against 20 %
    with its elbow in view; in tummy time and sitting the guessed hand lands somewhere on
    the body, and its jumps read as reaches.
    """
    shoulders = [names.index(f"{side}_shoulder") for side in SIDES]
    with warnings.catch_warnings():  # a clip without shoulders: no disagreement is measured
        warnings.simplefilter("ignore", RuntimeWarning)
        shoulder_px = np.nanmedian(np.linalg.norm(
            position[:, :, shoulders[0]] - position[:, :, shoulders[1]], axis=1))
    extra_pos, extra_depth, extra_conf = [], [], []
    for side in SIDES:
        hand, pose = names.index(f"{side}_hand_wrist"), names.index(f"{side}_wrist")
        apart_px = np.linalg.norm(position[:, :, hand] - position[:, :, pose], axis=1)
        with np.errstate(invalid="ignore"):
            disagree = apart_px > HAND_OVER_POSE_WRIST_SHOULDERS * shoulder_px
        hand_seen = confidence[:, hand] >= min_confidence
        use_hand = hand_seen & (~(confidence[:, pose] >= min_confidence) | disagree)
        guessed = ~hand_seen & ~(confidence[:, names.index(f"{side}_elbow")] >= min_confidence)
        pick = np.where(use_hand, hand, pose)
        rows = np.arange(len(pick))
        extra_pos.append(position[rows, :, pick])
        extra_depth.append(depth[rows, pick])
        extra_conf.append(np.where(guessed, 0.0, confidence[rows, pick]))
    position = np.concatenate([position, np.stack(extra_pos, axis=2)], axis=2)
    depth = np.concatenate([depth, np.stack(extra_depth, axis=1)], axis=1)
    confidence = np.concatenate([confidence, np.stack(extra_conf, axis=1)], axis=1)
    return position, depth, confidence, [*names, *HAND_POINTS.values()]


def _undo_side_swaps(position: np.ndarray, depth: np.ndarray, confidence: np.ndarray,
                     names: list[str], min_visibility: float, rate_hz: float
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict]:
    """:func:`motorobs.signals.sides.undo_side_swaps` on (T, 2, K) positions, decided on the
    landmarks at least ``min_visibility`` visible, with the jump scale from the clip's
    median trunk length (a scale every view shows)."""
    xy = np.moveaxis(position, 1, 2)
    visible = confidence >= min_visibility
    seen = np.where(visible[:, :, None], xy, np.nan)

    def point(name: str) -> np.ndarray:
        return seen[:, names.index(name)]

    mid_hip = (point("left_hip") + point("right_hip")) / 2
    _, trunk_px, _ = clip_body_lengths(point("left_shoulder"), point("right_shoulder"),
                                       mid_hip, point("nose"))
    (xy, depth, confidence), counts = undo_side_swaps(
        seen, (xy, depth, confidence), names, SHOULDER_PER_TRUNK * trunk_px,
        max(1, int(MAX_SWAP_S * rate_hz)))
    return np.moveaxis(xy, 2, 1), depth, confidence, counts


def prepare_signals(ds: xr.Dataset, config: SignalConfig) -> BodySignals:
    """Clean a landmarks dataset and express it in the infant's body frame.

    Steps, per keypoint coordinate (x, y and depth), each a pure function of
    :mod:`motorobs.signals.cleaning`: landmarks with confidence below
    ``config.min_visibility`` are dropped; interior gaps up to ``config.max_gap_s`` are
    filled linearly; outliers are replaced by the local median (Hampel filter,
    ``config.hampel_window_s``, ``config.hampel_n_sigma``); each run of valid samples is
    low-pass filtered (zero-phase Butterworth, ``config.lowpass_hz`` clamped below Nyquist,
    ``config.lowpass_order``); velocities are Savitzky-Golay derivatives of the filtered
    signal (``config.derivative_window_s``, ``config.derivative_polyorder``). Then the camera view,
    the body frame and the posture per frame are derived (see
    :mod:`motorobs.signals.posture` and :mod:`motorobs.signals.body_frame`).

    Parameters
    ----------
    ds
        Landmarks dataset of the infant (see :mod:`motorobs.landmarks`); its ``time``
        coordinate sets the analysis time base (it may be sub-sampled).
    config
        Cleaning parameters.
    """
    if config.camera not in CAMERA_POSITIONS:
        raise ValueError(f"Unknown camera position {config.camera!r}; choose one of "
                         f"{', '.join(CAMERA_POSITIONS)}.")
    if config.oblique_lateral not in OBLIQUE_LATERAL:
        raise ValueError(f"Unknown oblique_lateral {config.oblique_lateral!r}; choose one of "
                         f"{', '.join(OBLIQUE_LATERAL)}.")
    if not config.raised_hand_bu >= 0:
        raise ValueError(f"raised_hand_bu must be 0 (no parallax correction) or more, not "
                         f"{config.raised_hand_bu!r}.")
    ds = with_all_body_parts(_infant(ds))  # body parts the source lacks: NaN
    time_s = np.asarray(ds["time"].values, float)
    names = [str(k) for k in ds["keypoint"].values]
    width = int(ds.attrs.get("frame_width", 1))
    height = int(ds.attrs.get("frame_height", 1))
    position = np.asarray(ds["position"].transpose("time", "space", "keypoint").values, float)
    depth = np.asarray(ds["depth_z"].transpose("time", "keypoint").values, float) * width
    confidence = np.asarray(ds["confidence"].transpose("time", "keypoint").values, float)
    spacing = sample_spacing_s(time_s)
    rate_hz = 1.0 / spacing if spacing > 0 else 0.0
    swapped_frames = {}
    if config.undo_side_swaps:
        position, depth, confidence, swapped_frames = _undo_side_swaps(
            position, depth, confidence, names, config.min_visibility, rate_hz)
    position, depth, confidence, names = _with_hand_points(
        position, depth, confidence, names, config.min_visibility
    )
    n_t, n_k = len(time_s), len(names)
    with np.errstate(invalid="ignore"):
        in_frame = ((position[:, 0] >= 0) & (position[:, 0] < width)
                    & (position[:, 1] >= 0) & (position[:, 1] < height))

    stacked = np.concatenate([position, depth[:, None, :]], axis=1).reshape(n_t, 3 * n_k)
    stacked_conf = np.repeat(confidence[:, None, :], 3, axis=1).reshape(n_t, 3 * n_k)
    masked = mask_low_confidence(stacked, stacked_conf, config.min_visibility)
    observed = ~np.isnan(masked)
    filled, was_filled = interpolate_gaps(masked, time_s, config.max_gap_s)
    hampel_half = half_window_samples(config.hampel_window_s, rate_hz)
    despiked, outliers = hampel_filter(filled, hampel_half, config.hampel_n_sigma)
    cleaned = lowpass_filter(despiked, rate_hz, config.lowpass_hz, config.lowpass_order)
    cleaned = cleaned.reshape(n_t, 3, n_k)
    position_px = np.moveaxis(cleaned[:, :2], 1, 2)
    depth_px = cleaned[:, 2]
    valid = np.isfinite(position_px).all(axis=2) & np.isfinite(depth_px)
    position_px[~valid] = np.nan
    depth_px = np.where(valid, depth_px, np.nan)
    sg_window = derivative_window_samples(config.derivative_window_s, rate_hz,
                                          config.derivative_polyorder)
    velocity = time_derivative(position_px.reshape(n_t, 2 * n_k), time_s, sg_window,
                               config.derivative_polyorder).reshape(n_t, n_k, 2)
    observed = observed.reshape(n_t, 3, n_k).all(axis=1)

    def pt(name: str) -> np.ndarray:
        return position_px[:, names.index(name)]

    def pt3(name: str) -> np.ndarray:
        i = names.index(name)
        return np.concatenate([position_px[:, i], depth_px[:, i, None]], axis=1)

    mid_hip = (pt("left_hip") + pt("right_hip")) / 2
    segments = view_segments(pt("left_shoulder"), pt("right_shoulder"), mid_hip, pt("nose"),
                             rate_hz)
    segments, frame_views, gravity = apply_camera_position(
        segments, config.camera, n_t,
        {s: confidence[:, [names.index(f"{s}_{p}") for p in NEAR_SIDE_LANDMARKS]]
         for s in SIDES},
        {s: depth_px[:, [names.index(f"{s}_{p}") for p in NEAR_SIDE_LANDMARKS]]
         for s in SIDES},
    )
    chest_points = (pt3("left_shoulder"), pt3("right_shoulder"),
                    (pt3("left_hip") + pt3("right_hip")) / 2,
                    (pt3("left_ear") + pt3("right_ear")) / 2)
    upright = upright_in_image(*(p[:, :2] for p in chest_points))
    trunk_thighs = trunk_and_thighs(
        *(pt(f"{s}_{p}") for p in ("shoulder", "hip", "knee") for s in SIDES))
    shoulder_ratio, tilt, _ = plane_foreshortening(pt("left_shoulder"), pt("right_shoulder"),
                                                   mid_hip, pt("nose"))
    chest_facing = _facing_alignment(segments, chest_points, tilt)
    head_above = head_beyond_shoulders(*(p[:, :2] for p in chest_points))
    trunk_up = trunk_up_cos(*(p[:, :2] for p in chest_points))
    shoulders_nearer = shoulders_nearer_than_hips(*chest_points[:3])
    upright_from_above = np.zeros(n_t, bool)
    for index, segment in enumerate(segments):
        rows = segment.frames()
        if segment.view != "top" or config.camera != "auto":
            continue
        seen = TrunkAndThighs(*(measure[rows] for measure in trunk_thighs))
        if turned_upright(segment, upright[rows]) and not body_straight_in_picture(seen):
            gravity[rows] = SIDE_VIEW_GRAVITY
            segments[index] = replace(segment, reason=f"{segment.reason}; the trunk stands up "
                                      "in the picture, turned about the vertical: a camera "
                                      "level with a sitting infant")
        elif sitting_seen_from_above(seen, head_above[rows]):
            with np.errstate(invalid="ignore"):  # a frame lies only where both say so
                upright_from_above[rows] = ~(
                    (seen.trunk_per_shoulder > SITTING_ABOVE_MAX_TRUNK_PER_SHOULDER)
                    & (head_above[rows] > SITTING_ABOVE_MAX_HEAD_BEYOND))
            segments[index] = replace(segment, reason=f"{segment.reason}; the trunk points at "
                                      "the camera with the thighs across the view and the "
                                      "head over it: an infant sitting, seen from above")
        elif sitting_seen_from_behind(chest_facing[rows], seen.thigh_trunk_cos,
                                      head_above[rows]):
            with np.errstate(invalid="ignore"):  # frames without knees follow the segment
                upright_from_above[rows] = ~(seen.thigh_trunk_cos <= THIGHS_ALONG_TRUNK_MIN_COS)
            segments[index] = replace(segment, reason=f"{segment.reason}; the back faces the "
                                      "camera, the thighs point the way the trunk does and "
                                      "the head is on top: an infant sitting, seen from "
                                      "above and behind")
        elif sitting_seen_from_the_front(trunk_up[rows], shoulders_nearer[rows]):
            with np.errstate(invalid="ignore"):  # a frame whose trunk tips away lies
                upright_from_above[rows] = ~(shoulders_nearer[rows] < 0)
            segments[index] = replace(segment, reason=f"{segment.reason}; the trunk stands up "
                                      "in the picture and leans towards the camera: an "
                                      "infant sitting, filmed from above in front")
        else:
            gravity[rows] = settle_gravity_sign(*(p[rows] for p in chest_points),
                                                gravity[segment.first])
    view, view_reason, facing = summarise_views(segments, time_s)
    frame = compute_body_frame(pt("left_shoulder"), pt("right_shoulder"), pt("left_hip"),
                               pt("right_hip"), pt("nose"), frame_views)
    frame = _unforeshortened_scale(
        frame, segments, frame_views,
        np.linalg.norm(pt("left_shoulder") - pt("right_shoulder"), axis=1), shoulder_ratio)
    posture = classify_posture(*chest_points, frame_views, rate_hz, gravity,
                               facing_cos=chest_facing,
                               upright_from_above=upright_from_above)
    lowpass_effective = effective_cutoff_hz(rate_hz, config.lowpass_hz) if rate_hz > 0 else None
    cleaning_steps = [
        *([{"step": "undo_side_swaps", "frames_put_back": swapped_frames}]
          if config.undo_side_swaps else []),
        {"step": "mask_low_confidence", "min_confidence": config.min_visibility},
        {"step": "interpolate_gaps", "method": "linear", "max_gap_s": config.max_gap_s},
        {"step": "hampel_filter", "window_s": config.hampel_window_s,
         "window_samples": 2 * hampel_half + 1, "n_sigma": config.hampel_n_sigma},
        {"step": "lowpass_filter", "method": "zero-phase Butterworth (scipy.signal.sosfiltfilt)",
         "cutoff_hz": config.lowpass_hz, "cutoff_hz_effective": lowpass_effective,
         "order": config.lowpass_order},
        {"step": "time_derivative", "method": "Savitzky-Golay (scipy.signal.savgol_filter)",
         "window_s": config.derivative_window_s, "window_samples": sg_window,
         "polyorder": config.derivative_polyorder},
    ]
    provenance = {
        "cleaning_steps": cleaning_steps,
        "min_visibility": config.min_visibility,
        "max_gap_s": config.max_gap_s,
        "lowpass": "zero-phase Butterworth (scipy.signal.sosfiltfilt), per run of valid samples",
        "lowpass_hz": config.lowpass_hz,
        "lowpass_hz_effective": lowpass_effective,
        "lowpass_order": config.lowpass_order,
        "derivative": "Savitzky-Golay derivative of the filtered signal "
                      f"({sg_window} samples, degree {config.derivative_polyorder})",
        "rate_hz": rate_hz,
        "n_frames": n_t,
        "view": view,
        "view_reason": view_reason,
        "view_segments": [
            {"view": seg.view, "start_s": float(time_s[seg.first]),
             "end_s": float(time_s[seg.last]), "shoulder_ratio": seg.shoulder_ratio,
             "tilt_cos": seg.tilt_cos,
             "near_side": seg.near_side}
            for seg in segments
        ],
        "body_unit_px": frame.scale_px,
        "body_unit_method": frame.scale_method,
        "up_axis_from_hips_share": float(np.mean(frame.up_source == "hips")) if n_t else 0.0,
        "head_axis_offset_deg": frame.head_axis_offset_deg,
        "hand_point": ("pose wrist when visible, else the hand model's wrist; the hand "
                       "model's where the two lie more than "
                       f"{HAND_OVER_POSE_WRIST_SHOULDERS} shoulder widths apart"),
        "oblique_lateral": config.oblique_lateral,
        "raised_hand_bu": config.raised_hand_bu,
        "interpolated_share": float(was_filled.mean()) if was_filled.size else 0.0,
        "outlier_share": float(outliers.mean()) if outliers.size else 0.0,
    }
    return BodySignals(
        time_s=time_s, rate_hz=rate_hz, keypoints=tuple(names), position_px=position_px,
        depth_px=depth_px, velocity_px_s=velocity, confidence=confidence, observed=observed,
        valid=valid,
        frame=frame, posture=posture, view=view, view_reason=view_reason, near_side=facing,
        frame_width=width, frame_height=height, provenance=provenance, attrs=dict(ds.attrs),
        in_frame=in_frame, view_segments=tuple(segments),
        oblique_lateral=config.oblique_lateral, raised_hand_bu=config.raised_hand_bu,
    )


TURNED_UPRIGHT_SHARE = 0.5
"""Share of a segment's frames whose trunk stands up in the picture for
:func:`turned_upright`."""


def turned_upright(segment: ViewSegment, upright: np.ndarray) -> bool:
    """Whether a top-view segment shows a sitting infant filmed by a level camera from an
    angle: the trunk stands up in the picture (:func:`motorobs.signals.posture.
    upright_in_image`) in at least :data:`TURNED_UPRIGHT_SHARE` of the frames, and its
    plane is visibly tilted (below :data:`motorobs.signals.view.FACING_TILT_COS`) about
    the picture's vertical (foreshortened sideways). A lying infant filmed obliquely by an
    upright phone is foreshortened up and down the picture instead. A sitting infant filmed
    face-on is not foreshortened at all and cannot be told from one lying on its back
    filmed from above (``--camera level`` says so)."""
    axis = segment.tilt_axis
    if axis is None or not np.isfinite(segment.tilt_cos) or segment.tilt_cos >= FACING_TILT_COS:
        return False
    return bool(abs(axis[0]) > abs(axis[1]) and np.mean(upright) >= TURNED_UPRIGHT_SHARE)


def _facing_alignment(segments: list[ViewSegment], chest_points: tuple,
                      tilt: np.ndarray) -> np.ndarray:
    """:func:`motorobs.signals.posture.facing_chest_alignment` of every frame (``tilt``:
    (T,) each frame's tilt cosine), each segment's flattest tilt as its reference."""
    reference = np.full(len(tilt), np.nan)
    for segment in segments:
        reference[segment.frames()] = flattest_tilt_cos(tilt[segment.frames()],
                                                        as_facing=False)
    return facing_chest_alignment(*chest_points, tilt, reference)


def _unforeshortened_scale(frame, segments: list[ViewSegment], frame_views: np.ndarray,
                           shoulder_width_px: np.ndarray, shoulder_ratio: np.ndarray):
    """The body frame with its body unit measured unforeshortened when most frames that
    face the trunk are oblique: there the 2-D shoulder width is shortened by the tilt, so the
    unit is ``SHOULDER_PER_TRUNK`` x the body's unforeshortened size in the picture
    (:func:`motorobs.signals.view.plane_foreshortening`: ``shoulder_ratio`` per frame), as
    in side views."""
    facing = frame_views == "top"
    oblique = facing & (tilt_per_frame(segments, len(frame_views)) < OBLIQUE_MIN_TILT_COS)
    if not facing.any() or oblique.sum() * 2 <= facing.sum():
        return frame
    with np.errstate(invalid="ignore", divide="ignore"):
        size = shoulder_width_px / shoulder_ratio
    size = size[oblique & np.isfinite(size) & (size > 0)]
    if not size.size:
        return frame
    return replace(frame, scale_px=float(np.median(size)),
                   scale_method="shoulder width expected from the body's unforeshortened "
                                "size in an oblique view (shoulders and trunk)")


def apply_camera_position(
    segments: list[ViewSegment],
    camera: str,
    n_frames: int,
    confidence: dict[str, np.ndarray],
    depth_px: dict[str, np.ndarray],
) -> tuple[list[ViewSegment], np.ndarray, np.ndarray]:
    """Each segment's final view and near side, each frame's view and gravity.

    Parameters
    ----------
    segments
        From :func:`motorobs.signals.view.view_segments`.
    camera
        ``SignalConfig.camera``: "auto" keeps the views read from the landmarks; "above"
        makes every segment a top view (overlapping shoulders then mean side-lying, and
        gravity points straight into the image); "level" keeps the views but points gravity
        down the image everywhere.
    n_frames
        T.
    confidence, depth_px
        Per side, (T, n) raw confidence and depth (pixels) of the ear, shoulder and hip, for
        the near side of side-view segments (:func:`motorobs.signals.view.near_side`).

    Returns
    -------
    segments, frame_views, gravity
        Updated segments, (T,) views and (T, 3) unit gravity in the camera frame.
    """
    frame_views = np.full(n_frames, "unknown", dtype=object)
    gravity = np.tile(SIDE_VIEW_GRAVITY, (n_frames, 1))
    out = []
    for segment in segments:
        rows = segment.frames()
        foreshortening = (segment.tilt_cos if np.isfinite(segment.tilt_cos)
                          else segment.shoulder_ratio)
        if camera != "auto" and segment.view != "unknown":
            segment = replace(segment, reason=f"camera {CAMERA_POSITIONS[camera]}; "
                                              f"{segment.reason}")
        if camera == "above" and segment.view == "side":
            # Overlapping shoulders seen from above: the infant lies on its side, and the
            # camera's elevation cannot be read from the shoulders; take it as straight down.
            segment, foreshortening = replace(
                segment, view="top",
                reason=f"{segment.reason}, so the infant lies on its side"), 1.0
        if segment.view == "top" and camera != "level":
            gravity[rows] = gravity_in_camera(foreshortening, segment.tilt_axis)
        if segment.view == "side":
            facing, facing_reason = near_side({s: c[rows] for s, c in confidence.items()},
                                              {s: d[rows] for s, d in depth_px.items()})
            segment = replace(segment, near_side=facing,
                              reason=f"{segment.reason}; {facing_reason}")
        frame_views[rows] = segment.view
        out.append(segment)
    return out, frame_views.astype(str), gravity


def summarise_views(
    segments: list[ViewSegment], time_s: np.ndarray
) -> tuple[str, str, str | None]:
    """The clip's main view (most frames), the reason in words, and the near side.

    With one segment the reason is that segment's; with several it lists each segment
    with its times (s). The near side is the one facing the camera in most side-view
    frames (None without side-view frames).
    """
    if not segments:
        return "unknown", "no frames were analysed", None
    frames = {}
    for seg in segments:
        frames[seg.view] = frames.get(seg.view, 0) + seg.last - seg.first + 1
    known = {v: n for v, n in frames.items() if v != "unknown"} or frames
    view = max(known, key=known.__getitem__)
    sides: dict[str, int] = {}
    for seg in segments:
        if seg.view == "side" and seg.near_side:
            sides[seg.near_side] = sides.get(seg.near_side, 0) + seg.last - seg.first + 1
    facing = max(sides, key=sides.__getitem__) if sides else None
    if len(segments) == 1:
        return view, segments[0].reason, facing
    parts = [f"{seg.view} view from {time_s[seg.first]:.1f} s to {time_s[seg.last]:.1f} s "
             f"({seg.reason})" for seg in segments]
    return view, "the camera view changed: " + "; ".join(parts), facing
