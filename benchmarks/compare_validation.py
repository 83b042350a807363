"""Compare two ``motorobs validate`` output folders: scores, errors and every clip's metrics.

Run on demand (never part of the test suite)::

    python benchmarks/compare_validation.py REFERENCE CANDIDATE [--rel 0.05]

Prints Markdown: per event type the F1 and median onset error of both runs; pooled and
per-clip head-lift angle error and hand-aperture error; and, over the ``metrics.json`` of
every clip both folders have, how many metric values are identical, how many differ by at
most ``--rel`` (relative, or 0.05 of the unit for values near zero), how many differ more
or changed status, each of the latter listed with both values.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path


def load_json(path: Path) -> dict:
    return json.loads(path.read_text())


def fmt(value, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}g}" if isinstance(value, float) else str(value)


def metric_values(folder: Path, clip: str) -> dict[tuple[str, str | None], dict]:
    data = load_json(folder / clip / "metrics.json")
    return {(m["name"], m.get("side")): m for m in data["metrics"]}


def close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), rel)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", type=Path)
    parser.add_argument("candidate", type=Path)
    parser.add_argument("--rel", type=float, default=0.05)
    args = parser.parse_args()
    ref, new = load_json(args.reference / "validation.json"), load_json(
        args.candidate / "validation.json")

    print("| event type | true | F1 ref | F1 new | onset error ref (s) | onset error new (s) |")
    print("|---|---|---|---|---|---|")
    new_scores = {s["type"]: s for s in new["scores"]}
    for s in ref["scores"]:
        n = new_scores[s["type"]]
        print(f"| {s['type']} | {s['true']} | {fmt(s['f1'])} | {fmt(n['f1'])} | "
              f"{fmt(s['median_onset_error_s'], 2)} | {fmt(n['median_onset_error_s'], 2)} |")
    pooled_r, pooled_n = ref.get("angle_pooled", {}), new.get("angle_pooled", {})
    if pooled_r.get("frames"):
        print(f"\nHead-lift angle, pooled median absolute error: "
              f"{pooled_r['median_abs_error_deg']:.2f} deg over {pooled_r['frames']} frames "
              f"(reference), {pooled_n.get('median_abs_error_deg', float('nan')):.2f} deg over "
              f"{pooled_n.get('frames', 0)} frames (candidate).")

    angles_new = {a["clip"]: a for a in new["angles"]}
    columns = sorted({k for a in ref["angles"] for k in a
                      if k.startswith(("angle_median", "aperture_", "posture_share"))
                      and a[k] is not None})
    if columns:
        print("\n| clip | " + " | ".join(columns) + " |")
        print("|---|" + "---|" * len(columns))
        for a in ref["angles"]:
            b = angles_new.get(a["clip"], {})
            cells = [f"{fmt(a.get(c), 2)} / {fmt(b.get(c), 2)}" for c in columns]
            if any(a.get(c) is not None for c in columns):
                print(f"| {a['clip']} | " + " | ".join(cells) + " |")
        print("\n(reference / candidate)")

    clips = [c for c in ref["clips"] if c in set(new["clips"])]
    same = near = 0
    changed: list[str] = []
    for clip in clips:
        a, b = metric_values(args.reference, clip), metric_values(args.candidate, clip)
        for key, m in a.items():
            other = b.get(key)
            name = f"{clip}: {key[0]}" + (f" ({key[1]})" if key[1] else "")
            if other is None:
                changed.append(f"{name}: missing")
            elif m["status"] != other["status"]:
                changed.append(f"{name}: {m['status']} {fmt(m['value'])} -> "
                               f"{other['status']} {fmt(other['value'])}")
            elif m["value"] == other["value"]:
                same += 1
            elif close(float(m["value"]), float(other["value"]), args.rel):
                near += 1
            else:
                changed.append(f"{name}: {fmt(m['value'])} -> {fmt(other['value'])} {m['unit']}")
    total = same + near + len(changed)
    print(f"\nMetric values over {len(clips)} clips: {total}; identical {same}, within "
          f"{args.rel:g} (relative) {near}, further apart or other status {len(changed)}.")
    for line in changed:
        print(f"- {line}")


if __name__ == "__main__":
    main()
