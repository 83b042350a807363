"""Offscreen renderer of synthetic infant clips with exact ground truth (motorobs dev tool).

Body: `anny` parametric model (PyPI, Apache-2.0), phenotype age ~0 (infant/toddler).
Body frame of anny at rest: x = infant's left, y = posterior (anterior = -y), z = up (towards head).
Rotations are given in anny's default "local-ref" parameterization: a rotation about the
rest-pose world-aligned axes at the joint, carried along by the parent bones.
  +x on neck/spine bones = flexion (chin to chest); -x = extension.
  +x on upperleg = hip extension; +x on lowerleg = knee flexion.
  -x on upperarm = shoulder flexion (arm forwards); +y on upperarm.L / -y on upperarm.R = adduction.
  -x on lowerarm = elbow flexion.
World: metres, floor z = 0, z up.  Camera: OpenGL convention (looks along -z, y up).
"""

import os

os.environ.setdefault("PYOPENGL_PLATFORM", "osmesa")
import argparse
import json
import subprocess
import time
from pathlib import Path

import numpy as np

if not hasattr(np, "infty"):
    np.infty = np.inf  # pyrender 0.1.45 vs numpy 2
import anny
import roma
import torch

torch.set_num_threads(1)
W, H, FPS, NF = 640, 480, 15, 105
# default output folder of the make_*.py scripts: validation_clips/ at the repository root
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "validation_clips"

_MODEL = None


def model():
    global _MODEL
    if _MODEL is None:
        m = anny.Anny()
        kr = anny.KeypointsRegressor.coco(m)
        faces = m.get_triangular_faces().numpy().astype(np.uint32)
        _MODEL = dict(
            m=m,
            kr=kr,
            faces=faces,
            labels=list(m.bone_labels),
            kp_names=list(kr.labels),
            kpw=kr.regression_weights.numpy(),
        )
        # dominant-bone based region masks
        bw = m.vertex_bone_weights.numpy()
        bi = m.vertex_bone_indices.numpy()
        nb = len(m.bone_labels)
        dense = np.zeros((bw.shape[0], nb))
        np.add.at(dense, (np.repeat(np.arange(bw.shape[0]), bw.shape[1]), bi.ravel()), bw.ravel())
        _MODEL["dense_w"] = dense
    return _MODEL


def bone_weight(names):
    M = model()
    idx = [M["labels"].index(n) for n in names]
    return M["dense_w"][:, idx].sum(1)


def rotvecs_to_H(v):
    """(B,4,4) homogeneous rotations from rotation vectors v (B,3) (radians)."""
    Hm = np.tile(np.eye(4), (len(v), 1, 1))
    Hm[:, :3, :3] = roma.rotvec_to_rotmat(torch.from_numpy(v)).numpy()
    return Hm


def rotH(axis, deg):
    """(B,4,4) homogeneous rotation about a body axis ('x','y','z'), deg: array (B,)."""
    deg = np.atleast_1d(np.asarray(deg, dtype=np.float64))
    v = np.zeros((len(deg), 3))
    v[:, "xyz".index(axis)] = np.deg2rad(deg)
    return rotvecs_to_H(v)


def rot_about(axis, deg):
    """(B,4,4) homogeneous rotation about a unit axis (3,) of the body frame, deg: array (B,).
    In anny's local-ref parameterization the axis is taken in the reference pose (the pose of
    an empty pose dict) and carried along by the parent bones, like rotH's x / y / z."""
    deg = np.atleast_1d(np.asarray(deg, dtype=np.float64))
    return rotvecs_to_H(np.asarray(axis, dtype=np.float64)[None] * np.deg2rad(deg)[:, None])


def compose(*Hs):
    out = Hs[0]
    for h in Hs[1:]:
        out = out @ h
    return out


def run_model(pose, phen, B):
    """pose: dict bone -> (B,4,4) numpy; phen: dict of floats. Returns vertices (B,V,3),
    bone_poses (B,J,4,4), rest_bone_poses (1,J,4,4) in the anny body frame."""
    M = model()
    tp = {k: torch.from_numpy(np.broadcast_to(v, (B, 4, 4)).copy()) for k, v in pose.items()}
    if not tp:
        tp = {"root": torch.eye(4, dtype=torch.float64)[None].repeat(B, 1, 1)}
    ph = {k: torch.tensor([float(v)], dtype=torch.float64) for k, v in phen.items()}
    with torch.no_grad():
        o = M["m"](tp, phenotype_kwargs=ph)
    return (o["vertices"].numpy(), o["bone_poses"].numpy(), o["rest_bone_poses"].numpy())


