"""Score heads on the shared real images, as ``motorobs eval-pose`` scores estimators.

Every image goes through the ``infant_head`` estimator's steps as extract.py recorded them
(the ``infant`` estimator's pose, the matching BlazePose crop, its features); the head
(numpy, motorobs.pose.infant_head.InfantHead, i.e. the shipped code) gives its keypoints, and
:func:`~motorobs.pose.infant_head.fuse` keeps the ``infant`` estimator's where the head is
unsure. Scoring is motorobs.pose.evaluation's (normalised_errors, accuracy_report). Images
with no crop keep the ``infant`` estimator's pose (or count as misses when it found none).

With ``--folds``, each image is scored by the head of its own fold (``HEAD`` is then a
pattern with ``{fold}``), a head that never saw that image's source video.

The gain over ``infant`` comes with a paired bootstrap over images (2000 resamples, seeded):
the pooled PCK@0.2 difference's 2.5, 50 and 97.5 percentiles.

usage (motorobs' environment, from the repository root):
    python tools/train_pose/evaluate.py HEAD.npz --eval real_eval.npz [--threshold T ...]
           [--folds folds.json] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from motorobs.io.annotations import COCO_KEYPOINTS
from motorobs.pose.evaluation import accuracy_report, normalised_errors
from motorobs.pose.infant_head import InfantHead, fuse
from motorobs.pose.refine import quarter_to_original

SEED = 14


def head_frame_keypoints(head: InfantHead, features: np.ndarray, crop_to_frame: np.ndarray,
                         turns: int, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The head's (17, 2) keypoints in upright-frame pixels and their confidence."""
    xy, confidence = head(features)
    turned = xy @ crop_to_frame[:, :2].T + crop_to_frame[:, 2]
    return quarter_to_original(turned, turns, *size), confidence


def bootstrap_gain(errors_a: np.ndarray, errors_b: np.ndarray, n: int = 2000) -> list[float]:
    """Percentiles 2.5, 50, 97.5 of pooled PCK@0.2(a) - PCK@0.2(b) over image resamples."""
    rng = np.random.default_rng(SEED)
    hits_a = np.where(np.isnan(errors_a), 0, errors_a <= 0.2).sum(1)
    hits_b = np.where(np.isnan(errors_b), 0, errors_b <= 0.2).sum(1)
    counts = (~np.isnan(errors_a)).sum(1)
    gains = []
    for _ in range(n):
        pick = rng.integers(0, len(counts), len(counts))
        gains.append((hits_a[pick].sum() - hits_b[pick].sum()) / counts[pick].sum())
    return np.percentile(gains, [2.5, 50, 97.5]).round(4).tolist()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("head", help="weights .npz, or a pattern with {fold} with --folds")
    ap.add_argument("--eval", type=Path, required=True, help="extract.py's *_eval.npz")
    ap.add_argument("--threshold", type=float, nargs="*", help="default: the weights' own")
    ap.add_argument("--folds", type=Path, help="JSON: source group -> fold number")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    data = np.load(args.eval, allow_pickle=True)
    images = json.loads(args.eval.with_name(
        args.eval.name.replace("_eval.npz", "_images.json")).read_text())
    folds = json.loads(args.folds.read_text()) if args.folds else None
    heads: dict[str, InfantHead] = {}

    def head_for(group: str) -> InfantHead:
        path = args.head.format(fold=folds[group]) if folds else args.head
        if path not in heads:
            heads[path] = InfantHead(path)
        return heads[path]

    from extract import real_images

    sizes = {item.name: item.load_rgb().shape[1::-1] for item, _ in real_images()}
    rows = {str(n): i for i, n in enumerate(data["name"])}
    predicted = {}
    for name, i in rows.items():
        head = head_for(str(data["group"][i]))
        predicted[name] = head_frame_keypoints(head, data["features"][i].astype(np.float32),
                                               data["crop_to_frame"][i], int(data["turns"][i]),
                                               sizes[name]) + (head.threshold,)
    thresholds = args.threshold if args.threshold else [None]
    postures = [r["posture"] for r in images]
    base_errors = np.array([
        normalised_errors(None if r["infant"] is None else np.array(r["infant"]),
                          np.array(r["truth"])) for r in images])
    detected = [r["infant"] is not None for r in images]
    base = accuracy_report(base_errors, detected, postures)
    out = {"infant": {k: base[k] for k in ("pck_0.1", "pck_0.2", "n_images")}
           | {"prone": base["by_posture"]["prone"]["pck_0.2"]}}
    print(f"infant      : PCK@0.2 {base['pck_0.2']:.3f}  prone "
          f"{base['by_posture']['prone']['pck_0.2']:.3f}")
    for threshold in thresholds:
        errors = []
        for r in images:
            truth = np.array(r["truth"])
            if r["name"] not in predicted:
                fallback = None if r["infant"] is None else np.array(r["infant"])
                errors.append(normalised_errors(fallback, truth))
                continue
            xy, confidence, own = predicted[r["name"]]
            t = own if threshold is None else threshold
            errors.append(normalised_errors(fuse(xy, confidence, np.array(r["infant"]), t),
                                            truth))
        errors = np.array(errors)
        report = accuracy_report(errors, detected, postures)
        gain = bootstrap_gain(errors, base_errors)
        prone = np.array(postures) == "prone"
        gain_prone = bootstrap_gain(errors[prone], base_errors[prone])
        label = "own" if threshold is None else f"{threshold:.2f}"
        print(f"head t={label:>5}: PCK@0.2 {report['pck_0.2']:.3f}  prone "
              f"{report['by_posture']['prone']['pck_0.2']:.3f}  gain {gain} prone {gain_prone}")
        print("   by posture: " + ", ".join(
            f"{p} {f['pck_0.2']:.3f} ({base['by_posture'][p]['pck_0.2']:.3f})"
            for p, f in report["by_posture"].items()))
        print("   by keypoint: " + ", ".join(
            f"{k} {report['by_keypoint'][k]['pck_0.2']:.2f}"
            f"/{base['by_keypoint'][k]['pck_0.2']:.2f}" for k in COCO_KEYPOINTS))
        out[label] = {"pck_0.1": report["pck_0.1"], "pck_0.2": report["pck_0.2"],
                      "by_posture": {p: f["pck_0.2"] for p, f in report["by_posture"].items()},
                      "by_keypoint": {k: f["pck_0.2"] for k, f in report["by_keypoint"].items()},
                      "gain_ci": gain, "gain_prone_ci": gain_prone}
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
