"""Make the head's training and evaluation samples: BlazePose's features of infant crops.

Every sample is one infant seen by BlazePose's landmark network: the person detector runs on
the (augmented) image, the region of the detection matching the true infant is taken with
MediaPipe's geometry plus a small jitter (:func:`motorobs.pose.infant_head.find_crop`), and
the network's 64 x 64 x 87 features are stored with the true COCO-17 keypoints in crop pixels.
With ``--crops`` (route 2, fine-tuning the network itself) the 256 x 256 crop image is stored
instead, with the network's own outputs on it (landmarks, pose flag, heatmaps, world
landmarks: the teacher that fine-tuning distils).

Sources:
  renders   frames of rendered clips (``*.mp4`` + ``*.keypoints.csv``, tools/render): every
            ``--stride``-th frame, each in ``--copies`` augmented versions (any roll, scale
            0.35-1, colour temperature, brightness, contrast, blur, noise, JPEG 30-95);
            the hips are the body model's joints (calibrated later, see calibrate.py).
  real      the shared annotated images (SyRIP + NYCU, path ``../shared/realdata``): one clean
            and ``--copies`` augmented training versions with the annotation as reference,
            and one evaluation record made exactly as the ``infant_head`` estimator makes
            it (the ``infant`` estimator's pose as reference, no augmentation or jitter).
            Training on them is only done with cross-validation grouped by source video.

usage (from the repository root, in motorobs' environment, MOTOROBS_MODEL_DIR set):
    python tools/train_pose/extract.py renders CLIP_DIR [CLIP_DIR ...] --out FILE.npz
    python tools/train_pose/extract.py real --out FILE.npz
    (either with --crops for route 2)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

from motorobs.io.annotations import COCO_KEYPOINTS
from motorobs.pose.hand_roi import HandRegion
from motorobs.pose.infant_head import HeadCrop, find_crop
from motorobs.pose.pose_net import LANDMARK_FILE, PoseNetworks, crop_replicated
from motorobs.pose.refine import rotate_quarter

SEED = 14
MP_TO_COCO = [0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28]
REALDATA = Path("../shared/realdata")


def posture_of_clip(name: str) -> str:
    """Posture of a rendered clip from its name (make_views' event types)."""
    if "prone" in name:
        return "prone"
    if "sitting" in name:
        return "sitting"
    return "supine"


def jitter(rng: np.random.Generator):
    """A region jitter: centre moved N(0, 0.04) sides, side x exp(N(0, 0.07)), turned
    N(0, 8) degrees (the spread of the detector's regions around the true body)."""
    def apply(region: HandRegion) -> HandRegion:
        angle = np.radians(rng.normal(0.0, 8.0))
        c, s = np.cos(angle), np.sin(angle)
        up = np.array([c * region.up[0] - s * region.up[1], s * region.up[0] + c * region.up[1]])
        shift = rng.normal(0.0, 0.04, 2) * region.side_px
        return HandRegion(region.centre + shift, region.side_px * np.exp(rng.normal(0, 0.07)), up)
    return apply


def augment(rgb: np.ndarray, keypoints: np.ndarray, rng: np.random.Generator,
            max_roll: float = 180.0) -> tuple[np.ndarray, np.ndarray]:
    """The image changed as a phone camera and a caregiver might, with its keypoints.

    Roll uniform in +-``max_roll`` degrees about the image centre (edges replicated), scale
    0.35-1 (the infant smaller in the frame), per-channel gains (colour temperature),
    brightness 0.6-1.3 and contrast, Gaussian blur (a third of the images), noise and a JPEG
    round trip at quality 30-95. ``keypoints``: (17, 2) pixels; returned in the new image's.
    """
    height, width = rgb.shape[:2]
    scale = rng.uniform(0.35, 1.0)
    angle = rng.uniform(-max_roll, max_roll)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, scale)
    new_w, new_h = max(64, round(width * scale)), max(64, round(height * scale))
    matrix[:, 2] += (new_w - width) / 2, (new_h - height) / 2
    out = cv2.warpAffine(rgb, matrix, (new_w, new_h), flags=cv2.INTER_AREA,
                         borderMode=cv2.BORDER_REPLICATE)
    points = keypoints @ matrix[:, :2].T + matrix[:, 2]
    img = out.astype(np.float32)
    gains = np.exp(rng.normal(0.0, 0.08, 3)) * rng.uniform(0.6, 1.3)
    mean = img.mean()
    img = (img - mean) * rng.uniform(0.75, 1.25) + mean
    img = img * gains
    if rng.random() < 0.33:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.5, 2.0))
    img += rng.normal(0.0, rng.uniform(0.0, 8.0), img.shape)
    img = np.clip(img, 0, 255).astype(np.uint8)
    quality = int(rng.integers(30, 96))
    ok, jpeg = cv2.imencode(".jpg", img[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    img = cv2.imdecode(jpeg, cv2.IMREAD_COLOR)[:, :, ::-1] if ok else img
    return np.ascontiguousarray(img), points


class Teacher:
    """BlazePose's landmark network run as shipped (LiteRT), for route 2's samples: the
    crop image itself and the network's raw outputs on it (what fine-tuning distils)."""

    def __init__(self) -> None:
        from ai_edge_litert.interpreter import Interpreter

        bundle = Path(os.environ["MOTOROBS_MODEL_DIR"]) / "pose_landmarker_full.task"
        with zipfile.ZipFile(bundle) as archive:
            content = archive.read(LANDMARK_FILE)
        self.interpreter = Interpreter(model_content=content, num_threads=1)
        self.interpreter.allocate_tensors()
        (self.input,) = self.interpreter.get_input_details()
        self.outputs = {d["name"]: d["index"] for d in self.interpreter.get_output_details()}

    def __call__(self, rgb: np.ndarray, crop: HeadCrop) -> dict[str, np.ndarray]:
        image, _ = crop_replicated(rotate_quarter(rgb, crop.turns), crop.region, 256)
        self.interpreter.set_tensor(self.input["index"],
                                    (image.astype(np.float32) / 255.0)[None])
        self.interpreter.invoke()
        get = self.interpreter.get_tensor
        return {"crop": image,
                "teacher_points": get(self.outputs["Identity"])[0].reshape(39, 5),
                "teacher_flag": get(self.outputs["Identity_1"]).reshape(()),
                "teacher_heatmap": get(self.outputs["Identity_3"])[0].astype(np.float16),
                "teacher_world": get(self.outputs["Identity_4"])[0]}


class Store:
    """Samples gathered in memory, written as one ``.npz``. With a :class:`Teacher`
    (``--crops``): the crop images and the network's outputs instead of its features."""

    def __init__(self, teacher: Teacher | None = None) -> None:
        self.columns: dict[str, list] = defaultdict(list)
        self.teacher = teacher

    def add(self, crop: HeadCrop, truth: np.ndarray, visible: np.ndarray, *,
            rgb: np.ndarray | None = None, **meta) -> None:
        """One sample: features (float16) or crop and teacher outputs, truth and BlazePose's
        keypoints in crop pixels."""
        if self.teacher is None:
            self.columns["features"].append(crop.features.astype(np.float16))
        else:
            for key, value in self.teacher(rgb, crop).items():
                self.columns[key].append(value)
        self.columns["truth_crop"].append(crop.to_crop(truth))
        self.columns["visible"].append(visible)
        self.columns["mediapipe_crop"].append(crop.to_crop(crop.landmarks[MP_TO_COCO, :2]))
        self.columns["crop_scale"].append(crop.region.side_px / 256.0)
        for key, value in meta.items():
            self.columns[key].append(value)

    def save(self, path: Path) -> None:
        arrays = {k: np.array(v) for k, v in self.columns.items()}
        np.savez(path, **arrays)
        print(f"{path}: {len(self.columns['truth_crop'])} samples", flush=True)


def clip_keypoints(csv_path: Path) -> dict[int, np.ndarray]:
    """frame -> (17, 3) COCO keypoints ``u, v, visible`` of a rendered clip."""
    index = {name: k for k, name in enumerate(COCO_KEYPOINTS)}
    frames: dict[int, np.ndarray] = defaultdict(lambda: np.full((17, 3), np.nan))
    with open(csv_path) as handle:
        for row in csv.DictReader(handle):
            k = index.get(row["keypoint"])
            if k is not None:
                frames[int(row["frame"])][k] = (float(row["u"]), float(row["v"]),
                                                float(row["visible"]))
    return dict(frames)


def extract_renders(clip_dirs: list[Path], out: Path, stride: int, copies: int,
                    crops: bool = False) -> None:
    rng = np.random.default_rng(SEED)
    networks = PoseNetworks(Path(os.environ["MOTOROBS_MODEL_DIR"]) / "pose_landmarker_full.task",
                            features=True)
    store, missed, started = Store(Teacher() if crops else None), 0, time.time()
    clips = sorted(p for d in clip_dirs for p in d.glob("*.keypoints.csv"))
    for n, csv_path in enumerate(clips):
        name = csv_path.name.removesuffix(".keypoints.csv")
        truth = clip_keypoints(csv_path)
        video = cv2.VideoCapture(str(csv_path.with_name(name + ".mp4")))
        frame = 0
        while True:
            ok, bgr = video.read()
            if not ok:
                break
            if frame % stride == 0 and frame in truth:
                for _ in range(copies):
                    rgb, points = augment(bgr[:, :, ::-1], truth[frame][:, :2], rng)
                    crop = find_crop(networks, rgb, points, jitter=jitter(rng))
                    if crop is None:
                        missed += 1
                        continue
                    store.add(crop, points, np.ones(17, bool), rgb=rgb, group=name, frame=frame,
                              posture=posture_of_clip(name), source="render")
            frame += 1
        print(f"{n + 1}/{len(clips)} {name}: {len(store.columns['truth_crop'])} samples, "
              f"{missed} without a matching detection, {time.time() - started:.0f} s",
              flush=True)
    store.save(out)


def real_images() -> list[tuple[object, str]]:
    """The shared annotated images and each one's source video (SyRIP's ``image_source``,
    NYCU's recording: the file name's prefix)."""
    from motorobs.pose.evaluation import load_annotated

    syrip = REALDATA / "ostadabbas_SyRIP_real"
    items, _ = load_annotated(syrip / "annotations", syrip / "images",
                              REALDATA / "NYCUciflab_infant_pose" / "sample_data")
    sources = {}
    for path in (syrip / "annotations").glob("*.json"):
        for image in json.loads(path.read_text())["images"]:
            sources[image["file_name"]] = image["image_source"]
    out = []
    for item in items:
        base = Path(item.name).name
        group = sources.get(base) or "nycu_" + base.split("_")[0]
        out.append((item, group))
    return out


def extract_real(out: Path, copies: int, crops: bool = False) -> None:
    from dataclasses import replace

    from motorobs.config import PoseConfig
    from motorobs.pose.estimator import ImageLandmarker
    from motorobs.pose.evaluation import coco_prediction, torso_size

    rng = np.random.default_rng(SEED + 1)
    networks = PoseNetworks(Path(os.environ["MOTOROBS_MODEL_DIR"]) / "pose_landmarker_full.task",
                            features=True)
    teacher = Teacher() if crops else None
    train, evaluation = Store(teacher), Store(teacher)
    config = replace(PoseConfig(), estimator="infant")
    no_crop, records = [], []
    with ImageLandmarker(config) as landmarker:
        for item, group in real_images():
            if not np.isfinite(torso_size(item.keypoints)):
                continue
            rgb = item.load_rgb()
            truth, visible = item.keypoints[:, :2], item.keypoints[:, 2] > 0
            meta = dict(group=group, name=item.name, posture=item.posture, source="real")
            for copy in range(copies + 1):
                image, points = (rgb, truth) if copy == 0 else augment(rgb, truth, rng, 30.0)
                ref = np.where(visible[:, None], points, np.nan)
                crop = find_crop(networks, image, ref, jitter=jitter(rng) if copy else None)
                if crop is not None:
                    train.add(crop, points, visible, rgb=image, copy=copy, **meta)
            ds = landmarker(rgb)
            pose = ds["position"].isel(time=0, individual=0).values.T[:33]
            estimate = coco_prediction(pose) if np.isfinite(pose).any() else None
            crop = find_crop(networks, rgb, estimate) if estimate is not None else None
            records.append(dict(name=item.name, posture=item.posture, group=group,
                                truth=item.keypoints.tolist(), has_crop=crop is not None,
                                infant=None if estimate is None else estimate.tolist()))
            if crop is None:
                no_crop.append(item.name)
                continue
            evaluation.add(crop, truth, visible, rgb=rgb, infant_frame=estimate,
                           infant_crop=crop.to_crop(estimate), truth_frame=item.keypoints,
                           crop_to_frame=crop.crop_to_frame, turns=crop.turns, **meta)
            print(item.name, "ok", flush=True)
    print("no crop for the estimator's pose:", no_crop)
    train.save(out.with_name(out.stem + "_train.npz"))
    evaluation.save(out.with_name(out.stem + "_eval.npz"))
    out.with_name(out.stem + "_images.json").write_text(json.dumps(records))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", choices=("renders", "real"))
    ap.add_argument("clip_dirs", nargs="*", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--stride", type=int, default=5, help="renders: every N-th frame")
    ap.add_argument("--copies", type=int, default=2, help="augmented copies per image")
    ap.add_argument("--crops", action="store_true", help="route 2: store the crop images "
                    "and the landmark network's outputs instead of its features")
    args = ap.parse_args()
    if args.source == "renders":
        if not args.clip_dirs:
            sys.exit("renders: give at least one folder of rendered clips")
        extract_renders(args.clip_dirs, args.out, args.stride, args.copies, args.crops)
    else:
        extract_real(args.out, args.copies, args.crops)


if __name__ == "__main__":
    main()