# ---------------------------------------------------------------- appearance
SKIN_TONES = {  # sRGB-ish base colours
    "light": (0.96, 0.78, 0.66),
    "fair": (0.90, 0.70, 0.56),
    "medium": (0.80, 0.58, 0.42),
    "tan": (0.66, 0.45, 0.30),
    "brown": (0.50, 0.32, 0.20),
    "dark": (0.34, 0.21, 0.13),
}
ONESIE_COLOURS = {
    "lightblue": (0.55, 0.72, 0.90),
    "pink": (0.95, 0.60, 0.72),
    "yellow": (0.98, 0.88, 0.35),
    "mint": (0.55, 0.85, 0.70),
    "white": (0.93, 0.93, 0.95),
    "navy": (0.15, 0.20, 0.42),
    "red": (0.80, 0.18, 0.20),
    "lavender": (0.72, 0.62, 0.90),
    "grey": (0.55, 0.57, 0.60),
    "orange": (0.97, 0.55, 0.20),
    "green": (0.25, 0.55, 0.30),
}
ONESIE_BONES_BASE = [
    "root",
    "pelvis.L",
    "pelvis.R",
    "spine05",
    "spine04",
    "spine03",
    "spine02",
    "spine01",
    "clavicle.L",
    "clavicle.R",
    "shoulder01.L",
    "shoulder01.R",
    "upperarm01.L",
    "upperarm01.R",
    "upperleg01.L",
    "upperleg01.R",
]


def vertex_colours(skin, onesie, sleeves="short", legs="short", seed=0):
    M = model()
    rng = np.random.default_rng(seed)
    V = M["dense_w"].shape[0]
    bones = list(ONESIE_BONES_BASE)
    if sleeves == "long":
        bones += ["upperarm02.L", "upperarm02.R", "lowerarm01.L", "lowerarm01.R"]
    elif sleeves == "short":
        bones += []
    if legs == "long":
        bones += ["upperleg02.L", "upperleg02.R", "lowerleg01.L", "lowerleg01.R"]
    elif legs == "short":
        bones += ["upperleg02.L", "upperleg02.R"]
    w_on = bone_weight(bones)
    w_neck = bone_weight(["neck01"])
    cloth = np.clip((w_on - 0.35) / 0.3, 0, 1)
    # a little of neck01 is covered by the collar
    cloth = np.maximum(cloth, np.clip((w_neck - 0.75) / 0.2, 0, 1) * 0.0)
    skin = np.array(skin)
    onesie = np.array(onesie)
    col = skin[None] * (1 - cloth[:, None]) + onesie[None] * cloth[:, None]
    col = col * (1 + 0.03 * rng.standard_normal((V, 1)) * cloth[:, None])
    w_eye = bone_weight(["eye.L", "eye.R"])
    col[w_eye > 0.5] = (0.12, 0.08, 0.06)
    return np.clip(col, 0, 1), cloth


def face_groups(skin, onesie, sleeves="short", legs="short"):
    """Split the body faces into skin / onesie / eyes groups (pyrender vertex colours are unreliable
    here, so each group gets its own material)."""
    M = model()
    f = M["faces"]
    _, cloth = vertex_colours(skin, onesie, sleeves, legs)
    eye = bone_weight(["eye.L", "eye.R"]) > 0.5
    fc = cloth[f].mean(1) > 0.5
    fe = eye[f].all(1)
    return [
        (f[fe], (0.10, 0.07, 0.05), 0.3),
        (f[fc & ~fe], tuple(onesie), 0.9),
        (f[~fc & ~fe], tuple(skin), 0.6),
    ]


