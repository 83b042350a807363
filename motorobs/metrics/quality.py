"""Recording quality: can this clip be scored, and if not, what should the caregiver change?

:func:`assess_quality` runs a few checks on the landmarks of the whole clip. A failed
*blocking* check makes the clip not scorable; a failed *advisory* check only adds a note
(some metrics still apply). Every failed check gives one plain-language reason saying what
to change when filming again.

Checks (thresholds in :class:`motorobs.config.RecordingQualitySettings`)
    ``duration``           the clip lasts at least ``MetricsConfig.min_valid_s`` (blocking).
    ``camera_view``        the view (top / side) could be recognised (blocking).
    ``body_in_view``       head, shoulders and hips seen inside the frame in at least
                           ``min_in_view_share`` of the clip (blocking).
    ``body_size``          shoulder width >= ``min_body_scale`` x the frame's
                           shorter side (blocking).
    ``camera_steady``      head and trunk moving together as one rigid piece (camera moved or
                           baby carried) in at most ``max_camera_share`` of the clip
                           (blocking).
    ``one_person``         another person in view in at most ``max_crowded_share`` of
                           the clip, from the landmarks' ``frames_with_several_people``
                           (blocking).
    ``limbs_in_view``      wrists and knees seen in at least ``min_in_view_share`` of
                           the clip (advisory: hand metrics use only the time they were seen).
    ``view_for_posture``   the camera suits the main posture: side-on for tummy time, above
                           for lying on the back (advisory).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from motorobs.config import MetricsConfig
from motorobs.metrics.base import MetricOutput, MetricValue, register_metric
from motorobs.signals import BodySignals

RIGID_POINTS = ("nose", "left_shoulder", "right_shoulder", "left_hip", "right_hip")
OUTPUTS = {
    "recording_quality": (
        "verdict",
        "1 = the recording can be scored, 0 = it cannot: the whole baby must be in view and "
        "large enough, the camera steady and the baby alone in the picture. The reasons say "
        "what to change when filming again (notes do not stop scoring).",
    ),
}


@dataclass(frozen=True)
class QualityVerdict:
    """Whether a clip can be scored, why not, and the measured checks.

    Attributes
    ----------
    scorable
        No blocking check failed.
    reasons
        One plain-language sentence per failed check, blocking ones first, each saying what
        to change when filming.
    checks
        Check name -> ``{"passed", "blocking", "value", "threshold", "unit", "message"}``.
    """

    scorable: bool
    reasons: list[str] = field(default_factory=list)
    checks: dict[str, dict[str, Any]] = field(default_factory=dict)


def _check(passed: bool, blocking: bool, value: float | None, threshold: float | None,
           unit: str, message: str) -> dict[str, Any]:
    return {"passed": bool(passed), "blocking": blocking,
            "value": None if value is None or not np.isfinite(value) else float(value),
            "threshold": threshold, "unit": unit, "message": "" if passed else message}


def _seen(signals: BodySignals, name: str) -> np.ndarray:
    """(T,) landmark detected with enough confidence and inside the frame."""
    i = signals.index(name)
    in_frame = (signals.in_frame[:, i] if signals.in_frame is not None
                else np.ones(signals.n_frames, bool))
    return signals.observed[:, i] & in_frame


def _outside(signals: BodySignals, name: str) -> np.ndarray:
    """(T,) landmark placed outside the frame (or not detected at all)."""
    if signals.in_frame is None:
        return np.zeros(signals.n_frames, bool)
    return ~signals.in_frame[:, signals.index(name)]


def _words(name: str) -> str:
    return name.replace("_", " ")


def core_landmarks(signals: BodySignals) -> dict[str, tuple[str, ...]]:
    """Body parts that must be in view -> landmarks (any one of them suffices)."""
    if signals.view == "side" and signals.near_side:
        side = signals.near_side
        return {"head": ("nose", f"{side}_ear"), f"{side}_shoulder": (f"{side}_shoulder",),
                f"{side}_hip": (f"{side}_hip",)}
    return {"head": ("nose", "left_ear", "right_ear"),
            **{n: (n,) for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")}}


def body_in_view(signals: BodySignals) -> tuple[float, str, float, float]:
    """Share of frames with every core part seen; the worst part, its unseen share and
    the share of frames it lay outside the picture."""
    parts = core_landmarks(signals)
    seen = {part: np.any([_seen(signals, n) for n in names], axis=0)
            for part, names in parts.items()}
    every = np.all(list(seen.values()), axis=0)
    worst = min(seen, key=lambda p: seen[p].mean())
    outside = np.all([_outside(signals, n) for n in parts[worst]], axis=0)
    return float(every.mean()), worst, float(1 - seen[worst].mean()), float(outside.mean())


def rigid_motion_bu_s(signals: BodySignals) -> tuple[np.ndarray, np.ndarray]:
    """Per frame, the rigid (translation + in-plane rotation) and non-rigid parts of the
    motion of head and trunk points (BU/s, RMS over the points; NaN without all points).

    The rotation rate is the least-squares ``omega`` of ``v_i - v_mean = omega x
    (p_i - p_mean)``; the non-rigid part is what remains.
    """
    idx = [signals.index(n) for n in RIGID_POINTS]
    pos = signals.position_px[:, idx]
    vel = signals.velocity_px_s[:, idx]
    r = pos - pos.mean(axis=1, keepdims=True)
    u = vel - vel.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        omega = np.sum(r[..., 0] * u[..., 1] - r[..., 1] * u[..., 0], axis=1) \
            / np.sum(r**2, axis=(1, 2))
    rotation = omega[:, None, None] * np.stack([-r[..., 1], r[..., 0]], axis=-1)
    residual = u - rotation
    translation = vel.mean(axis=1)
    rigid = np.sqrt(np.sum(translation**2, axis=1) + np.mean(np.sum(rotation**2, axis=2),
                                                             axis=1))
    non_rigid = np.sqrt(np.mean(np.sum(residual**2, axis=2), axis=1))
    return rigid / signals.body_unit_px, non_rigid / signals.body_unit_px


def crowded_share(attrs: dict[str, Any], n_frames: int) -> float | None:
    """Share of the ``n_frames`` analysed frames with more than one person in view.

    Read from the landmark estimator's ``attrs["frames_with_several_people"]``; ``None``
    when the landmarks do not record it (e.g. built by hand).
    """
    crowded = attrs.get("frames_with_several_people")
    if crowded is None or not n_frames:
        return None
    return int(crowded) / n_frames


def assess_quality(signals: BodySignals, config: MetricsConfig) -> QualityVerdict:
    """Whether the clip can be scored, with reasons a caregiver can act on.

    Parameters
    ----------
    signals
        Cleaned signals of the clip.
    config
        Thresholds (``recording_quality`` section, and ``min_valid_s``).
    """
    q = config.recording_quality
    checks: dict[str, dict[str, Any]] = {}
    duration = signals.n_frames * signals.dt_s
    checks["duration"] = _check(
        duration >= config.min_valid_s, True, duration, config.min_valid_s, "s",
        f"The clip is too short ({duration:.1f} s): film at least "
        f"{max(config.min_valid_s, 30):g} s of play.")
    checks["camera_view"] = _check(
        signals.view != "unknown", True, None, None, "",
        "The camera angle could not be recognised: film from straight above the baby, or "
        "from the side at the level of the mat.")

    share, worst, unseen, outside = body_in_view(signals) if signals.n_frames else (0, "", 1, 0)
    where = ("outside the picture" if outside >= unseen / 2 else "hidden or unclear")
    checks["body_in_view"] = _check(
        share >= q.min_in_view_share, True, share,
        q.min_in_view_share, "share of frames",
        f"The baby's {_words(worst)} was {where} in {unseen:.0%} of the clip: keep the whole "
        "baby, head to feet, in the picture (move the camera back or centre the baby).")

    frame_side = min(signals.frame_width, signals.frame_height)
    scale = signals.body_unit_px / frame_side if frame_side > 1 else float("nan")
    checks["body_size"] = _check(
        bool(np.isfinite(scale) and scale >= q.min_body_scale), True, scale,
        q.min_body_scale, "shoulder width / frame side",
        "The baby looks too small in the picture: move the camera closer so the baby fills "
        "most of the picture.")

    rigid, non_rigid = rigid_motion_bu_s(signals)
    known = np.isfinite(rigid) & np.isfinite(non_rigid)
    with np.errstate(invalid="ignore"):
        moving = known & (rigid > q.camera_speed_bu_per_s) & (
            non_rigid < q.camera_rigid_ratio * rigid)
    camera_share = float(moving.sum() / known.sum()) if known.any() else 0.0
    checks["camera_steady"] = _check(
        camera_share <= q.max_camera_share, True, camera_share,
        q.max_camera_share, "share of frames",
        f"The whole baby moved in the picture as one piece in {camera_share:.0%} of the clip "
        "(the camera moved, or the baby was moved): rest the phone on something steady and "
        "keep it still.")

    crowded = crowded_share(signals.attrs, len(signals.time_s))
    checks["one_person"] = _check(
        crowded is None or crowded <= q.max_crowded_share, True, crowded,
        q.max_crowded_share, "share of frames",
        f"Another person was in view in {crowded or 0:.0%} of the clip, and the pose model "
        "may follow them instead of the baby: film the baby alone (keep your hands and face "
        "out of the picture).")

    limb_names = (("left_wrist", "right_wrist", "left_knee", "right_knee")
                  if not (signals.view == "side" and signals.near_side)
                  else tuple(f"{signals.near_side}_{p}" for p in ("wrist", "knee")))
    limb_seen = {n: float(_seen(signals, n).mean()) if signals.n_frames else 0.0
                 for n in limb_names}
    worst_limb = min(limb_seen, key=limb_seen.__getitem__)
    checks["limbs_in_view"] = _check(
        limb_seen[worst_limb] >= q.min_in_view_share, False,
        limb_seen[worst_limb], q.min_in_view_share, "share of frames",
        f"Note: the baby's {_words(worst_limb)} was out of view or hidden in "
        f"{1 - limb_seen[worst_limb]:.0%} of the clip; metrics of that limb use only the time "
        "it was seen.")

    lying = signals.posture[np.isin(signals.posture, ("supine", "prone"))]
    main = max(("supine", "prone"), key=lambda p: int((lying == p).sum())) if lying.size else None
    advice = {
        ("prone", "top"): "Note: tummy time was filmed from above; head lift and forearm "
                          "support need the camera at the side, at the level of the mat.",
        ("supine", "side"): "Note: the baby lay on the back, filmed from the side; midline, "
                            "hand-to-mouth and head-turning metrics need the camera above "
                            "the baby.",
    }.get((main, signals.view), "")
    checks["view_for_posture"] = _check(not advice, False, None, None, "", advice)

    failed = [c for c in checks.values() if not c["passed"]]
    reasons = [c["message"] for c in sorted(failed, key=lambda c: not c["blocking"])]
    scorable = not any(c["blocking"] for c in failed)
    return QualityVerdict(scorable=scorable, reasons=reasons, checks=checks)


@register_metric(
    "recording_quality",
    outputs=OUTPUTS,
    landmarks=("nose", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
               "left_hip", "right_hip", "left_wrist", "right_wrist", "left_knee",
               "right_knee"),
)
def recording_quality(signals: BodySignals, config: MetricsConfig) -> MetricOutput:
    """The clip's quality verdict as a metric (value 1 = scorable, 0 = not; always ``ok``).

    ``coverage`` is the share of frames with head, shoulders and hips in view; ``reason``
    lists what to change (also when scorable, for advisory notes).
    """
    verdict = assess_quality(signals, config)
    unit, definition = OUTPUTS["recording_quality"]
    coverage = verdict.checks["body_in_view"]["value"] or 0.0
    value = MetricValue(
        name="recording_quality", value=1.0 if verdict.scorable else 0.0, unit=unit,
        coverage=min(1.0, max(0.0, coverage)), status="ok", definition=definition,
        reason=" ".join(verdict.reasons) or None,
    )
    return MetricOutput(values=[value])
