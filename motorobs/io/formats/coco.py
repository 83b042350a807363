"""COCO keypoint JSON: ``images``, ``annotations`` (``keypoints`` as flat ``x, y, v``
triples, ``v`` 0 = not labelled, 1 = labelled but hidden, 2 = labelled and visible) and a
``categories`` entry naming the keypoints and their ``skeleton`` (1-based pairs), e.g. SyRIP's
infant annotations.

Each image is a frame, in the order of ``frame_id`` when every image has its own (video
annotations, and motorobs' exports), else of image ``id``. Per image the annotation with the
most labelled keypoints (then the largest ``area``) is the infant. Confidence: the
annotation's ``keypoint_scores`` when present (predictions; motorobs writes them), else 1 for
every labelled keypoint (``v`` > 0, a human label is sure of its position) and NaN with no
position for ``v = 0``. Keypoint names map to body parts through
:meth:`motorobs.skeletons.Skeleton.from_names` (the 17 COCO names are body-part names). The
frame rate comes from ``info.fps`` (motorobs' exports) or ``fps``.

Written: COCO-17 (:data:`motorobs.skeletons.COCO_17`), one image per frame
(``frame_000012.jpg``, ``frame_id`` the frame index), ``v = 2`` where the keypoint is known,
``keypoint_scores`` its confidence, ``info.fps`` the frame rate.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from motorobs.io.atomic import write_atomic
from motorobs.io.formats._common import FormatError, build, keypoint_arrays, need_fps
from motorobs.skeletons import COCO_17, Skeleton


def _load(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{path}: not a JSON file ({exc}).") from exc


def sniff(path: Path) -> bool:
    """A JSON object with ``images``, ``annotations`` and keypoint ``categories``."""
    try:
        data = _load(path)
    except FormatError:
        return False
    return isinstance(data, dict) and {"images", "annotations", "categories"} <= set(data) \
        and any("keypoints" in c for c in data["categories"] if isinstance(c, dict))


def _category(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    cats = [c for c in data.get("categories", []) if isinstance(c, dict) and c.get("keypoints")]
    if not cats:
        raise FormatError(f"{path}: no category with 'keypoints' names; expected a COCO "
                          "keypoint file (categories[].keypoints).")
    return next((c for c in cats if c.get("name") == "person"), cats[0])


def read(path: Path, *, fps: float | None = None,
         aliases: dict[str, str] | None = None) -> xr.Dataset:
    """Read a COCO keypoint file (images = frames).

    Parameters
    ----------
    fps
        Frame rate, when the file has no ``info.fps``.
    aliases
        Keypoint name -> motorobs body part, for names the alias table does not know.
    """
    data = _load(path)
    if not isinstance(data, dict) or not isinstance(data.get("images"), list) \
            or not isinstance(data.get("annotations"), list):
        raise FormatError(f"{path}: not a COCO keypoint file; expected 'images' and "
                          "'annotations' lists.")
    category = _category(path, data)
    names = [str(n) for n in category["keypoints"]]
    k = len(names)
    info = data.get("info") if isinstance(data.get("info"), dict) else {}
    fps = need_fps(path, fps, info.get("fps"), "a COCO")
    images = data["images"]
    if not images:
        raise FormatError(f"{path}: no images, so no frames.")
    frame_ids = [im.get("frame_id") for im in images]
    by_frame = all(isinstance(f, int) for f in frame_ids) and len(set(frame_ids)) == len(images)
    images = sorted(images, key=lambda im: im["frame_id"] if by_frame else im["id"])
    row_of = {im["id"]: i for i, im in enumerate(images)}
    position = np.full((len(images), 2, k), np.nan)
    confidence = np.full((len(images), k), np.nan)
    best: dict[int, tuple] = {}
    for ann in data["annotations"]:
        if ann.get("category_id", category.get("id")) != category.get("id") \
                or ann.get("image_id") not in row_of:
            continue
        points = np.asarray(ann.get("keypoints", []), float)
        if points.shape != (3 * k,):
            raise FormatError(f"{path}: annotation {ann.get('id')} has {points.size} keypoint "
                              f"values; expected {3 * k} (x, y, v for {k} keypoints).")
        points = points.reshape(k, 3)
        rank = (int((points[:, 2] > 0).sum()), float(ann.get("area") or 0))
        row = row_of[ann["image_id"]]
        if row not in best or rank > best[row][0]:
            best[row] = (rank, points, ann.get("keypoint_scores"))
    for row, (_, points, scores) in best.items():
        labelled = points[:, 2] > 0
        position[row, :, labelled] = points[labelled, :2]
        confidence[row] = np.where(labelled, 1.0, np.nan)
        if scores is not None:
            confidence[row] = np.where(labelled, np.asarray(scores, float), np.nan)
    edges = [(names[a - 1], names[b - 1]) for a, b in category.get("skeleton", [])
             if 1 <= a <= k and 1 <= b <= k]
    skeleton = Skeleton.from_names("coco", names, edges, aliases=aliases)
    widths = [im.get("width") for im in images if im.get("width")]
    heights = [im.get("height") for im in images if im.get("height")]
    attrs: dict[str, Any] = {}
    if widths and heights:
        attrs = {"frame_width": int(max(widths)), "frame_height": int(max(heights))}
    frames = np.array([im["frame_id"] for im in images]) if by_frame else None
    return build(path, position, skeleton, fps, source_software="COCO",
                 confidence=confidence, frames=frames, attrs=attrs)


def to_coco(ds: xr.Dataset) -> dict[str, Any]:
    """The COCO-17 keypoint document of ``ds`` (see the module docstring)."""
    position, confidence = keypoint_arrays(ds, list(COCO_17.keypoints))
    width, height = int(ds.attrs.get("frame_width", 0)), int(ds.attrs.get("frame_height", 0))
    images, annotations = [], []
    for row, frame in enumerate(int(f) for f in ds["frame"].values):
        images.append({"id": row + 1, "file_name": f"frame_{frame:06d}.jpg",
                       "frame_id": frame, "width": width, "height": height})
        xy = position[row].T
        known = np.isfinite(xy).all(axis=1)
        triples = [[float(x), float(y), 2] if ok else [0.0, 0.0, 0]
                   for (x, y), ok in zip(xy, known, strict=True)]
        scores = [float(c) if ok and np.isfinite(c) else 0.0
                  for c, ok in zip(confidence[row], known, strict=True)]
        if not known.any():
            continue
        x0, y0 = xy[known].min(axis=0)
        x1, y1 = xy[known].max(axis=0)
        annotations.append({
            "id": row + 1, "image_id": row + 1, "category_id": 1, "iscrowd": 0,
            "keypoints": [v for t in triples for v in t], "num_keypoints": int(known.sum()),
            "keypoint_scores": scores,
            "bbox": [float(x0), float(y0), float(x1 - x0), float(y1 - y0)],
            "area": float((x1 - x0) * (y1 - y0)),
        })
    edges = [[COCO_17.keypoints.index(a) + 1, COCO_17.keypoints.index(b) + 1]
             for a, b in COCO_17.edges]
    return {
        "info": {"description": f"motorobs export of {ds.attrs.get('source_file') or 'a clip'}",
                 "fps": float(ds.attrs["fps"])},
        "images": images, "annotations": annotations,
        "categories": [{"id": 1, "name": "person", "supercategory": "person",
                        "keypoints": list(COCO_17.keypoints), "skeleton": edges}],
    }


def write(ds: xr.Dataset, path: Path) -> Path:
    """Write ``ds`` as a COCO-17 keypoint JSON file (atomically)."""
    return write_atomic(Path(path), json.dumps(to_coco(ds)))
