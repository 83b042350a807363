"""Render supine hand-opening / grasp clips seen from above (__top) with exact ground truth.

The arms are held still in a play position (forearms raised beside the shoulders); each hand
closes to a fist and opens again twice, the left and right hand at different times (g04: a
negative control, the fingers stay open). Besides the usual keys, .events.json has grasps,
hand_curl_cmd, hand_aperture (motorobs' aperture on the body model's true 3-D hand points)
and hand_aperture_2d; .gt.json has the hand points per frame (hand_keypoints_2d / _3d_world).

usage (from tools/render/, in an environment set up as in README.md):
    python make_grasp.py [--only g01] [--out DIR] [--frames N]
DIR defaults to validation_clips/ at the repository root.
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_lib as RL

# name, framing ("body": the whole infant, "close": head, torso and both hands), fraction of
# the image height that this part fills, camera tilt (deg, + = camera moved towards the feet),
# palms facing ("camera" or "midline"), hands close to fists (False: the negative control),
# skin, onesie, floor, floor base, phenotype
CLIPS = [
    (
        "g01",
        "body",
        0.9,
        4,
        "camera",
        True,
        "light",
        "lightblue",
        "stripes",
        (0.90, 0.85, 0.75),
        dict(age=0.03, gender=0.45, weight=0.7, muscle=0.35, height=0.5, proportions=0.5),
    ),
    (
        "g02",
        "body",
        0.85,
        7,
        "midline",
        True,
        "brown",
        "mint",
        "checker",
        (0.75, 0.75, 0.88),
        dict(age=0.0, gender=0.6, weight=0.6, muscle=0.4, height=0.55, proportions=0.45),
    ),
    (
        "g03",
        "close",
        0.92,
        3,
        "camera",
        True,
        "tan",
        "orange",
        "stars",
        (0.60, 0.75, 0.85),
        dict(age=0.06, gender=0.35, weight=0.75, muscle=0.3, height=0.45, proportions=0.5),
    ),
    (
        "g04",
        "close",
        0.85,
        6,
        "camera",
        False,
        "dark",
        "lavender",
        "plaid",
        (0.90, 0.80, 0.70),
        dict(age=0.02, gender=0.5, weight=0.65, muscle=0.4, height=0.5, proportions=0.55),
    ),
]
SIDES = (("left", "L"), ("right", "R"))
# full-fist flexion (degrees) per joint, about each bone's flexion axis; finger1 is the thumb,
# finger2..5 index..little; segment 1 is the proximal bone (finger2-5: proximal phalanx, MCP
# joint; finger1-1: thumb metacarpal, CMC joint), 3 the distal phalanx
FIST_DEG = {"finger": (80.0, 95.0, 60.0), "thumb": (20.0, 40.0, 60.0)}
CLOSE_S, OPEN_S = 0.4, 0.4  # min-jerk closing and opening durations
# MediaPipe hand landmarks used by motorobs' aperture, in motorobs' order
HAND_POINTS = (
    "wrist",
    "middle_finger_mcp",
    "thumb_tip",
    "index_finger_tip",
    "middle_finger_tip",
    "ring_finger_tip",
    "pinky_tip",
)
# palm facing -> forearm twist (degrees of supination on lowerarm02, about its long axis)
FOREARM_TWIST = {"camera": 60.0, "midline": 0.0}


def curl_command(tt, closings, hold_s):
    """(B,) curl command, 0 = open, 1 = fist: min-jerk closing over CLOSE_S from each onset in
    closings (s), held for hold_s, min-jerk opening over OPEN_S."""
    c = np.zeros(len(tt))
    for onset, hold in zip(closings, hold_s, strict=True):
        reopen = onset + CLOSE_S + hold
        c += RL.minjerk((tt - onset) / CLOSE_S) - RL.minjerk((tt - reopen) / OPEN_S)
    return np.clip(c, 0, 1)


def grasp_pose(B, tt, curl, arm, ref_bones, rng):
    """Pose dict: arms still in the play position, fingers curled by curl[side] (B,), legs
    flexed and still, a slow small head turn. arm[side]: the arm angles (degrees);
    ref_bones: the reference-pose bone poses (1, J, 4, 4), for the finger and forearm axes."""
    labels = RL.model()["labels"]
    ones = np.ones(B)

    def axis(bone, column):  # a bone's local axis in the reference pose (body frame)
        return ref_bones[0, labels.index(bone), :3, column]

    P = {}
    for side, s in SIDES:
        sg = 1 if s == "L" else -1  # mirror for the right side
        a = arm[side]
        # shoulder: abducted on the mat and a little flexed; elbow flexed so that the forearm
        # rises towards the head beside the shoulder; forearm twisted to turn the palm
        P[f"upperarm01.{s}"] = RL.compose(
            RL.rotH("y", -sg * a["abduction"] * ones), RL.rotH("x", -a["flexion"] * ones)
        )
        P[f"lowerarm01.{s}"] = RL.rotH("x", -a["elbow"] * ones)
        P[f"lowerarm02.{s}"] = RL.rot_about(axis(f"lowerarm02.{s}", 1), sg * a["twist"] * ones)
        # fingers: each joint flexes about its bone's own x axis (the flexion axis of the
        # MakeHuman finger bones: + curls the finger towards the palm)
        for f in range(1, 6):
            degs = FIST_DEG["thumb" if f == 1 else "finger"]
            for k, deg in enumerate(degs, start=1):
                bone = f"finger{f}-{k}.{s}"
                P[bone] = RL.rot_about(axis(bone, 0), deg * curl[side])
        hip, knee = rng.uniform(30, 45), rng.uniform(50, 65)
        P[f"upperleg01.{s}"] = RL.compose(RL.rotH("x", -hip * ones), RL.rotH("y", -sg * 20 * ones))
        P[f"lowerleg01.{s}"] = RL.rotH("x", knee * ones)
    turn = 4 * np.sin(2 * np.pi * tt / rng.uniform(5.5, 7.0) + rng.uniform(0, 2 * np.pi))
    P["head"] = RL.rotH("z", turn)
    return P, turn


def hand_point_indices(phen):
    """Where the HAND_POINTS of each hand are on the body model, for this phenotype.

    Returns (ref_bones, points): the reference-pose bone poses (1, J, 4, 4) and per side a
    list, in HAND_POINTS order, of ("bone", bone index) for the wrist (head of wrist.L/R,
    the wrist joint centre) and middle_finger_mcp (head of finger3-1, the middle finger's
    proximal phalanx: its MCP joint), and ("vertex", vertex index) for the fingertips: the
    vertex of the distal phalanx (finger1..5-3, mostly skinned to it) furthest from its joint
    in the reference pose, i.e. the very end of the finger.
    """
    M = RL.model()
    labels = M["labels"]
    ref_vertices, ref_bones, _ = RL.run_model({}, phen, 1)
    points = {}
    for side, s in SIDES:
        pts = [("bone", labels.index(f"wrist.{s}")), ("bone", labels.index(f"finger3-1.{s}"))]
        for f in range(1, 6):
            b = labels.index(f"finger{f}-3.{s}")
            own = np.where(M["dense_w"][:, b] > 0.5)[0]
            dist = np.linalg.norm(ref_vertices[0, own] - ref_bones[0, b, :3, 3], axis=1)
            pts.append(("vertex", int(own[np.argmax(dist)])))
        points[side] = pts
    return ref_bones, points


def aperture(points):
    """motorobs' hand aperture from (B, 7, d) points in HAND_POINTS order: the mean
    fingertip-to-wrist distance over the wrist-to-middle-MCP distance."""
    palm = np.linalg.norm(points[:, 1] - points[:, 0], axis=-1)
    tips = np.linalg.norm(points[:, 2:] - points[:, :1], axis=-1).mean(1)
    return tips / palm


def render_clip(cfg, outdir, nframes=RL.NF):
    name, framing, fill, tilt, palms, grasping, skin, onesie, floor_kind, floor_base, phen = cfg
    clip = f"{name}_grasp__top"
    seed = 300 + int(name[1:])
    rng = np.random.default_rng(4000 + seed)
    started_at = time.time()
    B = nframes
    tt = np.arange(B) / RL.FPS
    # the arm angles, a little different per side
    arm = {
        side: dict(
            abduction=float(rng.uniform(26, 34)),
            flexion=float(rng.uniform(16, 24)),
            elbow=float(rng.uniform(95, 105)),
            twist=FOREARM_TWIST[palms] + float(rng.uniform(-5, 5)),
        )
        for side, _ in SIDES
    }
    # finger timing: each hand closes twice (onsets in s), the two hands at different times
    schedule = {
        "left": [0.4 + rng.uniform(0, 0.3), 3.3 + rng.uniform(0, 0.3)],
        "right": [1.9 + rng.uniform(0, 0.3), 4.7 + rng.uniform(0, 0.2)],
    }
    holds = {side: rng.uniform(0.9, 1.1, 2) for side, _ in SIDES}
    if grasping:
        curl = {side: curl_command(tt, schedule[side], holds[side]) for side, _ in SIDES}
    else:  # negative control: the fingers stay open, small slow finger motion only
        curl = {
            side: 0.08 + 0.07 * np.sin(2 * np.pi * tt / rng.uniform(2.5, 3.5) + rng.uniform(0, 6))
            for side, _ in SIDES
        }
    ref_bones, hand_points = hand_point_indices(phen)
    pose, turn = grasp_pose(B, tt, curl, arm, ref_bones, rng)
    v, bp, _ = RL.run_model(pose, phen, B)
    T = RL.supine_body_to_world(v)
    Vw, kp3d, j3d = RL.body_in_world(T, v, bp)
    bones_w = RL.rigid(T, bp[:, :, :3, 3])
    hand3d = {
        side: np.stack(
            [(bones_w if kind == "bone" else Vw)[:, i] for kind, i in hand_points[side]], 1
        )
        for side, _ in SIDES
    }
    ki = RL.keypoint_index()
    # camera above, tilted by `tilt` towards the feet, head at the top of the image, placed so
    # that the whole body (body) or everything above the hips (close: head, torso, arms and
    # hands) fills `fill` of the image height, centred
    f = float(rng.uniform(500, 540))
    K = RL.intrinsics(f)
    framed = Vw
    if framing == "close":
        hip_y = 0.5 * (kp3d[0, ki["left_hip"], 1] + kp3d[0, ki["right_hip"], 1])
        framed = Vw[:, Vw[0, :, 1] >= hip_y]
    cam, _, distance = RL.frame_camera(
        framed,
        K,
        np.array([0.0, -np.sin(np.radians(tilt)), np.cos(np.radians(tilt))]),
        framed[0].mean(0),
        fill,
        "height",
        vertical_centre=0.5,
    )
    cam_h = float(cam[2, 3])
    # the camera-side fill light is a point light at the camera: scale it with the distance
    near = (cam_h / 1.2) ** 2
    appearance = dict(
        skin=skin, onesie=onesie, floor_kind=floor_kind, floor_base=floor_base, floor_seed=seed
    )
    kp2d, j2d, light = RL.render_supine_clip(
        rng,
        os.path.join(outdir, clip + ".mp4"),
        K,
        cam,
        Vw,
        kp3d,
        j3d,
        appearance,
        camera_fill_intensity=(0.15 * near, 0.3 * near),
    )
    hand2d = {side: np.stack(RL.project(hand3d[side], K, cam)[:2], -1) for side, _ in SIDES}
    side3d, side2d = RL.wrist_sides(kp3d, kp2d, RL.SUPINE_R @ np.array([1.0, 0, 0]))
    crossings = RL.midline_crossings(side3d, side2d)
    ap3d = {side: aperture(hand3d[side]) for side, _ in SIDES}
    ap2d = {side: aperture(hand2d[side]) for side, _ in SIDES}
    grasps = [
        dict(hand=side, start_frame=int(a), end_frame=int(b))
        for side, _ in SIDES
        for a, b in RL.true_runs(curl[side] >= 0.5)
    ]
    grasps.sort(key=lambda g: g["start_frame"])
    # open / closed frames for the summaries: curl command <= 0.2 / >= 0.8
    closed = {side: curl[side] >= 0.8 for side, _ in SIDES}
    opened = {side: curl[side] <= 0.2 for side, _ in SIDES}
    render = dict(
        framing=framing,
        fill_height=fill,
        camera_tilt_deg=tilt,
        camera_height_m=round(cam_h, 4),
        camera_distance_m=round(float(distance), 4),
        palms_facing=palms,
        grasping=grasping,
        **RL.appearance_record(f, appearance, light, phen),
        arm_deg={side: {k: round(x, 2) for k, x in a.items()} for side, a in arm.items()},
        fist_flexion_deg=dict(
            fingers_mcp_pip_dip=list(FIST_DEG["finger"]),
            thumb_cmc_mcp_ip=list(FIST_DEG["thumb"]),
        ),
        closing_onsets_s=(
            {side: RL.r2(schedule[side], 3) for side, _ in SIDES} if grasping else {}
        ),
        hold_s={side: RL.r2(holds[side], 3) for side, _ in SIDES} if grasping else {},
        close_s=CLOSE_S,
        open_s=OPEN_S,
        true_aperture_open_median={
            side: round(float(np.median(ap3d[side][opened[side]])), 3)
            for side, _ in SIDES
            if opened[side].any()
        },
        true_aperture_closed_median={
            side: round(float(np.median(ap3d[side][closed[side]])), 3)
            for side, _ in SIDES
            if closed[side].any()
        },
    )
    events = dict(
        **RL.events_header(
            clip, "grasp_both_hands" if grasping else "open_hands_control", "supine", "top", B
        ),
        midline_crossings=crossings,
        reaches=[],
        **RL.supine_side_events(B, turn, side3d, side2d),
        grasps=grasps,
        hand_curl_cmd={side: RL.r2(curl[side], 3) for side, _ in SIDES},
        hand_aperture={side: RL.r2(ap3d[side], 3) for side, _ in SIDES},
        hand_aperture_2d={side: RL.r2(ap2d[side], 3) for side, _ in SIDES},
        notes="The arms do not move (no reaches); midline crossings as in the mNN clips "
        "(frames with the wrist keypoint on the contralateral side; none here), "
        "wrist_side_2d_px / wrist_side_3d_m: + = infant's left. "
        "hand_curl_cmd: per frame and hand, the scripted finger curl, 0 = open (anny's "
        "reference hand) .. 1 = fist (MCP/PIP/DIP of fingers 2-5 flexed 80/95/60 deg, "
        "thumb CMC/MCP/IP 20/40/60 deg, each times the command); closing and opening are "
        "min-jerk over 0.4 s. grasps: per hand, the frames (inclusive) in which the curl "
        "command is >= 0.5 (half of the full fist); none when the fingers stay open. "
        "hand_aperture: motorobs' aperture (mean distance of the five fingertips from the "
        "wrist / wrist-to-middle_finger_mcp distance) on the body model's true 3-D points: "
        "wrist = the wrist joint centre (head of anny's wrist bone), middle_finger_mcp = "
        "head of the middle finger's proximal phalanx (finger3-1), fingertips = per finger "
        "the mesh vertex of the distal phalanx furthest from its joint (the end of the "
        "finger, where MediaPipe puts *_tip). hand_aperture_2d: the same ratio from the "
        "points' 2-D projections (pixels). The points are hand_keypoints_2d / "
        "hand_keypoints_3d_world in .gt.json. Left/right = the infant's own sides.",
    )
    names = [f"{side}_hand_{p}" for side, _ in SIDES for p in HAND_POINTS]
    extra_gt = dict(
        hand_keypoint_names=names,
        hand_keypoints_2d=[
            RL.r2(np.concatenate([hand2d[side][t] for side, _ in SIDES])) for t in range(B)
        ],
        hand_keypoints_3d_world=[
            RL.r2(np.concatenate([hand3d[side][t] for side, _ in SIDES]), 4) for t in range(B)
        ],
        hand_keypoint_definition="MediaPipe hand landmark names; wrist = head of anny's "
        "wrist.L/R bone (wrist joint centre); middle_finger_mcp = head of finger3-1.L/R (the "
        "MCP joint); *_tip = the vertex of the distal phalanx bone (finger1..5-3) furthest "
        "from its joint in the reference pose (the end of the finger); 2-D = pinhole "
        "projection, no visibility test (fingertips inside a fist are hidden)",
    )
    meta = dict(posture="supine", view="top", phenotype=phen, render=render)
    RL.write_outputs(
        outdir, clip, meta, K, cam, T, list(kp2d), kp3d, j2d, events, extra_gt=extra_gt
    )
    RL.print_clip_summary(
        clip,
        started_at,
        f"grasps={[(g['hand'], g['start_frame'], g['end_frame']) for g in grasps]} "
        f"crossings={len(crossings)} aperture open={render['true_aperture_open_median']} "
        f"closed={render['true_aperture_closed_median']}",
    )


if __name__ == "__main__":
    RL.main(CLIPS, render_clip, __doc__.splitlines()[0])
