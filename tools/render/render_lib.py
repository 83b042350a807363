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
import json
import subprocess
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


def rotH(axis, deg):
    """(B,4,4) homogeneous rotation about a body axis ('x','y','z'), deg: array (B,)."""
    deg = np.atleast_1d(np.asarray(deg, dtype=np.float64))
    v = np.zeros((len(deg), 3))
    v[:, "xyz".index(axis)] = np.deg2rad(deg)
    Hm = np.tile(np.eye(4), (len(deg), 1, 1))
    Hm[:, :3, :3] = roma.rotvec_to_rotmat(torch.from_numpy(v)).numpy()
    return Hm


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


def write_outputs(outdir, name, meta, K, cam_to_world, body_to_world, kp2d, kp3d, j2d, events):
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
    with open(os.path.join(outdir, name + ".gt.json"), "w") as f:
        json.dump(gt, f, separators=(",", ":"))
    with open(os.path.join(outdir, name + ".events.json"), "w") as f:
        json.dump(events, f, separators=(",", ":"))
    with open(os.path.join(outdir, name + ".keypoints.csv"), "w") as f:
        f.write("frame,keypoint,u,v,visible\n")
        for t, fr in enumerate(kp2d):
            for k, p in enumerate(fr):
                f.write(f"{t},{names[k]},{p[0]:.2f},{p[1]:.2f},{int(p[2])}\n")