# ---------------------------------------------------------------- floor textures
def floor_texture(kind, base, seed=0, size=512):
    rng = np.random.default_rng(seed)
    base = np.array(base)
    img = np.ones((size, size, 3)) * base
    yy, xx = np.mgrid[0:size, 0:size]
    palette = [
        np.array(c)
        for c in [
            (1, 1, 1),
            (0.95, 0.85, 0.3),
            (0.95, 0.55, 0.6),
            (0.5, 0.8, 0.6),
            (0.6, 0.6, 0.95),
            (1.0, 0.7, 0.4),
        ]
    ]
    if kind == "dots":
        for _ in range(70):
            cx, cy = rng.integers(0, size, 2)
            r = rng.uniform(6, 16)
            c = palette[rng.integers(len(palette))]
            for ox in (-size, 0, size):
                for oy in (-size, 0, size):
                    msk = (xx - cx - ox) ** 2 + (yy - cy - oy) ** 2 < r * r
                    img[msk] = c
    elif kind == "stripes":
        c2 = palette[rng.integers(len(palette))]
        period = size // rng.integers(4, 9)
        msk = ((xx + yy) % period) < period * 0.4
        img[msk] = 0.5 * base + 0.5 * c2
    elif kind == "checker":
        n = rng.integers(4, 8)
        c2 = base * 0.75 + 0.25 * palette[rng.integers(len(palette))]
        msk = ((xx * n // size) + (yy * n // size)) % 2 == 0
        img[msk] = c2
    elif kind == "stars":
        for _ in range(40):
            cx, cy = rng.integers(0, size, 2)
            r = rng.uniform(8, 18)
            c = palette[rng.integers(len(palette))]
            ang = np.arctan2(yy - cy, xx - cx)
            rr = np.hypot(xx - cx, yy - cy)
            msk = rr < r * (0.6 + 0.4 * np.cos(5 * ang))
            img[msk] = c
    elif kind == "plaid":
        c2 = palette[rng.integers(len(palette))]
        p = size // 4
        m1 = (xx % p) < p * 0.25
        m2 = (yy % p) < p * 0.25
        img[m1] = 0.6 * base + 0.4 * c2
        img[m2] = 0.6 * img[m2] + 0.4 * c2
    # fabric grain
    img = img * (1 + 0.04 * rng.standard_normal((size, size, 1)))
    return (np.clip(img, 0, 1) * 255).astype(np.uint8)


# ---------------------------------------------------------------- geometry helpers
def vertex_normals(v, f):
    fn = np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]])
    n = np.zeros_like(v)
    for k in range(3):
        np.add.at(n, f[:, k], fn)
    n /= np.linalg.norm(n, axis=1, keepdims=True) + 1e-12
    return n


def look_at(pos, target, up=(0, 0, 1)):
    pos, target, up = map(np.asarray, (pos, target, up))
    z = pos - target
    z = z / np.linalg.norm(z)
    x = np.cross(up, z)
    x /= np.linalg.norm(x)
    y = np.cross(z, x)
    T = np.eye(4)
    T[:3, 0], T[:3, 1], T[:3, 2], T[:3, 3] = x, y, z, pos
    return T


def project(P, K, cam_to_world):
    """P (...,3) world -> (u, v, depth) with OpenGL camera pose."""
    w2c = np.linalg.inv(cam_to_world)
    Pc = P @ w2c[:3, :3].T + w2c[:3, 3]
    d = -Pc[..., 2]
    u = K[0, 0] * Pc[..., 0] / d + K[0, 2]
    v = -K[1, 1] * Pc[..., 1] / d + K[1, 2]
    return u, v, d


def elevation_deg(vec):
    vec = np.asarray(vec)
    return np.degrees(np.arctan2(vec[..., 2], np.linalg.norm(vec[..., :2], axis=-1)))


def minjerk(x):
    x = np.clip(x, 0, 1)
    return 10 * x**3 - 15 * x**4 + 6 * x**5


