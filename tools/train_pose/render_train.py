"""Render the training clips: new seeds of tools/render/make_views.py, tummy time weighted.

The clips are drawn exactly as the validation sets are (``make_views.plan``: camera elevation
band, azimuth, roll, distance, focal length, body shape, skin tone, outfit, floor, wall,
lighting and the motion's timing from each clip's seed), from seeds 5000 upwards, which
neither the tuning set (1000-1023) nor the held-out set (2000-2063) uses. The event types are
weighted towards tummy time: of every 8 clips, 3 are prone head lifts, 1 a prone control,
and 1 each supine midline reach, supine reach up, sitting and grasp. Frames are sampled from
these clips by ``extract.py`` (the clips are short films, so neighbouring frames are alike).

usage (from tools/train_pose/, in tools/render's environment):
    python render_train.py [--out DIR] [--clips N] [--first K] [--frames F]
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "render"))
import make_views as MV  # noqa: E402

FIRST_SEED = 5000
# make_views.plan's clip index -> event type is TYPES[index % 6]; a control is prone when
# (index // 6) is odd. These indices give, per 8 clips: prone_lift x3 (index 2, 8, 14 are
# prone_lift in bands top / oblique / low), control prone x1 (11), supine_midline (0),
# supine_reach_up (1), sitting (3), grasp (4).
INDEX_CYCLE = (2, 0, 8, 1, 14, 3, 11, 4)


def training_plan(n_clips: int, first: int = 0):
    """(row, rng) of training clips ``first`` .. ``first + n_clips - 1`` (seed 5000 + j)."""
    MV.SETS["train"] = ("r", range(FIRST_SEED, FIRST_SEED + first + n_clips))
    out = []
    for j in range(first, first + n_clips):
        # + 12 keeps a control's posture (index // 6 parity) and moves the band by 2
        index = INDEX_CYCLE[j % len(INDEX_CYCLE)] + 12 * (j // len(INDEX_CYCLE) % 3)
        out.append(MV.plan("train", index, FIRST_SEED + j))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="/work/train_pose/renders")
    ap.add_argument("--clips", type=int, default=40)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--frames", type=int, default=MV.RL.NF)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for row, rng in training_plan(args.clips, args.first):
        if os.path.exists(os.path.join(args.out, row["clip"] + ".keypoints.csv")):
            continue
        MV.render_clip(row, rng, args.out, args.frames)


if __name__ == "__main__":
    main()
