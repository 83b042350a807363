"""Route 2: fine-tune BlazePose's landmark network itself on infant crops (PyTorch, CPU).

The network is the torch port of ``pose_landmarks_detector.tflite`` (blazepose_torch.py,
checked against LiteRT by check_port.py). Its operators before ``--train-from`` stay frozen
(the early encoder: generic image features); the rest is trained on crops made by
``extract.py ... --crops`` (the detector's own regions, jittered, as MediaPipe makes them).

Loss, per sample (crop pixels of the 256 x 256 input; torso size from the truth):
  keypoints   the 17 COCO-mapped landmarks' regression output against the truth, mean
              error / torso size; rendered hips moved to where annotators put them
              (train.annotator_hips); points outside the crop or not annotated left out
  heatmaps    the same 17 heatmap channels: binary cross-entropy against the shipped
              network's own heatmap moved from its landmark to the truth (:func:`shifted`:
              its shape and scale kept). MediaPipe moves each landmark to its heatmap's
              centre of mass, so heatmap and regression must agree
  distilled   everything else stays what the shipped network gave on the same crop: the
              other 22 landmarks and the 6 alignment points (x, y, z), all visibility and
              presence logits, the pose flag, the world landmarks and the other heatmap
              channels (teacher outputs stored by extract.py) -- so tracking, the hand
              regions and every landmark motorobs does not retrain keep working
Adam, cosine schedule, seeded (``SEED``), ``--epochs`` passes, batch ``--batch``.

Real images (``--real``) join only for cross-validation: ``--exclude-groups`` names the
source videos held out (crossval.py deals them into folds).

usage (tools/render's environment plus tflite and ai-edge-litert, from tools/train_pose/):
    python finetune.py --train R.npz [R2.npz ...] [--real REAL_train.npz --exclude-groups G]
                       --out NET.pt [--epochs N] [--train-from OP]
    python finetune.py --export NET.pt OUT.tflite
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from blazepose_torch import TFLiteNet, write_tflite
from train import MP_TO_COCO, annotator_hips

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # motorobs' scoring, unchanged
from motorobs.pose.evaluation import normalised_errors  # noqa: E402
from motorobs.pose.pose_net import refine_on_heatmap  # noqa: E402

SEED = 14
MODEL = Path("/work/train_pose/model/pose_landmarks_detector.tflite")
CROP_PX, CELLS = 256, 64
COCO = list(MP_TO_COCO)
OTHER = [k for k in range(39) if k not in MP_TO_COCO]
WEIGHTS = {"keypoints": 1.0, "heatmaps": 0.05, "distil_points": 1.0, "distil_logits": 0.05,
           "distil_world": 1.0, "distil_heatmaps": 0.02, "flag": 1.0}
"""Loss weights (tuned on renders only, by the size of each term at the start)."""


def load(paths: list[Path], *, render_hips: bool, exclude: set[str] = frozenset()) -> dict:
    """Crops and targets of extract.py's ``--crops`` files (rows of excluded groups out)."""
    columns: dict[str, list] = {}
    for path in paths:
        data = np.load(path, allow_pickle=True)
        rows = np.array([g not in exclude for g in data["group"]])
        truth = data["truth_crop"][rows].astype(np.float64)
        if render_hips:
            truth = annotator_hips(truth)
        inside = ((truth >= 0) & (truth < CROP_PX)).all(-1) & np.isfinite(truth).all(-1)
        part = {"crop": data["crop"][rows], "truth": np.nan_to_num(truth).astype(np.float32),
                "mask": inside & data["visible"][rows],
                "points": data["teacher_points"][rows].astype(np.float32),
                "flag": data["teacher_flag"][rows].astype(np.float32).reshape(-1),
                "heatmap": data["teacher_heatmap"][rows],
                "world": data["teacher_world"][rows].astype(np.float32)}
        for key, value in part.items():
            columns.setdefault(key, []).append(value)
    return {k: np.concatenate(v) for k, v in columns.items()}


def torso_px(truth: torch.Tensor) -> torch.Tensor:
    """(B,) torso size in crop pixels: mean of the two shoulder-to-opposite-hip diagonals
    (COCO 5/6 shoulders, 11/12 hips), as motorobs.pose.evaluation scores."""
    d1 = (truth[:, 5] - truth[:, 12]).norm(dim=-1)
    d2 = (truth[:, 6] - truth[:, 11]).norm(dim=-1)
    return ((d1 + d2) / 2).clamp_min(8.0)


