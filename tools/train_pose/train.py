"""Train the infant keypoint head on BlazePose's frozen features (PyTorch, CPU).

The head (see motorobs/pose/infant_head.py, which runs the exported weights with numpy):

    input  64 x 64 x 87  BlazePose's decoder features (48) and heatmap logits (39),
                         standardised per channel with the training set's mean and spread
    1x1 conv 87 -> 32, ReLU
    3x3 conv 32 -> 32, ReLU
    3x3 conv 32 -> 32, dilation 3, ReLU
    1x1 conv 32 -> 17    one logit map per COCO-17 keypoint, plus BlazePose's own heatmap
                         logit of that keypoint times a learnt gain (see Head)

Loss: per keypoint, cross-entropy between the softmax over the 64 x 64 cells and a Gaussian
(sigma ``SIGMA`` cells) around the true keypoint; keypoints outside the crop or not
annotated are left out. The true hips of rendered samples are moved to where annotators put
them (:func:`annotator_hips`, calibrated by calibrate.py). Adam, seeded, ``--epochs`` passes.

usage (tools/render's environment, which has torch):
    python train.py --train A.npz [B.npz ...] [--real REAL_train.npz --exclude-groups G,..]
                    --out HEAD.pt [--init HEAD.pt] [--epochs N]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

SEED = 14
SIGMA = 1.5
CELLS = 64
CROP_PX = 256
WIDTH = 32
L_HIP, R_HIP = 11, 12
HIP_OFFSET = Path(__file__).with_name("hip_offset.json")


MP_TO_COCO = (0, 2, 5, 7, 8, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28)
SKIP_CHANNELS = tuple(48 + k for k in MP_TO_COCO)
"""Input channels of BlazePose's own heatmap logits of the COCO-17 keypoints (same order)."""


