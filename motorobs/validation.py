"""Proof against ground truth: event precision, recall and F1, onset and angle errors.

Ground-truth files follow the format of ``sample_videos/`` (see its README): for a clip
``<name>.mp4`` a ``<name>.events.json`` beside it. True events are read from it as:

- ``midline_crossing``: ``midline_crossings`` entries with basis ``3d_body_sagittal_plane``,
  from ``start_frame`` to ``end_frame`` (inclusive);
- ``reach``: ``reaches`` entries, from ``onset_s`` to ``offset_s``;
- ``head_lift``: runs of at least ``HEAD_LIFT_MIN_S`` in which the commanded head lift
  ``head_lift_cmd_deg`` is at least ``HEAD_LIFT_TRUE_DEG`` (the AIMS notion of a lift);
- ``grasp``: ``grasps`` entries (the hand closed), from ``start_frame`` to ``end_frame``
  (inclusive).

An event type is scored on a clip only when its ground truth annotates it (the key above is
present, even as an empty list: a negative control); detections of a type the clip does not
annotate are neither matched nor spurious.

A detected event matches a true one of the same type and side when their intervals overlap;
matching is one-to-one, greedy by overlap. True events that motorobs said it could not
measure on that clip (the metric of that event type and side is ``not_applicable`` or
``insufficient_data``, e.g. midline crossings filmed side-on) are counted as ``not_scored``
rather than missed: the metric declined to give a number instead of giving a wrong one.

Angle error compares the per-frame head-lift angle
trace with ``ear_shoulder_elevation_deg`` (the shoulder-to-ear line above the floor, the
quantity the landmark-based angle estimates) on the frames where both exist, per clip and
pooled over the frames of every clip. Aperture error compares each hand's aperture trace
with ``hand_aperture`` (the same ratio on the true 3-D hand points) the same way, and says
on what share of the clip's frames the hand model gave an aperture at all.

Posture agreement: the share of analysed frames in which motorobs found the true posture
(``posture_per_frame`` when the ground truth has it, else the clip's one ``posture``).

Every score is also given per camera-elevation band (top, oblique, low;
:mod:`motorobs.validation_bands`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from motorobs.io.atomic import write_atomic
from motorobs.validation_bands import (
    band_scores,
    band_summary,
    camera_elevation_deg,
    elevation_band,
)

HEAD_LIFT_TRUE_DEG = 20.0
HEAD_LIFT_MIN_S = 0.5
EVENT_TYPES: tuple[str, ...] = ("midline_crossing", "reach", "head_lift", "grasp")
ANGLE_TRACE = "head_lift_angle"
ROW_COLUMNS: tuple[str, ...] = (
    "clip", "type", "side", "outcome", "true_start_s", "found_start_s", "onset_error_s"
)
"""Columns of ``validation_events.csv``: one row per true or detected event."""
EVENT_KEYS: dict[str, str] = {
    "midline_crossing": "midline_crossings",
    "reach": "reaches",
    "head_lift": "head_lift_cmd_deg",
    "grasp": "grasps",
}
"""The ground-truth key that annotates each event type."""
EVENT_METRIC: dict[str, str] = {
    "midline_crossing": "midline_crossings",
    "reach": "reach_count",
    "head_lift": "head_lift_bouts",
    "grasp": "grasp_count",
}
"""The metric whose status says whether an event type could be measured on a clip."""


@dataclass(frozen=True)
class Interval:
    """An event interval (seconds) of one type and side (``None`` for whole-body events)."""

    type: str
    side: str | None
    start_s: float
    end_s: float


def ground_truth_path(video: Path) -> Path:
    """The ground-truth file of a clip: ``<stem>.events.json`` beside the video."""
    return video.with_name(f"{video.stem}.events.json")


def true_events(truth: dict[str, Any]) -> list[Interval]:
    """True events of one clip from its ``.events.json`` content (see the module docstring)."""
    fps = float(truth["fps"])
    events = [
        Interval("midline_crossing", m["hand"], m["start_frame"] / fps, m["end_frame"] / fps)
        for m in truth.get("midline_crossings", [])
        if m.get("basis") == "3d_body_sagittal_plane"
    ]
    events += [
        Interval("reach", r["hand"], float(r["onset_s"]), float(r["offset_s"]))
        for r in truth.get("reaches", [])
    ]
    events += [
        Interval("grasp", g["hand"], g["start_frame"] / fps, g["end_frame"] / fps)
        for g in truth.get("grasps", [])
    ]
    lift = np.asarray(truth.get("head_lift_cmd_deg", []), float) >= HEAD_LIFT_TRUE_DEG
    for start, stop in runs_of_true(lift):
        if (stop - start) / fps >= HEAD_LIFT_MIN_S:
            events.append(Interval("head_lift", None, start / fps, (stop - 1) / fps))
    return events


def runs_of_true(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` index pairs (stop exclusive) of the runs of True in a 1-D mask."""
    padded = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(np.diff(padded.astype(int)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _overlap(a: Interval, b: Interval) -> float:
    return min(a.end_s, b.end_s) - max(a.start_s, b.start_s)


def match_events(
    truth: list[Interval], found: list[Interval]
) -> tuple[list[tuple[Interval, Interval]], list[Interval], list[Interval]]:
    """Pair detected with true events (same type and side, overlapping intervals).

    Returns
    -------
    (matched, missed, spurious)
        ``matched`` as ``(true, found)`` pairs; ``missed`` true events without a partner;
        ``spurious`` detected events without a partner.
    """
    candidates = sorted(
        (
            (_overlap(t, f), i, j)
            for i, t in enumerate(truth)
            for j, f in enumerate(found)
            if t.type == f.type and t.side == f.side and _overlap(t, f) >= 0
        ),
        reverse=True,
    )
    used_t: set[int] = set()
    used_f: set[int] = set()
    matched = []
    for _, i, j in candidates:
        if i not in used_t and j not in used_f:
            used_t.add(i)
            used_f.add(j)
            matched.append((truth[i], found[j]))
    missed = [t for i, t in enumerate(truth) if i not in used_t]
    spurious = [f for j, f in enumerate(found) if j not in used_f]
    return matched, missed, spurious


def event_scores(rows: pd.DataFrame) -> pd.DataFrame:
    """Precision, recall, F1 and median onset error per event type.

    Parameters
    ----------
    rows
        One row per true or detected event with columns ``type``, ``outcome`` (``matched``,
        ``missed``, ``spurious`` or ``not_scored``) and ``onset_error_s`` (matched rows only).
    """
    out = []
    for event_type in EVENT_TYPES:
        sub = rows[rows["type"] == event_type]
        tp = int((sub["outcome"] == "matched").sum())
        fn = int((sub["outcome"] == "missed").sum())
        fp = int((sub["outcome"] == "spurious").sum())
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = (
            2 * precision * recall / (precision + recall)
            if tp and (precision + recall) > 0
            else (0.0 if tp + fp + fn else float("nan"))
        )
        onset = sub.loc[sub["outcome"] == "matched", "onset_error_s"].abs()
        out.append(
            {
                "type": event_type,
                "true": tp + fn,
                "not_scored": int((sub["outcome"] == "not_scored").sum()),
                "detected": tp + fp,
                "matched": tp,
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "median_onset_error_s": float(onset.median()) if len(onset) else float("nan"),
            }
        )
    return pd.DataFrame(out)


def compare_clip(clip: str, truth: dict[str, Any], result: Any) -> tuple[pd.DataFrame, dict]:
    """Event rows and angle errors of one analysed clip against its ground truth.

    ``result`` is a :class:`motorobs.result.ClipResult`.
    """
    annotated = {t for t, key in EVENT_KEYS.items() if key in truth}
    found = [
        Interval(e.type, e.side, e.start_s, e.end_s) for e in result.events
        if e.type in annotated
    ]
    declined = {
        (event_type, m.side)
        for event_type, name in EVENT_METRIC.items()
        for m in result.metrics
        if m.name == name and m.status != "ok"
    }
    truth_events = true_events(truth)
    not_scored = [t for t in truth_events if (t.type, t.side) in declined
                  or (t.type, None) in declined]
    scored = [t for t in truth_events if t not in not_scored]
    matched, missed, spurious = match_events(scored, found)
    rows = [
        {"clip": clip, "type": t.type, "side": t.side, "outcome": "matched",
         "true_start_s": t.start_s, "found_start_s": f.start_s,
         "onset_error_s": f.start_s - t.start_s}
        for t, f in matched
    ]
    rows += [{"clip": clip, "type": t.type, "side": t.side, "outcome": "missed",
              "true_start_s": t.start_s} for t in missed]
    rows += [{"clip": clip, "type": f.type, "side": f.side, "outcome": "spurious",
              "found_start_s": f.start_s} for f in spurious]
    rows += [{"clip": clip, "type": t.type, "side": t.side, "outcome": "not_scored",
              "true_start_s": t.start_s} for t in not_scored]
    table = pd.DataFrame(rows, columns=list(ROW_COLUMNS))
    return table, {"clip": clip, **posture_agreement(truth, result),
                   **angle_errors(truth, result), **aperture_errors(truth, result)}


def posture_agreement(truth: dict[str, Any], result: Any) -> dict[str, Any]:
    """Posture agreement of one clip, frame by frame.

    The true posture of each analysed frame is ``posture_per_frame[frame]`` when the ground
    truth has it, else the clip's one ``posture``. Returns ``posture_true`` (the clip's
    posture, or the most common true one), ``posture_frames`` (analysed frames with a true
    posture), ``posture_agreeing`` (of those, the frames where motorobs found it) and
    ``posture_share`` (their ratio); empty when the ground truth names no posture. A frame
    motorobs left ``unknown`` counts as disagreeing: it gave no posture.
    """
    found = getattr(getattr(result, "signals", None), "posture", None)
    if found is None or len(found) == 0:
        return {}
    found = np.asarray(found, dtype=object)
    per_frame = truth.get("posture_per_frame")
    if isinstance(per_frame, list) and per_frame:
        frames = np.asarray(result.landmarks["frame"].values, int)[: len(found)]
        inside = frames < len(per_frame)
        wanted = np.full(len(found), None, dtype=object)
        wanted[inside] = np.asarray(per_frame, dtype=object)[frames[inside]]
    elif isinstance(truth.get("posture"), str):
        wanted = np.full(len(found), truth["posture"], dtype=object)
    else:
        return {}
    known = np.array([isinstance(w, str) for w in wanted])
    if not known.any():
        return {}
    labels, counts = np.unique(wanted[known].astype(str), return_counts=True)
    agreeing = int(np.sum(found[known] == wanted[known]))
    return {"posture_true": truth.get("posture") if isinstance(truth.get("posture"), str)
            else str(labels[np.argmax(counts)]),
            "posture_frames": int(known.sum()), "posture_agreeing": agreeing,
            "posture_share": agreeing / int(known.sum())}


def angle_error_values(truth: dict[str, Any], result: Any) -> np.ndarray | None:
    """Per-frame absolute error (degrees) of the head-lift angle trace against the true
    angle, on the frames where both exist; None when the clip has no angle to compare."""
    true_deg = np.asarray(truth.get("ear_shoulder_elevation_deg", []), float)
    trace = next((t for t in result.traces if t.name == ANGLE_TRACE), None)
    if trace is None or true_deg.size == 0 or truth.get("posture") != "prone":
        return None
    frames = result.landmarks["frame"].values
    inside = frames < true_deg.size
    error = np.abs(np.asarray(trace.values, float)[inside] - true_deg[frames[inside]])
    return error[np.isfinite(error)]


def angle_errors(truth: dict[str, Any], result: Any) -> dict[str, float]:
    """Median and mean absolute error (degrees) of the head-lift angle of one clip."""
    error = angle_error_values(truth, result)
    if error is None:
        return {}
    if error.size == 0:
        return {"angle_frames": 0}
    return {
        "angle_frames": int(error.size),
        "angle_median_abs_error_deg": float(np.median(error)),
        "angle_mean_abs_error_deg": float(np.mean(error)),
    }


def aperture_errors(truth: dict[str, Any], result: Any) -> dict[str, float]:
    """Per hand: share of the clip's analysed frames with an aperture, and the median
    absolute error (palm lengths) of the aperture trace against ``hand_aperture`` on the
    frames where both exist; empty when the ground truth has no aperture."""
    true_aperture = truth.get("hand_aperture") or {}
    frames = result.landmarks["frame"].values if true_aperture else np.array([], int)
    out: dict[str, float] = {}
    for side, values in true_aperture.items():
        true_values = np.asarray(values, float)
        trace = next((t for t in result.traces if t.name == f"hand_aperture_{side}"), None)
        found = (np.asarray(trace.values, float) if trace is not None
                 else np.full(frames.size, np.nan))
        inside = frames < true_values.size
        error = np.abs(found[inside] - true_values[frames[inside]])
        error = error[np.isfinite(error)]
        out[f"aperture_{side}_seen_share"] = float(np.isfinite(found).mean()) if found.size else 0.0
        out[f"aperture_{side}_median_abs_error"] = (
            float(np.median(error)) if error.size else float("nan"))
    return out


def validate_folder(
    folder: str | Path, output: str | Path, config: Any = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Analyse every clip of ``folder`` that has a ground-truth file and score it.

    Writes ``validation_events.csv`` (one row per true or detected event),
    ``validation_scores.csv`` (per event type), ``validation_angles.csv`` (per clip, with
    its camera elevation and band), ``validation_bands.csv`` (per band and event type),
    ``validation_band_postures.csv`` (posture agreement and angle error per band) and
    ``validation.json`` into ``output``; each clip's usual outputs go to ``output/<clip>/``.

    Returns
    -------
    (scores, events, angles)
        The three tables.
    """
    from motorobs.errors import MotorobsError
    from motorobs.io.video import find_videos
    from motorobs.pipeline import analyze_video
    from motorobs.report import write_batch_index

    folder, output = Path(folder), Path(output)
    videos = [v for v in find_videos(folder) if ground_truth_path(v).is_file()]
    if not videos:
        raise FileNotFoundError(
            f"{folder}: no clip with a ground-truth file (<clip>.events.json beside it)."
        )
    event_rows, angle_rows, all_errors = [], [], []
    clip_errors: dict[str, np.ndarray] = {}
    analysed, failures = [], []
    for video in videos:  # one clip's full result in memory at a time
        try:
            result = analyze_video(video, config, output_dir=output / video.stem)
        except MotorobsError as exc:
            failures.append((video.name, str(exc)))
            continue
        analysed.append(result.clip)
        truth = json.loads(ground_truth_path(video).read_text())
        rows, angles = compare_clip(result.clip, truth, result)
        elevation = camera_elevation_deg(truth, _read_gt(video))
        angles["camera_elevation_deg"] = elevation
        angles["elevation_band"] = elevation_band(elevation)
        event_rows.append(rows)
        angle_rows.append(angles)
        errors = angle_error_values(truth, result)
        if errors is not None:
            all_errors.append(errors)
            clip_errors[result.clip] = errors
    write_batch_index(output, failures, clips=analysed)
    if not analysed:
        first, reason = failures[0]
        raise MotorobsError(
            f"{folder}: none of the {len(videos)} clip(s) with ground truth could be "
            f"analysed, so nothing was scored (first: {first}: {reason}). Fix that and run "
            "validate again."
        )
    events = pd.concat(event_rows, ignore_index=True)  # every analysed clip has rows
    scores = event_scores(events)
    angles = pd.DataFrame(angle_rows)
    bands = {row["clip"]: row.get("elevation_band") for row in angle_rows}
    by_band = band_scores(events, bands, event_scores)
    band_table = band_summary(angles, clip_errors)
    output.mkdir(parents=True, exist_ok=True)
    events.to_csv(output / "validation_events.csv", index=False)
    scores.to_csv(output / "validation_scores.csv", index=False)
    angles.to_csv(output / "validation_angles.csv", index=False)
    by_band.to_csv(output / "validation_bands.csv", index=False)
    band_table.to_csv(output / "validation_band_postures.csv", index=False)
    payload = {
        "clips": analysed,
        "failed": [{"clip": c, "reason": m} for c, m in failures],
        "scores": json.loads(scores.to_json(orient="records")),
        "angles": json.loads(angles.to_json(orient="records")),
        "angle_pooled": pooled_angle_error(all_errors),
        "bands": json.loads(by_band.to_json(orient="records")) if len(by_band) else [],
        "band_postures": (json.loads(band_table.to_json(orient="records"))
                          if len(band_table) else []),
    }
    write_atomic(output / "validation.json", json.dumps(payload, indent=2))
    return scores, events, angles


def _read_gt(video: Path) -> dict[str, Any] | None:
    """The clip's ``.gt.json`` (camera pose, 3-D keypoints), or None when absent or
    unreadable."""
    path = video.with_suffix(".gt.json")
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def pooled_angle_error(errors: list[np.ndarray]) -> dict[str, float]:
    """Median and mean absolute angle error (degrees) over the frames of every clip, and
    the number of clips and frames."""
    pooled = np.concatenate(errors) if errors else np.array([])
    if pooled.size == 0:
        return {"clips": 0, "frames": 0}
    return {"clips": len(errors), "frames": int(pooled.size),
            "median_abs_error_deg": float(np.median(pooled)),
            "mean_abs_error_deg": float(np.mean(pooled))}
