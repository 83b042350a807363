"""Run MediaPipe's pose landmarker (VIDEO mode) on every clip and report the detection rate.

Writes <DIR>/checks/mediapipe_detection.json. Runs in the motorobs environment (needs mediapipe
and motorobs itself, whose model lookup finds pose_landmarker_full.task: --model-dir, else
$MOTOROBS_MODEL_DIR, else the motorobs model cache, downloading the bundle there if missing).

usage: python check_mediapipe.py [DIR] [--stride N] [--model-dir FOLDER]
DIR defaults to validation_clips/ at the repository root.
"""

import argparse
import glob
import json
import os
from pathlib import Path

import cv2
import mediapipe as mp
from mediapipe.tasks.python import BaseOptions, vision

from motorobs.pose.models import resolve_model

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "validation_clips"

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("dir", nargs="?", default=str(DEFAULT_DIR), help="folder with the rendered clips")
ap.add_argument("--stride", type=int, default=1, help="test every N-th frame")
ap.add_argument("--model-dir", default=None, help="folder holding pose_landmarker_full.task")
args = ap.parse_args()
d = args.dir
if not os.path.isdir(d):
    ap.error(f"no such folder: {d}")
stride = args.stride
MODEL = str(resolve_model("pose_landmarker_full.task", args.model_dir))
res = {}
for p in sorted(glob.glob(os.path.join(d, "*.mp4"))):
    c = os.path.basename(p)[:-4]
    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=MODEL),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    det = vision.PoseLandmarker.create_from_options(opts)
    cap = cv2.VideoCapture(p)
    fps = cap.get(cv2.CAP_PROP_FPS) or 15
    n = hit = i = 0
    while True:
        ok, f = cap.read()
        if not ok:
            break
        if i % stride == 0:
            img = mp.Image(
                image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(f, cv2.COLOR_BGR2RGB)
            )
            r = det.detect_for_video(img, int(i * 1000 / fps))
            n += 1
            hit += len(r.pose_landmarks) > 0
        i += 1
    det.close()
    res[c] = dict(frames_read=i, frames_tested=n, detected=hit, rate=round(hit / max(n, 1), 3))
    print(c, res[c], flush=True)
os.makedirs(os.path.join(d, "checks"), exist_ok=True)
with open(os.path.join(d, "checks", "mediapipe_detection.json"), "w") as fh:
    json.dump(res, fh, indent=1)
