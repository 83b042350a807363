"""Render sitting clips (unsupported sitting, trunk sway, arm movement) with exact ground truth.

usage (from tools/render/, in an environment set up as in README.md):
    python make_sitting.py [--only s01,s02] [--out DIR] [--frames N]
DIR defaults to validation_clips/ at the repository root.
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_lib as RL

# name, view, cam azimuth from front (deg, + = towards the infant's left), cam height mode,
# fill (height), skin, onesie, floor, floor base, phenotype
CLIPS = [
    (
        "s01",
        "front",
        0,
        "chest",
        0.55,
        "medium",
        "red",
        "dots",
        (0.90, 0.85, 0.70),
        dict(age=0.05, gender=0.5, weight=0.65, muscle=0.4, height=0.5, proportions=0.5),
    ),
    (
        "s02",
        "oblique",
        45,
        "chest",
        0.60,
        "brown",
        "lightblue",
        "checker",
        (0.80, 0.80, 0.88),
        dict(age=0.08, gender=0.3, weight=0.7, muscle=0.35, height=0.55, proportions=0.5),
    ),
    (
        "s03",
        "side",
        90,
        "chest",
        0.55,
        "light",
        "navy",
        "stripes",
        (0.95, 0.88, 0.75),
        dict(age=0.03, gender=0.7, weight=0.6, muscle=0.45, height=0.45, proportions=0.45),
    ),
    (
        "s04",
        "front",
        0,
        "above",
        0.50,
        "dark",
        "yellow",
        "plaid",
        (0.55, 0.70, 0.85),
        dict(age=0.1, gender=0.6, weight=0.75, muscle=0.4, height=0.5, proportions=0.55),
    ),
    (
        "s05",
        "oblique",
        -45,
        "above",
        0.60,
        "fair",
        "green",
        "stars",
        (0.85, 0.70, 0.75),
        dict(age=0.0, gender=0.4, weight=0.8, muscle=0.3, height=0.5, proportions=0.5),
    ),
    (
        "s06",
        "side",
        -90,
        "above",
        0.55,
        "tan",
        "lavender",
        "dots",
        (0.70, 0.85, 0.65),
        dict(age=0.06, gender=0.5, weight=0.6, muscle=0.4, height=0.6, proportions=0.5),
    ),
]


def sitting_pose(B, tt, rng, hip=85.0, knee=15.0):
    ones = np.ones(B)
    ph = rng.uniform(0, 6, 8)
    fwd = 12 + 4 * np.sin(2 * np.pi * tt / rng.uniform(3, 5) + ph[0])  # trunk flexion (+x) sway
    lat = 4 * np.sin(2 * np.pi * tt / rng.uniform(2.5, 4.5) + ph[1])  # lateral sway
    P = {}
    for b in ("spine03", "spine04"):
        P[b] = RL.compose(RL.rotH("x", fwd / 2), RL.rotH("y", lat / 2))
    P["neck02"] = RL.rotH("x", -fwd / 2 * ones)  # keep the gaze roughly level
    P["head"] = RL.rotH("z", 15 * np.sin(2 * np.pi * tt / 4.0 + ph[2]))
    hip = np.asarray(hip) * ones
    P["upperleg01.L"] = RL.compose(RL.rotH("x", -hip), RL.rotH("y", -25 * ones))
    P["upperleg01.R"] = RL.compose(RL.rotH("x", -hip), RL.rotH("y", 25 * ones))
    P["lowerleg01.L"] = RL.rotH("x", knee * ones)
    P["lowerleg01.R"] = RL.rotH("x", knee * ones)
    # arms: reach-like, out of phase
    aL = 45 + 30 * np.sin(2 * np.pi * tt / rng.uniform(2.2, 3.2) + ph[3])
    aR = 45 + 30 * np.sin(2 * np.pi * tt / rng.uniform(2.2, 3.2) + ph[4])
    P["upperarm01.L"] = RL.compose(RL.rotH("x", -aL), RL.rotH("y", 20 * ones))
    P["upperarm01.R"] = RL.compose(RL.rotH("x", -aR), RL.rotH("y", -20 * ones))
    P["lowerarm01.L"] = RL.rotH("x", -(40 + 25 * np.sin(2 * np.pi * tt / 2.7 + ph[5])))
    P["lowerarm01.R"] = RL.rotH("x", -(40 + 25 * np.sin(2 * np.pi * tt / 3.1 + ph[6])))
    return P


def render_clip(cfg, outdir, nframes=RL.NF):
    name, view, cam_az, hmode, fill, skin, onesie, floor_kind, floor_base, phen = cfg
    clip = f"{name}_sitting__{view}"
    seed = 100 + int(name[1:])
    rng = np.random.default_rng(2000 + seed)
    started_at = time.time()
    B = nframes
    tt = np.arange(B) / RL.FPS
    # hip flexion such that the heels and the buttocks both touch the floor
    cands = np.arange(60.0, 110.0, 1.0)
    nc = len(cands)
    vc, _, _ = RL.run_model(
        sitting_pose(nc, np.zeros(nc), np.random.default_rng(0), hip=cands), phen, nc
    )
    butt = RL.bone_weight(["root", "pelvis.L", "pelvis.R", "spine05"]) > 0.4
    feet = (
        RL.bone_weight(
            [b for b in RL.model()["labels"] if b.startswith(("foot", "toe", "lowerleg"))]
        )
        > 0.5
    )
    gap = vc[:, feet, 2].min(1) - vc[:, butt, 2].min(1)  # grows with hip flexion
    hip = (
        float(np.interp(0.0, gap, cands))
        if np.all(np.diff(gap) > 0)
        else float(cands[np.argmin(np.abs(gap))])
    )
    v, bp, rbp = RL.run_model(sitting_pose(B, tt, rng, hip=hip), phen, B)
    T = np.eye(4)
    T[:3, 3] = [0, 0, -v[0, butt, 2].min()]
    Vw, kp3d, j3d = RL.body_in_world(T, v, bp)
    ki = RL.keypoint_index()
    tr = 0.5 * (kp3d[:, ki["left_shoulder"]] + kp3d[:, ki["right_shoulder"]]) - 0.5 * (
        kp3d[:, ki["left_hip"]] + kp3d[:, ki["right_hip"]]
    )
    tilt = np.degrees(np.arccos(tr[:, 2] / np.linalg.norm(tr, axis=1)))
    # camera: front = along the infant's anterior (-y); + azimuth towards the infant's left (+x)
    chest_z = float(0.5 * (kp3d[0, ki["left_shoulder"], 2] + kp3d[0, ki["left_hip"], 2]) + 0.03)
    el = float(rng.uniform(0, 4)) if hmode == "chest" else float(rng.uniform(15, 22))
    f = float(rng.uniform(500, 580))
    K = RL.intrinsics(f)
    a, e = np.radians(cam_az), np.radians(el)
    cdir = np.array([np.sin(a) * np.cos(e), -np.cos(a) * np.cos(e), np.sin(e)])
    cam, target, d = RL.frame_camera(
        Vw, K, cdir, np.array([0.0, 0.0, chest_z]), fill, fill_axis="height"
    )
    sleeves = "long" if seed % 2 else "short"
    legs = "long" if seed % 3 else "short"
    renderer, light = RL.renderer_with_random_appearance(
        rng,
        K,
        cam,
        skin=skin,
        onesie=onesie,
        sleeves=sleeves,
        legs=legs,
        floor_kind=floor_kind,
        floor_base=floor_base,
        floor_seed=seed,
    )
    kp2d, j2d, _ = RL.render_frames(
        renderer, os.path.join(outdir, clip + ".mp4"), Vw, kp3d, j3d, K, cam
    )
    render = dict(
        view=view,
        camera_azimuth_from_front_deg=cam_az,
        camera_azimuth_note="0 = facing the infant's front; + = camera towards the infant's left",
        camera_height_mode=hmode,
        camera_elevation_deg=round(el, 2),
        camera_height_m=round(float((target + d * cdir)[2]), 3),
        target_fill_height=fill,
        camera_distance_m=round(float(d), 3),
        focal_px=round(f, 2),
        skin_tone=skin,
        onesie_colour=onesie,
        sleeves=sleeves,
        legs=legs,
        floor_pattern=floor_kind,
        floor_base_rgb=list(floor_base),
        lighting=light,
        phenotype=phen,
        hip_flexion_deg=round(hip, 1),
        seed=seed,
    )
    events = dict(
        **RL.events_header(clip, "sitting", "sitting", view, B),
        trunk_tilt_deg=RL.r2(tilt),
        # No "reaches" or "midline_crossings" keys: the arms wave freely (unscripted), so
        # those events are not annotated, and `motorobs validate` does not score them here.
        notes="trunk_tilt_deg = angle from vertical of the 3D keypoint vector hip-midpoint -> "
        "shoulder-midpoint; trunk sway is scripted on spine03/spine04 (forward ~12+-4 deg, "
        "lateral +-4 deg); arm motion is free waving: reaches and midline crossings are not "
        "annotated (the keys are absent), so they are not scored.",
    )
    meta = dict(posture="sitting", view=view, phenotype=phen, render=render)
    RL.write_outputs(outdir, clip, meta, K, cam, T, kp2d, kp3d, j2d, events)
    RL.print_clip_summary(
        clip,
        started_at,
        f"hip={hip:.1f} dist={d:.2f} el={el:.1f} tilt {tilt.min():.1f}..{tilt.max():.1f}",
    )


if __name__ == "__main__":
    RL.main(CLIPS, render_clip, __doc__.splitlines()[0])
