"""Reading human keypoint annotations of infant images (COCO keypoint JSON and labelme).

Both formats are turned into :class:`AnnotatedImage`: one image, its infant's 17 COCO
keypoints ``(x_px, y_px, v)`` in pixels of the image as stored (x right, y down) and the
posture label when the dataset gives one. ``v`` follows COCO: 0 = not annotated,
1 = annotated but hidden, 2 = annotated and visible.

* COCO (e.g. SyRIP): ``images[]`` may carry a ``posture`` field (Supine, Prone, Sitting,
  Standing); the first ``person`` annotation of an image (the one with the most annotated
  keypoints when there are several) is the infant. Images listed in the JSON but absent from
  the image folder are skipped and reported (SyRIP's JSON covers 700 images; a folder may
  hold only some of them).
* labelme (e.g. NYCU infant pose): one JSON per image with ``point`` shapes named by the
  22 labels below; 11 of them map to COCO-17 (``LABELME_TO_COCO``). labelme has no
  visibility flag, so every labelled point counts as visible (v = 2). labelme has no posture
  field either: a posture is read from the file's ``flags`` when one of them is set
  (e.g. ``{"prone": true}``), otherwise it is ``"unspecified"``.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

COCO_KEYPOINTS: tuple[str, ...] = (
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
)
"""The 17 COCO person keypoints, in COCO order (left/right: the person's own sides)."""

LABELME_TO_COCO: dict[str, str] = {
    "Nose": "nose",
    "Eye_L": "left_eye",
    "Eye_R": "right_eye",
    "Shoulder_L": "left_shoulder",
    "Shoulder_R": "right_shoulder",
    "Elbow_L": "left_elbow",
    "Elbow_R": "right_elbow",
    "Wrist_L": "left_wrist",
    "Wrist_R": "right_wrist",
    "Hip_L": "left_hip",
    "Hip_R": "right_hip",
    "Knee_L": "left_knee",
    "Knee_R": "right_knee",
    "Ankle_L": "left_ankle",
    "Ankle_R": "right_ankle",
}
"""NYCU 22-label labelme names -> COCO-17 names. Head, Upper_Lip, Lower_Lip, MP_joint_L/R
(palm) and MTP_joint_L/R (ball of the foot) have no COCO counterpart and are ignored; the
ears have no labelme counterpart and stay unannotated."""

UNSPECIFIED_POSTURE = "unspecified"
_POSTURES = ("supine", "prone", "sitting", "standing", "side_lying")


@dataclass(frozen=True)
class AnnotatedImage:
    """One annotated image.

    Attributes
    ----------
    name
        Identifier for messages and per-image tables (file name, with the dataset folder).
    keypoints
        (17, 3) array ``x_px, y_px, v`` in :data:`COCO_KEYPOINTS` order; pixels of the stored
        image (x right, y down). Unannotated points have ``v = 0`` (their x, y are meaningless).
    posture
        Lower-case posture label ("supine", "prone", ...) or ``"unspecified"``.
    image_path
        The image file, or ``None`` when the image is only embedded in the annotation.
    embedded_image
        Base64 image bytes from a labelme file (used when ``image_path`` is ``None``).
    """

    name: str
    keypoints: np.ndarray
    posture: str = UNSPECIFIED_POSTURE
    image_path: Path | None = None
    embedded_image: str | None = None

    def load_rgb(self) -> np.ndarray:
        """The image as (H, W, 3) uint8 RGB, as stored (no EXIF rotation applied).

        Raises
        ------
        FileNotFoundError
            If the image cannot be read (names the file).
        """
        if self.image_path is not None:
            bgr = cv2.imread(str(self.image_path), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
        elif self.embedded_image:
            raw = np.frombuffer(base64.b64decode(self.embedded_image), np.uint8)
            bgr = cv2.imdecode(raw, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
        else:
            bgr = None
        if bgr is None:
            raise FileNotFoundError(
                f"{self.image_path or self.name}: image missing or unreadable; check the image "
                "folder passed with --images (or the labelme file's imagePath/imageData)."
            )
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def _normalise_posture(label: object) -> str:
    text = str(label).strip().lower().replace("-", "_").replace(" ", "_") if label else ""
    return text or UNSPECIFIED_POSTURE


def load_coco(annotations: str | Path, images_dir: str | Path) -> tuple[list[AnnotatedImage],
                                                                         list[str]]:
    """Annotated images from a COCO keypoint JSON whose images are in ``images_dir``.

    Parameters
    ----------
    annotations
        COCO keypoint JSON (``images``, ``annotations`` with 17 ``keypoints`` triplets).
    images_dir
        Folder with the image files named by ``images[].file_name``.

    Returns
    -------
    (images, missing)
        The annotated images found in ``images_dir`` (sorted by file name) and the file names
        listed in the JSON but absent from the folder (also those with no annotation).

    Raises
    ------
    ValueError
        If the file is not COCO keypoint JSON (names the file and the missing part).
    """
    annotations, images_dir = Path(annotations), Path(images_dir)
    try:
        data = json.loads(annotations.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{annotations}: not a readable JSON file ({exc}).") from exc
    if not isinstance(data, dict) or "images" not in data or "annotations" not in data:
        raise ValueError(
            f"{annotations}: not COCO keypoint JSON (expected top-level 'images' and "
            "'annotations')."
        )
    if not images_dir.is_dir():
        raise ValueError(f"{images_dir}: no such image folder; pass the folder with --images.")
    best: dict[object, dict] = {}
    for ann in data["annotations"]:
        kps = ann.get("keypoints")
        if not kps or len(kps) != 3 * len(COCO_KEYPOINTS):
            continue
        n_annotated = sum(1 for v in kps[2::3] if v > 0)
        previous = best.get(ann["image_id"])
        if previous is None or n_annotated > previous["n"]:
            best[ann["image_id"]] = {"n": n_annotated, "keypoints": kps}
    found, missing = [], []
    for entry in data["images"]:
        path = images_dir / entry["file_name"]
        ann = best.get(entry["id"])
        if ann is None or not path.is_file():
            missing.append(entry["file_name"])
            continue
        found.append(
            AnnotatedImage(
                name=f"{images_dir.name}/{entry['file_name']}",
                keypoints=np.asarray(ann["keypoints"], float).reshape(-1, 3),
                posture=_normalise_posture(entry.get("posture")),
                image_path=path,
            )
        )
    return sorted(found, key=lambda a: a.name), sorted(missing)


def load_labelme(folder: str | Path) -> list[AnnotatedImage]:
    """Annotated images from labelme point files (``*.json``) anywhere under ``folder``.

    The image is looked up, in order, at ``imagePath`` relative to the JSON file, in a
    sibling ``img``/``images`` folder, next to the JSON file, else taken from the embedded
    ``imageData``.

    Raises
    ------
    ValueError
        If ``folder`` holds no labelme point files (names the folder).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such folder; pass the folder of labelme JSON files.")
    items = []
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, json.JSONDecodeError):
            continue
        if not isinstance(data, dict) or "shapes" not in data:
            continue
        items.append(_labelme_item(path, data, folder))
    if not items:
        raise ValueError(f"{folder}: no labelme JSON files (with 'shapes') found under it.")
    return items


def _labelme_item(path: Path, data: dict, root: Path) -> AnnotatedImage:
    index = {name: i for i, name in enumerate(COCO_KEYPOINTS)}
    keypoints = np.zeros((len(COCO_KEYPOINTS), 3))
    for shape in data["shapes"]:
        coco = LABELME_TO_COCO.get(shape.get("label", ""))
        if coco is None or shape.get("shape_type", "point") != "point" or not shape["points"]:
            continue
        x, y = shape["points"][0]
        keypoints[index[coco]] = (x, y, 2.0)
    image_name = Path(str(data.get("imagePath") or "")).name
    image_path = None
    if image_name:
        candidates = [
            path.parent / str(data["imagePath"]),
            path.parent.parent / "img" / image_name,
            path.parent.parent / "images" / image_name,
            path.parent / image_name,
        ]
        image_path = next((c for c in candidates if c.is_file()), None)
    flags = [k for k, v in (data.get("flags") or {}).items() if v and k.lower() in _POSTURES]
    return AnnotatedImage(
        name=str(path.relative_to(root).with_suffix("")),
        keypoints=keypoints,
        posture=_normalise_posture(flags[0]) if flags else UNSPECIFIED_POSTURE,
        image_path=image_path,
        embedded_image=data.get("imageData") if image_path is None else None,
    )
