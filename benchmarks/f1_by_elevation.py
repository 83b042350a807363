"""Event F1 and posture agreement against the camera's elevation, from ``motorobs validate``
output folders.

Run on demand (never part of the test suite)::

    python benchmarks/f1_by_elevation.py LABEL=FOLDER [LABEL=FOLDER ...] \
        [--bin 15] [--svg docs/img/f1_by_elevation.svg]

Each FOLDER is the output of ``motorobs validate`` on clips whose ground truth records the
camera (``validation_events.csv`` and ``validation_angles.csv``, which holds each clip's
camera elevation in degrees from vertical). Events are pooled over the clips of each
elevation bin (``--bin`` degrees wide, from 0): F1 = 2 matched / (2 matched + missed +
spurious); events ``not_scored`` (the metric declined the view) are counted apart.
Prints a Markdown table per folder and, with ``--svg``, draws F1 of each event type and the
posture agreement per bin, one line style per folder (matplotlib).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

EVENT_TYPES = ("midline_crossing", "reach", "head_lift", "grasp")


def by_elevation(folder: Path, bin_deg: float) -> pd.DataFrame:
    """One row per (elevation bin, event type): counts, F1, posture agreement of the bin."""
    events = pd.read_csv(folder / "validation_events.csv")
    clips = pd.read_csv(folder / "validation_angles.csv")
    clips["bin"] = (np.floor(clips["camera_elevation_deg"] / bin_deg) * bin_deg).clip(
        upper=90 - bin_deg)
    events = events.merge(clips[["clip", "bin"]], on="clip")
    rows = []
    for (low, kind), group in events.groupby(["bin", "type"]):
        counts = group["outcome"].value_counts()
        matched, missed, spurious = (int(counts.get(k, 0))
                                     for k in ("matched", "missed", "spurious"))
        scored = 2 * matched + missed + spurious
        rows.append({"elevation_from_deg": low, "type": kind, "matched": matched,
                     "missed": missed, "spurious": spurious,
                     "not_scored": int(counts.get("not_scored", 0)),
                     "f1": 2 * matched / scored if scored else np.nan})
    table = pd.DataFrame(rows)
    posture = clips.groupby("bin").apply(
        lambda g: g["posture_agreeing"].sum() / max(g["posture_frames"].sum(), 1),
        include_groups=False).rename("posture_agreement")
    n_clips = clips.groupby("bin")["clip"].count().rename("clips")
    return table.merge(pd.concat([posture, n_clips], axis=1), left_on="elevation_from_deg",
                       right_index=True, how="left")


def markdown(table: pd.DataFrame, bin_deg: float) -> str:
    lines = ["| elevation (deg) | clips | posture | " + " | ".join(
        f"{t} F1 (true; false)" for t in EVENT_TYPES) + " |",
             "|---" * (3 + len(EVENT_TYPES)) + "|"]
    for low, group in table.groupby("elevation_from_deg"):
        cells = []
        for kind in EVENT_TYPES:
            row = group[group["type"] == kind]
            if row.empty or np.isnan(row["f1"].iloc[0]):
                declined = int(row["not_scored"].iloc[0]) if not row.empty else 0
                cells.append(f"(declined {declined})" if declined else "")
                continue
            r = row.iloc[0]
            cells.append(f"{r.f1:.2f} ({r.matched + r.missed}; {r.spurious})")
        first = group.iloc[0]
        lines.append(f"| {low:.0f}-{low + bin_deg:.0f} | {first.clips} | "
                     f"{first.posture_agreement:.0%} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def draw(tables: dict[str, pd.DataFrame], bin_deg: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "motorobs"  # the same drawing gives the same file
    fig, axes = plt.subplots(1, len(EVENT_TYPES) + 1, figsize=(14, 3.2), sharey=True)
    styles = ["-o", "--s", ":^", "-.d"]
    for (label, table), style in zip(tables.items(), styles, strict=False):
        for ax, kind in zip(axes, EVENT_TYPES, strict=False):
            rows = table[table["type"] == kind].sort_values("elevation_from_deg")
            ax.plot(rows["elevation_from_deg"] + bin_deg / 2, rows["f1"], style, label=label)
        posture = table.drop_duplicates("elevation_from_deg").sort_values("elevation_from_deg")
        axes[-1].plot(posture["elevation_from_deg"] + bin_deg / 2,
                      posture["posture_agreement"], style, label=label)
    for ax, title in zip(axes, [*(f"{t} F1" for t in EVENT_TYPES), "posture agreement"],
                         strict=False):
        ax.set_title(title, fontsize=10)
        ax.set_xlim(0, 90)
        ax.set_ylim(-0.05, 1.05)
        ax.set_xticks([0, 30, 60, 90])
        ax.axvspan(30, 60, color="0.93", zorder=0)
        ax.set_xlabel("camera elevation (deg from vertical)", fontsize=8)
    axes[0].legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Date": None})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", help="LABEL=FOLDER of motorobs validate output")
    parser.add_argument("--bin", type=float, default=15.0, help="bin width (degrees)")
    parser.add_argument("--svg", type=Path, help="draw the figure to this SVG file")
    args = parser.parse_args()
    tables = {}
    for item in args.folders:
        label, _, folder = item.partition("=")
        tables[label] = by_elevation(Path(folder), args.bin)
        print(f"### {label}\n\n{markdown(tables[label], args.bin)}\n")
    if args.svg:
        draw(tables, args.bin, args.svg)
        print(f"figure written to {args.svg}")


if __name__ == "__main__":
    main()