# ---------------------------------------------------------------- renderer
class Renderer:
    def __init__(
        self,
        K,
        cam_to_world,
        floor_img,
        floor_size=3.0,
        floor_repeat=3,
        light=None,
        wall_colour=(0.93, 0.92, 0.90),
        bg=(0.9, 0.9, 0.9),
    ):
        import pyrender

        self.pr = pyrender
        light = light or {}
        self.scene = pyrender.Scene(
            bg_color=list(bg) + [1.0], ambient_light=[light.get("ambient", 0.35)] * 3
        )
        # floor
        s = floor_size / 2
        pos = np.array([[-s, -s, 0], [s, -s, 0], [s, s, 0], [-s, s, 0]], np.float32)
        uv = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32) * floor_repeat
        nrm = np.tile([0, 0, 1], (4, 1)).astype(np.float32)
        idx = np.array([[0, 1, 2], [0, 2, 3]], np.uint32)
        tex = pyrender.Texture(
            source=floor_img,
            source_channels="RGB",
            sampler=pyrender.Sampler(wrapS=10497, wrapT=10497),
        )
        mat = pyrender.MetallicRoughnessMaterial(
            baseColorTexture=tex, metallicFactor=0.0, roughnessFactor=0.95
        )
        prim = pyrender.Primitive(
            positions=pos, normals=nrm, texcoord_0=uv, indices=idx, material=mat
        )
        self.scene.add(pyrender.Mesh([prim]))
        # a wall far behind (whatever side the camera looks to), as a big box-less cylinder of quads
        walls = []
        R = 2.5
        n = 24
        for i in range(n):
            a0, a1 = 2 * np.pi * i / n, 2 * np.pi * (i + 1) / n
            p = np.array(
                [
                    [R * np.cos(a0), R * np.sin(a0), 0],
                    [R * np.cos(a1), R * np.sin(a1), 0],
                    [R * np.cos(a1), R * np.sin(a1), 3],
                    [R * np.cos(a0), R * np.sin(a0), 3],
                ],
                np.float32,
            )
            walls.append(p)
        wp = np.concatenate(walls)
        wi = np.array(
            [[4 * i, 4 * i + 2, 4 * i + 1] for i in range(n)]
            + [[4 * i, 4 * i + 3, 4 * i + 2] for i in range(n)],
            np.uint32,
        )
        wn = -wp.copy()
        wn[:, 2] = 0
        wn /= np.linalg.norm(wn, axis=1, keepdims=True)
        wmat = pyrender.MetallicRoughnessMaterial(
            baseColorFactor=list(wall_colour) + [1.0], metallicFactor=0.0, roughnessFactor=1.0
        )
        self.scene.add(
            pyrender.Mesh(
                [
                    pyrender.Primitive(
                        positions=wp, normals=wn.astype(np.float32), indices=wi, material=wmat
                    )
                ]
            )
        )
        cam = pyrender.IntrinsicsCamera(K[0, 0], K[1, 1], K[0, 2], K[1, 2], znear=0.05, zfar=20)
        self.scene.add(cam, pose=cam_to_world)
        # lights
        az, el = np.radians(light.get("key_az", 30)), np.radians(light.get("key_el", 55))
        d = np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])
        self.scene.add(
            pyrender.DirectionalLight(color=np.ones(3), intensity=light.get("key", 3.0)),
            pose=look_at(d, np.zeros(3), up=(0, 0, 1) if abs(d[2]) < 0.99 else (1, 0, 0)),
        )
        fd = np.array([-d[0], -d[1], 1.2])
        fd /= np.linalg.norm(fd)
        self.scene.add(
            pyrender.DirectionalLight(color=np.ones(3), intensity=light.get("fill", 1.0)),
            pose=look_at(fd, np.zeros(3)),
        )
        # camera-side soft fill
        self.scene.add(
            pyrender.PointLight(color=np.ones(3), intensity=light.get("cam_fill", 0.6)),
            pose=cam_to_world,
        )
        self.r = pyrender.OffscreenRenderer(W, H)
        self.body_node = None
        self.mat_body = pyrender.MetallicRoughnessMaterial(
            baseColorFactor=[1, 1, 1, 1], metallicFactor=0.0, roughnessFactor=0.75
        )

    def set_groups(self, groups):
        """groups: list of (face index array (F,3), rgb, roughness)."""
        pr = self.pr
        self.groups = [
            (
                f.astype(np.uint32),
                pr.MetallicRoughnessMaterial(
                    baseColorFactor=list(c) + [1.0], metallicFactor=0.0, roughnessFactor=rgh
                ),
            )
            for f, c, rgh in groups
        ]

    def render(self, verts, faces):
        pr = self.pr
        if self.body_node is not None:
            self.scene.remove_node(self.body_node)
        n = vertex_normals(verts, faces).astype(np.float32)
        p = verts.astype(np.float32)
        prims = [
            pr.Primitive(positions=p, normals=n, indices=f, material=m) for f, m in self.groups
        ]
        self.body_node = self.scene.add(pr.Mesh(prims))
        flags = pr.RenderFlags.SHADOWS_DIRECTIONAL
        col, depth = self.r.render(self.scene, flags=flags)
        return col, depth

    def close(self):
        self.r.delete()


def srgb_post(img):
    """mild gamma lift so the linear render looks like a photo."""
    x = img.astype(np.float32) / 255.0
    x = np.power(x, 1 / 1.25)
    return (np.clip(x, 0, 1) * 255).astype(np.uint8)


class VideoWriter:
    def __init__(self, path):
        self.p = subprocess.Popen(
            [
                "ffmpeg",
                "-y",
                "-loglevel",
                "error",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "rgb24",
                "-s",
                f"{W}x{H}",
                "-r",
                str(FPS),
                "-i",
                "-",
                "-c:v",
                "libx264",
                "-preset",
                "medium",
                "-crf",
                "24",
                "-pix_fmt",
                "yuv420p",
                "-movflags",
                "+faststart",
                path,
            ],
            stdin=subprocess.PIPE,
        )

    def write(self, rgb):
        self.p.stdin.write(np.ascontiguousarray(rgb).tobytes())

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def visibility(u, v, d, depth, tol=0.035):
    vis = np.zeros(len(u), int)
    for k in range(len(u)):
        ui, vi = int(round(u[k])), int(round(v[k]))
        if 0 <= ui < W and 0 <= vi < H:
            z = depth[max(vi - 1, 0) : vi + 2, max(ui - 1, 0) : ui + 2]
            z = z[z > 0]
            if len(z) and d[k] <= z.max() + tol:
                vis[k] = 1
    return vis


