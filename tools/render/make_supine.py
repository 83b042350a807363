"""Render supine midline-reach clips seen from above (__top) with exact ground truth.

Same format as the shipped a_midline_reach clips (midline_crossings with 3d / 2d basis, reaches,
wrist_side_2d_px).

usage (from tools/render/, in an environment set up as in README.md):
    python make_supine.py [--only m01] [--out DIR] [--frames N]
DIR defaults to validation_clips/ at the repository root.
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_lib as RL

# name, reaching hand, camera height (m), camera tilt (deg), skin, onesie, floor, floor base,
# phenotype
CLIPS = [
    (
        "m01",
        "right",
        1.15,
        4,
        "medium",
        "yellow",
        "dots",
        (0.85, 0.80, 0.65),
        dict(age=0.02, gender=0.5, weight=0.65, muscle=0.35, height=0.5, proportions=0.5),
    ),
    (
        "m02",
        "left",
        1.25,
        -6,
        "dark",
        "pink",
        "checker",
        (0.70, 0.80, 0.90),
        dict(age=0.07, gender=0.4, weight=0.75, muscle=0.4, height=0.55, proportions=0.5),
    ),
]
# body frame -> world: head -> +Y, anterior (-y) -> +Z (face up), infant's left -> +X
R0 = RL.SUPINE_R


def supine_pose(B, tt, hand, s, rng):
    """s: reach progress (B,) in [0,1] for the reaching hand."""
    ones = np.ones(B)
    ph = rng.uniform(0, 6, 6)
    P = {}
    sg = 1 if hand == "right" else -1  # mirror for the left hand
    other = "L" if hand == "right" else "R"
    me = "R" if hand == "right" else "L"
    # reaching arm: rest (abducted, elbow bent, lying on the mat) -> across the chest
    h = 135 * s
    fl = 80 * s
    el = 60 + 60 * s
    P[f"upperarm01.{me}"] = RL.compose(
        RL.rotH("z", sg * h), RL.rotH("x", -fl), RL.rotH("y", sg * (-30 * s + 25 * (1 - s)))
    )
    P[f"upperarm02.{me}"] = RL.rotH("z", sg * -20 * s)
    P[f"lowerarm01.{me}"] = RL.rotH("x", -el)
    # other arm: resting, small movements
    P[f"upperarm01.{other}"] = RL.compose(
        RL.rotH("x", -(10 + 8 * np.sin(2 * np.pi * tt / 3.3 + ph[0]))),
        RL.rotH("y", -sg * 25 * ones),
    )
    P[f"lowerarm01.{other}"] = RL.rotH("x", -(70 + 10 * np.sin(2 * np.pi * tt / 2.9 + ph[1])))
    # legs: flexed hips and knees (typical supine infant), small kicks
    for side, sgn in (("L", -1), ("R", 1)):
        k = 8 * np.sin(2 * np.pi * tt / rng.uniform(2.0, 3.0) + ph[2 + (side == "R")])
        P[f"upperleg01.{side}"] = RL.compose(RL.rotH("x", -(35 + k)), RL.rotH("y", sgn * 20 * ones))
        P[f"lowerleg01.{side}"] = RL.rotH("x", 55 + 1.5 * k)
    turn = 3 * np.sin(2 * np.pi * tt / 6.0)
    P["head"] = RL.rotH("z", turn)
    return P, turn


def render_clip(cfg, outdir, nframes=RL.NF):
    name, hand, cam_h, tilt, skin, onesie, floor_kind, floor_base, phen = cfg
    clip = f"{name}_midline_reach__top"
    seed = 200 + int(name[1:])
    rng = np.random.default_rng(3000 + seed)
    started_at = time.time()
    B = nframes
    tt = np.arange(B) / RL.FPS
    # two reaches: onset, peak (arrival), hold_end, offset (back at rest)
    reaches_s = [(0.6, 1.9, 2.5, 3.6), (4.0, 5.3, 5.9, 6.9)]
    s = np.zeros(B)
    for a, p, h, o in reaches_s:
        s += RL.minjerk((tt - a) / (p - a)) - RL.minjerk((tt - h) / (o - h))
    s = np.clip(s, 0, 1)
    pose, turn = supine_pose(B, tt, hand, s, rng)
    v, bp, rbp = RL.run_model(pose, phen, B)
    T = RL.supine_body_to_world(v)
    Vw, kp3d, j3d = RL.body_in_world(T, v, bp)
    ki = RL.keypoint_index()
    # camera above, head at the top of the frame
    f = float(rng.uniform(500, 540))
    K = RL.intrinsics(f)
    ctr = 0.5 * (kp3d[0, ki["left_shoulder"]] + kp3d[0, ki["right_hip"]])
    tl = np.radians(tilt)
    pos = np.array([ctr[0], ctr[1] - cam_h * np.sin(tl), cam_h])
    cam = RL.look_at(pos, np.array([ctr[0], ctr[1], 0.05]), up=(0, 1, 0))
    appearance = dict(
        skin=skin, onesie=onesie, floor_kind=floor_kind, floor_base=floor_base, floor_seed=seed
    )
    kp2d, j2d, light = RL.render_supine_clip(
        rng, os.path.join(outdir, clip + ".mp4"), K, cam, Vw, kp3d, j3d, appearance
    )
    # truth: wrist side of the body's sagittal plane (through the shoulder midpoint, normal = the
    # pelvis-fixed left axis; the pelvis does not move in these clips)
    left_axis = R0 @ np.array([1.0, 0, 0])
    side3d, side2d = RL.wrist_sides(kp3d, kp2d, left_axis)
    contra = -1 if hand == "right" else 1  # the reaching hand crosses to the other side
    crossings = RL.midline_crossings(side3d, side2d)
    target = "left_side_across_midline" if hand == "right" else "right_side_across_midline"
    reaches = []
    for a, p, h, o in reaches_s:
        reaches.append(
            dict(
                hand=hand,
                onset_s=a,
                peak_s=p,
                hold_end_s=h,
                offset_s=o,
                target=target,
                onset_frame=int(round(a * RL.FPS)),
                peak_frame=int(round(p * RL.FPS)),
                hold_end_frame=int(round(h * RL.FPS)),
                offset_frame=min(int(round(o * RL.FPS)), B - 1),
            )
        )
    render = dict(
        reaching_hand=hand,
        camera_height_m=cam_h,
        camera_tilt_deg=tilt,
        **RL.appearance_record(f, appearance, light, phen),
        max_wrist_crossing_3d_m=round(float((side3d[hand] * -contra).max()), 4),
    )
    events = dict(
        **RL.events_header(clip, f"midline_reach_{hand}", "supine", "top", B),
        midline_crossings=crossings,
        reaches=reaches,
        **RL.supine_side_events(B, turn, side3d, side2d),
        notes="reach onset/peak/offset are the scripted movement phase boundaries (min-jerk); "
        "midline crossing = frames (inclusive) with the wrist keypoint on the contralateral "
        "side: basis 3d_body_sagittal_plane = the plane through the 3D shoulder midpoint "
        "normal to the body's left-right axis; 2d = the image line hip-mid -> shoulder-mid; "
        "wrist_side_2d_px / wrist_side_3d_m: + = infant's left.",
    )
    meta = dict(posture="supine", view="top", phenotype=phen, render=render)
    RL.write_outputs(outdir, clip, meta, K, cam, T, list(kp2d), kp3d, j2d, events)
    summary = [(c["hand"], c["start_frame"], c["end_frame"], c["basis"][:2]) for c in crossings]
    RL.print_clip_summary(
        clip,
        started_at,
        f"crossings={summary} max cross 3d={render['max_wrist_crossing_3d_m']}",
    )


if __name__ == "__main__":
    RL.main(CLIPS, render_clip, __doc__.splitlines()[0])