def shifted(heatmaps: torch.Tensor, shift_px: torch.Tensor) -> torch.Tensor:
    """(B, 64, 64, K) heatmaps moved by (B, K, 2) crop pixels (bilinear; edges repeated)."""
    b, h, w, k = heatmaps.shape
    maps = heatmaps.permute(0, 3, 1, 2).reshape(b * k, 1, h, w)
    shift = shift_px.reshape(b * k, 2) / (CROP_PX / CELLS)  # cells
    ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32),
                            torch.arange(w, dtype=torch.float32), indexing="ij")
    src_x = (xs[None] - shift[:, None, None, 0] + 0.5) / w * 2 - 1
    src_y = (ys[None] - shift[:, None, None, 1] + 0.5) / h * 2 - 1
    grid = torch.stack([src_x, src_y], dim=-1)
    out = F.grid_sample(maps, grid, mode="bilinear", padding_mode="border", align_corners=False)
    return out.reshape(b, k, h, w).permute(0, 2, 3, 1)


def losses(net: TFLiteNet, batch: dict) -> dict[str, torch.Tensor]:
    """The loss terms (module docstring) of one batch."""
    image = torch.from_numpy(batch["crop"]).float() / 255.0
    out = net(image)
    points = out["Identity"].reshape(-1, 39, 5)
    heat = out["Identity_3"]
    truth = torch.from_numpy(batch["truth"])
    mask = torch.from_numpy(batch["mask"]).float()
    teacher = torch.from_numpy(batch["points"])
    teacher_heat = torch.from_numpy(batch["heatmap"].astype(np.float32))
    torso = torso_px(truth)
    error = (points[:, COCO, :2] - truth).norm(dim=-1) / torso[:, None]
    keypoints = (error * mask).sum() / mask.sum().clamp_min(1.0)
    # annotated points: the shipped network's own heatmap moved to the truth (its shape and
    # scale kept, so MediaPipe's refinement reads it as before); the others: unchanged
    target = torch.sigmoid(shifted(teacher_heat[..., COCO],
                                   (truth - teacher[:, COCO, :2]) * mask[..., None]))
    heatmaps = F.binary_cross_entropy_with_logits(heat[..., COCO], target,
                                                  reduction="mean") * 4096
    distil_heat = F.binary_cross_entropy_with_logits(
        heat[..., OTHER], torch.sigmoid(teacher_heat[..., OTHER]), reduction="mean") * 4096
    distil_points = ((points[:, OTHER, :3] - teacher[:, OTHER, :3]).abs().sum(-1)
                     / torso[:, None]).mean()
    distil_logits = F.binary_cross_entropy_with_logits(
        points[..., 3:5], torch.sigmoid(teacher[..., 3:5]))
    world = F.l1_loss(out["Identity_4"], torch.from_numpy(batch["world"])) * 10
    flag = F.mse_loss(out["Identity_1"].reshape(-1), torch.from_numpy(batch["flag"]))
    return {"keypoints": keypoints, "heatmaps": heatmaps, "distil_points": distil_points,
            "distil_logits": distil_logits, "distil_world": world,
            "distil_heatmaps": distil_heat, "flag": flag}


def crop_pck(net: TFLiteNet, path: Path, batch: int = 16,
             groups: set[str] | None = None) -> dict[str, float]:
    """PCK@0.2 in crop space of extract.py's evaluation crops (``real_eval.npz``): the
    network's landmarks refined on its heatmaps as MediaPipe refines them, scored by
    motorobs' ``normalised_errors`` (torso sizes, unchanged by the crop's similarity map).
    A quick proxy of the production figure (evaluate_net.py), for the training log."""
    data = dict(np.load(path, allow_pickle=True))
    if groups is not None:
        rows = np.array([str(g) in groups for g in data["group"]])
        data = {k: v[rows] for k, v in data.items()}
    errors, postures = [], list(data["posture"])
    with torch.no_grad():
        for start in range(0, len(data["crop"]), batch):
            image = torch.from_numpy(data["crop"][start:start + batch]).float() / 255.0
            out = net(image)
            points = out["Identity"].reshape(-1, 39, 5).numpy()
            for k, heat in enumerate(out["Identity_3"].numpy()):
                xy = refine_on_heatmap(points[k, :, :2] / CROP_PX, heat) * CROP_PX
                truth = np.concatenate([data["truth_crop"][start + k],
                                        data["visible"][start + k][:, None]], axis=1)
                errors.append(normalised_errors(xy[COCO], truth))
    errors = np.array(errors)
    hit = np.where(np.isnan(errors), np.nan, errors <= 0.2)
    prone = np.array([p == "prone" for p in postures])
    return {"pck": round(float(np.nanmean(hit)), 4),
            "prone": round(float(np.nanmean(hit[prone])), 4)}


