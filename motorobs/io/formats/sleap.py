"""SLEAP labels and predictions (``.slp``), through sleap-io (``pip install
"motorobs[formats]"``).

Read: the first video's labelled frames, in frame order; the track named ``"infant"`` (or
``track``), else the track with the most visible points, else (untracked files) each
frame's first instance. Point scores of predictions are the confidence, clipped to 0..1
(SLEAP's peak values can exceed 1); user-labelled points have confidence 1. Node names map to
body parts through :meth:`motorobs.skeletons.Skeleton.from_names`; SLEAP's skeleton edges
and symmetries are kept. The frame rate comes from ``fps``, else from the video when
sleap-io can read it. Positions are stored as 32-bit floats (about 1e-5 px at 500 px).

Written: one predicted instance per frame with points, point scores and the track
``"infant"``, the skeleton of the dataset (keypoint names; edges and left/right pairs),
the video named by ``attrs["source_video"]`` (not opened).
"""

from __future__ import annotations

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
    require,
    source_name,
)
from motorobs.landmarks import INDIVIDUAL, skeleton_of
from motorobs.skeletons import Skeleton

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"


def sniff(path: Path) -> bool:
    """An HDF5 file (``.slp`` files are HDF5)."""
    with open(path, "rb") as handle:
        return handle.read(8) == HDF5_MAGIC


def _video_fps(video: Any) -> float | None:
    try:
        fps = video.fps
    except Exception:  # the video is not reachable: only the caller's fps then
        return None
    return float(fps) if fps else None


def _chosen_track(labels: Any, frames: list[Any], track: str | None) -> Any:
    if not labels.tracks:
        return None
    names = [t.name for t in labels.tracks]
    wanted = track or (INDIVIDUAL if INDIVIDUAL in names else None)
    if wanted is not None:
        if wanted not in names:
            raise FormatError(f"no track {wanted!r}; the file has {names}.")
        return labels.tracks[names.index(wanted)]
    counts = {id(t): 0 for t in labels.tracks}
    for lf in frames:
        for inst in lf.instances:
            if inst.track is not None:
                counts[id(inst.track)] += int(np.isfinite(inst.numpy()).all(axis=1).sum())
    return max(labels.tracks, key=lambda t: counts[id(t)])


def read(path: Path, *, fps: float | None = None, track: str | None = None,
         aliases: dict[str, str] | None = None) -> xr.Dataset:
    """Read a SLEAP ``.slp`` file.

    Parameters
    ----------
    fps
        The video's frame rate (else the video's, when readable).
    track
        Which track; default ``"infant"``, else the one with the most visible points.
    aliases
        Node name -> motorobs body part, for names the alias table does not know.
    """
    sio = require("sleap_io", path, "SLEAP files")
    try:
        labels = sio.load_slp(str(path), open_videos=False)
    except Exception as exc:  # sleap-io raises many kinds on a broken file
        raise FormatError(f"{path}: not a readable SLEAP file ({type(exc).__name__}: {exc}).") \
            from exc
    if not labels.videos or not labels.skeletons:
        raise FormatError(f"{path}: no video or no skeleton in this SLEAP file.")
    video, sk = labels.videos[0], labels.skeletons[0]
    frames = sorted((lf for lf in labels.labeled_frames if lf.video is video),
                    key=lambda lf: lf.frame_idx)
    if not frames:
        raise FormatError(f"{path}: no labelled frames.")
    fps = need_fps(path, fps, _video_fps(video), "this SLEAP")
    try:
        chosen = _chosen_track(labels, frames, track)
    except FormatError as exc:
        raise FormatError(f"{path}: {exc}") from None
    names = list(sk.node_names)
    position = np.full((len(frames), 2, len(names)), np.nan)
    confidence = np.full((len(frames), len(names)), np.nan)
    for row, lf in enumerate(frames):
        instances = [i for i in lf.instances if i.skeleton is sk
                     and (chosen is None or i.track is chosen)]
        if not instances:
            continue
        inst = instances[0]
        xy = inst.numpy()
        position[row] = xy.T
        scores = getattr(inst.points, "dtype", None)
        if scores is not None and "score" in (inst.points.dtype.names or ()):
            confidence[row] = np.clip(inst.points["score"], 0.0, 1.0)
        else:
            confidence[row] = 1.0
        confidence[row, ~np.isfinite(xy).all(axis=1)] = np.nan
    edges = [(e.source.name, e.destination.name) for e in sk.edges]
    base = Skeleton.from_names("sleap", names, edges, aliases=aliases)
    pairs = tuple(tuple(sorted((n.name for n in s.nodes), key=lambda n: base.body_part(n) or n))
                  for s in sk.symmetries if len(s.nodes) == 2)
    skeleton = Skeleton(base.name, base.keypoints, base.edges, pairs, base.body_parts)
    return build(path, position, skeleton, fps, source_software="SLEAP",
                 confidence=confidence, frames=np.array([lf.frame_idx for lf in frames]),
                 attrs={"source_video": str(video.filename)})


def write(ds: xr.Dataset, path: Path) -> Path:
    """Write ``ds`` as a SLEAP ``.slp`` file of predictions (track ``"infant"``)."""
    path = Path(path)
    sio = require("sleap_io", path, "SLEAP files")
    names = dataset_keypoints(ds)
    position, confidence = keypoint_arrays(ds, names)
    source = skeleton_of(ds)
    rename = dict(zip(source.keypoints, source.dataset_names(), strict=True))
    edges = [(rename[a], rename[b]) for a, b in source.edges
             if rename.get(a) in names and rename.get(b) in names]
    pairs = [(rename[a], rename[b]) for a, b in source.symmetries]
    skeleton = sio.Skeleton(names, edges=edges, symmetries=pairs)
    video = sio.Video(filename=source_name(ds), open_backend=False)
    infant = sio.Track(INDIVIDUAL)
    frames = []
    for row, frame in enumerate(int(f) for f in ds["frame"].values):
        if not np.isfinite(position[row]).all(axis=0).any():
            continue
        scores = np.nan_to_num(confidence[row], nan=0.0)
        inst = sio.PredictedInstance.from_numpy(position[row].T, skeleton, point_scores=scores,
                                                score=float(np.mean(scores)), track=infant)
        frames.append(sio.LabeledFrame(video=video, frame_idx=frame, instances=[inst]))
    labels = sio.Labels(labeled_frames=frames, videos=[video], skeletons=[skeleton],
                        tracks=[infant])
    from motorobs.io.atomic import atomic_path

    with atomic_path(path) as tmp:
        sio.save_slp(labels, str(tmp.with_suffix(".slp")), verbose=False)
        tmp.with_suffix(".slp").replace(tmp)
    return path
