"""A small hand-built clip for the report tests: synthetic video, landmarks and results.

Geometry (pixels, 320 x 240 frames, 20 frames at 10 fps): a static infant whose face
landmarks sit around FACE_CENTRE and are missing in NO_FACE_FRAMES; the video shows a
high-contrast checkerboard "face" there and a bright marker whose x position encodes the
frame number (so a test can check which frame was read).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np

from motorobs.io.video import VideoInfo
from motorobs.landmarks import build_dataset, empty_arrays
from motorobs.metrics.base import Event, MetricValue, Trace
from motorobs.result import ClipResult
from motorobs.schema import all_keypoints, keypoint_name

WIDTH, HEIGHT, N_FRAMES, FPS = 320, 240, 20, 10.0
FACE_CENTRE = (160, 60)
FACE_RADIUS = 22
NO_FACE_FRAMES = range(8, 13)

POSE_POINTS = {
    "nose": (160, 62), "left_eye_inner": (164, 54), "left_eye": (168, 54),
    "left_eye_outer": (172, 54), "right_eye_inner": (156, 54), "right_eye": (152, 54),
    "right_eye_outer": (148, 54), "left_ear": (178, 58), "right_ear": (142, 58),
    "mouth_left": (165, 70), "mouth_right": (155, 70),
    "left_shoulder": (190, 100), "right_shoulder": (130, 100),
    "left_elbow": (205, 130), "right_elbow": (115, 130),
    "left_wrist": (210, 160), "right_wrist": (110, 160),
    "left_hip": (180, 180), "right_hip": (140, 180),
    "left_knee": (180, 210), "right_knee": (140, 210),
    "left_ankle": (180, 232), "right_ankle": (140, 232),
}
FACE_NAMES = [n for n in POSE_POINTS if n.startswith(("nose", "left_e", "right_e", "mouth"))]


def marker_x(frame_index: int) -> int:
    """Left edge of the bright frame-number marker in the top row band (px)."""
    return 4 + 14 * frame_index


def frame_image(frame_index: int) -> np.ndarray:
    """The (H, W, 3) uint8 RGB content of frame ``frame_index`` of the synthetic video."""
    image = np.full((HEIGHT, WIDTH, 3), 110, np.uint8)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH]
    checker = ((yy // 4 + xx // 4) % 2 * 255).astype(np.uint8)
    inside = (xx - FACE_CENTRE[0]) ** 2 + (yy - FACE_CENTRE[1]) ** 2 <= FACE_RADIUS**2
    image[inside] = checker[inside][:, None]
    image[4:14, marker_x(frame_index):marker_x(frame_index) + 10] = 250
    return image


def landmark_dataset(no_face_frames=NO_FACE_FRAMES):
    """Landmarks of the static synthetic infant, face missing in ``no_face_frames``."""
    arrays = empty_arrays(N_FRAMES)
    index = {keypoint_name(p, n): i for i, (p, n) in enumerate(all_keypoints())}
    for name, (x, y) in POSE_POINTS.items():
        arrays["position"][:, 0, index[name]] = x
        arrays["position"][:, 1, index[name]] = y
        arrays["confidence"][:, index[name]] = 0.9
        arrays["visibility"][:, index[name]] = 0.9
    # a few hand points of the infant's right hand, next to its wrist
    for name, (x, y) in {"wrist": (110, 160), "index_finger_mcp": (104, 170),
                         "index_finger_pip": (102, 176)}.items():
        arrays["position"][:, 0, index[keypoint_name("right_hand", name)]] = x
        arrays["position"][:, 1, index[keypoint_name("right_hand", name)]] = y
    for f in no_face_frames:
        for name in FACE_NAMES:
            arrays["position"][f, :, index[name]] = np.nan
    frames = np.arange(N_FRAMES)
    return build_dataset(arrays, frames, frames / FPS,
                         {"fps": FPS, "frame_width": WIDTH, "frame_height": HEIGHT})


def write_video(path: Path) -> Path:
    """Write the synthetic clip (MJPG in AVI) to ``path``."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (WIDTH, HEIGHT))
    if not writer.isOpened():
        raise RuntimeError(f"OpenCV cannot write MJPG video to {path}")
    for i in range(N_FRAMES):
        writer.write(cv2.cvtColor(frame_image(i), cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def make_metrics() -> list[MetricValue]:
    return [
        MetricValue("midline_crossings_per_min", 6.25, "per min", 0.92, "ok",
                    "Times per minute a hand crossed the body midline.", side="right"),
        MetricValue("reaches_per_min", None, "per min", 0.2, "insufficient_data",
                    "Reaching movements per minute.", side="left",
                    reason="The left hand was hidden for most of the clip."),
        MetricValue("head_lift_max_deg", None, "deg", 0.0, "not_applicable",
                    "Largest head elevation during tummy time.",
                    reason="The infant was never on its tummy."),
    ]


def make_events() -> list[Event]:
    return [
        Event("midline_crossing", "right", 0.3, 0.6, {"max_contralateral_bu": 0.31}),
        Event("reach", "left", 0.9, 1.1, {"peak_speed_bu_per_s": 1.4}),  # face hidden here
        Event("midline_crossing", "left", 1.4, 1.7, {"max_contralateral_bu": 0.2}),
    ]


def make_result(video_path: Path, clip: str = "clip", ds=None) -> ClipResult:
    ds = landmark_dataset() if ds is None else ds
    times = ds["time"].values
    info = VideoInfo(path=video_path, fps=FPS, n_frames=N_FRAMES, duration_s=N_FRAMES / FPS,
                     width=WIDTH, height=HEIGHT, rotation_deg=0, codec="MJPG", sha256="0" * 64)
    signals = SimpleNamespace(
        view="top", view_reason="shoulders and hips wide apart in the image",
        posture=np.array(["supine"] * 15 + ["unknown"] * 5), time_s=times,
    )
    traces = [
        Trace("lateral_offset_right", "Right hand distance from midline", "body units",
              np.sin(times), event_types=("midline_crossing",), reference_lines=(0.1, -0.1)),
        Trace("hand_speed_left", "Left hand speed", "body units/s", np.abs(np.cos(times)),
              event_types=("reach",)),
    ]
    return ClipResult(
        clip=clip, video=info, landmarks=ds, signals=signals, metrics=make_metrics(),
        events=make_events(), traces=traces,
        notes=["The infant was told apart from one adult by body size."],
        provenance={"motorobs_version": "0.1.0", "models": [{"name": "pose", "sha256": "ab"}],
                    "config": {"pose": {"max_people": 2}}},
    )