JOINTS = [
    ("neck", "neck01"),
    ("head", "head"),
    ("left_shoulder_joint", "upperarm01.L"),
    ("right_shoulder_joint", "upperarm01.R"),
    ("left_elbow_joint", "lowerarm01.L"),
    ("right_elbow_joint", "lowerarm01.R"),
    ("left_wrist_joint", "wrist.L"),
    ("right_wrist_joint", "wrist.R"),
    ("left_hip_joint", "upperleg01.L"),
    ("right_hip_joint", "upperleg01.R"),
    ("left_knee_joint", "lowerleg01.L"),
    ("right_knee_joint", "lowerleg01.R"),
    ("left_ankle_joint", "foot.L"),
    ("right_ankle_joint", "foot.R"),
]


def r2(x, n=2):
    return np.round(np.asarray(x, dtype=float), n).tolist()


def write_outputs(
    outdir, name, meta, K, cam_to_world, body_to_world, kp2d, kp3d, j2d, events, extra_gt=None
):
    """Write <name>.gt.json, <name>.events.json and <name>.keypoints.csv into outdir.

    extra_gt: optional dict of further fields appended at the end of the .gt.json (after
    keypoint_definition), e.g. make_grasp.py's hand keypoints.
    """
    M = model()
    names = M["kp_names"]
    ki = {n: i for i, n in enumerate(names)}
    mid = []
    for t in range(len(kp2d)):
        sh = (kp2d[t][ki["left_shoulder"]][:2] + kp2d[t][ki["right_shoulder"]][:2]) / 2
        hp = (kp2d[t][ki["left_hip"]][:2] + kp2d[t][ki["right_hip"]][:2]) / 2
        mid.append([r2(sh), r2(hp)])
    gt = dict(
        clip=name,
        video=name + ".mp4",
        fps=FPS,
        width=W,
        height=H,
        n_frames=len(kp2d),
        posture=meta["posture"],
        view=meta["view"],
        camera=dict(
            K=r2(K, 4),
            cam_to_world_opengl=r2(cam_to_world, 5),
            note="OpenGL camera (looks along -z, y up); pixel v grows downwards",
        ),
        body_to_world=dict(
            R=r2(body_to_world[:3, :3], 6),
            t=r2(body_to_world[:3, 3], 5),
            note="anny body frame (x = infant's left, y = posterior, z = up at rest) "
            "-> world (floor z = 0)",
        ),
        keypoint_names=names,
        keypoints_2d=[
            [[round(float(p[0]), 2), round(float(p[1]), 2), int(p[2])] for p in f] for f in kp2d
        ],
        keypoints_3d_world=[r2(f, 4) for f in kp3d],
        joint_names=[j[0] for j in JOINTS],
        joints_2d=[r2(f) for f in j2d],
        midline_2d=mid,
        phenotype=meta["phenotype"],
        render=meta["render"],
        keypoint_definition="anny KeypointsRegressor.coco (the body model's own linear vertex "
        "regressor, 23 points: COCO-17 + toes + heels); joints_2d = anny bone "
        "head positions (neck01, head, upperarm01, lowerarm01, wrist, upperleg01, "
        "lowerleg01, foot); visible = depth-buffer test (keypoint no more than "
        "3.5 cm behind the rendered surface)",
    )
    gt.update(extra_gt or {})
    with open(os.path.join(outdir, name + ".gt.json"), "w") as f:
        json.dump(gt, f, separators=(",", ":"))
    with open(os.path.join(outdir, name + ".events.json"), "w") as f:
        json.dump(events, f, separators=(",", ":"))
    with open(os.path.join(outdir, name + ".keypoints.csv"), "w") as f:
        f.write("frame,keypoint,u,v,visible\n")
        for t, fr in enumerate(kp2d):
            for k, p in enumerate(fr):
                f.write(f"{t},{names[k]},{p[0]:.2f},{p[1]:.2f},{int(p[2])}\n")


# ---------------------------------------------------------------- steps shared by the make scripts
def rigid(T, P):
    """Apply the 4x4 rigid transform T (e.g. body_to_world) to points P (..., 3)."""
    return P @ T[:3, :3].T + T[:3, 3]


def intrinsics(focal_px):
    """3x3 pinhole intrinsics K of the W x H image: square pixels with focal length focal_px
    (pixels), principal point at the image centre."""
    return np.array([[focal_px, 0, W / 2], [0, focal_px, H / 2], [0, 0, 1.0]])


def keypoint_index():
    """Keypoint name -> its index in the keypoint arrays (anny's COCO regressor order)."""
    return {n: i for i, n in enumerate(model()["kp_names"])}


