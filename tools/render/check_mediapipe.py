"""Run MediaPipe's pose landmarker (VIDEO mode) on every clip and report the detection rate.

Writes <DIR>/checks/mediapipe_detection.json. Runs in the motorobs environment (needs mediapipe
and motorobs itself, whose model lookup finds pose_landmarker_full.task: --model-dir, else
$MOTOROBS_MODEL_DIR, else the motorobs model cache, downloading the bundle there if missing).

With --hands, instead runs MediaPipe's hand landmarker (hand_landmarker.task, found the same
way) on the clips whose .events.json has hand_aperture (make_grasp.py), twice: on the full
frame (VIDEO mode, up to 4 hands, as motorobs does first) and on a close-up of each true hand
(a square of 5 true palm lengths around the hand's ground-truth points, at least 48 px,
enlarged to 256 px, IMAGE mode; about what motorobs' close-up search of a missed hand gives
the model). A detected hand counts for the infant's side whose true wrist is nearest to its
wrist landmark, if within 2 true palm lengths (at least 20 px). Per clip, hand and mode it
reports the share of open (curl command <= 0.2) and closed (>= 0.8) frames with a hand, the
median aperture there (motorobs' definition on the hand landmarks, x and y in pixels, depth
scaled like x) next to the true hand_aperture, and the grasps motorobs' detect_grasps finds in
that raw aperture series. Writes <DIR>/checks/mediapipe_hands.json.

usage: python check_mediapipe.py [DIR] [--stride N] [--model-dir FOLDER] [--hands]
DIR defaults to validation_clips/ at the repository root.
"""

import argparse
import glob
import json
import os
from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision

from motorobs.config import MetricsConfig
from motorobs.metrics.fine_motor import FINGERTIPS, detect_grasps, hand_aperture
from motorobs.pose.estimator import HAND_CROP_PX
from motorobs.pose.models import resolve_model
from motorobs.schema import HAND_LANDMARKS

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "validation_clips"
SIDES = ("left", "right")
OPEN_MAX, CLOSED_MIN = 0.2, 0.8  # curl command of the open / closed frames

ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("dir", nargs="?", default=str(DEFAULT_DIR), help="folder with the rendered clips")
ap.add_argument("--stride", type=int, default=1, help="test every N-th frame")
ap.add_argument("--model-dir", default=None, help="folder holding the .task model bundles")
ap.add_argument("--hands", action="store_true", help="run the hand model on the grasp clips")
args = ap.parse_args()
d = args.dir
if not os.path.isdir(d):
    ap.error(f"no such folder: {d}")
stride = args.stride


def frames(path):
    """(frame number, timestamp ms, RGB array) of every frame of the video."""
    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS) or 15
    i = 0
    while True:
        ok, f = cap.read()
        if not ok:
            break
        yield i, int(i * 1000 / fps), cv2.cvtColor(f, cv2.COLOR_BGR2RGB)
        i += 1
    cap.release()


def mp_image(rgb):
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


def pose_detection():
    model = str(resolve_model("pose_landmarker_full.task", args.model_dir))
    res = {}
    for p in sorted(glob.glob(os.path.join(d, "*.mp4"))):
        c = os.path.basename(p)[:-4]
        opts = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=model),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=1,
        )
        det = vision.PoseLandmarker.create_from_options(opts)
        n = hit = i = 0
        for i, ms, rgb in frames(p):
            if i % stride == 0:
                r = det.detect_for_video(mp_image(rgb), ms)
                n += 1
                hit += len(r.pose_landmarks) > 0
        det.close()
        read = i + 1 if n else 0
        res[c] = dict(
            frames_read=read, frames_tested=n, detected=hit, rate=round(hit / max(n, 1), 3)
        )
        print(c, res[c], flush=True)
    return res, "mediapipe_detection.json"


# ------------------------------------------------------------------ hand model on grasp clips
POINTS = [HAND_LANDMARKS.index(p) for p in ("wrist", "middle_finger_mcp", *FINGERTIPS)]


def mp_aperture(points_px):
    """(7, 3) wrist, middle MCP and tips (x_px, y_px, depth_px) -> 3-D and 2-D aperture."""
    p = points_px[None]
    ap3 = hand_aperture(p[:, 0], p[:, 1], [p[:, k] for k in range(2, 7)])[0]
    ap2 = hand_aperture(p[:, 0, :2], p[:, 1, :2], [p[:, k, :2] for k in range(2, 7)])[0]
    return float(ap3), float(ap2)


def to_px(landmarks, x0, y0, size_x, size_y):
    """MediaPipe normalised landmarks of an image (x0, y0, size_x, size_y in frame pixels)
    -> (7, 3) frame pixels, depth scaled like x."""
    return np.array(
        [
            [x0 + lm.x * size_x, y0 + lm.y * size_y, lm.z * size_x]
            for lm in (landmarks[k] for k in POINTS)
        ]
    )


