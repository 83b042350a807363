"""Score fine-tuned landmark networks (route 2) through motorobs' own image path.

Each network (a ``.tflite`` written by ``finetune.py --export``) goes into a copy of
``pose_landmarker_full.task`` in place of ``pose_landmarks_detector.tflite``; the ``infant``
estimator (MediaPipe's PoseLandmarker graph: detector, region, landmark network, heatmap
refinement; plus motorobs' quarter turns) then runs on the shared real images exactly as
``motorobs eval-pose`` runs it, and motorobs' scoring (``normalised_errors``,
``accuracy_report``) gives PCK. The shipped bundle is scored the same way, and the gain
comes with evaluate.py's paired bootstrap over images.

With ``--folds`` each image is scored by the network of its own fold (``NET`` is then a
pattern with ``{fold}``): a network that never saw that image's source video.

usage (motorobs' environment, from the repository root, MOTOROBS_MODEL_DIR set):
    python tools/train_pose/evaluate_net.py NET.tflite [--folds folds.json] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from motorobs.config import PoseConfig
from motorobs.io.annotations import COCO_KEYPOINTS
from motorobs.pose.estimator import ImageLandmarker
from motorobs.pose.evaluation import (
    POSE_LANDMARKS,
    accuracy_report,
    coco_prediction,
    normalised_errors,
    torso_size,
)
from motorobs.pose.pose_net import LANDMARK_FILE

sys.path.insert(0, str(Path(__file__).parent))
from evaluate import bootstrap_gain  # noqa: E402
from extract import real_images  # noqa: E402

BUNDLE = "pose_landmarker_full.task"


def bundle_with(network: Path, folder: Path) -> Path:
    """A model folder whose pose bundle holds ``network`` as its landmark network (the hand
    bundle linked from MOTOROBS_MODEL_DIR)."""
    shipped = Path(os.environ["MOTOROBS_MODEL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(shipped / BUNDLE) as source, \
            zipfile.ZipFile(folder / BUNDLE, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            data = network.read_bytes() if info.filename == LANDMARK_FILE \
                else source.read(info.filename)
            target.writestr(info.filename, data)
    hands = folder / "hand_landmarker.task"
    if not hands.exists():
        hands.symlink_to(shipped / "hand_landmarker.task")
    return folder


def errors_of(model_dir: Path | None, items: list, estimator: str = "infant") -> np.ndarray:
    """(N, 17) normalised errors of the estimator on each item (motorobs' scoring)."""
    config = replace(PoseConfig(model_dir=model_dir), estimator=estimator)
    out = []
    with ImageLandmarker(config) as landmarker:
        for item in items:
            ds = landmarker(item.load_rgb())
            pose = ds["position"].isel(time=0, individual=0).values.T[: len(POSE_LANDMARKS)]
            found = bool(np.isfinite(pose).any())
            out.append(normalised_errors(coco_prediction(pose) if found else None,
                                         item.keypoints))
    return np.array(out)


def summary(errors: np.ndarray, postures: list[str]) -> dict:
    detected = ~np.isinf(np.nan_to_num(errors, nan=0.0)).all(axis=1)
    report = accuracy_report(errors, detected, postures)
    return {"pck_0.1": report["pck_0.1"], "pck_0.2": report["pck_0.2"],
            "by_posture": {p: f["pck_0.2"] for p, f in report["by_posture"].items()},
            "by_keypoint": {k: f["pck_0.2"] for k, f in report["by_keypoint"].items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("net", help=".tflite, or a pattern with {fold} with --folds")
    ap.add_argument("--folds", type=Path, help="JSON: source group -> fold number")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--estimator", default="infant", choices=("infant", "mediapipe"))
    args = ap.parse_args()
    pairs = [(item, group) for item, group in real_images()
             if np.isfinite(torso_size(item.keypoints))]
    items = [item for item, _ in pairs]
    postures = [item.posture for item in items]
    folds = json.loads(args.folds.read_text()) if args.folds else None
    base = errors_of(None, items, args.estimator)
    ours = np.full_like(base, np.nan)
    work = Path(tempfile.mkdtemp(prefix="evaluate_net_"))
    for fold in sorted(set(folds.values())) if folds else [None]:
        rows = [i for i, (_, g) in enumerate(pairs) if folds is None or folds[g] == fold]
        network = Path(args.net.format(fold=fold) if folds else args.net)
        model_dir = bundle_with(network, work / f"fold{fold}")
        ours[rows] = errors_of(model_dir, [items[i] for i in rows], args.estimator)
    mine, theirs = summary(ours, postures), summary(base, postures)
    prone = np.array(postures) == "prone"
    out = {"n_images": len(items), "estimator": args.estimator, "shipped": theirs,
           "finetuned": mine, "gain_ci": bootstrap_gain(ours, base),
           "gain_prone_ci": bootstrap_gain(ours[prone], base[prone])}
    print(f"{args.estimator} shipped  : PCK@0.2 {theirs['pck_0.2']:.3f}  prone "
          f"{theirs['by_posture'].get('prone', float('nan')):.3f}")
    print(f"{args.estimator} finetuned: PCK@0.2 {mine['pck_0.2']:.3f}  prone "
          f"{mine['by_posture'].get('prone', float('nan')):.3f}  gain {out['gain_ci']} "
          f"prone {out['gain_prone_ci']}")
    print("   by posture: " + ", ".join(f"{p} {v:.3f} ({theirs['by_posture'][p]:.3f})"
                                        for p, v in mine["by_posture"].items()))
    print("   by keypoint: " + ", ".join(
        f"{k} {mine['by_keypoint'][k]:.2f}/{theirs['by_keypoint'][k]:.2f}"
        for k in COCO_KEYPOINTS))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