def train(args) -> None:
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(SEED)
    data = load(args.train, render_hips=True)
    held_out = None
    if args.fold is not None:
        from crossval import make_folds

        images = json.loads(args.images.read_text())
        folds = make_folds([r["group"] for r in images], args.folds)
        held_out = {g for g, f in folds.items() if f == args.fold}
        args.exclude_groups = "|".join(sorted(held_out))
    if args.real:
        exclude = set(filter(None, args.exclude_groups.split("|")))
        real = load([args.real], render_hips=False, exclude=exclude)
        repeat = args.real_repeat
        data = {k: np.concatenate([data[k]] + [real[k]] * repeat) for k in data}
    net = TFLiteNet(MODEL)
    if args.init:
        net.load_state_dict(torch.load(args.init)["model"])
    trainable = set(net.parameter_names_between(args.train_from, len(net.ops) - 1))
    for key, param in net.params.items():
        param.requires_grad_(key in trainable)
    params = [p for k, p in net.params.items() if k in trainable]
    print(f"{len(data['crop'])} samples; training {len(params)} weight tensors "
          f"({sum(p.numel() for p in params):,} weights) from operator {args.train_from}",
          flush=True)
    optimiser = torch.optim.Adam(params, lr=args.lr)
    steps = args.epochs * int(np.ceil(len(data["crop"]) / args.batch))
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, args.lr, total_steps=steps,
                                                   pct_start=0.1)
    started = time.time()
    log = []
    if args.eval:
        print(f"before training: {crop_pck(net, args.eval, groups=held_out)}", flush=True)
    for epoch in range(args.epochs):
        order = rng.permutation(len(data["crop"]))
        totals: dict[str, float] = {}
        for start in range(0, len(order), args.batch):
            rows = np.sort(order[start:start + args.batch])
            terms = losses(net, {k: v[rows] for k, v in data.items()})
            loss = sum(WEIGHTS[k] * v for k, v in terms.items())
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            for k, v in terms.items():
                totals[k] = totals.get(k, 0.0) + float(v.detach()) * len(rows)
        means = {k: round(v / len(order), 4) for k, v in totals.items()}
        if args.eval:
            means["eval"] = crop_pck(net, args.eval, groups=held_out)
        log.append(means)
        print(f"epoch {epoch + 1}: {means} ({time.time() - started:.0f} s)", flush=True)
    torch.save({"model": net.state_dict(), "log": log,
                "args": {k: [str(x) for x in v] if isinstance(v, list) else str(v)
                         for k, v in vars(args).items()}}, args.out)


def export(checkpoint: Path, out: Path) -> None:
    """The trained weights written into a copy of the shipped ``.tflite`` (float16)."""
    net = TFLiteNet(MODEL)
    net.load_state_dict(torch.load(checkpoint)["model"])
    write_tflite(net, out)
    print(f"{out}: {out.stat().st_size:,} bytes")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", nargs="+", type=Path)
    ap.add_argument("--real", type=Path)
    ap.add_argument("--exclude-groups", default="")
    ap.add_argument("--fold", type=int, help="cross-validation: hold out this fold's "
                    "source videos (crossval.make_folds over --images), train on the rest "
                    "and score only the held-out images")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--images", type=Path, help="extract.py's real_images.json")
    ap.add_argument("--real-repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--init", type=Path)
    ap.add_argument("--eval", type=Path, help="real_eval.npz: crop-space PCK each epoch")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train-from", type=int, default=0,
                    help="operators before this index stay frozen")
    ap.add_argument("--export", nargs=2, type=Path, metavar=("NET.pt", "OUT.tflite"))
    ap.add_argument("--speed", action="store_true", help="time one training step and exit")
    args = ap.parse_args()
    if args.export:
        export(*args.export)
        return
    if args.speed:
        data = load(args.train, render_hips=False)
        net = TFLiteNet(MODEL)
        torch.set_num_threads(args.threads)
        for frm in (0, 80, 140, 186):
            trainable = set(net.parameter_names_between(frm, len(net.ops) - 1))
            for key, param in net.params.items():
                param.requires_grad_(key in trainable)
            rows = np.arange(args.batch)
            t = time.time()
            for _ in range(2):
                terms = losses(net, {k: v[rows] for k, v in data.items()})
                sum(WEIGHTS[k] * v for k, v in terms.items()).backward()
            print(json.dumps({"train_from": frm, "s_per_sample": round(
                (time.time() - t) / 2 / args.batch, 4),
                "terms": {k: round(float(v), 4) for k, v in terms.items()}}), flush=True)
        return
    train(args)


if __name__ == "__main__":
    main()
