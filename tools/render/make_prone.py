"""Render prone head-lift clips (side view) with exact ground truth.

usage (from tools/render/, in an environment set up as in README.md):
    python make_prone.py [--only p01,p02] [--out DIR] [--frames N] [--check DIR]
DIR defaults to validation_clips/ at the repository root.
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_lib as RL

# name, peak_deg, cam_el, cam_az(+ = towards the head), near_side, arms, n_lifts, turn_deg, fill,
# skin, onesie, floor kind, floor base colour, phenotype
CLIPS = [
    (
        "p01",
        45,
        12,
        0,
        "left",
        "forearms",
        1,
        0,
        0.60,
        "medium",
        "lightblue",
        "dots",
        (0.45, 0.62, 0.85),
        dict(age=0.0, gender=0.5, weight=0.65, muscle=0.35, height=0.5, proportions=0.5),
    ),
    (
        "p02",
        30,
        5,
        0,
        "right",
        "flat",
        1,
        0,
        0.55,
        "light",
        "pink",
        "stripes",
        (0.85, 0.85, 0.80),
        dict(age=0.0, gender=0.3, weight=0.75, muscle=0.3, height=0.45, proportions=0.45),
    ),
    (
        "p03",
        60,
        20,
        15,
        "left",
        "forearms",
        2,
        0,
        0.65,
        "brown",
        "yellow",
        "checker",
        (0.55, 0.75, 0.60),
        dict(age=0.05, gender=0.7, weight=0.6, muscle=0.45, height=0.55, proportions=0.55),
    ),
    (
        "p04",
        80,
        30,
        -15,
        "right",
        "forearms",
        1,
        0,
        0.50,
        "fair",
        "navy",
        "stars",
        (0.95, 0.85, 0.60),
        dict(age=0.02, gender=0.4, weight=0.8, muscle=0.35, height=0.4, proportions=0.5),
    ),
    (
        "p05",
        45,
        5,
        30,
        "right",
        "forearms",
        2,
        0,
        0.70,
        "dark",
        "mint",
        "plaid",
        (0.80, 0.55, 0.55),
        dict(age=0.0, gender=0.6, weight=0.55, muscle=0.4, height=0.6, proportions=0.4),
    ),
    (
        "p06",
        60,
        12,
        -30,
        "left",
        "flat",
        1,
        0,
        0.45,
        "tan",
        "red",
        "dots",
        (0.60, 0.80, 0.85),
        dict(age=0.08, gender=0.5, weight=0.7, muscle=0.5, height=0.5, proportions=0.6),
    ),
    (
        "p07",
        80,
        20,
        0,
        "left",
        "forearms",
        1,
        0,
        0.75,
        "light",
        "green",
        "stripes",
        (0.90, 0.80, 0.85),
        dict(age=0.03, gender=0.2, weight=0.6, muscle=0.3, height=0.5, proportions=0.5),
    ),
    (
        "p08",
        30,
        30,
        30,
        "left",
        "forearms",
        2,
        0,
        0.60,
        "medium",
        "lavender",
        "stars",
        (0.50, 0.65, 0.80),
        dict(age=0.0, gender=0.8, weight=0.7, muscle=0.4, height=0.45, proportions=0.45),
    ),
    (
        "p09",
        60,
        5,
        -15,
        "right",
        "forearms",
        1,
        25,
        0.55,
        "brown",
        "lightblue",
        "checker",
        (0.75, 0.75, 0.85),
        dict(age=0.04, gender=0.5, weight=0.65, muscle=0.35, height=0.55, proportions=0.5),
    ),
    (
        "p10",
        45,
        20,
        -30,
        "right",
        "flat",
        1,
        0,
        0.80,
        "fair",
        "grey",
        "plaid",
        (0.95, 0.90, 0.70),
        dict(age=0.0, gender=0.35, weight=0.85, muscle=0.3, height=0.5, proportions=0.55),
    ),
    (
        "p11",
        80,
        12,
        15,
        "right",
        "forearms",
        2,
        0,
        0.40,
        "dark",
        "white",
        "dots",
        (0.85, 0.50, 0.45),
        dict(age=0.06, gender=0.65, weight=0.6, muscle=0.45, height=0.6, proportions=0.5),
    ),
    (
        "p12",
        60,
        30,
        0,
        "left",
        "forearms",
        1,
        0,
        0.65,
        "tan",
        "pink",
        "stripes",
        (0.60, 0.70, 0.90),
        dict(age=0.01, gender=0.5, weight=0.7, muscle=0.35, height=0.45, proportions=0.45),
    ),
]

# world placement: body z (head) -> +X, body y (posterior) -> +Z, body x (left) -> +Y
R0 = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0]], float)


def lift_profile(n_lifts, peak, rng, nf=RL.NF, fps=RL.FPS):
    t = np.arange(nf) / fps
    cmd = np.zeros(nf)
    if n_lifts == 1:
        t0 = rng.uniform(0.9, 1.4)
        up, hold, down = rng.uniform(1.2, 1.7), rng.uniform(1.6, 2.3), rng.uniform(1.1, 1.5)
        segs = [(t0, up, hold, down)]
    else:
        t0 = rng.uniform(0.5, 0.8)
        up, hold, down, gap = 0.9, rng.uniform(0.6, 0.9), 0.9, rng.uniform(0.5, 0.7)
        t1 = t0 + up + hold + down + gap
        segs = [(t0, up, hold, down), (t1, up, hold, down)]
    for a, u, h, d in segs:
        rise = RL.minjerk((t - a) / u)
        fall = RL.minjerk((t - (a + u + h)) / d)
        cmd += peak * (rise - fall)
    return np.clip(cmd, 0, peak), segs


def prone_pose(arms, cmd, turn, f0, B, wiggle):
    """Pose dict for a prone infant (in the anny body frame)."""
    cmd = np.asarray(cmd, float) * np.ones(B)
    turn = np.asarray(turn, float) * np.ones(B)
    f0 = np.asarray(f0, float) * np.ones(B)
    spine_ext = 0.15 * cmd  # per upper-spine bone (spine01, spine02)
    neck = (f0 - 0.7 * cmd) / 3.0  # per neck bone (+ = flexion)
    P = {}
    P["spine01"] = RL.rotH("x", -spine_ext)
    P["spine02"] = RL.rotH("x", -spine_ext)
    P["neck01"] = RL.rotH("x", neck)
    P["neck02"] = RL.rotH("x", neck)
    P["neck03"] = RL.compose(RL.rotH("x", neck), RL.rotH("z", 0.5 * turn))
    P["head"] = RL.rotH("z", 0.5 * turn)
    if arms == "forearms":
        sh = (
            80 - 2 * spine_ext
        )  # compensate the chest extension so the upper arms stay near vertical
        P["upperarm01.L"] = RL.compose(RL.rotH("x", -sh), RL.rotH("y", 30 * np.ones(B)))
        P["upperarm01.R"] = RL.compose(RL.rotH("x", -sh), RL.rotH("y", -30 * np.ones(B)))
        P["lowerarm01.L"] = RL.rotH("x", -100 * np.ones(B) + wiggle["elbow"])
        P["lowerarm01.R"] = RL.rotH("x", -100 * np.ones(B) - wiggle["elbow"])
        P["wrist.L"] = RL.rotH("x", 15 * np.ones(B))
        P["wrist.R"] = RL.rotH("x", 15 * np.ones(B))
    else:  # flat, arms along the body
        P["upperarm01.L"] = RL.compose(RL.rotH("x", 15 * np.ones(B)), RL.rotH("y", 38 * np.ones(B)))
        P["upperarm01.R"] = RL.compose(
            RL.rotH("x", 15 * np.ones(B)), RL.rotH("y", -38 * np.ones(B))
        )
        P["lowerarm01.L"] = RL.rotH("x", -20 * np.ones(B) + wiggle["elbow"])
        P["lowerarm01.R"] = RL.rotH("x", -20 * np.ones(B) - wiggle["elbow"])
    P["upperleg01.L"] = RL.rotH("y", -12 * np.ones(B))
    P["upperleg01.R"] = RL.rotH("y", 12 * np.ones(B))
    P["lowerleg01.L"] = RL.rotH("x", 25 + wiggle["knee"])
    P["lowerleg01.R"] = RL.rotH("x", 25 - wiggle["knee"])
    P["foot.L"] = RL.rotH("x", 35 * np.ones(B))
    P["foot.R"] = RL.rotH("x", 35 * np.ones(B))
    return P


def head_axis_elevation_deg(bone_poses, rest_bone_poses, body_rotation):
    """Per frame, the elevation (deg) above the floor plane of the head's long axis (neck ->
    crown): the head bone's rest-pose up axis (+z of the anny body frame) turned by the head
    bone's rotation, then by body_rotation (3x3, anny body frame -> world).

    bone_poses (B, J, 4, 4) and rest_bone_poses (1, J, 4, 4): run_model's output. Returns (B,).
    """
    hi = RL.model()["labels"].index("head")
    Rh = bone_poses[:, hi, :3, :3] @ rest_bone_poses[0, hi, :3, :3].T
    return RL.elevation_deg((body_rotation @ (Rh @ np.array([0, 0, 1.0]))[..., None])[..., 0])


def place_body(arms, phen, rest_el_min=-8.0):
    """Find pitch + translation so the supports touch the floor, then the rest neck flexion that
    lets the head rest on the floor. Returns body_to_world (4x4) and f0."""
    zero = dict(elbow=np.zeros(1), knee=np.zeros(1))
    v, bp, rbp = RL.run_model(prone_pose(arms, 0, 0, 0, 1, zero), phen, 1)
    v = v[0]
    if arms == "forearms":
        A = RL.bone_weight(["lowerarm01.L", "lowerarm02.L", "lowerarm01.R", "lowerarm02.R"]) > 0.5
    else:
        A = RL.bone_weight(["spine01", "spine02", "clavicle.L", "clavicle.R"]) > 0.5
    Bm = (
        RL.bone_weight(
            ["upperleg01.L", "upperleg01.R", "upperleg02.L", "upperleg02.R", "pelvis.L", "pelvis.R"]
        )
        > 0.5
    )

    def pitched(a):
        c, s = np.cos(np.radians(-a)), np.sin(np.radians(-a))
        Ry = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
        return Ry @ R0

    lo, hi = -25.0, 45.0
    for _ in range(40):
        a = 0.5 * (lo + hi)
        w = v @ pitched(a).T
        f = w[A, 2].min() - w[Bm, 2].min()
        if f > 0:
            hi = a
        else:
            lo = a
    alpha = 0.5 * (lo + hi)
    Rw = pitched(alpha)
    T = np.eye(4)
    T[:3, :3] = Rw
    w = v @ Rw.T
    body = ~(RL.bone_weight(["neck01", "neck02", "neck03", "head", "eye.L", "eye.R"]) > 0.3)
    T[:3, 3] = [
        -0.5 * (w[:, 0].max() + w[:, 0].min()),
        -0.5 * (w[:, 1].max() + w[:, 1].min()),
        -w[body, 2].min(),
    ]
    # rest neck flexion: head just touching the floor
    cands = np.arange(-40, 62, 2.0)
    nb = len(cands)
    zero = dict(elbow=np.zeros(nb), knee=np.zeros(nb))
    vv, bp, rbp = RL.run_model(prone_pose(arms, 0, 0, cands, nb, zero), phen, nb)
    headm = RL.bone_weight(["head", "eye.L", "eye.R", "neck03"]) > 0.5
    hz = np.array([RL.rigid(T, vv[i][headm])[:, 2].min() for i in range(nb)])
    hel = head_axis_elevation_deg(bp, rbp, Rw)
    # rest: head lowered until it touches the mat, but the head axis no lower than rest_el_min
    # (on forearms it then rests on the hands/forearms rather than the mat)
    ok = np.where((hz <= 0.004) | (hel <= rest_el_min))[0]
    f0 = cands[ok[0]] if len(ok) else cands[-1]
    return T, float(f0), float(alpha), hz


def render_clip(cfg, outdir, nframes=RL.NF, check_dir=None):
    (
        name,
        peak,
        cam_el,
        cam_az,
        side,
        arms,
        n_lifts,
        turn_peak,
        fill,
        skin,
        onesie,
        floor_kind,
        floor_base,
        phen,
    ) = cfg
    clip = f"{name}_prone_lift__side"
    seed = int(name[1:])
    rng = np.random.default_rng(1000 + seed)
    started_at = time.time()
    rest_el_min = float(rng.uniform(-8, -2))
    T, f0, alpha, _ = place_body(arms, phen, rest_el_min)
    cmd, segs = lift_profile(n_lifts, peak, rng)
    cmd = cmd[:nframes]
    B = len(cmd)
    tt = np.arange(B) / RL.FPS
    # head turn: rises with the first lift, + = towards the infant's left
    turn = np.zeros(B)
    if turn_peak:
        a, u, h, d = segs[0]
        turn = turn_peak * (
            RL.minjerk((tt - a - 0.3 * u) / 1.0) - RL.minjerk((tt - a - u - 0.6 * h) / 1.0)
        )
    wiggle = dict(
        elbow=4 * np.sin(2 * np.pi * tt / rng.uniform(2.5, 4) + rng.uniform(0, 6)),
        knee=10 * np.sin(2 * np.pi * tt / rng.uniform(2, 3.5) + rng.uniform(0, 6)),
    )
    v, bp, rbp = RL.run_model(prone_pose(arms, cmd, turn, f0, B, wiggle), phen, B)
    Vw, kp3d, j3d = RL.body_in_world(T, v, bp)
    head_el = head_axis_elevation_deg(bp, rbp, T[:3, :3])
    ki = RL.keypoint_index()
    es = 0.5 * (kp3d[:, ki["left_ear"]] + kp3d[:, ki["right_ear"]]) - 0.5 * (
        kp3d[:, ki["left_shoulder"]] + kp3d[:, ki["right_shoulder"]]
    )
    es_el = RL.elevation_deg(es)
    # camera
    f = float(rng.uniform(500, 580))
    K = RL.intrinsics(f)
    s = 1 if side == "left" else -1
    az, el = np.radians(cam_az), np.radians(cam_el)
    hdir = np.array([np.sin(az), s * np.cos(az), 0.0])
    cdir = np.cos(el) * hdir + np.array([0, 0, np.sin(el)])
    # body width fills `fill` of the image width; its vertical centre goes to 55 % of the height
    cam, _, d = RL.frame_camera(
        Vw, K, cdir, np.array([0.0, 0.0, 0.09]), fill, fill_axis="width", vertical_centre=0.55
    )
    # appearance
    sleeves = "short" if seed % 3 else "long"
    legs = "short" if seed % 2 else "long"
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
    check_frames = (0, int(np.argmax(cmd))) if check_dir is not None else ()
    kp2d, j2d, raw_frames = RL.render_frames(
        renderer, os.path.join(outdir, clip + ".mp4"), Vw, kp3d, j3d, K, cam, check_frames
    )
    for t, frame in raw_frames.items():
        np.save(os.path.join(check_dir, f"{clip}_f{t}.npy"), frame)
    # events
    lifts = [
        dict(start_frame=int(first), end_frame=int(last))
        for first, last in RL.true_runs(cmd > peak / 2)
    ]
    render = dict(
        peak_lift_cmd_deg=peak,
        n_lifts=n_lifts,
        camera_elevation_deg=cam_el,
        camera_azimuth_from_side_deg=cam_az,
        camera_azimuth_note="0 = pure side view; + = camera moved towards the infant's head",
        near_side=side,
        arms=arms,
        head_turn_peak_deg=turn_peak,
        target_fill_width=fill,
        camera_distance_m=round(float(d), 3),
        focal_px=round(f, 2),
        skin_tone=skin,
        skin_rgb=list(RL.SKIN_TONES[skin]),
        onesie_colour=onesie,
        onesie_rgb=list(RL.ONESIE_COLOURS[onesie]),
        sleeves=sleeves,
        legs=legs,
        floor_pattern=floor_kind,
        floor_base_rgb=list(floor_base),
        lighting=light,
        phenotype=phen,
        body_pitch_deg=round(alpha, 2),
        rest_neck_flexion_deg=f0,
        rest_head_axis_min_deg=round(rest_el_min, 2),
        lift_split="neck01-03 take 70% of the command (23.3% each), spine01 and spine02 15% each",
        seed=seed,
    )
    events = dict(
        **RL.events_header(clip, "prone_head_lift", "prone", "side", B),
        midline_crossings=[],
        reaches=[],
        head_lift_cmd_deg=RL.r2(cmd),
        head_axis_elevation_deg=RL.r2(head_el),
        ear_shoulder_elevation_deg=RL.r2(es_el),
        head_turn_cmd_deg=RL.r2(turn),
        head_lifts=lifts,
        notes="head_lift_cmd_deg = commanded neck (70%) + upper-spine (30%) extension relative to "
        "the resting prone posture (head resting on the mat); head_axis_elevation_deg = angle "
        "above the floor plane of the head's long axis (neck->crown: the head bone's rest-pose "
        "up axis carried by the head bone's rotation; exact, from the rig); "
        "ear_shoulder_elevation_deg = same for the 3D keypoint vector shoulder-midpoint -> "
        "ear-midpoint; head_turn_cmd_deg = commanded rotation about the neck/head long axis "
        "(+ = towards the infant's left); head_lifts = frames (inclusive) with the command "
        "above half its peak.",
    )
    meta = dict(posture="prone", view="side", phenotype=phen, render=render)
    RL.write_outputs(outdir, clip, meta, K, cam, T, kp2d, kp3d, j2d, events)
    RL.print_clip_summary(
        clip,
        started_at,
        f"pitch={alpha:.1f} f0={f0} dist={d:.2f} "
        f"head_el rest={head_el[0]:.1f} peak={head_el.max():.1f} "
        f"es rest={es_el[0]:.1f} peak={es_el.max():.1f}",
    )
    return clip


if __name__ == "__main__":
    RL.main(
        CLIPS,
        render_clip,
        __doc__.splitlines()[0],
        check_option_help="if set, save the raw first and peak-lift frames as .npy into this "
        "folder",
    )
