"""An analytic infant body turned into a landmarks dataset, for tests with exact answers.

The body is described in its anatomical frame, in body units (BU = shoulder width):
``(lateral, up, anterior)`` with + lateral = the infant's left, + up = towards the head,
+ anterior = out of the chest. A camera orientation (``CAMERA_POSES``) maps the three axes
to camera coordinates (x right, y down, z away from the camera), then an optional in-plane
rotation and a mirror flip are applied, and the points are projected orthographically:
``(x_px, y_px) = centre + scale_px * (x, y)``, ``depth_z = scale_px * z / frame_width``.

A mirror flip of the image turns the body into its mirror image; a pose estimator labels
limbs by their appearance, so the mirrored infant's left limbs are labelled "right". The
helper does the same (it swaps left and right labels), which keeps the body physically
possible: expect the same answers with the hands' names swapped.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from motorobs.landmarks import build_dataset, empty_arrays
from motorobs.schema import all_keypoints, keypoint_name

# Columns: where the body's lateral (left), up and anterior axes point in camera coordinates.
CAMERA_POSES: dict[str, np.ndarray] = {
    "supine_top": np.array([[1, 0, 0], [0, -1, 0], [0, 0, -1]], float).T,
    "prone_top": np.array([[-1, 0, 0], [0, -1, 0], [0, 0, 1]], float).T,
    "supine_side": np.array([[0, 0, -1], [1, 0, 0], [0, -1, 0]], float).T,
    "prone_side": np.array([[0, 0, -1], [-1, 0, 0], [0, 1, 0]], float).T,
    "sitting_side": np.array([[0, 0, 1], [0, -1, 0], [1, 0, 0]], float).T,
    "side_lying_top": np.array([[0, 0, -1], [0, -1, 0], [-1, 0, 0]], float).T,
    # Facing a level camera while sitting: the same image as supine from above, head up.
    "sitting_front": np.array([[1, 0, 0], [0, -1, 0], [0, 0, -1]], float).T,
}

REST_POINTS: dict[str, tuple[float, float, float]] = {
    "left_shoulder": (0.5, 0.0, 0.0),
    "right_shoulder": (-0.5, 0.0, 0.0),
    "left_hip": (0.35, -1.4, 0.0),
    "right_hip": (-0.35, -1.4, 0.0),
    "nose": (0.0, 0.65, 0.25),
    "left_ear": (0.22, 0.6, 0.0),
    "right_ear": (-0.22, 0.6, 0.0),
    "mouth_left": (0.08, 0.52, 0.2),
    "mouth_right": (-0.08, 0.52, 0.2),
    "left_elbow": (0.75, -0.5, 0.0),
    "right_elbow": (-0.75, -0.5, 0.0),
    "left_wrist": (0.7, -0.9, 0.1),
    "right_wrist": (-0.7, -0.9, 0.1),
    "left_knee": (0.35, -2.2, 0.0),
    "right_knee": (-0.35, -2.2, 0.0),
}

FAR_SIDE_CONFIDENCE = {"wrist": 0.2, "elbow": 0.3}
"""Side views: confidence of the far-side arm (hidden by the body)."""


def min_jerk(tau: np.ndarray) -> np.ndarray:
    """Minimum-jerk position profile 0 -> 1 for normalised time ``tau`` (clipped to 0..1)."""
    tau = np.clip(tau, 0.0, 1.0)
    return 10 * tau**3 - 15 * tau**4 + 6 * tau**5


def move(
    time_s: np.ndarray, start: np.ndarray, end: np.ndarray, t0: float, duration: float
) -> np.ndarray:
    """(T, 3) minimum-jerk movement from ``start`` to ``end`` between t0 and t0+duration."""
    s = min_jerk((time_s - t0) / duration)[:, None]
    return np.asarray(start, float) + s * (np.asarray(end, float) - np.asarray(start, float))


def out_and_back(
    time_s: np.ndarray, rest: np.ndarray, target: np.ndarray, t0: float,
    out_s: float, hold_s: float, back_s: float,
) -> np.ndarray:
    """(T, 3) reach: rest -> target (min-jerk), hold, target -> rest."""
    go = move(time_s, rest, target, t0, out_s)
    back = move(time_s, np.zeros(3), np.asarray(rest, float) - np.asarray(target, float),
                t0 + out_s + hold_s, back_s)
    return go + back


def synthetic_dataset(
    n_frames: int = 150,
    fps: float = 30.0,
    pose: str = "supine_top",
    rotation_deg: float = 0.0,
    mirror: bool = False,
    trajectories: dict[str, np.ndarray] | None = None,
    head_lift_deg: np.ndarray | None = None,
    noise_px: float = 0.0,
    hidden: dict[str, list[tuple[int, int]]] | None = None,
    scale_px: float = 80.0,
    seed: int = 0,
) -> xr.Dataset:
    """Landmarks dataset of the analytic body (pose landmarks only; hands NaN).

    Parameters
    ----------
    n_frames, fps
        Time base ``t = frame / fps``.
    pose
        A key of :data:`CAMERA_POSES`.
    rotation_deg
        In-plane rotation of the image about its centre (degrees).
    mirror
        Mirror the image left-right (labels swap, see the module docstring).
    trajectories
        Keypoint -> (T, 3) body coordinates in BU, replacing the rest position.
    head_lift_deg
        (T,) elevation (degrees) of each shoulder-to-ear line above the plane of the
        lateral and up axes, towards the back (for prone: above the floor).
    noise_px
        Standard deviation of Gaussian noise added to x and y (pixels).
    hidden
        Keypoint -> list of ``(start, stop)`` frame ranges with confidence 0.
    scale_px
        Pixels per BU.
    """
    time_s = np.arange(n_frames) / fps
    width, height = 640, 480
    axes = CAMERA_POSES[pose]
    angle = np.radians(rotation_deg)
    in_plane = np.array([[np.cos(angle), -np.sin(angle), 0],
                         [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    rng = np.random.default_rng(seed)
    points = {name: np.tile(np.asarray(p, float), (n_frames, 1)) for name, p in REST_POINTS.items()}
    if head_lift_deg is not None:
        lift = np.radians(np.asarray(head_lift_deg, float))
        for side in ("left", "right"):
            shoulder = points[f"{side}_shoulder"]
            points[f"{side}_ear"] = shoulder + 0.6 * np.stack(
                [np.zeros(n_frames), np.cos(lift), -np.sin(lift)], axis=1)
    for name, trajectory in (trajectories or {}).items():
        points[name] = np.asarray(trajectory, float)

    arrays = empty_arrays(n_frames)
    index = {keypoint_name(p, n): i for i, (p, n) in enumerate(all_keypoints())}
    far = "right" if axes[2, 0] < 0 else "left"
    for name, body_xyz in points.items():
        camera = (in_plane @ axes @ body_xyz.T).T
        if mirror:
            camera[:, 0] *= -1
        label = name
        if mirror:
            label = name.replace("left", "@").replace("right", "left").replace("@", "right")
        i = index[label]
        arrays["position"][:, 0, i] = width / 2 + scale_px * camera[:, 0]
        arrays["position"][:, 1, i] = height / 2 + scale_px * camera[:, 1]
        arrays["position"][:, :, i] += rng.normal(0.0, noise_px, (n_frames, 2)) if noise_px else 0
        arrays["depth_z"][:, i] = scale_px * camera[:, 2] / width
        conf = 0.99
        if abs(axes[2, 0]) == 1 and name.startswith(far):
            conf = FAR_SIDE_CONFIDENCE.get(name.split("_", 1)[1], 0.9)
        arrays["confidence"][:, i] = conf
        for start, stop in (hidden or {}).get(name, []):
            arrays["confidence"][start:stop, i] = 0.0
    arrays["visibility"][:] = arrays["confidence"]
    arrays["presence"][:] = np.where(np.isnan(arrays["confidence"]), np.nan, 1.0)
    attrs = {"fps": fps, "frame_width": width, "frame_height": height}
    return build_dataset(arrays, np.arange(n_frames), time_s, attrs)


def filmed_in_turn(*datasets: xr.Dataset) -> xr.Dataset:
    """One clip made of ``datasets`` one after the other (as if the camera moved between
    them): times and frame numbers continue from each part to the next."""
    parts, offset_s, offset_frames = [], 0.0, 0
    for ds in datasets:
        dt = 1.0 / float(ds.attrs["fps"])
        parts.append(ds.assign_coords(time=ds["time"] + offset_s,
                                      frame=ds["frame"] + offset_frames))
        offset_s += ds.sizes["time"] * dt
        offset_frames += ds.sizes["time"]
    return xr.concat(parts, dim="time", combine_attrs="override")