def body_in_world(body_to_world, vertices, bone_poses):
    """Carry a posed body from the anny body frame into the world frame.

    body_to_world: 4x4 rigid transform, anny body frame -> world (metres, floor z = 0, z up);
    vertices (B, V, 3) and bone_poses (B, J, 4, 4): run_model's output, in the body frame.
    Returns, all in world metres:
      vertices_world (B, V, 3);
      keypoints_3d (B, 23, 3): anny's COCO keypoint regressor applied to vertices_world;
      joints_3d (B, len(JOINTS), 3): the heads of the JOINTS bones.
    """
    M = model()
    vertices_world = rigid(body_to_world, vertices)
    keypoints_3d = np.einsum("kv,bvd->bkd", M["kpw"], vertices_world)
    joint_bones = [M["labels"].index(bone) for _, bone in JOINTS]
    joints_3d = rigid(body_to_world, bone_poses[:, joint_bones][:, :, :3, 3])
    return vertices_world, keypoints_3d, joints_3d


def frame_camera(
    vertices_world, K, view_dir, target, fill, fill_axis, vertical_centre=None, iterations=4
):
    """Place the camera so that the body fills a given fraction of the image.

    The camera sits at target + distance * view_dir and looks at target (world frame, metres,
    z up; view_dir is a unit vector from the target towards the camera). Starting from 1 m,
    each of `iterations` rounds projects a subsample of the vertices (every 8th frame of
    vertices_world (B, V, 3), then every 5th point), measures the body's extent in pixels
    between the 0.1 and 99.9 percentiles, and
      - scales the distance so that this extent is `fill` (0..1) of the image width
        (fill_axis="width") or height (fill_axis="height");
      - moves the target sideways (along the camera's x axis) so that the body is centred
        horizontally;
      - if vertical_centre is given, also moves the target along the camera's y axis, half of
        the way per round, so that the body's vertical centre goes to v = vertical_centre * H
        (pixels from the top).
    K: 3x3 intrinsics (pixels). Returns (cam_to_world, target, distance): the final OpenGL
    camera pose (4x4), the final target (3,) and the camera distance from it (metres).
    """
    focal_px = K[0, 0]
    sample = vertices_world[::8].reshape(-1, 3)[::5]
    distance = 1.0
    for _ in range(iterations):
        cam_to_world = look_at(target + distance * view_dir, target)
        u, v, _ = project(sample, K, cam_to_world)
        u_lo, u_hi = np.percentile(u, 0.1), np.percentile(u, 99.9)
        v_lo, v_hi = np.percentile(v, 0.1), np.percentile(v, 99.9)
        if fill_axis == "width":
            distance *= (u_hi - u_lo) / (fill * W)
        elif fill_axis == "height":
            distance *= (v_hi - v_lo) / (fill * H)
        else:
            raise ValueError(f"fill_axis must be 'width' or 'height', not {fill_axis!r}")
        u_centre = 0.5 * (u_hi + u_lo)
        target = target + cam_to_world[:3, 0] * (u_centre - W / 2) * distance / focal_px
        if vertical_centre is not None:
            v_centre = 0.5 * (v_hi + v_lo)
            target = (
                target
                - cam_to_world[:3, 1] * (v_centre - H * vertical_centre) * distance / focal_px * 0.5
            )
    cam_to_world = look_at(target + distance * view_dir, target)
    return cam_to_world, target, distance


def renderer_with_random_appearance(
    rng,
    K,
    cam_to_world,
    *,
    skin,
    onesie,
    sleeves,
    legs,
    floor_kind,
    floor_base,
    floor_seed,
    key_elevation_deg=(40, 75),
    key_intensity=(1.8, 2.6),
    camera_fill_intensity=(0.15, 0.35),
    floor_repeats=(2, 5),
):
    """Build the scene's Renderer, drawing the random part of the appearance from rng.

    Draws, in this order (the order fixes the clip's random stream, so keep it): the lighting
    (key light azimuth 0-360 deg and elevation key_elevation_deg, key intensity key_intensity,
    fill 0.4-0.7, ambient 0.22-0.32, camera-side fill camera_fill_intensity: each a
    (low, high) uniform range), then how often the floor texture repeats across the 3 m mat
    (an integer in [floor_repeats[0], floor_repeats[1]) ), then the wall's RGB (each channel
    0.82-0.95). The floor texture itself comes from its own generator, floor_texture(floor_kind,
    floor_base, seed=floor_seed). skin / onesie name entries of SKIN_TONES / ONESIE_COLOURS;
    sleeves / legs are "short" or "long" (see vertex_colours).
    K: 3x3 intrinsics (pixels); cam_to_world: OpenGL camera pose (4x4, world metres).
    Returns (renderer, lighting): the Renderer with the body materials set, and the lighting
    dict (to record in the clip's render parameters).
    """
    lighting = dict(
        key_az=float(rng.uniform(0, 360)),
        key_el=float(rng.uniform(*key_elevation_deg)),
        key=float(rng.uniform(*key_intensity)),
        fill=float(rng.uniform(0.4, 0.7)),
        ambient=float(rng.uniform(0.22, 0.32)),
        cam_fill=float(rng.uniform(*camera_fill_intensity)),
    )
    renderer = Renderer(
        K,
        cam_to_world,
        floor_texture(floor_kind, floor_base, seed=floor_seed),
        floor_repeat=int(rng.integers(*floor_repeats)),
        light=lighting,
        wall_colour=tuple(rng.uniform(0.82, 0.95, 3)),
    )
    renderer.set_groups(face_groups(SKIN_TONES[skin], ONESIE_COLOURS[onesie], sleeves, legs))
    return renderer, lighting


