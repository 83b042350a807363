"""Equivalence check of the torch port (blazepose_torch.py) against the LiteRT interpreter.

Runs BlazePose's landmark network both ways on the same inputs and prints, per output, the
largest absolute difference and the largest difference of the landmarks in crop pixels.
Inputs: uniform noise crops, and, when a crops file from ``extract_crops.py`` is given, real
infant crops. With ``--tflite FILE`` a written-back copy (``write_tflite``) is compared
instead (a round trip of unchanged weights must give identical outputs).

usage (tools/train_pose/, render environment with ai-edge-litert):
    python check_port.py [--crops FILE.npz] [--tflite FILE] [--n 8]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import torch
from ai_edge_litert.interpreter import Interpreter
from blazepose_torch import TFLiteNet, write_tflite

MODEL = Path("/work/train_pose/model/pose_landmarks_detector.tflite")


def litert_outputs(path: Path, batch: np.ndarray) -> dict[str, np.ndarray]:
    interpreter = Interpreter(model_path=str(path), num_threads=2)
    interpreter.allocate_tensors()
    (inp,) = interpreter.get_input_details()
    out: dict[str, list] = {}
    for image in batch:
        interpreter.set_tensor(inp["index"], image[None].astype(np.float32))
        interpreter.invoke()
        for d in interpreter.get_output_details():
            out.setdefault(d["name"], []).append(interpreter.get_tensor(d["index"])[0].copy())
    return {k: np.stack(v) for k, v in out.items()}


def compare(net: TFLiteNet, path: Path, batch: np.ndarray) -> dict[str, float]:
    with torch.no_grad():
        ours = {k: v.numpy() for k, v in net(torch.from_numpy(batch)).items()}
    theirs = litert_outputs(path, batch)
    diffs = {name: float(np.abs(ours[name] - theirs[name]).max()) for name in theirs}
    for name in theirs:
        scale = float(np.abs(theirs[name]).max())
        print(f"  {name:11s} {str(theirs[name].shape[1:]):16s} max |diff| {diffs[name]:.2e}"
              f" (values up to {scale:.3g})")
    points = theirs["Identity"].reshape(len(batch), 39, 5)[:, :, :2]
    mine = ours["Identity"].reshape(len(batch), 39, 5)[:, :, :2]
    print(f"  landmarks: max {np.abs(points - mine).max():.2e} crop px of 256")
    return diffs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--crops", type=Path)
    ap.add_argument("--tflite", type=Path)
    ap.add_argument("--n", type=int, default=8)
    args = ap.parse_args()
    torch.set_num_threads(2)
    net = TFLiteNet(MODEL).eval()
    print(f"{len(net.ops)} operators, {len(net.params)} weight tensors, "
          f"{sum(p.numel() for p in net.params.values()):,} weights")
    rng = np.random.default_rng(0)
    noise = rng.random((args.n, 256, 256, 3), dtype=np.float32)
    target = args.tflite
    if target is None:
        target = Path(tempfile.mkdtemp()) / "roundtrip.tflite"
        write_tflite(net, target)
        same = target.read_bytes() == MODEL.read_bytes()
        print(f"write_tflite of unchanged weights gives the same file: {same}")
    print("noise crops, torch vs LiteRT (original file):")
    compare(net, MODEL, noise)
    if args.crops:
        crops = np.load(args.crops)["crop"][: args.n].astype(np.float32) / 255.0
        print(f"{len(crops)} infant crops, torch vs LiteRT (original file):")
        compare(net, MODEL, crops)
    if args.tflite:
        print(f"torch vs LiteRT running {target}:")
        compare(net, target, noise)


if __name__ == "__main__":
    main()
