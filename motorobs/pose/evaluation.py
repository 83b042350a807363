"""Accuracy of motorobs' landmarks on human-annotated infant images (``motorobs eval-pose``).

Definitions (also in ``docs/accuracy.md``):

* Every annotated keypoint (COCO visibility > 0) of every image is scored; keypoints with
  visibility 0 are ignored.
* The normalised error of a keypoint is its pixel distance to the annotation divided by the
  image's **torso size**: the mean of the two annotated shoulder-to-opposite-hip diagonals
  (only one when the other is not annotated). Images with neither diagonal annotated cannot
  be normalised and are left out (listed under ``skipped``).
* PCK@t is pooled: the share of all scored keypoints whose normalised error is <= t. An image
  where no infant was detected counts as a miss for every annotated keypoint, and so does a
  keypoint the estimator left empty (NaN).
* Mean and median normalised error are taken over the keypoints that were predicted (a miss
  has no distance); ``detected`` says how many images had a prediction.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from motorobs.io.annotations import (
    COCO_KEYPOINTS,
    AnnotatedImage,
    load_coco,
    load_labelme,
)
from motorobs.schema import POSE_LANDMARKS

EVAL_POSE_ESTIMATORS: tuple[str, ...] = ("infant", "mediapipe")
"""What ``motorobs eval-pose`` compares: the first at the top level of its figures, plain
MediaPipe as ``baseline``. The experimental infant keypoint head
(:mod:`motorobs.pose.infant_head`, not shipped as a default: tools/train_pose/README.md) is
scored by passing ``"infant_head"`` to :func:`run_pose_evaluation`."""

THRESHOLDS: tuple[float, ...] = (0.1, 0.2)
"""PCK thresholds, in torso sizes."""

MEDIAPIPE_TO_COCO: tuple[int, ...] = tuple(POSE_LANDMARKS.index(n) for n in COCO_KEYPOINTS)
"""Index into MediaPipe's 33 pose landmarks of each COCO-17 keypoint (same names in both)."""

_K = {name: i for i, name in enumerate(COCO_KEYPOINTS)}


def torso_size(keypoints: np.ndarray) -> float:
    """Mean of the annotated shoulder-to-opposite-hip diagonals (pixels); NaN if neither is.

    Parameters
    ----------
    keypoints
        (17, 3) COCO keypoints ``x_px, y_px, v``.
    """
    diagonals = []
    for shoulder, hip in (("left_shoulder", "right_hip"), ("right_shoulder", "left_hip")):
        a, b = keypoints[_K[shoulder]], keypoints[_K[hip]]
        if a[2] > 0 and b[2] > 0:
            diagonals.append(float(np.hypot(*(a[:2] - b[:2]))))
    return float(np.mean(diagonals)) if diagonals else math.nan


def normalised_errors(prediction: np.ndarray | None, keypoints: np.ndarray) -> np.ndarray:
    """Distance of each predicted keypoint to its annotation, in torso sizes.

    Parameters
    ----------
    prediction
        (17, 2) predicted ``x_px, y_px`` in COCO order (NaN where not predicted), or ``None``
        when nothing was detected in the image.
    keypoints
        (17, 3) annotation ``x_px, y_px, v``.

    Returns
    -------
    numpy.ndarray
        (17,) errors: NaN where not annotated (v = 0), ``inf`` where annotated but not
        predicted (a miss), else the distance divided by :func:`torso_size`.
    """
    annotated = keypoints[:, 2] > 0
    errors = np.full(len(keypoints), np.inf)
    errors[~annotated] = np.nan
    if prediction is None:
        return errors
    scale = torso_size(keypoints)
    distance = np.hypot(*(np.asarray(prediction, float)[:, :2] - keypoints[:, :2]).T) / scale
    predicted = annotated & np.isfinite(distance)
    errors[predicted] = distance[predicted]
    return errors


def summarise(errors: np.ndarray, detected: Sequence[bool] | np.ndarray) -> dict:
    """Pooled accuracy figures of a set of images.

    Parameters
    ----------
    errors
        (N, 17) :func:`normalised_errors` of N images.
    detected
        (N,) whether an infant was detected in each image.

    Returns
    -------
    dict
        ``n_images``, ``detected``, ``n_keypoints`` (scored keypoints), ``pck_0.1``,
        ``pck_0.2``, ``mean_error``, ``median_error`` (torso sizes, predicted keypoints
        only); figures are ``None`` when there is nothing to score.
    """
    errors = np.asarray(errors, float).reshape(-1, len(COCO_KEYPOINTS))
    scored = errors[~np.isnan(errors)]
    predicted = scored[np.isfinite(scored)]
    out = {
        "n_images": int(len(errors)),
        "detected": int(np.sum(detected)),
        "n_keypoints": int(scored.size),
    }
    for t in THRESHOLDS:
        out[f"pck_{t}"] = float(np.mean(scored <= t)) if scored.size else None
    out["mean_error"] = float(np.mean(predicted)) if predicted.size else None
    out["median_error"] = float(np.median(predicted)) if predicted.size else None
    return out


