"""Calibrate the hip as annotators place it, from the body model's hip joint.

Human annotators of infant images (SyRIP, NYCU) mark the hip on the skin outline of the hip,
where the thigh meets the trunk. The renderer's hip keypoint is the body model's internal hip
joint, which lies deeper and lower. Neither set has both, so BlazePose (run on both through
the same crops) is the common ruler:

    annotator hip - BlazePose hip   measured on the real images   (d_real)
    BlazePose hip - model hip       measured on the renders        (d_render)
    annotator hip = model hip + d_render + d_real

Offsets are expressed in each hip's own trunk frame, so that they hold for any view and
roll: ``along`` = towards the mid-shoulder point from the mid-hip point, ``out`` = away
from the other hip, both in torso sizes (mean shoulder-to-opposite-hip diagonal). Only
samples where BlazePose's hip is within 0.5 torso sizes of the target count (a collapsed
pose says nothing about where the hip is). The medians are written to ``hip_offset.json``
beside this file and applied by :func:`annotator_hips` in train.py.

usage: python calibrate.py REAL_TRAIN.npz RENDERS.npz [RENDERS.npz ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

L_SH, R_SH, L_HIP, R_HIP = 5, 6, 11, 12
OUT = Path(__file__).with_name("hip_offset.json")


def trunk_frame(kp: np.ndarray, side: int) -> tuple[np.ndarray, np.ndarray, float]:
    """(along, out, torso) of hip ``side`` (0 left, 1 right) for (N, 17, 2) keypoints:
    unit vectors (N, 2) and the torso size (N,)."""
    hip, other = (kp[:, L_HIP], kp[:, R_HIP]) if side == 0 else (kp[:, R_HIP], kp[:, L_HIP])
    mid_hip = (kp[:, L_HIP] + kp[:, R_HIP]) / 2
    mid_sh = (kp[:, L_SH] + kp[:, R_SH]) / 2
    torso = (np.linalg.norm(kp[:, L_SH] - kp[:, R_HIP], axis=1)
             + np.linalg.norm(kp[:, R_SH] - kp[:, L_HIP], axis=1)) / 2
    along = mid_sh - mid_hip
    along /= np.linalg.norm(along, axis=1, keepdims=True)
    out = hip - other
    out -= (out * along).sum(1, keepdims=True) * along  # perpendicular to the trunk
    norm = np.linalg.norm(out, axis=1, keepdims=True)
    out = np.where(norm > 1e-6, out / np.maximum(norm, 1e-6), 0.0)
    return along, out, torso


def offsets(target: np.ndarray, blazepose: np.ndarray, frame_from: np.ndarray,
            ok: np.ndarray | None = None) -> np.ndarray:
    """(M, 2) ``(along, out)`` offsets in torso sizes of ``target - blazepose`` hips, both
    sides pooled, for samples whose BlazePose hip is within 0.5 torso sizes."""
    rows = []
    for side, k in ((0, L_HIP), (1, R_HIP)):
        along, out, torso = trunk_frame(frame_from, side)
        delta = (target[:, k] - blazepose[:, k]) / torso[:, None]
        keep = np.isfinite(delta).all(1) & (np.linalg.norm(delta, axis=1) < 0.5)
        if ok is not None:
            keep &= ok[:, k]
        rows.append(np.stack([(delta * along).sum(1), (delta * out).sum(1)], 1)[keep])
    return np.concatenate(rows)


def main() -> None:
    real = np.load(sys.argv[1])
    clean = real["copy"] == 0
    truth, mp = real["truth_crop"][clean], real["mediapipe_crop"][clean]
    d_real = offsets(truth, mp, truth, real["visible"][clean])
    renders = [np.load(p) for p in sys.argv[2:]]
    d_render = np.concatenate([offsets(r["mediapipe_crop"], r["truth_crop"], r["truth_crop"])
                               for r in renders])
    result = {
        "along": float(np.median(d_real[:, 0]) + np.median(d_render[:, 0])),
        "out": float(np.median(d_real[:, 1]) + np.median(d_render[:, 1])),
        "annotator_minus_blazepose": np.median(d_real, 0).round(4).tolist(),
        "blazepose_minus_model": np.median(d_render, 0).round(4).tolist(),
        "n_real_hips": len(d_real),
        "n_render_hips": len(d_render),
        "units": "torso sizes; along = towards the shoulders, out = away from the other hip",
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
