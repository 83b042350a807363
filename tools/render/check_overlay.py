"""Overlay the ground-truth 2D keypoints on a few frames of each clip.

Writes <DIR>/checks/<clip>_overlay.png (first frame, peak head-lift frame or middle frame, last
frame). Grasp clips (make_grasp.py: hand_keypoints_2d in .gt.json, hand_curl_cmd in
.events.json) instead show the first frame, the first fully closed frame of each hand and the
last frame, with the hand points drawn too, and also get <DIR>/checks/<clip>_hands.png:
close-ups of both hands in those frames, enlarged, with the ground-truth wrist (blue), middle
finger MCP (cyan) and fingertips (magenta). Needs only opencv + numpy.

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
HAND_COL = [(255, 0, 0), (255, 255, 0)] + [(255, 0, 255)] * 5  # wrist, middle MCP, 5 tips
CLOSE_UP_PX = 200


def draw_hand_points(img, points, scale=1.0, offset=(0, 0), radius=2):
    """Draw one frame's hand points (per hand: wrist, middle MCP, five tips) onto img."""
    for k, (u, v) in enumerate(points):
        centre = (int(round((u - offset[0]) * scale)), int(round((v - offset[1]) * scale)))
        cv2.circle(img, centre, radius, HAND_COL[k % len(HAND_COL)], -1)


def hand_close_ups(img, points):
    """One enlarged square crop per hand (7 points each), with its points drawn."""
    crops = []
    for hand in (points[:7], points[7:]):
        hand = np.asarray(hand)
        palm = np.linalg.norm(hand[1] - hand[0])
        centre = hand.mean(0)
        half = max(2.2 * palm, 20.0)
        x0, y0 = int(centre[0] - half), int(centre[1] - half)
        pad = np.pad(img, ((400, 400), (400, 400), (0, 0)))
        crop = pad[y0 + 400 : y0 + 400 + int(2 * half), x0 + 400 : x0 + 400 + int(2 * half)]
        scale = CLOSE_UP_PX / crop.shape[0]
        crop = cv2.resize(crop, (CLOSE_UP_PX, CLOSE_UP_PX), interpolation=cv2.INTER_CUBIC)
        draw_hand_points(crop, hand, scale, (x0, y0), radius=3)
        crops.append(crop)
    return np.concatenate(crops, 0)


for c in clips:
    with open(os.path.join(d, c + ".gt.json")) as fh:
        gt = json.load(fh)
    with open(os.path.join(d, c + ".events.json")) as fh:
        ev = json.load(fh)
    cmd = np.array(ev.get("head_lift_cmd_deg", [0] * gt["n_frames"]))
    n = gt["n_frames"]
    frames = sorted(set([0, int(np.argmax(cmd)) if cmd.max() > 0 else n // 2, n - 1]))
    hands = gt.get("hand_keypoints_2d")
    if hands and "hand_curl_cmd" in ev:
        curl = ev["hand_curl_cmd"]
        frames = sorted(
            set([0, int(np.argmax(curl["left"])), int(np.argmax(curl["right"])), n - 1])
        )
    close_ups = []
    cap = cv2.VideoCapture(os.path.join(d, c + ".mp4"))
    imgs, i = [], 0
    while True:
        ok, f = cap.read()
        if not ok:
            break
        if i in frames:
            if hands:
                close_ups.append(hand_close_ups(f.copy(), hands[i]))
                draw_hand_points(f, hands[i])
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
            for key in ("hand_curl_cmd", "hand_aperture"):
                if key in ev:
                    left, right = ev[key]["left"][i], ev[key]["right"][i]
                    txt += f" {key.split('_')[1]} L={left:.2f} R={right:.2f}"
            cv2.putText(f, txt, (8, 20), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1)
            imgs.append(f)
        i += 1
    out = np.concatenate(imgs, 1)
    out = cv2.resize(out, (out.shape[1] * 2 // 3, out.shape[0] * 2 // 3))
    cv2.imwrite(os.path.join(d, "checks", c + "_overlay.png"), out)
    if close_ups:
        cv2.imwrite(os.path.join(d, "checks", c + "_hands.png"), np.concatenate(close_ups, 1))
    print(c, "frames read", i, "overlay frames", frames)
