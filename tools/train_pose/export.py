"""Write a trained head (train.py's ``.pt``) as the ``.npz`` motorobs runs with numpy.

Arrays: ``input_mean``, ``input_scale`` (87,), ``layers`` (count), per layer ``w{i}``
(k, k, in, out), ``b{i}`` (out,), ``d{i}`` (dilation); ``skip_channels`` (17,) and
``skip_gain`` (BlazePose's own heatmap logits added to the output, see train.Head);
``threshold`` (the confidence from which the head's keypoint replaces the estimator's) and
``version`` (a text naming the recipe).

usage: python export.py HEAD.pt OUT.npz --threshold T --version TEXT
"""

import argparse

import numpy as np
import torch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--threshold", type=float, required=True)
    ap.add_argument("--version", required=True)
    args = ap.parse_args()
    state = torch.load(args.checkpoint)
    convs = [k[:-len(".weight")] for k in state["model"] if k.endswith(".weight")]
    from train import SKIP_CHANNELS, build

    arrays = {"input_mean": state["mean"].numpy().astype(np.float32),
              "input_scale": state["scale"].numpy().astype(np.float32),
              "layers": np.array(len(convs)), "threshold": np.array(args.threshold),
              "version": np.array(args.version),
              "skip_channels": np.array(SKIP_CHANNELS),
              "skip_gain": state["model"]["skip_gain"].numpy().astype(np.float32)}
    dilations = [m.dilation[0] for m in build().layers if isinstance(m, torch.nn.Conv2d)]
    for i, name in enumerate(convs):
        weight = state["model"][name + ".weight"].numpy()  # (out, in, k, k)
        arrays[f"w{i}"] = weight.transpose(2, 3, 1, 0).astype(np.float32)
        arrays[f"b{i}"] = state["model"][name + ".bias"].numpy().astype(np.float32)
        arrays[f"d{i}"] = np.array(dilations[i])
    np.savez_compressed(args.out, **arrays)
    print(args.out, {k: v.shape for k, v in arrays.items()})


if __name__ == "__main__":
    main()