def render_frames(
    renderer, video_path, vertices_world, keypoints_3d, joints_3d, K, cam_to_world, keep_frames=()
):
    """Render every frame into an H.264 file and project the keypoints and joints.

    vertices_world (B, V, 3), keypoints_3d (B, K, 3), joints_3d (B, J, 3): world metres, as from
    body_in_world; K: 3x3 intrinsics (pixels); cam_to_world: OpenGL camera pose (4x4).
    Closes the renderer when done. keep_frames: frame numbers whose raw rendered image to
    return. Returns (keypoints_2d, joints_2d, kept): per frame a (K, 3) array [u, v, visible]
    (pixels, v down; visible from the depth buffer, see visibility) and a (J, 2) array [u, v];
    kept maps each frame of keep_frames to its (H, W, 3) uint8 image.
    """
    faces = model()["faces"]
    writer = VideoWriter(video_path)
    keypoints_2d, joints_2d, kept = [], [], {}
    for t in range(len(vertices_world)):
        colour, depth = renderer.render(vertices_world[t].astype(np.float32), faces)
        writer.write(colour)
        u, v, d = project(keypoints_3d[t], K, cam_to_world)
        keypoints_2d.append(np.stack([u, v, visibility(u, v, d, depth)], 1))
        ju, jv, _ = project(joints_3d[t], K, cam_to_world)
        joints_2d.append(np.stack([ju, jv], 1))
        if t in keep_frames:
            kept[t] = colour.copy()
    writer.close()
    renderer.close()
    return keypoints_2d, joints_2d, kept


# supine: anny body frame -> world rotation: head (+z) -> +Y, anterior (-y) -> +Z (face up),
# infant's left (+x) -> +X
SUPINE_R = np.array([[1, 0, 0], [0, 0, 1], [0, -1, 0]], float)


def supine_body_to_world(vertices):
    """4x4 body_to_world that lays the body on its back (rotation SUPINE_R), centred in x and y
    on the first frame's extent, its lowest point over all frames on the floor (z = 0).
    vertices: run_model's (B, V, 3), in the body frame."""
    T = np.eye(4)
    T[:3, :3] = SUPINE_R
    w0 = vertices[0] @ SUPINE_R.T
    T[:3, 3] = [
        -0.5 * (w0[:, 0].max() + w0[:, 0].min()),
        -0.5 * (w0[:, 1].max() + w0[:, 1].min()),
        -(vertices[:, :, :] @ SUPINE_R.T)[..., 2].min(),
    ]
    return T


def wrist_sides(kp3d, kp2d, left_axis):
    """Signed distance of each wrist keypoint from the body midline, + = infant's left.

    kp3d (B, K, 3) world metres and kp2d (B, K, >=2) pixels: the keypoints; left_axis (3,): the
    body's (pelvis-fixed) left-right axis in the world. Returns (side3d, side2d), dicts
    "left"/"right" -> (B,): side3d in metres from the sagittal plane through the 3-D shoulder
    midpoint normal to left_axis; side2d in pixels from the image line hip midpoint -> shoulder
    midpoint, signed so that the left shoulder's side is +.
    """
    ki = keypoint_index()
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
    return side3d, side2d


def midline_crossings(side3d, side2d):
    """The midline_crossings list of .events.json from wrist_sides' output: per basis
    (3d_body_sagittal_plane, then 2d_image_midline_shoulders_to_hips) and hand, each run of
    frames (inclusive) with the wrist on the contralateral side."""
    crossings = []
    for basis, sd in (
        ("3d_body_sagittal_plane", side3d),
        ("2d_image_midline_shoulders_to_hips", side2d),
    ):
        for hd in ("left", "right"):
            c = -1 if hd == "right" else 1
            for a, b in true_runs(sd[hd] * c < 0):
                crossings.append(dict(hand=hd, start_frame=int(a), end_frame=int(b), basis=basis))
    return crossings


