"""How well key-frame face blurring finds faces other than the infant's, on real clips.

Run on demand (needs the MediaPipe bundles and ``../shared/realdata``)::

    python tools/measure_face_blur.py [--frames 6] [--model-dir DIR]

For every real clip it samples evenly spaced frames and asks two questions:

* **False faces.** On its own frame, every head that :class:`AdultFaceDetector` reports and
  that is not the infant's (the infant's face comes from motorobs' own landmarks) is a false
  face, since no adult face is in view in these clips (checked by eye on the sampled frames;
  adults' hands and bodies are). Printed: false faces per frame and the share of the frame
  they blur, for several evidence thresholds.
* **Missed faces.** The frame is put beside a frame of *another* real clip; the other
  clip's baby stands in for a bystander, whose face motorobs' infant landmarks do not give.
  A bystander face counts as found when a detected circle covers its centre. Printed: the
  share found, for the same thresholds.

Real clips are third-party material: nothing here is written into the project.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import cv2
import numpy as np

from motorobs.config import PoseConfig
from motorobs.pose.estimator import ImageLandmarker
from motorobs.report.faces import (
    AdultFaceDetector,
    FaceRegion,
    infant_face_region,
    is_the_infant_again,
)

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
THRESHOLDS = (0.0, 0.3, 0.5, 0.7)


def sample_frames(video: Path, n: int) -> list[np.ndarray]:
    capture = cv2.VideoCapture(str(video))
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    frames = []
    for k in range(n):
        capture.set(cv2.CAP_PROP_POS_FRAMES, int((k + 0.5) * total / n))
        ok, bgr = capture.read()
        if ok:
            frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    capture.release()
    return frames


def covers(region: FaceRegion, x: float, y: float) -> bool:
    return bool(np.hypot(region.x - x, region.y - y) <= region.radius)


def same_head(a: FaceRegion, b: FaceRegion) -> bool:
    return covers(a, b.x, b.y) or covers(b, a.x, a.y)


def disc_share(regions: list[FaceRegion], shape: tuple[int, int]) -> float:
    mask = np.zeros(shape, np.uint8)
    for r in regions:
        cv2.circle(mask, (round(r.x), round(r.y)), round(r.radius), 1, thickness=-1)
    return float(mask.mean())


def side_by_side(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Both frames at the left one's height; returns the image, the right frame's x offset
    and its scale."""
    height = left.shape[0]
    scale = height / right.shape[0]
    resized = cv2.resize(right, (max(1, round(right.shape[1] * scale)), height))
    return np.hstack([left, resized]), float(left.shape[1]), scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=6, help="frames sampled per clip")
    parser.add_argument("--model-dir", type=Path,
                        default=Path(os.environ.get("MOTOROBS_MODEL_DIR",
                                                    REPO.parent / "shared" / "models")))
    parser.add_argument("--turns", default="0,2",
                        help="quarter turns the detector searches, comma-separated")
    parser.add_argument("--window-share", type=float, default=0.6,
                        help="share of the longer side of the two extra windows (0: none)")
    parser.add_argument("--keep-infant-again", dest="drop_infant", action="store_false",
                        help="do not drop people found lying on the infant's own body")
    args = parser.parse_args()
    turns = tuple(int(t) for t in args.turns.split(","))
    clips = sorted(REALDATA.glob("*/videos/*.mp4"))
    if not clips:
        raise SystemExit(f"No real clips under {REALDATA}.")
    config = PoseConfig(model_dir=args.model_dir)
    samples = []  # (clip, frame, infant face region or None)
    with ImageLandmarker(config) as landmarker:
        for clip in clips:
            for rgb in sample_frames(clip, args.frames):
                ds = landmarker(rgb)
                infant_xy = ds["position"].isel(time=0).sel(individual="infant").transpose(
                    "keypoint", "space").values
                samples.append((clip.stem, rgb, infant_face_region(ds, 0), infant_xy))
    false_counts = {t: [] for t in THRESHOLDS}
    false_share = {t: [] for t in THRESHOLDS}
    found = {t: [] for t in THRESHOLDS}
    with AdultFaceDetector(args.model_dir / "pose_landmarker_full.task",
                           turns=turns, window_share=args.window_share or None) as detector:
        for i, (clip_name, rgb, infant, infant_xy) in enumerate(samples):
            people = [p for p in detector.people(rgb)
                      if not (args.drop_infant and is_the_infant_again(p.body_xy, infant_xy))]
            others = [p for p in people if infant is None or not same_head(p.region, infant)]
            for t in THRESHOLDS:
                kept = [p.region for p in others if p.evidence >= t]
                false_counts[t].append(len(kept))
                false_share[t].append(disc_share(kept, rgb.shape[:2]))
            partner_clip, partner, partner_face, _ = samples[(i + args.frames) % len(samples)]
            if partner_face is None or partner_clip == clip_name:
                continue
            pair, offset, scale = side_by_side(rgb, partner)
            bystander = (offset + partner_face.x * scale, partner_face.y * scale)
            people = [p for p in detector.people(pair)
                      if not (args.drop_infant and is_the_infant_again(p.body_xy, infant_xy))]
            for t in THRESHOLDS:
                found[t].append(any(covers(p.region, *bystander) for p in people
                                    if p.evidence >= t))
    print(f"turns {turns}, windows {args.window_share}: {len(clips)} real clips, "
          f"{len(samples)} frames "
          f"({sum(s[2] is not None for s in samples)} with the infant's face located), "
          f"{len(found[THRESHOLDS[0]])} bystander pairs")
    print("min evidence | false faces per frame | frames with one | blurred share of frame "
          "(mean, max) | bystander faces found")
    for t in THRESHOLDS:
        counts = np.array(false_counts[t])
        shares = np.array(false_share[t])
        print(f"{t:12.1f} | {counts.mean():21.2f} | {np.mean(counts > 0):15.0%} | "
              f"{shares.mean():12.1%}, {shares.max():6.1%} | {np.mean(found[t]):.0%}")


if __name__ == "__main__":
    main()