def accuracy_report(
    errors: np.ndarray, detected: Sequence[bool] | np.ndarray, postures: Sequence[str]
) -> dict:
    """:func:`summarise` over all images, plus ``by_posture`` and ``by_keypoint``.

    ``by_keypoint[name]`` pools that keypoint over all images (``n_images`` = images where
    it is annotated).
    """
    errors = np.asarray(errors, float).reshape(-1, len(COCO_KEYPOINTS))
    detected = np.asarray(detected, bool)
    postures = np.asarray(postures, dtype=object)
    report = summarise(errors, detected)
    report["by_posture"] = {
        p: summarise(errors[postures == p], detected[postures == p])
        for p in sorted(set(postures.tolist()))
    }
    by_keypoint = {}
    for k, name in enumerate(COCO_KEYPOINTS):
        annotated = ~np.isnan(errors[:, k])
        column = np.full_like(errors[annotated], np.nan)
        column[:, k] = errors[annotated, k]
        by_keypoint[name] = summarise(column, detected[annotated])
    report["by_keypoint"] = by_keypoint
    return report


def coco_prediction(position: np.ndarray) -> np.ndarray:
    """(17, 2) COCO-ordered ``x_px, y_px`` from (33, 2) MediaPipe pose landmarks."""
    return np.asarray(position, float)[list(MEDIAPIPE_TO_COCO), :2]


def load_annotated(
    coco: Path | None = None, images: Path | None = None, labelme: Path | None = None
) -> tuple[list[AnnotatedImage], list[str]]:
    """Annotated images from COCO keypoint JSON and/or a labelme folder.

    ``coco`` is a COCO keypoint JSON file or a folder of them (SyRIP ships its annotations in
    two files); their images are looked up in ``images``. An image listed in several files is
    taken once. Returns the images and the names of listed images that were not found.

    Raises
    ------
    ValueError
        If neither source is given, or ``coco`` comes without ``images``.
    """
    if coco is None and labelme is None:
        raise ValueError("Give annotations: --coco FILE --images DIR and/or --labelme DIR.")
    items: list[AnnotatedImage] = []
    missing: list[str] = []
    if coco is not None:
        if images is None:
            raise ValueError(f"{coco}: --coco needs --images DIR (the folder of its images).")
        files = sorted(coco.glob("*.json")) if coco.is_dir() else [coco]
        if not files:
            raise ValueError(f"{coco}: no COCO JSON files in this folder.")
        seen: set[str] = set()
        unmatched: set[str] = set()
        for path in files:
            found, absent = load_coco(path, images)
            items += [a for a in found if a.name not in seen]
            seen |= {a.name for a in found}
            unmatched |= set(absent)
        missing = sorted(unmatched - {Path(n).name for n in seen})
    if labelme is not None:
        items += load_labelme(labelme)
    return items, missing