def render_supine_clip(
    rng,
    video_path,
    K,
    cam_to_world,
    vertices_world,
    keypoints_3d,
    joints_3d,
    appearance,
    camera_fill_intensity=(0.15, 0.3),
):
    """The supine sets' appearance draws and frame loop: renderer_with_random_appearance with
    short sleeves and legs, key light 50-75 degrees up and 1.8-2.4 strong, the floor repeated
    2-3 times, then render_frames into video_path.

    appearance: dict with skin, onesie, floor_kind, floor_base, floor_seed (see
    renderer_with_random_appearance). Returns (keypoints_2d (B, K, 3) array, joints_2d,
    lighting)."""
    renderer, lighting = renderer_with_random_appearance(
        rng,
        K,
        cam_to_world,
        sleeves="short",
        legs="short",
        key_elevation_deg=(50, 75),
        key_intensity=(1.8, 2.4),
        camera_fill_intensity=camera_fill_intensity,
        floor_repeats=(2, 4),
        **appearance,
    )
    keypoints_2d, joints_2d, _ = render_frames(
        renderer, video_path, vertices_world, keypoints_3d, joints_3d, K, cam_to_world
    )
    return np.array(keypoints_2d), joints_2d, lighting


def appearance_record(focal_px, appearance, lighting, phenotype):
    """The appearance part of a clip's `render` dict, in the order the clips record it:
    focal_px (rounded to 0.01), skin_tone, onesie_colour, floor_pattern, floor_base_rgb,
    lighting, phenotype, seed (= appearance["floor_seed"]). appearance: as for
    render_supine_clip."""
    return dict(
        focal_px=round(focal_px, 2),
        skin_tone=appearance["skin"],
        onesie_colour=appearance["onesie"],
        floor_pattern=appearance["floor_kind"],
        floor_base_rgb=list(appearance["floor_base"]),
        lighting=lighting,
        phenotype=phenotype,
        seed=appearance["floor_seed"],
    )


def supine_side_events(n_frames, head_turn_deg, side3d, side2d):
    """The per-frame truths every supine .events.json has after its events: head_lift_cmd_deg
    (zeros), head_turn_cmd_deg, wrist_side_2d_px and wrist_side_3d_m (from wrist_sides)."""
    return dict(
        head_lift_cmd_deg=[0.0] * n_frames,
        head_turn_cmd_deg=r2(head_turn_deg),
        wrist_side_2d_px={hd: r2(side2d[hd], 1) for hd in ("left", "right")},
        wrist_side_3d_m={hd: r2(side3d[hd], 4) for hd in ("left", "right")},
    )


def true_runs(mask):
    """Runs of consecutive True entries of a boolean sequence, as (first, last) index pairs
    (inclusive), in order."""
    runs, t = [], 0
    while t < len(mask):
        if mask[t]:
            first = t
            while t < len(mask) and mask[t]:
                t += 1
            runs.append((first, t - 1))
        else:
            t += 1
    return runs


def events_header(clip, label, posture, view, n_frames):
    """The fields every <clip>.events.json starts with, in their order (fps is FPS)."""
    return dict(clip=clip, label=label, posture=posture, view=view, fps=FPS, n_frames=n_frames)


def print_clip_summary(clip, started_at, details):
    """Print one progress line: the clip name, the seconds since started_at (time.time())
    and a free-form details string."""
    print(f"{clip}: {time.time() - started_at:.1f}s {details}", flush=True)


def main(clips, render_clip, description, check_option_help=None):
    """The command line shared by the make_*.py scripts; renders the chosen rows of a CLIPS table.

    clips: the script's CLIPS table, one row per clip, each row starting with the clip's short
    name ("p01", "s01", "m01", ...). render_clip(row, out_dir, nframes=N) renders one row.
    Options: --only NAME[,NAME...] (default: every row, in table order), --out DIR (default
    DEFAULT_OUT, created if missing), --frames N (default NF). With check_option_help, there
    is also --check DIR (with that help text), passed on as render_clip(..., check_dir=DIR or
    None); DIR is created if missing.
    """
    ap = argparse.ArgumentParser(description=description)
    example = ",".join(row[0] for row in clips[:2])
    ap.add_argument("--only", default="", help=f"comma-separated clip names, e.g. {example}")
    ap.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        help="output folder (default: validation_clips/ at the repository root)",
    )
    ap.add_argument("--frames", type=int, default=NF, help="frames per clip")
    if check_option_help is not None:
        ap.add_argument("--check", default="", help=check_option_help)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    extra = {}
    if check_option_help is not None:
        if args.check:
            os.makedirs(args.check, exist_ok=True)
        extra["check_dir"] = args.check or None
    only = set(args.only.split(",")) if args.only else None
    for row in clips:
        if only is None or row[0] in only:
            render_clip(row, args.out, nframes=args.frames, **extra)