class Head(nn.Module):
    """The layers (module docstring) plus a skip: BlazePose's own heatmap logit of each
    keypoint, times a learnt gain, is added to the head's logits. The last layer starts at
    zero, so training starts from BlazePose's heatmaps (which decode as well as its
    landmarks) and learns the correction."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(87, WIDTH, 1), nn.ReLU(),
            nn.Conv2d(WIDTH, WIDTH, 3, padding=1), nn.ReLU(),
            nn.Conv2d(WIDTH, WIDTH, 3, padding=3, dilation=3), nn.ReLU(),
            nn.Conv2d(WIDTH, 17, 1),
        )
        nn.init.zeros_(self.layers[-1].weight)
        nn.init.zeros_(self.layers[-1].bias)
        self.skip_gain = nn.Parameter(torch.ones(()))

    def forward(self, x: torch.Tensor, raw: torch.Tensor) -> torch.Tensor:
        """Logits (B, 17, 64, 64) from standardised ``x`` and raw features (B, 87, 64, 64)."""
        return self.layers(x) + self.skip_gain * raw[:, list(SKIP_CHANNELS)]


def build() -> Head:
    """The head (see :class:`Head`)."""
    return Head()


def annotator_hips(truth: np.ndarray) -> np.ndarray:
    """(N, 17, 2) keypoints with both hips moved by hip_offset.json's ``along``/``out``
    (torso sizes, in each hip's trunk frame: see calibrate.py)."""
    from calibrate import trunk_frame

    offset = json.loads(HIP_OFFSET.read_text())
    out = truth.copy()
    for side, k in ((0, L_HIP), (1, R_HIP)):
        along, outward, torso = trunk_frame(truth, side)
        shift = offset["along"] * along + offset["out"] * outward
        out[:, k] = truth[:, k] + shift * torso[:, None]
    return out


def load(paths: list[Path], *, render_hips: bool, exclude: set[str] = frozenset(),
         keep: set[str] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features (N, 64, 64, 87) float16, targets (N, 17, 2) crop pixels, mask (N, 17)."""
    feats, targets, masks = [], [], []
    for path in paths:
        data = np.load(path, allow_pickle=True)
        groups = data["group"]
        rows = np.array([g not in exclude and (keep is None or g in keep) for g in groups])
        truth = data["truth_crop"][rows]
        if render_hips:
            truth = annotator_hips(truth)
        inside = ((truth >= 0) & (truth < CROP_PX)).all(-1) & np.isfinite(truth).all(-1)
        feats.append(data["features"][rows])
        targets.append(truth)
        masks.append(inside & data["visible"][rows])
    return np.concatenate(feats), np.concatenate(targets), np.concatenate(masks)


def gaussian_targets(xy: np.ndarray) -> torch.Tensor:
    """(B, 17, 64 * 64) normalised Gaussians around crop-pixel keypoints (B, 17, 2)."""
    cells = torch.arange(CELLS, dtype=torch.float32)
    centre = torch.as_tensor(np.nan_to_num(xy) / (CROP_PX / CELLS) - 0.5, dtype=torch.float32)
    gx = torch.exp(-((cells[None, None] - centre[..., :1]) ** 2) / (2 * SIGMA ** 2))
    gy = torch.exp(-((cells[None, None] - centre[..., 1:]) ** 2) / (2 * SIGMA ** 2))
    g = (gy[..., :, None] * gx[..., None, :]).flatten(2)
    return g / g.sum(-1, keepdim=True).clamp_min(1e-12)


def loss_of(model, mean, scale, feats, targets, masks) -> torch.Tensor:
    raw = torch.as_tensor(feats.astype(np.float32))
    x = (raw - mean) * scale
    logits = model(x.permute(0, 3, 1, 2), raw.permute(0, 3, 1, 2)).flatten(2)  # (B, 17, 4096)
    target = gaussian_targets(targets)
    ce = -(target * torch.log_softmax(logits, -1)).sum(-1)
    mask = torch.as_tensor(masks, dtype=torch.float32)
    return (ce * mask).sum() / mask.sum().clamp_min(1.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", nargs="+", type=Path, required=True)
    ap.add_argument("--real", type=Path, help="real training samples (grouped CV)")
    ap.add_argument("--exclude-groups", default="", help="real groups held out (|-separated)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--init", type=Path, help="start from these weights (and their input "
                    "standardisation)")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--real-repeat", type=int, default=0,
                    help="passes over the real samples per epoch (0: about a fifth of one)")
    ap.add_argument("--render-fraction", type=float, default=1.0,
                    help="share of the rendered samples used (a seeded subset)")
    args = ap.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(SEED)
    feats, targets, masks = load(args.train, render_hips=True)
    if args.render_fraction < 1.0:
        keep = np.sort(rng.choice(len(feats), int(len(feats) * args.render_fraction),
                                  replace=False))
        feats, targets, masks = feats[keep], targets[keep], masks[keep]
    if args.real:
        exclude = set(filter(None, args.exclude_groups.split("|")))
        rf, rt, rm = load([args.real], render_hips=False, exclude=exclude)
        repeat = args.real_repeat or max(1, len(feats) // (4 * max(len(rf), 1)))
        feats = np.concatenate([feats] + [rf] * repeat)
        targets = np.concatenate([targets] + [rt] * repeat)
        masks = np.concatenate([masks] + [rm] * repeat)
    model = build()
    if args.init:
        state = torch.load(args.init)
        model.load_state_dict(state["model"])
        mean, scale = state["mean"], state["scale"]
    else:
        sample = feats[rng.choice(len(feats), min(256, len(feats)), replace=False)]
        sample = sample.astype(np.float32).reshape(-1, feats.shape[-1])
        mean = torch.as_tensor(sample.mean(0))
        scale = torch.as_tensor(1.0 / (sample.std(0) + 1e-3))
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps = args.epochs * int(np.ceil(len(feats) / args.batch))
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, args.lr, total_steps=steps)
    started = time.time()
    print(f"{len(feats)} samples, {steps} steps", flush=True)
    for epoch in range(args.epochs):
        order = rng.permutation(len(feats))
        total = 0.0
        for start in range(0, len(order), args.batch):
            batch = np.sort(order[start:start + args.batch])
            loss = loss_of(model, mean, scale, feats[batch], targets[batch], masks[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += float(loss.detach()) * len(batch)
        print(f"epoch {epoch + 1}: loss {total / len(order):.4f} "
              f"({time.time() - started:.0f} s)", flush=True)
    torch.save({"model": model.state_dict(), "mean": mean, "scale": scale,
                "args": vars(args) | {"train": [str(p) for p in args.train],
                                      "real": str(args.real), "out": str(args.out),
                                      "init": str(args.init)}}, args.out)


if __name__ == "__main__":
    main()
