"""Overlay the ground-truth 2D keypoints on a few frames of each clip.

Writes <DIR>/checks/<clip>_overlay.png (first frame, peak head-lift frame or middle frame, last
frame). Needs only opencv + numpy.

usage: python check_overlay.py [DIR] [clip ...]
DIR defaults to validation_clips/ at the repository root; clips default to every *.gt.json in DIR.
"""

import argparse
import glob
import json
import os
from pathlib import Path

import cv2
import numpy as np

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "validation_clips"

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("dir", nargs="?", default=str(DEFAULT_DIR), help="folder with the rendered clips")
ap.add_argument("clips", nargs="*", help="clip names without extension (default: all)")
args = ap.parse_args()
d = args.dir
if not os.path.isdir(d):
    ap.error(f"no such folder: {d}")
clips = args.clips or sorted(
    os.path.basename(p)[:-8] for p in glob.glob(os.path.join(d, "*.gt.json"))
)
os.makedirs(os.path.join(d, "checks"), exist_ok=True)
COL = {"left": (0, 200, 0), "right": (0, 0, 255), "nose": (255, 255, 0)}
for c in clips:
    with open(os.path.join(d, c + ".gt.json")) as fh:
        gt = json.load(fh)
    with open(os.path.join(d, c + ".events.json")) as fh:
        ev = json.load(fh)
    cmd = np.array(ev.get("head_lift_cmd_deg", [0] * gt["n_frames"]))
    n = gt["n_frames"]
    frames = sorted(set([0, int(np.argmax(cmd)) if cmd.max() > 0 else n // 2, n - 1]))
    cap = cv2.VideoCapture(os.path.join(d, c + ".mp4"))
    imgs, i = [], 0
    while True:
        ok, f = cap.read()
        if not ok:
            break
        if i in frames:
            for k, (u, v, vis) in enumerate(gt["keypoints_2d"][i]):
                name = gt["keypoint_names"][k]
                col = (
                    COL["left"]
                    if name.startswith("left")
                    else COL["right"]
                    if name.startswith("right")
                    else COL["nose"]
                )
                if k < 17:
                    cv2.circle(f, (int(round(u)), int(round(v))), 4, col, -1 if vis else 1)
            for a, b in [
                (5, 6),
                (5, 7),
                (7, 9),
                (6, 8),
                (8, 10),
                (5, 11),
                (6, 12),
                (11, 12),
                (11, 13),
                (13, 15),
                (12, 14),
                (14, 16),
                (3, 5),
                (4, 6),
            ]:
                pa, pb = gt["keypoints_2d"][i][a], gt["keypoints_2d"][i][b]
                cv2.line(f, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), (255, 255, 255), 1)
            txt = f"f{i}"
            for key in (
                "head_lift_cmd_deg",
                "head_axis_elevation_deg",
                "ear_shoulder_elevation_deg",
                "trunk_tilt_deg",
            ):
                if key in ev:
                    txt += f" {key.split('_')[0]}{key.split('_')[1][:2]}={ev[key][i]:.1f}"
            cv2.putText(f, txt, (8, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1)
            imgs.append(f)
        i += 1
    out = np.concatenate(imgs, 1)
    out = cv2.resize(out, (out.shape[1] * 2 // 3, out.shape[0] * 2 // 3))
    cv2.imwrite(os.path.join(d, "checks", c + "_overlay.png"), out)
    print(c, "frames read", i, "overlay frames", frames)