def run_pose_evaluation(
    coco: Path | None = None,
    images: Path | None = None,
    labelme: Path | None = None,
    model_dir: Path | None = None,
    *,
    estimators: Sequence[str] = ("infant", "mediapipe"),
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Run the landmark estimators on annotated images and score them (no printing).

    Parameters
    ----------
    coco, images, labelme
        Annotation sources (see :func:`load_annotated`).
    model_dir
        Folder with the MediaPipe bundles (``None``: the default lookup).
    estimators
        :attr:`motorobs.config.PoseConfig.estimator` values to run, or ``"infant_head"``
        (the ``infant`` estimator's pose refined by
        :class:`motorobs.pose.infant_head.InfantHeadRefiner`); the first is reported at the
        top level, the others under their own keys (``"mediapipe"`` as ``"baseline"``).
    progress
        Optional ``progress(done, total)`` over image x estimator runs.

    Returns
    -------
    dict
        ``{"estimator", "n_images", "detected", "n_keypoints", "pck_0.1", "pck_0.2",
        "mean_error", "median_error", "by_posture", "by_keypoint", "seconds_per_image",
        "per_image", "baseline": {same keys for plain MediaPipe}, "missing_images",
        "skipped"}``. ``per_image`` lists ``{name, posture, detected, pck_0.2}``.
    """
    from motorobs.config import PoseConfig
    from motorobs.pose.estimator import ImageLandmarker

    items, missing = load_annotated(coco, images, labelme)
    usable = [a for a in items if np.isfinite(torso_size(a.keypoints))]
    skipped = [a.name for a in items if a not in usable]
    total, done = len(usable) * len(estimators), 0
    reports = {}
    for name in estimators:
        # "infant_head": the infant estimator's pose refined by motorobs' infant head
        config = replace(PoseConfig(model_dir=model_dir),
                         estimator="infant" if name == "infant_head" else name)
        refiner = _head_refiner(config) if name == "infant_head" else None
        errors, detected, per_image = [], [], []
        started = time.perf_counter()
        with ImageLandmarker(config) as landmarker:
            for item in usable:
                rgb = item.load_rgb()
                ds = landmarker(rgb)
                pose = ds["position"].isel(time=0, individual=0).values.T[: len(POSE_LANDMARKS)]
                found = bool(np.isfinite(pose).any())
                if refiner is not None and found:
                    pose = refiner.refine(rgb, pose)[0]
                err = normalised_errors(coco_prediction(pose) if found else None, item.keypoints)
                errors.append(err)
                detected.append(found)
                scored = err[~np.isnan(err)]
                per_image.append({
                    "name": item.name,
                    "posture": item.posture,
                    "detected": found,
                    "pck_0.2": float(np.mean(scored <= 0.2)) if scored.size else None,
                })
                done += 1
                if progress:
                    progress(done, total)
        seconds = (time.perf_counter() - started) / max(len(usable), 1)
        report = accuracy_report(
            np.array(errors).reshape(-1, len(COCO_KEYPOINTS)), detected,
            [a.posture for a in usable],
        )
        report["estimator"] = name
        report["seconds_per_image"] = seconds
        report["per_image"] = per_image
        reports[name] = report
    main, *others = estimators
    result = {"estimator": main, **reports[main]}
    for name in others:
        result["baseline" if name == "mediapipe" else name] = reports[name]
    result["missing_images"] = len(missing)
    result["skipped"] = skipped
    return result


def _head_refiner(config):
    """The ``infant_head`` estimator's refiner (:mod:`motorobs.pose.infant_head`)."""
    from motorobs.pose.infant_head import InfantHeadRefiner
    from motorobs.pose.models import resolve_model

    return InfantHeadRefiner(resolve_model(config.pose_model, config.model_dir))


def format_report(result: dict) -> list[str]:
    """Plain-text tables of :func:`run_pose_evaluation`'s result, improved vs baseline."""
    base = result.get("baseline")
    cols = ("pck_0.1", "pck_0.2", "mean_error", "median_error")

    def cells(fig: dict | None) -> str:
        if fig is None:
            return ""
        return "  ".join(
            f"{fig[c]:>7.3f}" if fig[c] is not None else f"{'-':>7}" for c in cols
        )

    header = "  ".join(f"{c:>7}" for c in ("PCK@.1", "PCK@.2", "mean", "median"))
    label = f"{result['estimator']} | baseline (mediapipe)" if base else result["estimator"]
    lines = [
        f"{result['n_images']} images, infant detected in {result['detected']}"
        + (f" (baseline {base['detected']})" if base else "")
        + f"; {result['n_keypoints']} annotated keypoints. Errors in torso sizes.",
        f"{'':<16}{header}" + (f"  | {header}" if base else "") + f"   ({label})",
    ]
    rows = [("all", result, base)]
    rows += [
        (f"{p} ({fig['n_images']})", fig, base["by_posture"].get(p) if base else None)
        for p, fig in result["by_posture"].items()
    ]
    rows += [
        (k, fig, base["by_keypoint"].get(k) if base else None)
        for k, fig in result["by_keypoint"].items()
    ]
    for title, fig, ref in rows:
        lines.append(f"{title:<16}{cells(fig)}" + (f"  | {cells(ref)}" if base else ""))
    for name in (*EVAL_POSE_ESTIMATORS, "infant_head"):
        other = result.get(name) if name != result["estimator"] else None
        if isinstance(other, dict) and "by_posture" in other:
            prone = other["by_posture"].get("prone", {}).get("pck_0.2")
            lines.append(f"{name}: PCK@0.2 {other['pck_0.2']:.3f}"
                         + (f", prone {prone:.3f}" if prone is not None else "")
                         + f", detected {other['detected']} (key {name!r} of --json)")
    if result.get("missing_images"):
        lines.append(f"{result['missing_images']} images listed in the annotations were not in "
                     "the image folder and were not scored.")
    if result.get("skipped"):
        lines.append(f"Not scored (no annotated shoulder-hip diagonal): {result['skipped']}")
    return lines


def eval_pose_command(
    coco: Path | None,
    images: Path | None,
    labelme: Path | None,
    json_out: Path | None,
    model_dir: Path | None,
) -> int:
    """``motorobs eval-pose``: print the accuracy tables (and write ``json_out``).

    Returns the exit status: 0 on success, 2 on a usage or input error (message printed).
    """
    from rich.console import Console

    from motorobs.errors import MotorobsError

    out, err = Console(), Console(stderr=True)
    try:
        result = run_pose_evaluation(coco, images, labelme, model_dir,
                                     estimators=EVAL_POSE_ESTIMATORS)
    except (MotorobsError, ValueError, FileNotFoundError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        return 2
    for line in format_report(result):
        out.print(line, highlight=False, soft_wrap=True)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, indent=2))
        out.print(f"Figures written to {json_out}", highlight=False)
    return 0
