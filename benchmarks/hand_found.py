"""How often each finder found the infant's hands where the ground truth shows the wrist.

Run on demand (never part of the test suite), on ``motorobs validate`` output folders::

    python benchmarks/hand_found.py RUN_DIR CLIPS_DIR [RUN_DIR CLIPS_DIR ...]

For every clip of ``CLIPS_DIR`` with a ``<clip>.gt.json`` (the synthetic clips: 23 COCO-style
keypoints with a visible flag per frame) and a ``RUN_DIR/<clip>/landmarks.parquet``, it counts
per side the analysed frames in which the wrist is visible in the ground truth and those in
which it is hidden (behind the body, under the blanket), and in how many of each the infant's
hand was found. A finder should find the hand where the wrist is visible and nothing where it
is hidden (a hand "found" there is a guess).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd


def tally(run_dir: Path, clips_dir: Path) -> dict[str, int]:
    counts = dict(visible=0, visible_found=0, hidden=0, hidden_found=0)
    for gt_path in sorted(clips_dir.glob("*.gt.json")):
        landmarks = run_dir / gt_path.name.removesuffix(".gt.json") / "landmarks.parquet"
        if not landmarks.is_file():
            continue
        truth = json.loads(gt_path.read_text())
        table = pd.read_parquet(landmarks)
        for side in ("left", "right"):
            k = truth["keypoint_names"].index(f"{side}_wrist")
            visible = np.array([frame[k][2] for frame in truth["keypoints_2d"]]).astype(bool)
            wrist = table[(table.part == f"{side}_hand") & (table.landmark == "wrist")]
            wrist = wrist.sort_values("frame")
            found = np.isfinite(wrist.x_px.to_numpy())
            shown = visible[wrist.frame.to_numpy()]
            counts["visible"] += int(shown.sum())
            counts["visible_found"] += int((found & shown).sum())
            counts["hidden"] += int((~shown).sum())
            counts["hidden_found"] += int((found & ~shown).sum())
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="+", type=Path, help="RUN_DIR CLIPS_DIR, repeated")
    args = parser.parse_args()
    if len(args.pairs) % 2:
        parser.error("give RUN_DIR CLIPS_DIR pairs")
    print("| run | hand found, wrist visible | hand found, wrist hidden |")
    print("|---|---|---|")
    for run_dir, clips_dir in zip(args.pairs[::2], args.pairs[1::2], strict=True):
        c = tally(run_dir, clips_dir)
        print(f"| {run_dir} | {c['visible_found']}/{c['visible']} = "
              f"{c['visible_found'] / max(c['visible'], 1):.2f} | {c['hidden_found']}/"
              f"{c['hidden']} = {c['hidden_found'] / max(c['hidden'], 1):.2f} |")


if __name__ == "__main__":
    main()
