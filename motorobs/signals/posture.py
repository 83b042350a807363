"""Infant posture per frame from pose landmarks, posture bouts and posture changes.

The camera view of each frame comes from :mod:`motorobs.signals.view`.

Posture
    The chest ("anterior") direction in 3-D is ``A = L x U`` with ``L`` = left shoulder
    minus right shoulder and ``U`` = mid-hip to mid-shoulder (mid-shoulder to mid-ear
    without hips), each point as ``(x_px, y_px, depth_z * frame_width)``; in this
    right-handed camera frame (x right, y down, z away from the camera) ``L x U`` points
    out of the chest. Gravity is "into the image" (+z) from straight above and image-down
    (+y) from floor level; in between it is tilted by the camera's elevation, estimated from
    the tilt of the trunk's plane in the picture, along the direction the picture
    foreshortens it (:func:`motorobs.signals.view.gravity_in_camera`), so that
    oblique phone views of a lying infant are read correctly. Side views keep image-down:
    there the chest direction rests on MediaPipe's depth, too rough to tilt gravity by.
    With ``c = A . gravity`` (unit vectors): supine when ``c < -0.5`` (chest up),
    prone when ``c > 0.5``, side-lying in between, and sitting when the trunk stands up in
    the image (:func:`upright_in_image`), where gravity is known to point down it (side
    views, and every view when the user says the camera was level:
    ``SignalConfig.camera``; a view segment whose trunk stands up the picture
    foreshortened sideways is such a camera turned about the vertical, unless the thighs
    continue the trunk at a lying length: :func:`body_straight_in_picture`). From above,
    an infant sitting shows its trunk end-on with its thighs across the view and its head
    over the trunk (:func:`sitting_seen_from_above`), which also reads as sitting, and so
    does its back seen from above and behind with the thighs on the floor pointing the way
    the trunk does and the head on top (:func:`sitting_seen_from_behind`). Filmed obliquely
    from in front, a sitting infant and one lying on its back filmed from its feet look
    alike in the picture; the depth tells them apart: an upright trunk pointing up the
    picture rises towards the camera (:func:`sitting_seen_from_the_front`).
    Filmed from above, a jump straight between supine and prone (no roll through side-lying)
    is the pose model taking the back for the chest; such stretches are read as prone where
    a prone reading in them is sustained (:func:`settle_chest_back_flips`).
    Labels are then smoothed with a 1-s majority vote. The rule
    relies on MediaPipe's left/right labels (its chirality); it was checked on the
    MediaPipe output of all eight sample clips (top and side, supine and prone): every
    frame of every clip classified as the clip's posture. Gravity and the sitting rule
    follow each frame's view, so a clip filmed partly from above and partly from the side
    is read segment by segment.

Posture bouts and changes
    :func:`posture_bouts` cuts the labels into runs; :func:`posture_changes` finds
    sustained changes (both postures held at least a minimum time), e.g. rolls between
    supine and prone, so that a brief misclassification is never a roll.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

POSTURES: tuple[str, ...] = ("supine", "prone", "side_lying", "sitting", "unknown")
LYING_MIN_COS = 0.5
"""|cos| of the angle between the chest direction and gravity for supine/prone (60 deg)."""
SITTING_MIN_COS = 0.7
"""cos of the angle between the trunk and the vertical for sitting (45 deg)."""
SITTING_MIN_TRUNK_PER_SHOULDER = 0.8
"""An upright trunk is at least this many shoulder widths long in the image (an upright
infant's trunk is about 1.4 shoulder widths: :data:`motorobs.signals.body_frame.
SHOULDER_PER_TRUNK`)."""
SITTING_MIN_GRAVITY_DOWN = 0.9
"""Sitting is told from lying only where gravity is known to point down the image (its
image-y component at least this, i.e. within 26 degrees): a level camera. From above, an
upright trunk and a supine one look alike."""
GRAVITY_SIGN_MARGIN = 0.1
"""The in-picture direction of gravity is reversed only when the chest fits the reversed
direction better by this much (median absolute cosine; :func:`settle_gravity_sign`)."""
SITTING_ABOVE_MAX_TRUNK_PER_SHOULDER = 1.0
"""Seen from above, a sitting infant's trunk points at the camera: at most this many shoulder
widths long in the picture (unforeshortened about 1.4: it is then more than 45 degrees out of
the picture's plane; lying infants filmed from above measure 1.4-2.0 on the tuning renders)."""
SITTING_ABOVE_MIN_THIGH_PER_TRUNK = 1.1
"""... while its thighs lie on the floor across the view: at least this many times the
trunk's length in the picture (unforeshortened about 0.7, 0.45-0.95 lying on the tuning
renders; a body lying along the line of sight foreshortens trunk and thighs alike)."""
SITTING_ABOVE_MAX_HEAD_BEYOND = 0.3
"""... and its head shows over the trunk, not beyond it: the mid-ear at most this many trunk
lengths beyond the shoulders (:func:`head_beyond_shoulders`; the head sits on top of the
trunk, along the line of sight), the trunk's length taken as at least
:data:`HEAD_YARDSTICK_MIN_TRUNK_PER_SHOULDER`. Lying, the head continues the trunk about
0.4 trunk lengths beyond the shoulders, and a low camera at the feet of an infant lying
with raised legs sees it further still."""
HEAD_YARDSTICK_MIN_TRUNK_PER_SHOULDER = 0.5
"""A trunk shorter than this many shoulder widths in the picture is too short a yardstick
for the head's place (:data:`SITTING_ABOVE_MAX_HEAD_BEYOND`): seen end-on from straight
above, a trunk a third of a shoulder width long makes a head 0.1 shoulder widths off its
line read 0.3 trunk lengths (held-out 6, h8021: sitting read as lying in every frame)."""
STRAIGHT_BODY_MAX_COS = -0.9
"""The thighs continue the trunk in the picture (cosine between them below this, within 25
degrees of straight on): together with thighs of a lying length
(:data:`STRAIGHT_BODY_MIN_THIGH_PER_TRUNK`) the body is stretched out, not folded at the hips
as a sitting infant's is (:func:`body_straight_in_picture`)."""
STRAIGHT_BODY_MIN_THIGH_PER_TRUNK = 0.5
"""Thighs at least this many trunk lengths long in the picture (unforeshortened about 0.7).
A sitting infant filmed face-on by a level camera also shows its thighs below its hips, but
pointing at the camera, much shorter."""
THIGHS_ALONG_TRUNK_MIN_COS = 0.0
"""Thighs pointing the same way as the trunk in the picture (an angle under 90 degrees
between them): the body is folded at the hips, which lying on the belly it is not."""
HEAD_BEYOND_SHOULDERS_MIN = 0.0
"""The head shows beyond the shoulders along the trunk (:func:`head_beyond_shoulders`; on
the tuning renders about 0.4 trunk lengths whenever the head continues the trunk)."""
SITTING_FRONT_MIN_SHOULDERS_NEARER = 1.2
"""Filmed obliquely from in front, a sitting infant's trunk rises towards the camera: its
shoulders are nearer than its hips by at least this many of the trunk's in-picture lengths
(median of :func:`shoulders_nearer_than_hips`; the true ratio is the cotangent of the
camera's angle from vertical, 1 at 45 degrees, and MediaPipe's depth exaggerates it). A
trunk lying on the floor that points up the picture of an upright phone tips away from the
camera instead; MediaPipe puts such shoulders at most 0.9 trunk lengths nearer (its depth
leans towards a person facing the camera; 0.5 on average, tuning renders)."""
SITTING_FRONT_MIN_UPRIGHT_SHARE = 0.5
"""... in a view segment whose trunk points up the picture (within 45 degrees,
:data:`SITTING_MIN_COS`) in at least this share of the frames. Its length in the picture is
not asked for: filmed steeply from the front, an upright trunk shows short."""
POSTURE_SMOOTHING_S = 1.0
"""Window of the majority vote that removes single-frame posture flicker (s)."""
FLIP_MAX_SIDE_LYING_S = 0.25
"""Longest stretch of side-lying frames between a supine and a prone reading, filmed from
above, that is taken as the pose model flipping chest for back rather than as the infant
rolling (s). A roll turns the chest through 180 degrees; the 60 degrees around side-lying
(chest within 30 degrees of horizontal) take a third of it, and an infant's roll takes
well over a second."""
FLIP_MIN_PRONE_S = 1.0
"""A flip chain is read as prone when it holds a prone reading at least this long (s)."""


def chest_alignment(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    mid_ear: np.ndarray,
    gravity: np.ndarray,
) -> np.ndarray:
    """(T,) cosine of the chest direction with gravity (+1: chest down, -1: chest up).

    Parameters
    ----------
    left_shoulder, right_shoulder, mid_hip, mid_ear
        (T, 3) points ``(x_px, y_px, depth_px)``; NaN where missing. ``mid_ear`` replaces
        ``mid_hip`` (as the head-ward end of the axis) in frames without hips.
    gravity
        (3,) or (T, 3) unit vector(s) of gravity in the same frame.
    """
    axis = trunk_axis(left_shoulder, right_shoulder, mid_hip, mid_ear)
    chest = np.cross(left_shoulder - right_shoulder, axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        chest = chest / np.linalg.norm(chest, axis=1, keepdims=True)
    gravity = np.broadcast_to(np.asarray(gravity, float), chest.shape)
    return np.einsum("ti,ti->t", chest, gravity)


def facing_chest_alignment(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    mid_ear: np.ndarray,
    frame_tilt_cos: np.ndarray,
    reference_tilt_cos: np.ndarray,
) -> np.ndarray:
    """(T,) chest-to-gravity cosine of a lying infant filmed from its front or back, from
    the picture alone (no depth).

    Whether the chest faces the camera is the sign of the 2-D cross product of the shoulder
    line and the trunk (MediaPipe's left/right labels give the chirality): towards the
    camera is up (supine, negative), away is down (prone, positive). How far the trunk has
    turned from lying flat is its plane's tilt in the frame against the segment's flattest
    (:func:`motorobs.signals.view.plane_foreshortening`): ``frame / reference``, at most 1,
    the cosine of the turn when the camera tilt and the turn share an axis (a log roll seen
    from above: 1 flat, 0 on its side). MediaPipe's depth of infants is too rough for the
    chest direction in oblique views, where it decides more than from straight above.

    Parameters
    ----------
    left_shoulder, right_shoulder, mid_hip, mid_ear
        (T, 2) or (T, 3) points (only x and y are used).
    frame_tilt_cos, reference_tilt_cos
        (T,) the frame's and its segment's flattest tilt cosine.
    """
    axis = trunk_axis(left_shoulder[:, :2], right_shoulder[:, :2], mid_hip[:, :2],
                      mid_ear[:, :2])
    across = left_shoulder[:, :2] - right_shoulder[:, :2]
    towards = across[:, 0] * axis[:, 1] - across[:, 1] * axis[:, 0]  # chest's z (into image)
    with np.errstate(invalid="ignore", divide="ignore"):
        flat = np.clip(np.asarray(frame_tilt_cos, float) / reference_tilt_cos, 0.0, 1.0)
    return np.where(np.isfinite(towards) & (towards != 0), np.sign(towards) * flat, np.nan)


def settle_gravity_sign(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    mid_ear: np.ndarray,
    gravity: np.ndarray,
) -> np.ndarray:
    """(3,) ``gravity`` (one view segment's), or with its in-picture part reversed when that
    fits the segment better.

    The picture shows along which image axis gravity runs in an oblique view
    (:func:`motorobs.signals.view.plane_foreshortening`) but not which way: a phone held
    upright sees it pointing down the picture, a phone turned more than a quarter turn the
    other way. A lying infant's chest is along gravity or against it, so the sign kept is
    the one under which the chest is most closely aligned with gravity over the segment
    (median absolute cosine) by more than :data:`GRAVITY_SIGN_MARGIN`; else ``gravity``
    stays (near floor level both signs fit alike, and the phone is taken as upright).
    Points as in :func:`chest_alignment`.
    """
    gravity = np.asarray(gravity, float)
    if not np.any(gravity[:2]):
        return gravity
    flipped = gravity * np.array([-1.0, -1.0, 1.0])
    scores = []
    for candidate in (gravity, flipped):
        cos = chest_alignment(left_shoulder, right_shoulder, mid_hip, mid_ear, candidate)
        cos = np.abs(cos[np.isfinite(cos)])
        scores.append(float(np.median(cos)) if cos.size else 0.0)
    return flipped if scores[1] > scores[0] + GRAVITY_SIGN_MARGIN else gravity


def trunk_axis(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    mid_ear: np.ndarray,
) -> np.ndarray:
    """(T, D) mid-hip to mid-shoulder, or mid-shoulder to mid-ear in frames without hips."""
    mid_shoulder = (left_shoulder + right_shoulder) / 2
    axis = mid_shoulder - mid_hip
    no_hips = ~np.isfinite(axis).all(axis=1)
    axis[no_hips] = (mid_ear - mid_shoulder)[no_hips]
    return axis


def upright_in_image(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    mid_ear: np.ndarray,
) -> np.ndarray:
    """(T,) the trunk stands up in the image, as a sitting infant's does to a level camera.

    From (T, 2) pixel points (the depth is left out: MediaPipe's depth of infants is too
    rough to tilt the trunk by): the trunk axis (:func:`trunk_axis`) points up the image
    within 45 degrees (``SITTING_MIN_COS``) and is at least ``SITTING_MIN_TRUNK_PER_SHOULDER``
    shoulder widths long, so that a body lying along the line of sight (trunk
    foreshortened, e.g. filmed from the feet) is not taken for an upright one. From the side
    the shoulders overlap and the length check always passes, as it should: the trunk is
    then in the image plane.
    """
    axis = trunk_axis(left_shoulder, right_shoulder, mid_hip, mid_ear)
    length = np.linalg.norm(axis, axis=1)
    width = np.linalg.norm(left_shoulder - right_shoulder, axis=1)
    with np.errstate(invalid="ignore"):
        return (_up_cos(axis) > SITTING_MIN_COS) & (
            length >= SITTING_MIN_TRUNK_PER_SHOULDER * width)


def _up_cos(axis: np.ndarray) -> np.ndarray:
    """(T,) cosine between (T, 2) picture vectors and image-up (y grows downwards)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return -axis[:, 1] / np.linalg.norm(axis, axis=1)


def trunk_up_cos(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    mid_ear: np.ndarray,
) -> np.ndarray:
    """(T,) cosine between the trunk axis (:func:`trunk_axis`) and image-up, from (T, 2)
    pixel points; NaN where a point is missing."""
    return _up_cos(trunk_axis(left_shoulder, right_shoulder, mid_hip, mid_ear))


class TrunkAndThighs(NamedTuple):
    """Per-frame (T,) picture measures of the trunk and thighs (:func:`trunk_and_thighs`);
    NaN where a point is missing."""

    trunk_per_shoulder: np.ndarray
    """The trunk's length (mid-hip to mid-shoulder) in shoulder widths."""
    thigh_per_trunk: np.ndarray
    """The mean thigh's length (hip to knee) in trunk lengths."""
    thigh_up_cos: np.ndarray
    """Cosine between the mean thigh (mid-hip to mid-knee) and image-up."""
    thigh_trunk_cos: np.ndarray
    """Cosine between the trunk and the mean thigh: about -1 when the thighs continue the
    trunk (lying), positive when both point the same way (folded at the hips)."""


def trunk_and_thighs(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    left_hip: np.ndarray,
    right_hip: np.ndarray,
    left_knee: np.ndarray,
    right_knee: np.ndarray,
) -> TrunkAndThighs:
    """The trunk and thigh measures of :class:`TrunkAndThighs` from (T, 2) pixel points.

    The mean thigh is the mean of the two hip-to-knee vectors, or the one thigh seen where a
    knee is missing (NaN): an infant sitting seen from behind often hides a knee for the
    whole clip."""
    mid_hip = (left_hip + right_hip) / 2
    trunk_vector = (left_shoulder + right_shoulder) / 2 - mid_hip
    trunk = np.linalg.norm(trunk_vector, axis=1)
    thighs = np.stack([left_knee - left_hip, right_knee - right_hip])  # (2, T, 2)
    thighs[~np.isfinite(thighs).all(axis=2)] = np.nan  # a thigh is seen whole or not at all
    with warnings.catch_warnings():  # frames with neither knee: NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        thigh_vector = np.nanmean(thighs, axis=0)
        thigh = np.nanmean(np.linalg.norm(thighs, axis=2), axis=0)
    thigh_span = np.linalg.norm(thigh_vector, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return TrunkAndThighs(
            trunk_per_shoulder=trunk / np.linalg.norm(left_shoulder - right_shoulder, axis=1),
            thigh_per_trunk=thigh / trunk,
            thigh_up_cos=-thigh_vector[:, 1] / thigh_span,
            thigh_trunk_cos=np.einsum("ti,ti->t", trunk_vector, thigh_vector)
            / (trunk * thigh_span),
        )


def sitting_seen_from_above(measures: TrunkAndThighs, head_beyond: np.ndarray) -> bool:
    """Whether frames filmed from above (one view segment; :func:`trunk_and_thighs`,
    :func:`head_beyond_shoulders`) show a sitting infant, from medians over the frames
    where each is measured: its trunk points at the camera (at most
    :data:`SITTING_ABOVE_MAX_TRUNK_PER_SHOULDER` shoulder widths) while its thighs lie across
    the view (at least :data:`SITTING_ABOVE_MIN_THIGH_PER_TRUNK` trunk lengths), so the body
    is bent at the hips with the trunk along the line of sight, and the head shows over the
    trunk rather than beyond it (at most :data:`SITTING_ABOVE_MAX_HEAD_BEYOND`).

    A low camera at the head of an infant lying on its back with its legs raised sees the
    same lengths with the head in front of the shoulders; there the raised thighs point up
    the picture (cosine above :data:`SITTING_MIN_COS`) while the trunk points down it (away
    from the thighs), and the reading stays lying. Seen from above, a sitting infant's
    thighs point any way the phone is turned, but never straight away from its trunk."""
    trunk_per_shoulder = measures.trunk_per_shoulder
    thigh_per_trunk = measures.thigh_per_trunk
    measured = np.isfinite(trunk_per_shoulder) & np.isfinite(thigh_per_trunk)
    with np.errstate(invalid="ignore", divide="ignore"):
        head = head_beyond * np.minimum(
            1.0, trunk_per_shoulder / HEAD_YARDSTICK_MIN_TRUNK_PER_SHOULDER)
    head = head[np.isfinite(head)]
    if not measured.any() or not head.size:
        return False
    if not (np.median(trunk_per_shoulder[measured]) <= SITTING_ABOVE_MAX_TRUNK_PER_SHOULDER
            and np.median(thigh_per_trunk[measured]) >= SITTING_ABOVE_MIN_THIGH_PER_TRUNK
            and np.median(head) <= SITTING_ABOVE_MAX_HEAD_BEYOND):
        return False
    directions = np.isfinite(measures.thigh_up_cos) & np.isfinite(measures.thigh_trunk_cos)
    if not directions.any():
        return True
    legs_raised_from_the_head = (np.median(measures.thigh_up_cos[directions]) > SITTING_MIN_COS
                                 and np.median(measures.thigh_trunk_cos[directions]) < 0)
    return not legs_raised_from_the_head


def body_straight_in_picture(measures: TrunkAndThighs) -> bool:
    """Whether one view segment's thighs continue its trunk at a lying length (medians: the
    trunk-thigh cosine below :data:`STRAIGHT_BODY_MAX_COS`, the thighs at least
    :data:`STRAIGHT_BODY_MIN_THIGH_PER_TRUNK` trunk lengths): the body is stretched out, as
    lying, whatever way it stands in the picture. False where the thighs are not seen."""
    cos, length = measures.thigh_trunk_cos, measures.thigh_per_trunk
    measured = np.isfinite(cos) & np.isfinite(length)
    if not measured.any():
        return False
    return bool(np.median(cos[measured]) < STRAIGHT_BODY_MAX_COS
                and np.median(length[measured]) >= STRAIGHT_BODY_MIN_THIGH_PER_TRUNK)


def head_beyond_shoulders(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    mid_ear: np.ndarray,
) -> np.ndarray:
    """(T,) how far the mid-ear lies beyond mid-shoulder along the trunk (mid-hip to
    mid-shoulder) in the picture, in trunk lengths, from (T, 2) pixel points: about 0.4 when
    the head continues the trunk, negative when the head shows nearer the hips than the
    shoulders are. NaN where a point is missing."""
    mid_shoulder = (left_shoulder + right_shoulder) / 2
    trunk = mid_shoulder - mid_hip
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.einsum("ti,ti->t", mid_ear - mid_shoulder, trunk) / np.einsum(
            "ti,ti->t", trunk, trunk)


def sitting_seen_from_behind(chest_facing: np.ndarray, thigh_trunk_cos: np.ndarray,
                             head_beyond: np.ndarray) -> bool:
    """Whether frames filmed from above (one view segment) show a sitting infant from behind.

    Its back faces the camera (:func:`facing_chest_alignment` positive in most frames where
    it is known, which alone reads as prone), and in the picture (medians over the frames
    where each is measured):

    - its thighs point the same way as its trunk (``thigh_trunk_cos`` of
      :func:`trunk_and_thighs` above :data:`THIGHS_ALONG_TRUNK_MIN_COS`). Seen from above
      and behind, a point higher up shows further forward, so the upright trunk points
      forward in the picture, as the thighs on the floor do. Lying on the belly the thighs
      continue the trunk (cosine about -1); lying on the back with the legs raised, filmed
      from the feet, the chest faces the camera;
    - and its head shows beyond its shoulders along the trunk (:func:`head_beyond_shoulders`
      above :data:`HEAD_BEYOND_SHOULDERS_MIN`): the head sits on top of an upright trunk,
      and every camera above the floor shows it further up the trunk's direction. Lying on
      the belly with the chest raised, filmed low from the head, the trunk and thighs point
      the same way up the picture too, but the head is in front of the shoulders, nearer
      the camera, and shows below them.
    """
    facing = chest_facing[np.isfinite(chest_facing)]
    folded = thigh_trunk_cos[np.isfinite(thigh_trunk_cos)]
    head = head_beyond[np.isfinite(head_beyond)]
    if not (facing.size and folded.size and head.size):
        return False
    return bool(np.mean(facing > 0) > 0.5
                and np.median(folded) > THIGHS_ALONG_TRUNK_MIN_COS
                and np.median(head) > HEAD_BEYOND_SHOULDERS_MIN)


def shoulders_nearer_than_hips(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
) -> np.ndarray:
    """(T,) how much nearer the camera the mid-shoulder is than the mid-hip, in the trunk's
    in-picture lengths, from (T, 3) points ``(x_px, y_px, depth_px)``: 0 for a trunk in the
    picture's plane, positive for one rising towards the camera. NaN where a point is
    missing or the trunk has no length in the picture."""
    trunk = (left_shoulder + right_shoulder) / 2 - mid_hip
    length = np.linalg.norm(trunk[:, :2], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(length > 0, -trunk[:, 2] / length, np.nan)


def sitting_seen_from_the_front(trunk_up: np.ndarray, shoulders_nearer: np.ndarray) -> bool:
    """Whether frames filmed obliquely (one view segment) show a sitting infant from in
    front: its trunk points up the picture (:func:`trunk_up_cos` above
    :data:`SITTING_MIN_COS` in at least :data:`SITTING_FRONT_MIN_UPRIGHT_SHARE` of the
    frames) and rises towards the camera (:func:`shoulders_nearer_than_hips`, median at
    least :data:`SITTING_FRONT_MIN_SHOULDERS_NEARER`).

    In the picture alone, a sitting infant filmed 45 degrees from the front and one lying
    on its back filmed 45 degrees from its feet look the same: the trunk up the picture, the
    thighs below the hips, each foreshortened alike. Only the depth tells them apart: the
    upright trunk comes towards the camera, the lying one goes away from it. A phone held
    upright is assumed (the trunk of an infant lying filmed from its head points down the
    picture); a picture turned upside down is not read as sitting this way. Without depth
    (keypoints from a 2-D tool) the rule never fires."""
    nearer = shoulders_nearer[np.isfinite(shoulders_nearer)]
    if not trunk_up.size or not nearer.size:
        return False
    with np.errstate(invalid="ignore"):
        up_share = np.mean(trunk_up > SITTING_MIN_COS)
    return bool(up_share >= SITTING_FRONT_MIN_UPRIGHT_SHARE
                and np.median(nearer) >= SITTING_FRONT_MIN_SHOULDERS_NEARER)


TOP_VIEW_GRAVITY = np.array([0.0, 0.0, 1.0])
"""Gravity seen from straight above: into the image."""
SIDE_VIEW_GRAVITY = np.array([0.0, 1.0, 0.0])
"""Gravity seen from a level camera at the side: image-down."""


def classify_posture(
    left_shoulder: np.ndarray,
    right_shoulder: np.ndarray,
    mid_hip: np.ndarray,
    mid_ear: np.ndarray,
    view: str | np.ndarray,
    rate_hz: float,
    gravity: np.ndarray | None = None,
    facing_cos: np.ndarray | None = None,
    upright_from_above: np.ndarray | None = None,
) -> np.ndarray:
    """Posture per frame (see the module docstring for the rule).

    Parameters
    ----------
    left_shoulder, right_shoulder, mid_hip, mid_ear
        (T, 3) points ``(x_px, y_px, depth_px)`` where ``depth_px = depth_z * frame_width``.
    view
        Camera view of the clip, or (T,) view of each frame; "unknown" gives "unknown".
    rate_hz
        Sampling rate, for the smoothing window.
    gravity
        (3,) or (T, 3) unit gravity in the camera frame
        (:func:`motorobs.signals.view.gravity_in_camera`); ``None``: straight into the
        image in top-view frames, image-down in side-view frames.
    facing_cos
        (T,) the chest's alignment read from the picture alone in top-view frames that are
        not level (:func:`facing_chest_alignment`), used there instead of the depth's.
    upright_from_above
        (T,) bool: top-view frames whose trunk points at the camera above a sitting infant
        (:func:`sitting_seen_from_above`); they read as sitting.

    Returns
    -------
    (T,) array of str in :data:`POSTURES`.
    """
    n = len(left_shoulder)
    views = np.broadcast_to(np.asarray(view).astype(str), (n,))
    labels = np.full(n, "unknown", dtype=object)
    side = views == "side"
    if gravity is None:
        gravity = np.where(side[:, None], SIDE_VIEW_GRAVITY, TOP_VIEW_GRAVITY)
    chest_cos = chest_alignment(left_shoulder, right_shoulder, mid_hip, mid_ear, gravity)
    level = np.broadcast_to(np.asarray(gravity, float), (n, 3))[:, 1] >= SITTING_MIN_GRAVITY_DOWN
    if facing_cos is not None:
        from_picture = (views == "top") & ~level & np.isfinite(facing_cos)
        chest_cos = np.where(from_picture, facing_cos, chest_cos)
    upright = upright_in_image(left_shoulder[:, :2], right_shoulder[:, :2], mid_hip[:, :2],
                               mid_ear[:, :2])
    known = np.isfinite(chest_cos) & np.isin(views, ("top", "side"))
    labels[known] = "side_lying"
    labels[known & (chest_cos < -LYING_MIN_COS)] = "supine"
    labels[known & (chest_cos > LYING_MIN_COS)] = "prone"
    labels[known & level & upright] = "sitting"
    if upright_from_above is not None:
        labels[(views == "top") & upright_from_above] = "sitting"
    labels = settle_chest_back_flips(labels.astype(str), views == "top", rate_hz)
    return majority_smooth(labels, rate_hz, POSTURE_SMOOTHING_S)


def settle_chest_back_flips(labels: np.ndarray, from_above: np.ndarray,
                            rate_hz: float) -> np.ndarray:
    """Read as prone the stretches where, filmed from above, the labels flip between supine
    and prone faster than an infant can roll, when a prone reading in them is sustained.

    Seen from above, the pose model takes an infant's back for a chest now and then: it
    gives the body the left/right labels of a person facing the camera, the chest's
    direction turns over and a prone infant reads as supine, for a few frames or for
    seconds, jumping straight between the two. A real roll passes through side-lying
    (:data:`FLIP_MAX_SIDE_LYING_S`). A flip chain is a run of supine and prone frames joined
    by at most that much side-lying; sitting, unknown and frames not seen from above end
    it. Where a chain holds both postures and a prone run of at least
    :data:`FLIP_MIN_PRONE_S`, every frame of it becomes prone. The model errs the other
    way, taking a chest seen from above for a back, only for a few frames (at most 4 on
    the tuning renders), which the majority vote removes.

    Parameters
    ----------
    labels
        (T,) raw posture labels (:data:`POSTURES`).
    from_above
        (T,) bool: frames of a top view.
    rate_hz
        Sampling rate (Hz).

    Returns
    -------
    (T,) labels, a new array.
    """
    out = np.asarray(labels).astype(str)  # a copy
    if rate_hz <= 0 or out.size == 0:
        return out
    max_gap = int(np.floor(FLIP_MAX_SIDE_LYING_S * rate_hz + 1e-9))
    min_prone = int(np.ceil(FLIP_MIN_PRONE_S * rate_hz - 1e-9))
    flat = np.isin(out, ("supine", "prone")) & from_above
    bouts = posture_bouts(np.where(flat, out, "unknown"), 1.0 / rate_hz)
    chain: list[PostureBout] = []

    def settle(links: list[PostureBout]) -> None:
        postures = {b.posture for b in links}
        longest_prone = max((b.last - b.first + 1 for b in links if b.posture == "prone"),
                            default=0)
        if postures == {"supine", "prone"} and longest_prone >= min_prone:
            out[links[0].first: links[-1].last + 1] = "prone"

    for bout in bouts:
        if chain:
            gap = out[chain[-1].last + 1: bout.first]
            joined = (gap.size <= max_gap and np.all(gap == "side_lying")
                      and np.all(from_above[chain[-1].last + 1: bout.first]))
            if not joined:
                settle(chain)
                chain = []
        chain.append(bout)
    if chain:
        settle(chain)
    return out


def majority_smooth(labels: np.ndarray, rate_hz: float, window_s: float) -> np.ndarray:
    """Replace each known label by the most common known label in a centred window.

    "unknown" frames stay unknown and do not vote. Ties keep the frame's own label.
    """
    half = int(round(window_s * rate_hz / 2)) if rate_hz > 0 else 0
    if half < 1:
        return labels.copy()
    out = labels.copy()
    for t in np.flatnonzero(labels != "unknown"):
        window = labels[max(0, t - half): t + half + 1]
        window = window[window != "unknown"]
        names, counts = np.unique(window, return_counts=True)
        best = counts.max()
        if counts[names == labels[t]][0] < best:
            out[t] = names[np.argmax(counts)]
    return out


@dataclass(frozen=True)
class PostureBout:
    """A run of frames with one posture label (indices inclusive)."""

    posture: str
    first: int
    last: int
    duration_s: float


@dataclass(frozen=True)
class PostureChange:
    """A sustained change of posture, e.g. a roll from supine to prone.

    ``last_before`` is the last frame of the old posture, ``first_after`` the first frame
    of the new one; the frames in between (if any) were in transition.
    """

    from_posture: str
    to_posture: str
    last_before: int
    first_after: int


def posture_bouts(posture: np.ndarray, dt_s: float) -> list[PostureBout]:
    """Runs of equal known posture labels in a (T,) label array ("unknown" ends a run).

    ``duration_s = (last - first + 1) * dt_s``.
    """
    posture = np.asarray(posture).astype(str)
    bouts: list[PostureBout] = []
    if posture.size == 0:
        return bouts
    change = np.flatnonzero(posture[1:] != posture[:-1]) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [posture.size]])
    for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
        if posture[start] != "unknown":
            bouts.append(PostureBout(str(posture[start]), start, stop - 1, (stop - start) * dt_s))
    return bouts


def posture_changes(
    posture: np.ndarray,
    dt_s: float,
    min_hold_s: float,
    max_transition_s: float,
    postures: tuple[str, ...],
) -> list[PostureChange]:
    """Sustained changes between the postures in ``postures``.

    Only bouts of those postures lasting at least ``min_hold_s`` take part ("held" bouts;
    shorter ones, e.g. a one-frame flip, are ignored, as are postures not listed). A change
    is two consecutive held bouts of different postures whose gap (the frames between them,
    in any other or unknown posture) lasts at most ``max_transition_s``.

    Parameters
    ----------
    posture
        (T,) labels (see :data:`POSTURES`).
    dt_s
        Sample spacing (s).
    min_hold_s, max_transition_s
        Seconds (see above).
    postures
        Labels taking part, e.g. ``("supine", "prone")`` for rolls.
    """
    eps = 1e-9
    held = [b for b in posture_bouts(posture, dt_s)
            if b.posture in postures and b.duration_s >= min_hold_s - eps]
    changes = []
    for before, after in zip(held, held[1:], strict=False):
        gap_s = (after.first - before.last - 1) * dt_s
        if before.posture != after.posture and gap_s <= max_transition_s + eps:
            changes.append(PostureChange(before.posture, after.posture, before.last, after.first))
    return changes
