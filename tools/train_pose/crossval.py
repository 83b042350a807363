"""Cross-validation over the shared real images, grouped by source video.

The real images' source videos (SyRIP's ``image_source``, NYCU's recording) are dealt into
``--folds`` folds, largest group first, each to the fold with the fewest images so far
(deterministic). For each fold, a head is trained (train.py) on the renders plus the real
training samples of the *other* folds' videos, starting from ``--init`` (the render-only
head), and exported (export.py); evaluate.py then scores every image with its own fold's
head, so the figure is held out by source video.

usage (tools/render's environment for torch; evaluate afterwards in motorobs'):
    python crossval.py --renders A.npz [B.npz ...] --real REAL_train.npz
                       --images REAL_images.json --init HEAD.pt --workdir DIR
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent


def make_folds(groups: list[str], n_folds: int) -> dict[str, int]:
    """Source group -> fold: largest group first, into the fold with the fewest images."""
    sizes = Counter(groups)
    filled = [0] * n_folds
    folds = {}
    for group, count in sorted(sizes.items(), key=lambda item: (-item[1], item[0])):
        fold = min(range(n_folds), key=lambda f: filled[f])
        folds[group] = fold
        filled[fold] += count
    return folds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--renders", nargs="+", required=True)
    ap.add_argument("--real", required=True)
    ap.add_argument("--images", type=Path, required=True)
    ap.add_argument("--init", required=True)
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threshold", type=float, default=0.0)
    ap.add_argument("--lr", default="3e-4")
    ap.add_argument("--real-repeat", default="0")
    ap.add_argument("--render-fraction", default="1.0")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    groups = [r["group"] for r in json.loads(args.images.read_text())]
    folds = make_folds(groups, args.folds)
    (args.workdir / "folds.json").write_text(json.dumps(folds, indent=1))
    for fold in range(args.folds):
        held_out = "|".join(g for g, f in folds.items() if f == fold)
        checkpoint = args.workdir / f"fold{fold}.pt"
        subprocess.run([sys.executable, str(HERE / "train.py"), "--train", *args.renders,
                        "--real", args.real, "--exclude-groups", held_out, "--init", args.init,
                        "--epochs", str(args.epochs), "--lr", args.lr,
                        "--real-repeat", args.real_repeat,
                        "--render-fraction", args.render_fraction,
                        "--out", str(checkpoint)], check=True)
        subprocess.run([sys.executable, str(HERE / "export.py"), str(checkpoint),
                        str(args.workdir / f"fold{fold}.npz"), "--threshold",
                        str(args.threshold), "--version", f"crossval fold {fold}"], check=True)


if __name__ == "__main__":
    main()