def assign(candidates, truth):
    """Pick per side the candidate (7, 3) whose wrist is nearest the true wrist, if close."""
    out = {}
    for s, tp in truth.items():
        palm = np.linalg.norm(tp[1] - tp[0])
        best = min(candidates, key=lambda c: np.linalg.norm(c[0, :2] - tp[0]), default=None)
        if best is not None and np.linalg.norm(best[0, :2] - tp[0]) <= max(2 * palm, 20):
            out[s] = best
    return out


def close_up(rgb, tp, det):
    """Detect hands in a square around the true hand points tp (7, 2), enlarged."""
    palm = np.linalg.norm(tp[1] - tp[0])
    half = max(2.5 * palm, 24.0)
    cx, cy = tp.mean(0)
    x0, y0 = int(round(cx - half)), int(round(cy - half))
    size = int(round(2 * half))
    padded = np.pad(rgb, ((size, size), (size, size), (0, 0)), mode="edge")
    crop = padded[y0 + size : y0 + 2 * size, x0 + size : x0 + 2 * size]
    crop = cv2.resize(crop, (HAND_CROP_PX, HAND_CROP_PX), interpolation=cv2.INTER_CUBIC)
    r = det.detect(mp_image(crop))
    return [to_px(h, x0, y0, size, size) for h in r.hand_landmarks]


def summarise(ap3, ap2, truth, curl, tested, fps):
    out = {}
    for name, mask in (("open", curl <= OPEN_MAX), ("closed", curl >= CLOSED_MIN)):
        mask = mask & tested
        seen = mask & np.isfinite(ap3)
        out[f"{name}_frames"] = int(mask.sum())
        out[f"{name}_detected_share"] = round(float(seen.sum() / max(mask.sum(), 1)), 3)
        out[f"{name}_mp_aperture_median"] = (
            round(float(np.median(ap3[seen])), 3) if seen.any() else None
        )
        out[f"{name}_mp_aperture_2d_median"] = (
            round(float(np.median(ap2[seen])), 3) if seen.any() else None
        )
        out[f"{name}_true_aperture_median"] = (
            round(float(np.median(truth[mask])), 3) if mask.any() else None
        )
    cfg = MetricsConfig().hand_opening
    found = detect_grasps(
        ap3, 1 / fps, cfg.open_aperture, cfg.closed_aperture, cfg.grasp_min_duration_s
    )
    out["mp_grasps"] = [[g.closed, g.released] for g in found]
    return out


def hand_detection():
    model = str(resolve_model("hand_landmarker.task", args.model_dir))
    res = {}
    for p in sorted(glob.glob(os.path.join(d, "*.mp4"))):
        c = os.path.basename(p)[:-4]
        with open(os.path.join(d, c + ".events.json")) as fh:
            ev = json.load(fh)
        if "hand_aperture" not in ev:
            continue
        with open(os.path.join(d, c + ".gt.json")) as fh:
            gt = json.load(fh)
        hk = np.array(gt["hand_keypoints_2d"])  # (T, 14, 2): left 7, right 7
        n = gt["n_frames"]
        full = vision.HandLandmarker.create_from_options(
            vision.HandLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=model),
                running_mode=vision.RunningMode.VIDEO,
                num_hands=4,
            )
        )
        crop = vision.HandLandmarker.create_from_options(
            vision.HandLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=model),
                running_mode=vision.RunningMode.IMAGE,
                num_hands=2,
            )
        )
        ap3 = {(m, s): np.full(n, np.nan) for m in ("full", "crop") for s in SIDES}
        ap2 = {k: np.full(n, np.nan) for k in ap3}
        tested = np.zeros(n, bool)
        for i, ms, rgb in frames(p):
            if i % stride:
                continue
            tested[i] = True
            truth = {"left": hk[i, :7], "right": hk[i, 7:]}
            h, w = rgb.shape[:2]
            r = full.detect_for_video(mp_image(rgb), ms)
            found = {"full": assign([to_px(x, 0, 0, w, h) for x in r.hand_landmarks], truth)}
            found["crop"] = {}
            for s in SIDES:
                found["crop"].update(assign(close_up(rgb, truth[s], crop), {s: truth[s]}))
            for m, hands in found.items():
                for s, pts in hands.items():
                    ap3[m, s][i], ap2[m, s][i] = mp_aperture(pts)
        full.close()
        crop.close()
        res[c] = {}
        for m in ("full", "crop"):
            for s in SIDES:
                res[c][f"{m}_{s}"] = summarise(
                    ap3[m, s],
                    ap2[m, s],
                    np.array(ev["hand_aperture"][s]),
                    np.array(ev["hand_curl_cmd"][s]),
                    tested,
                    ev["fps"],
                )
                res[c][f"{m}_{s}"]["true_grasps"] = [
                    [g["start_frame"], g["end_frame"]] for g in ev["grasps"] if g["hand"] == s
                ]
                print(c, m, s, res[c][f"{m}_{s}"], flush=True)
    return res, "mediapipe_hands.json"


res, out_name = hand_detection() if args.hands else pose_detection()
os.makedirs(os.path.join(d, "checks"), exist_ok=True)
with open(os.path.join(d, "checks", out_name), "w") as fh:
    json.dump(res, fh, indent=1)
