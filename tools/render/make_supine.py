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
R0 = np.array([[1, 0, 0], [0, 0, 1], [0, -1, 0]], float)


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
    T = np.eye(4)
    T[:3, :3] = R0
    w0 = v[0] @ R0.T
    T[:3, 3] = [
        -0.5 * (w0[:, 0].max() + w0[:, 0].min()),
        -0.5 * (w0[:, 1].max() + w0[:, 1].min()),
        -(v[:, :, :] @ R0.T)[..., 2].min(),
    ]
    Vw, kp3d, j3d = RL.body_in_world(T, v, bp)
    ki = RL.keypoint_index()
    # camera above, head at the top of the frame
    f = float(rng.uniform(500, 540))
    K = RL.intrinsics(f)
    ctr = 0.5 * (kp3d[0, ki["left_shoulder"]] + kp3d[0, ki["right_hip"]])
    tl = np.radians(tilt)
    pos = np.array([ctr[0], ctr[1] - cam_h * np.sin(tl), cam_h])
    cam = RL.look_at(pos, np.array([ctr[0], ctr[1], 0.05]), up=(0, 1, 0))
    renderer, light = RL.renderer_with_random_appearance(
        rng,
        K,
        cam,
        skin=skin,
        onesie=onesie,
        sleeves="short",
        legs="short",
        floor_kind=floor_kind,
        floor_base=floor_base,
        floor_seed=seed,
        key_elevation_deg=(50, 75),
        key_intensity=(1.8, 2.4),
        camera_fill_intensity=(0.15, 0.3),
        floor_repeats=(2, 4),
    )
    kp2d, j2d, _ = RL.render_frames(
        renderer, os.path.join(outdir, clip + ".mp4"), Vw, kp3d, j3d, K, cam
    )
    kp2d = np.array(kp2d)
    # truth: wrist side of the body's sagittal plane (through the shoulder midpoint, normal = the
    # pelvis-fixed left axis; the pelvis does not move in these clips)
    left_axis = R0 @ np.array([1.0, 0, 0])
    msh = 0.5 * (kp3d[:, ki["left_shoulder"]] + kp3d[:, ki["right_shoulder"]])
    mhp2 = 0.5 * (kp2d[:, ki["left_hip"], :2] + kp2d[:, ki["right_hip"], :2])
    msh2 = 0.5 * (kp2d[:, ki["left_shoulder"], :2] + kp2d[:, ki["right_shoulder"], :2])
    side3d, side2d = {}, {}
    for hd in ("left", "right"):
        w = kp3d[:, ki[f"{hd}_wrist"]]
        side3d[hd] = (w - msh) @ left_axis
        # 2D: signed distance to the line hip-mid -> shoulder-mid; + = the infant's left side, which
        # is the side where the left shoulder lies
        dvec = msh2 - mhp2
        dvec /= np.linalg.norm(dvec, axis=1, keepdims=True)
        nrm = np.stack([-dvec[:, 1], dvec[:, 0]], 1)
        ls = kp2d[:, ki["left_shoulder"], :2] - mhp2
        sgn = np.sign((ls * nrm).sum(1))
        nrm = nrm * sgn[:, None]
        side2d[hd] = ((kp2d[:, ki[f"{hd}_wrist"], :2] - mhp2) * nrm).sum(1)
    contra = -1 if hand == "right" else 1  # the reaching hand crosses to the other side
    crossings = []
    for basis, sd in (
        ("3d_body_sagittal_plane", side3d),
        ("2d_image_midline_shoulders_to_hips", side2d),
    ):
        for hd in ("left", "right"):
            c = -1 if hd == "right" else 1
            for a, b in RL.true_runs(sd[hd] * c < 0):
                crossings.append(dict(hand=hd, start_frame=int(a), end_frame=int(b), basis=basis))
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
        focal_px=round(f, 2),
        skin_tone=skin,
        onesie_colour=onesie,
        floor_pattern=floor_kind,
        floor_base_rgb=list(floor_base),
        lighting=light,
        phenotype=phen,
        seed=seed,
        max_wrist_crossing_3d_m=round(float((side3d[hand] * -contra).max()), 4),
    )
    zeros = [0.0] * B
    events = dict(
        **RL.events_header(clip, f"midline_reach_{hand}", "supine", "top", B),
        midline_crossings=crossings,
        reaches=reaches,
        head_lift_cmd_deg=zeros,
        head_turn_cmd_deg=RL.r2(turn),
        wrist_side_2d_px={hd: RL.r2(side2d[hd], 1) for hd in ("left", "right")},
        wrist_side_3d_m={hd: RL.r2(side3d[hd], 4) for hd in ("left", "right")},
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
