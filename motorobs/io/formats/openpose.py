"""OpenPose's per-frame JSON (``--write_json``): a folder of ``<name>_<frame>_keypoints.json``,
each ``{"people": [{"pose_keypoints_2d": [x, y, c, ...], "hand_left_keypoints_2d": [...],
"hand_right_keypoints_2d": [...], ...}]}``; a keypoint not found is ``0, 0, 0``.

The body model is told by the length: 25 keypoints (BODY_25) or 18 (COCO-18); hands, when
written, are OpenPose's 21 points in MediaPipe's hand order (``left_hand_wrist`` ...).
Frames are ordered by the number before ``_keypoints``. Per frame the person with the
highest summed confidence is the infant (OpenPose does not track people); ``person`` picks a
fixed index instead. A single ``*_keypoints.json`` file is a clip of one frame. OpenPose
records no frame rate: ``fps`` is required.

Written: BODY_25 with both hands, one file per frame; ``Neck`` and ``MidHip``, when the
dataset has none of its own, are the mid-shoulder and mid-hip points (the lower of the two
confidences).
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from motorobs.io.formats._common import (
    FormatError,
    build,
    dataset_keypoints,
    keypoint_arrays,
    need_fps,
)
from motorobs.schema import HAND_LANDMARKS
from motorobs.skeletons import openpose_skeleton

SUFFIX = "_keypoints.json"
HAND_KEYS = ("hand_left_keypoints_2d", "hand_right_keypoints_2d")
_FRAME_NUMBER = re.compile(r"(\d+)_keypoints\.json$")


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = list(path.glob(f"*{SUFFIX}"))

    def number(p: Path) -> tuple[int, str]:
        match = _FRAME_NUMBER.search(p.name)
        return (int(match.group(1)) if match else -1, p.name)

    return sorted(files, key=number)


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"{path}: not a JSON file ({exc}).") from exc


def sniff(path: Path) -> bool:
    """A folder with ``*_keypoints.json`` files, or such a file, holding ``people``."""
    files = _files(path)
    if not files:
        return False
    try:
        data = _load(files[0])
    except FormatError:
        return False
    return isinstance(data, dict) and isinstance(data.get("people"), list)


def _flat(path: Path, person: dict[str, Any], key: str, n: int) -> np.ndarray:
    values = np.asarray(person.get(key) or [0.0] * (3 * n), float)
    if values.shape != (3 * n,):
        raise FormatError(f"{path}: {key} has {values.size} values; expected {3 * n} "
                          f"(x, y, c for {n} keypoints).")
    return values.reshape(n, 3)


def read(path: Path, *, fps: float | None = None, person: int | None = None) -> xr.Dataset:
    """Read an OpenPose JSON folder (or one file).

    Parameters
    ----------
    fps
        The video's frame rate (required).
    person
        Index in each frame's ``people`` to take; default the most confident person.
    """
    fps = need_fps(path, fps, title="an OpenPose")
    files = _files(path)
    if not files:
        raise FormatError(f"{path}: no *{SUFFIX} files; give the folder OpenPose's "
                          "--write_json wrote.")
    frames_people = []
    for file in files:
        data = _load(file)
        if not isinstance(data, dict) or not isinstance(data.get("people"), list):
            raise FormatError(f"{file}: not an OpenPose keypoints file (no 'people' list).")
        frames_people.append((file, data["people"]))
    lengths = {len(p.get("pose_keypoints_2d") or []) for _, people in frames_people
               for p in people} - {0}
    if len(lengths) > 1 or (lengths and lengths.pop() not in (75, 54)):
        raise FormatError(f"{path}: pose_keypoints_2d of {sorted(lengths)} values; expected "
                          "75 (BODY_25) or 54 (COCO-18), the same in every file.")
    n_body = next((len(p["pose_keypoints_2d"]) // 3 for _, people in frames_people
                   for p in people if p.get("pose_keypoints_2d")), 25)
    hands = any(p.get(key) for _, people in frames_people for p in people for key in HAND_KEYS)
    skeleton = openpose_skeleton(n_body, hands)
    n_k = len(skeleton.keypoints)
    points = np.zeros((len(files), n_k, 3))
    for row, (file, people) in enumerate(frames_people):
        candidates = []
        for candidate in people:
            parts = [_flat(file, candidate, "pose_keypoints_2d", n_body)]
            if hands:
                parts += [_flat(file, candidate, key, len(HAND_LANDMARKS)) for key in HAND_KEYS]
            candidates.append(np.concatenate(parts))
        if not candidates:
            continue
        if person is not None:
            if person >= len(candidates):
                continue
            points[row] = candidates[person]
        else:
            points[row] = max(candidates, key=lambda c: float(c[:, 2].sum()))
    found = ~((points[:, :, 0] == 0) & (points[:, :, 1] == 0) & (points[:, :, 2] == 0))
    position = np.where(found[:, None, :], points[:, :, :2].transpose(0, 2, 1), np.nan)
    confidence = np.where(found, points[:, :, 2], np.nan)
    frames = [_FRAME_NUMBER.search(f.name) for f, _ in frames_people]
    numbers = np.array([int(m.group(1)) for m in frames]) if all(frames) else None
    if numbers is not None and (np.diff(numbers) <= 0).any():
        numbers = None
    return build(path, position, skeleton, fps, source_software="OpenPose",
                 confidence=confidence, frames=numbers)


def _with_midpoints(ds: xr.Dataset, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    position, confidence = keypoint_arrays(ds, names)
    own = set(dataset_keypoints(ds))
    for name, (a, b) in (("Neck", ("left_shoulder", "right_shoulder")),
                         ("MidHip", ("left_hip", "right_hip"))):
        if name in names and name not in own:
            pair_xy, pair_conf = keypoint_arrays(ds, [a, b])
            j = names.index(name)
            position[:, :, j] = pair_xy.mean(axis=2)
            confidence[:, j] = pair_conf.min(axis=1)
    return position, confidence


def write(ds: xr.Dataset, path: Path) -> Path:
    """Write ``ds`` as OpenPose JSON: a folder ``path`` of ``<name>_<frame>_keypoints.json``
    (BODY_25 and both hands). The folder is filled beside and renamed into place."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise FormatError(f"{path}: OpenPose JSON is a folder of files; give a folder name.")
    skeleton = openpose_skeleton(25, hands=True)
    dataset_names = list(skeleton.dataset_names())
    position, confidence = _with_midpoints(ds, dataset_names)
    stem = path.name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{stem}.", dir=path.parent))
    try:
        n_hand = len(HAND_LANDMARKS)
        for row, frame in enumerate(int(f) for f in ds["frame"].values):
            triples = np.column_stack([position[row].T, confidence[row]])
            triples[~np.isfinite(triples).all(axis=1)] = 0.0
            flat = [float(v) for v in triples.ravel()]
            body, left, right = flat[:75], flat[75:75 + 3 * n_hand], flat[75 + 3 * n_hand:]
            person = {"person_id": [-1], "pose_keypoints_2d": body,
                      "face_keypoints_2d": [], "hand_left_keypoints_2d": left,
                      "hand_right_keypoints_2d": right, "pose_keypoints_3d": [],
                      "face_keypoints_3d": [], "hand_left_keypoints_3d": [],
                      "hand_right_keypoints_3d": []}
            (tmp / f"{stem}_{frame:012d}{SUFFIX}").write_text(
                json.dumps({"version": 1.3, "people": [person]}), encoding="utf-8")
        if path.exists():
            shutil.rmtree(path)
        tmp.rename(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return path
