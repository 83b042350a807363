"""Render the randomised-camera validation sets (tuning and held-out) with exact ground truth.

Every clip is drawn from its own seed (numpy Generator): the event type and the camera
elevation band come round-robin from the clip's place in its set, everything else (camera
elevation within the band, azimuth 0-360 around the body, roll, distance, focal length, body
shape, skin tone, outfit, floor, wall, lighting, the motion's timing) from the seed. The
motions are the make_*.py scripts' own (supine_pose, grasp_pose, prone_pose, sitting_pose),
plus a reach up to a toy and negative controls. See docs/validation-sets.md.

usage (from tools/render/, in an environment set up as in README.md):
    python make_views.py --set SET [--out DIR] [--only NAME[,NAME]] [--frames N]
    (SET: tuning, tuning2, heldout, heldout2 .. heldout12)
    python make_views.py --set heldout --list     # the clip table, without rendering
(--list also shows the distance and the counted truths of clips already rendered in DIR)
DIR defaults to /work/renders/<set>. NAME: a full clip name or its seed prefix (t1000, h2000).
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_grasp as MG  # noqa: E402
import make_prone as MP  # noqa: E402
import make_sitting as MS  # noqa: E402
import make_supine as MU  # noqa: E402
import render_lib as RL  # noqa: E402

SETS = {"tuning": ("t", range(1000, 1048)), "heldout": ("h", range(2000, 2064)),
        "heldout2": ("h", range(3000, 3064)), "tuning2": ("t", range(4000, 4048)),
        "heldout3": ("h", range(5000, 5064)), "heldout4": ("h", range(6000, 6064)),
        "heldout5": ("h", range(7000, 7064)), "heldout6": ("h", range(8000, 8064)),
        "heldout7": ("h", range(9000, 9064)), "heldout8": ("h", range(10000, 10064)),
        "heldout9": ("h", range(11000, 11064)), "heldout10": ("h", range(12000, 12064)),
        "heldout11": ("h", range(13000, 13064)), "heldout12": ("h", range(14000, 14064))}
TYPES = ("supine_midline", "supine_reach_up", "prone_lift", "sitting", "grasp", "control")
BANDS = (("top", 0.0, 30.0), ("oblique", 30.0, 60.0), ("low", 60.0, 90.0))
POSTURE = {
    "supine_midline": "supine",
    "supine_reach_up": "supine",
    "prone_lift": "prone",
    "sitting": "sitting",
    "grasp": "supine",
}
# world directions of each posture's body: towards the feet and towards the infant's left
# (supine / sitting: anny's anterior -y -> world -Y or up; prone: head -> +X, left -> +Y)
FEET_LEFT = {
    "supine": (np.array([0.0, -1, 0]), np.array([1.0, 0, 0])),
    "sitting": (np.array([0.0, -1, 0]), np.array([1.0, 0, 0])),
    "prone": (np.array([-1.0, 0, 0]), np.array([0.0, 1, 0])),
}
FLOOR_SIZE = 5.0  # the mat reaches the wall (radius 2.5 m), so low views see no edge
TOY_COLOURS = ((0.95, 0.2, 0.2), (0.2, 0.5, 0.95), (0.98, 0.8, 0.1), (0.3, 0.8, 0.3))


def plan(set_name, index, seed):
    """The clip's table row: every draw that names it or that --list shows, from its seed.
    Returns (row dict, rng); the rng goes on to draw the motion and the lighting."""
    prefix = SETS[set_name][0]
    rng = np.random.default_rng(seed)
    kind = TYPES[index % len(TYPES)]
    band = BANDS[(index + index // len(TYPES)) % len(BANDS)]
    posture = POSTURE.get(kind) or ("supine" if (index // len(TYPES)) % 2 == 0 else "prone")
    el = float(rng.uniform(band[1], band[2]))
    az = float(rng.uniform(0, 360))
    roll = float(rng.uniform(-90, 90) if band[0] == "top" else rng.uniform(-25, 25))
    fill = float(rng.uniform(0.5, 0.9))
    row = dict(
        set=set_name,
        seed=seed,
        type=kind,
        posture=posture,
        band=band[0],
        elevation_deg_from_vertical=round(el, 2),
        azimuth_deg=round(az, 2),
        roll_deg=round(roll, 2),
        fill=round(fill, 3),
        framing="near" if fill >= 0.72 else "far",
        focal_px=round(float(rng.uniform(480, 600)), 2),
        skin=str(rng.choice(list(RL.SKIN_TONES))),
        onesie=str(rng.choice(list(RL.ONESIE_COLOURS))),
        sleeves=str(rng.choice(["short", "long"])),
        legs=str(rng.choice(["short", "long"])),
        floor_kind=str(rng.choice(["dots", "stripes", "checker", "stars", "plaid"])),
        floor_base=[round(float(x), 3) for x in rng.uniform(0.45, 0.95, 3)],
        phenotype=dict(
            age=round(float(rng.uniform(0, 0.1)), 3),
            gender=round(float(rng.uniform(0.2, 0.8)), 3),
            weight=round(float(rng.uniform(0.55, 0.85)), 3),
            muscle=round(float(rng.uniform(0.3, 0.5)), 3),
            height=round(float(rng.uniform(0.4, 0.6)), 3),
            proportions=round(float(rng.uniform(0.4, 0.6)), 3),
        ),
        hand=str(rng.choice(["left", "right"])),
    )
    if kind == "prone_lift":
        row.update(
            peak_lift_cmd_deg=int(rng.choice([30, 45, 60, 80])),
            n_lifts=int(rng.integers(1, 3)),
            arms=str(rng.choice(["forearms", "forearms", "flat"])),
            head_turn_peak_deg=float(rng.choice([0, 0, 25, -25])),
        )
    if kind == "grasp":
        row.update(palms=str(rng.choice(["camera", "midline"])))
    if kind == "control" and posture == "prone":
        row.update(arms=str(rng.choice(["forearms", "flat"])))
    if kind in ("supine_midline", "supine_reach_up"):
        row.update(reach_shift_s=round(float(rng.uniform(-0.3, 0.3)), 2))
    row["clip"] = (
        f"{prefix}{seed}_{kind}{'_' + posture if kind == 'control' else ''}"
        f"__el{round(el)}_az{round(az) % 360}"
    )
    return row, rng


def set_rows(set_name):
    return [plan(set_name, i, seed)[0] for i, seed in enumerate(SETS[set_name][1])]


def scripted_events(row):
    """A short text of the scripted true events (for --list and the docs)."""
    k = row["type"]
    if k == "supine_midline":
        return f"2 reaches ({row['hand']} hand) across the midline"
    if k == "supine_reach_up":
        return f"2 reaches ({row['hand']} hand) up to a toy, own side"
    if k == "prone_lift":
        return f"{row['n_lifts']} head lift(s), peak cmd {row['peak_lift_cmd_deg']} deg"
    if k == "sitting":
        return "sitting, trunk sway; arms wave (not annotated)"
    if k == "grasp":
        return "4 grasps (2 per hand), arms still"
    return "none (negative control)"


# ---------------------------------------------------------------- camera
def camera_pose(centre, direction, distance, target, roll_deg):
    """OpenGL camera at centre + distance * direction looking at target, gravity-upright
    (image up = world up, or for a camera straight above, the side away from the camera;
    exactly overhead, where no side is away from it, world -x),
    then turned by roll_deg about its optical axis (+ = camera turned counter-clockwise)."""
    horiz = direction.copy()
    horiz[2] = 0
    n = np.linalg.norm(horiz)
    horiz = horiz / n if n > 1e-9 else np.array([1.0, 0.0, 0.0])
    cam = RL.look_at(centre + distance * direction, target, up=np.array([0, 0, 1.0]) - horiz)
    r = np.radians(roll_deg)
    Rz = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    cam[:3, :3] = cam[:3, :3] @ Rz
    return cam


def frame_views_camera(vertices_world, centre, direction, roll_deg, K, fill, rounds=6):
    """Camera on the ray centre + d * direction (so its elevation and azimuth seen from the
    body centre are exact), aimed so that the body (all frames) is centred in the image and
    fills `fill` of the image along its tighter axis. Returns (cam_to_world, distance)."""
    f = K[0, 0]
    sample = vertices_world[::6].reshape(-1, 3)[::7]
    distance, target = 1.0, centre.copy()
    for _ in range(rounds):
        cam = camera_pose(centre, direction, distance, target, roll_deg)
        u, v, d = RL.project(sample, K, cam)
        if (d <= 0.02).any():
            distance *= 1.5
            continue
        u0, u1 = np.percentile(u, [0.1, 99.9])
        v0, v1 = np.percentile(v, [0.1, 99.9])
        scale = max((u1 - u0) / (fill * RL.W), (v1 - v0) / (fill * RL.H))
        depth = float(np.linalg.norm(target - cam[:3, 3]))
        target = (
            target
            + cam[:3, 0] * (0.5 * (u0 + u1) - RL.W / 2) * depth / f
            - cam[:3, 1] * (0.5 * (v0 + v1) - RL.H / 2) * depth / f
        )
        distance *= scale
    return camera_pose(centre, direction, distance, target, roll_deg), distance


# ---------------------------------------------------------------- motions
def reach_schedule(shift):
    return [(0.6 + shift, 1.9 + shift, 2.5 + shift, 3.6 + shift), (4.0, 5.3, 5.9, 6.9)]


def reach_progress(tt, schedule):
    s = np.zeros(len(tt))
    for a, p, h, o in schedule:
        s += RL.minjerk((tt - a) / (p - a)) - RL.minjerk((tt - h) / (o - h))
    return np.clip(s, 0, 1)


def reach_up_pose(B, tt, hand, s, rng):
    """make_supine's pose with the reaching arm's rest as there, but the reach goes straight
    up towards the ceiling: at the peak the wrist is about 19 cm above its own shoulder
    (upperarm01 z 45 deg, x -60 deg; the elbow opens from 60 to 10 deg of flexion)."""
    P, turn = MU.supine_pose(B, tt, hand, np.zeros(B), rng)
    me = "R" if hand == "right" else "L"
    sg = 1 if hand == "right" else -1
    P[f"upperarm01.{me}"] = RL.compose(
        RL.rotH("z", sg * 45 * s), RL.rotH("x", -60 * s), RL.rotH("y", sg * 25 * (1 - s))
    )
    P[f"lowerarm01.{me}"] = RL.rotH("x", -(60 * (1 - s) + 10 * s))
    return P, turn


def smooth_noise(rng, tt, amp, n=3):
    out = np.zeros(len(tt))
    for _ in range(n):
        out += np.sin(2 * np.pi * tt / rng.uniform(1.5, 4.0) + rng.uniform(0, 2 * np.pi))
    return amp * out / n


def supine_body(row, rng, B, tt):
    """Pose, model run and supine truths for the supine types. Returns a dict."""
    kind, hand, phen = row["type"], row["hand"], row["phenotype"]
    out = dict(reaches=[], extra_events={}, extra_gt={}, extra_render={}, toy=None)
    if kind in ("supine_midline", "supine_reach_up"):
        sched = reach_schedule(row["reach_shift_s"])
        s = reach_progress(tt, sched)
        fn = MU.supine_pose if kind == "supine_midline" else reach_up_pose
        pose, turn = fn(B, tt, hand, s, rng)
        target = (
            ("left" if hand == "right" else "right") + "_side_across_midline"
            if kind == "supine_midline"
            else "toy_above_own_shoulder"
        )
        for a, p, h, o in sched:
            out["reaches"].append(
                dict(
                    hand=hand, onset_s=round(a, 3), peak_s=round(p, 3), hold_end_s=round(h, 3),
                    offset_s=round(o, 3), target=target,
                    onset_frame=int(round(a * RL.FPS)), peak_frame=int(round(p * RL.FPS)),
                    hold_end_frame=int(round(h * RL.FPS)),
                    offset_frame=min(int(round(o * RL.FPS)), B - 1),
                )
            )
        out["reaches"] = [r for r in out["reaches"] if r["onset_frame"] < B]
    elif kind == "control":
        s = np.clip(0.06 + smooth_noise(rng, tt, 0.08), 0, 0.15)
        pose, turn = MU.supine_pose(B, tt, hand, s, rng)
    v, bp, _ = RL.run_model(pose, phen, B)
    T = RL.supine_body_to_world(v)
    Vw, kp3d, j3d = RL.body_in_world(T, v, bp)
    if kind == "supine_reach_up":
        ki = RL.keypoint_index()
        pk = out["reaches"][0]["peak_frame"]
        w, e = kp3d[pk, ki[f"{hand}_wrist"]], kp3d[pk, ki[f"{hand}_elbow"]]
        out["toy"] = w + 0.07 * (w - e) / np.linalg.norm(w - e)
        out["extra_render"]["toy_position_m"] = RL.r2(out["toy"], 4)
    out.update(pose_turn=turn, T=T, Vw=Vw, kp3d=kp3d, j3d=j3d)
    return out


def grasp_body(row, rng, B, tt):
    phen = row["phenotype"]
    arm = {
        side: dict(
            abduction=float(rng.uniform(26, 34)),
            flexion=float(rng.uniform(16, 24)),
            elbow=float(rng.uniform(95, 105)),
            twist=MG.FOREARM_TWIST[row["palms"]] + float(rng.uniform(-5, 5)),
        )
        for side, _ in MG.SIDES
    }
    schedule = {
        "left": [0.4 + rng.uniform(0, 0.3), 3.3 + rng.uniform(0, 0.3)],
        "right": [1.9 + rng.uniform(0, 0.3), 4.7 + rng.uniform(0, 0.2)],
    }
    holds = {side: rng.uniform(0.9, 1.1, 2) for side, _ in MG.SIDES}
    curl = {side: MG.curl_command(tt, schedule[side], holds[side]) for side, _ in MG.SIDES}
    ref_bones, hand_points = MG.hand_point_indices(phen)
    pose, turn = MG.grasp_pose(B, tt, curl, arm, ref_bones, rng)
    v, bp, _ = RL.run_model(pose, phen, B)
    T = RL.supine_body_to_world(v)
    Vw, kp3d, j3d = RL.body_in_world(T, v, bp)
    bones_w = RL.rigid(T, bp[:, :, :3, 3])
    hand3d = {
        side: np.stack(
            [(bones_w if kind == "bone" else Vw)[:, i] for kind, i in hand_points[side]], 1
        )
        for side, _ in MG.SIDES
    }
    return dict(
        reaches=[], toy=None, pose_turn=turn, T=T, Vw=Vw, kp3d=kp3d, j3d=j3d, curl=curl,
        hand3d=hand3d,
        extra_render=dict(
            palms_facing=row["palms"],
            arm_deg={sd: {k: round(x, 2) for k, x in a.items()} for sd, a in arm.items()},
            closing_onsets_s={sd: RL.r2(schedule[sd], 3) for sd, _ in MG.SIDES},
            hold_s={sd: RL.r2(holds[sd], 3) for sd, _ in MG.SIDES},
        ),
    )


def prone_body(row, rng, B, tt):
    phen = row["phenotype"]
    arms = row["arms"]
    rest_el_min = float(rng.uniform(-8, -2))
    T, f0, alpha, _ = MP.place_body(arms, phen, rest_el_min)
    if row["type"] == "prone_lift":
        peak = row["peak_lift_cmd_deg"]
        cmd, segs = MP.lift_profile(row["n_lifts"], peak, rng)
        cmd = cmd[:B]
        turn = np.zeros(B)
        if row["head_turn_peak_deg"]:
            a, u, h, d = segs[0]
            turn = row["head_turn_peak_deg"] * (
                RL.minjerk((tt - a - 0.3 * u) / 1.0) - RL.minjerk((tt - a - u - 0.6 * h) / 1.0)
            )
        lifts = [
            dict(start_frame=int(a), end_frame=int(b)) for a, b in RL.true_runs(cmd > peak / 2)
        ]
    else:  # control: the head stays down, small wandering only
        cmd = np.clip(3 + smooth_noise(rng, tt, 5), 0, 8)
        turn = smooth_noise(rng, tt, 6)
        lifts = []
    wiggle = dict(
        elbow=4 * np.sin(2 * np.pi * tt / rng.uniform(2.5, 4) + rng.uniform(0, 6)),
        knee=10 * np.sin(2 * np.pi * tt / rng.uniform(2, 3.5) + rng.uniform(0, 6)),
    )
    v, bp, rbp = RL.run_model(MP.prone_pose(arms, cmd, turn, f0, B, wiggle), phen, B)
    Vw, kp3d, j3d = RL.body_in_world(T, v, bp)
    head_el = MP.head_axis_elevation_deg(bp, rbp, T[:3, :3])
    ki = RL.keypoint_index()
    es = 0.5 * (kp3d[:, ki["left_ear"]] + kp3d[:, ki["right_ear"]]) - 0.5 * (
        kp3d[:, ki["left_shoulder"]] + kp3d[:, ki["right_shoulder"]]
    )
    events = dict(
        midline_crossings=[],
        reaches=[],
        head_lift_cmd_deg=RL.r2(cmd),
        head_axis_elevation_deg=RL.r2(head_el),
        ear_shoulder_elevation_deg=RL.r2(RL.elevation_deg(es)),
        head_turn_cmd_deg=RL.r2(turn),
        head_lifts=lifts,
    )
    return dict(
        T=T, Vw=Vw, kp3d=kp3d, j3d=j3d, events=events,
        extra_render=dict(
            arms=arms, body_pitch_deg=round(alpha, 2), rest_neck_flexion_deg=f0,
            rest_head_axis_min_deg=round(rest_el_min, 2),
        ),
    )


def sitting_body(row, rng, B, tt):
    phen = row["phenotype"]
    cands = np.arange(60.0, 110.0, 1.0)
    nc = len(cands)
    vc, _, _ = RL.run_model(
        MS.sitting_pose(nc, np.zeros(nc), np.random.default_rng(0), hip=cands), phen, nc
    )
    butt = RL.bone_weight(["root", "pelvis.L", "pelvis.R", "spine05"]) > 0.4
    feet = (
        RL.bone_weight(
            [b for b in RL.model()["labels"] if b.startswith(("foot", "toe", "lowerleg"))]
        )
        > 0.5
    )
    gap = vc[:, feet, 2].min(1) - vc[:, butt, 2].min(1)
    hip = (
        float(np.interp(0.0, gap, cands))
        if np.all(np.diff(gap) > 0)
        else float(cands[np.argmin(np.abs(gap))])
    )
    v, bp, _ = RL.run_model(MS.sitting_pose(B, tt, rng, hip=hip), phen, B)
    T = np.eye(4)
    T[:3, 3] = [0, 0, -v[0, butt, 2].min()]
    Vw, kp3d, j3d = RL.body_in_world(T, v, bp)
    ki = RL.keypoint_index()
    tr = 0.5 * (kp3d[:, ki["left_shoulder"]] + kp3d[:, ki["right_shoulder"]]) - 0.5 * (
        kp3d[:, ki["left_hip"]] + kp3d[:, ki["right_hip"]]
    )
    tilt = np.degrees(np.arccos(tr[:, 2] / np.linalg.norm(tr, axis=1)))
    return dict(
        T=T, Vw=Vw, kp3d=kp3d, j3d=j3d, events=dict(trunk_tilt_deg=RL.r2(tilt)),
        extra_render=dict(hip_flexion_deg=round(hip, 1)),
    )


# ---------------------------------------------------------------- one clip
NOTES = (
    "Randomised-camera validation clip (tools/render/make_views.py). camera: "
    "elevation_deg_from_vertical = angle between straight up and the line from the body centre "
    "(mean of the first frame's 3-D keypoints) to the camera (0 = straight above, 90 = level); "
    "azimuth_deg = that line's direction around the body on the floor, 0 = beyond the feet, "
    "90 = the infant's left, 180 = beyond the head (sitting: behind the back), 270 = the "
    "infant's right; roll_deg = the camera turned about its optical axis from gravity-upright "
    "(+ = counter-clockwise, the scene appears turned clockwise); distance_m = camera to body "
    "centre. Left/right = the infant's own sides; frames 0-based, ranges inclusive. "
)
TYPE_NOTES = {
    "supine_midline": "reaches = make_supine.py's scripted reach across the chest (min-jerk "
    "onset/peak/hold_end/offset); midline crossings on both bases as in the mNN clips.",
    "supine_reach_up": "reaches = scripted reach of one hand up to a toy (a ball) above its "
    "own shoulder (the arm raised to point at the ceiling, elbow nearly straight); "
    "midline crossings computed as in the mNN clips.",
    "prone_lift": "as make_prone.py: head_lift_cmd_deg relative to the resting posture, "
    "head_axis_elevation_deg exact from the rig, ear_shoulder_elevation_deg from the 3-D "
    "keypoints, head_lifts = frames with the command above half its peak.",
    "sitting": "as make_sitting.py: trunk_tilt_deg from the 3-D hip-mid -> shoulder-mid "
    "vector; the arms wave freely, so reaches and midline crossings are not annotated.",
    "grasp": "as make_grasp.py: grasps = frames with the curl command >= 0.5; hand_aperture "
    "on the true 3-D hand points; the arms do not move (no reaches).",
    "control": "negative control: small random motion only, nothing purposeful (supine: the "
    "arms stay at rest with small movements, fingers open; prone: the head stays down, the "
    "command below 8 deg, no head lift); the empty event lists are the truth.",
}


def render_clip(row, rng, outdir, nframes):
    started_at = time.time()
    B = nframes
    tt = np.arange(B) / RL.FPS
    kind, posture = row["type"], row["posture"]
    if kind == "grasp":
        body = grasp_body(row, rng, B, tt)
    elif posture == "supine":
        body = supine_body(row, rng, B, tt)
    elif posture == "prone":
        body = prone_body(row, rng, B, tt)
    else:
        body = sitting_body(row, rng, B, tt)
    Vw, kp3d, j3d, T = body["Vw"], body["kp3d"], body["j3d"], body["T"]
    # camera
    feet, left = FEET_LEFT[posture]
    el, az = np.radians(row["elevation_deg_from_vertical"]), np.radians(row["azimuth_deg"])
    horiz = np.cos(az) * feet + np.sin(az) * left
    direction = np.sin(el) * horiz + np.array([0, 0, np.cos(el)])
    centre = kp3d[0].mean(0)
    K = RL.intrinsics(row["focal_px"])
    framed = Vw if body.get("toy") is None else np.concatenate(
        [Vw, np.broadcast_to(body["toy"], (len(Vw), 1, 3))], 1
    )
    cam, distance = frame_views_camera(framed, centre, direction, row["roll_deg"], K, row["fill"])
    # appearance: lighting, floor repeats, wall colour from the clip's generator
    lighting = dict(
        key_az=float(rng.uniform(0, 360)),
        key_el=float(rng.uniform(40, 75)),
        key=float(rng.uniform(1.8, 2.6)),
        fill=float(rng.uniform(0.4, 0.7)),
        ambient=float(rng.uniform(0.22, 0.32)),
        cam_fill=float(rng.uniform(0.15, 0.35) * min((distance / 1.0) ** 2, 4.0)),
    )
    floor_repeat = int(round(rng.uniform(2, 5) * FLOOR_SIZE / 3.0))
    wall = tuple(float(x) for x in rng.uniform(0.7, 0.95, 3))
    renderer = RL.Renderer(
        K, cam, RL.floor_texture(row["floor_kind"], row["floor_base"], seed=row["seed"]),
        floor_size=FLOOR_SIZE, floor_repeat=floor_repeat, light=lighting, wall_colour=wall,
    )
    renderer.set_groups(
        RL.face_groups(
            RL.SKIN_TONES[row["skin"]], RL.ONESIE_COLOURS[row["onesie"]], row["sleeves"],
            row["legs"],
        )
    )
    if body.get("toy") is not None:
        import pyrender
        import trimesh

        ball = trimesh.creation.icosphere(subdivisions=3, radius=0.035)
        ball.apply_translation(body["toy"])
        colour = TOY_COLOURS[int(rng.integers(len(TOY_COLOURS)))]
        mat = pyrender.MetallicRoughnessMaterial(
            baseColorFactor=list(colour) + [1.0], metallicFactor=0.0, roughnessFactor=0.5
        )
        renderer.scene.add(pyrender.Mesh.from_trimesh(ball, material=mat))
    clip = row["clip"]
    kp2d, j2d, _ = RL.render_frames(
        renderer, os.path.join(outdir, clip + ".mp4"), Vw, kp3d, j3d, K, cam
    )
    kp2d = np.array(kp2d)
    ki = RL.keypoint_index()
    in_view = (
        (kp2d[:, :, 0] >= 0) & (kp2d[:, :, 0] < RL.W) & (kp2d[:, :, 1] >= 0)
        & (kp2d[:, :, 1] < RL.H)
    )
    camera = dict(
        elevation_deg_from_vertical=row["elevation_deg_from_vertical"],
        azimuth_deg=row["azimuth_deg"],
        roll_deg=row["roll_deg"],
        distance_m=round(float(distance), 4),
        elevation_band=row["band"],
        framing=row["framing"],
        fill=row["fill"],
    )
    events = dict(
        **RL.events_header(clip, kind if kind != "control" else f"control_{posture}", posture,
                           f"{row['band']}_el{round(row['elevation_deg_from_vertical'])}", B),
    )
    extra_gt = {}
    if posture in ("supine",):
        side3d, side2d = RL.wrist_sides(kp3d, kp2d, RL.SUPINE_R @ np.array([1.0, 0, 0]))
        events["midline_crossings"] = RL.midline_crossings(side3d, side2d)
        events["reaches"] = body["reaches"]
        events.update(RL.supine_side_events(B, body["pose_turn"], side3d, side2d))
        if kind == "grasp":
            hand3d, curl = body["hand3d"], body["curl"]
            hand2d = {sd: np.stack(RL.project(hand3d[sd], K, cam)[:2], -1) for sd, _ in MG.SIDES}
            events["grasps"] = sorted(
                (
                    dict(hand=sd, start_frame=int(a), end_frame=int(b))
                    for sd, _ in MG.SIDES
                    for a, b in RL.true_runs(curl[sd] >= 0.5)
                ),
                key=lambda g: g["start_frame"],
            )
            events["hand_curl_cmd"] = {sd: RL.r2(curl[sd], 3) for sd, _ in MG.SIDES}
            events["hand_aperture"] = {
                sd: RL.r2(MG.aperture(hand3d[sd]), 3) for sd, _ in MG.SIDES
            }
            events["hand_aperture_2d"] = {
                sd: RL.r2(MG.aperture(hand2d[sd]), 3) for sd, _ in MG.SIDES
            }
            extra_gt = dict(
                hand_keypoint_names=[
                    f"{sd}_hand_{p}" for sd, _ in MG.SIDES for p in MG.HAND_POINTS
                ],
                hand_keypoints_2d=[
                    RL.r2(np.concatenate([hand2d[sd][t] for sd, _ in MG.SIDES])) for t in range(B)
                ],
                hand_keypoints_3d_world=[
                    RL.r2(np.concatenate([hand3d[sd][t] for sd, _ in MG.SIDES]), 4)
                    for t in range(B)
                ],
                hand_keypoint_definition="as make_grasp.py",
            )
        elif kind == "control":
            events["grasps"] = []
    else:
        events.update(body["events"])
    events.update(
        camera=camera,
        set=row["set"],
        seed=row["seed"],
        event_type=kind,
        keypoints_in_view_share=round(float(in_view.mean()), 4),
        frames_all_keypoints_in_view=round(float(in_view.all(1).mean()), 4),
        notes=NOTES + TYPE_NOTES[kind],
    )
    render = dict(
        set=row["set"],
        seed=row["seed"],
        type=kind,
        camera=camera,
        focal_px=row["focal_px"],
        skin_tone=row["skin"],
        onesie_colour=row["onesie"],
        sleeves=row["sleeves"],
        legs=row["legs"],
        floor_pattern=row["floor_kind"],
        floor_base_rgb=row["floor_base"],
        floor_size_m=FLOOR_SIZE,
        floor_repeat=floor_repeat,
        wall_rgb=[round(x, 3) for x in wall],
        lighting=lighting,
        phenotype=row["phenotype"],
        **body.get("extra_render", {}),
    )
    meta = dict(posture=posture, view=events["view"], phenotype=row["phenotype"], render=render)
    RL.write_outputs(outdir, clip, meta, K, cam, T, list(kp2d), kp3d, j2d, events, extra_gt)
    del ki
    RL.print_clip_summary(
        clip,
        started_at,
        f"dist={distance:.2f} in_view={in_view.mean():.3f} "
        f"all_in_view_frames={in_view.all(1).mean():.2f}",
    )


def rendered_truth(out, clip):
    """Distance (m) and a count of the true events from a rendered clip's .events.json in
    out, or None when it has not been rendered there."""
    path = os.path.join(out, clip + ".events.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        ev = json.load(f)
    parts = []
    crossings = [m for m in ev.get("midline_crossings", []) if m["basis"].startswith("3d")]
    for key, n in (
        ("reaches", len(ev.get("reaches", []))),
        ("3-D midline crossings", len(crossings)),
        ("head lifts", len(ev.get("head_lifts", []))),
        ("grasps", len(ev.get("grasps", []))),
    ):
        if n:
            parts.append(f"{n} {key}")
    if "trunk_tilt_deg" in ev:
        tilt = ev["trunk_tilt_deg"]
        parts.append(f"trunk tilt {min(tilt):.0f}-{max(tilt):.0f} deg")
    return ev["camera"]["distance_m"], ", ".join(parts) or "none"


def print_table(chosen, out):
    """The clip table (markdown); distance and counted truths where out has the clip."""
    print("| clip | type | posture | elevation from vertical (deg) | band | azimuth (deg) "
          "| roll (deg) | framing (fill) | distance (m) | skin / onesie | true events "
          "(scripted) | true events (rendered) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row, _ in chosen:
        done = rendered_truth(out, row["clip"])
        print(
            f"| {row['clip']} | {row['type']} | {row['posture']} | "
            f"{row['elevation_deg_from_vertical']:.1f} | {row['band']} | "
            f"{row['azimuth_deg']:.1f} | {row['roll_deg']:.1f} | {row['framing']} "
            f"({row['fill']:.2f}) | {f'{done[0]:.2f}' if done else '-'} | "
            f"{row['skin']} / {row['onesie']} | {scripted_events(row)} | "
            f"{done[1] if done else 'not rendered'} |"
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", required=True, choices=sorted(SETS))
    ap.add_argument("--out", default="", help="output folder (default /work/renders/<set>)")
    ap.add_argument("--only", default="", help="comma-separated clip names or seed prefixes")
    ap.add_argument("--frames", type=int, default=RL.NF, help="frames per clip")
    ap.add_argument("--list", action="store_true", help="print the clip table, render nothing")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    chosen = []
    for i, seed in enumerate(SETS[args.set][1]):
        row, rng = plan(args.set, i, seed)
        short = row["clip"].split("_")[0]
        if only is None or row["clip"] in only or short in only:
            chosen.append((row, rng))
    out = args.out or f"/work/renders/{args.set}"
    if args.list:
        print_table(chosen, out)
        return
    os.makedirs(out, exist_ok=True)
    for row, rng in chosen:
        render_clip(row, rng, out, args.frames)


if __name__ == "__main__":
    main()
