"""``motorobs trends``: read the inputs, build every child's trends and flags, write them.

The only module of :mod:`motorobs.trends` that ties reading, computing and writing together
(the command line calls it; the web app calls the pure parts itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from motorobs.trends.childmap import read_child_map
from motorobs.trends.flags import evaluate_flags, load_rules
from motorobs.trends.goals import read_goals
from motorobs.trends.marks import read_marks
from motorobs.trends.outputs import write_child_outputs
from motorobs.trends.results import read_results
from motorobs.trends.sessions import build_sessions


@dataclass(frozen=True)
class TrendsRun:
    """What a run wrote: per child (code, its folder, number of flags), and warnings."""

    children: tuple[tuple[str, Path, int], ...]
    warnings: tuple[str, ...]


def run_trends(results_dir: Path, child_map: Path, goals: Path | None = None,
               marks: Path | None = None, *, pdf: bool = True) -> TrendsRun:
    """Write ``results_dir/children/<child>/`` for every child of ``child_map``.

    Raises
    ------
    motorobs.errors.MotorobsError
        On any input problem (the message names file, line and fix), before anything is
        written.
    """
    entries = read_child_map(child_map)
    goal_list = read_goals(goals) if goals else []
    mark_list = read_marks(marks, {e.clip for e in entries}) if marks else []
    records = read_results(results_dir)
    table = build_sessions(entries, records, mark_list, map_name=str(child_map),
                           results_name=str(results_dir))
    rules = load_rules()
    flags = evaluate_flags(table.frame, rules, goal_list)
    written = []
    for child, rows in table.frame.groupby("child", sort=True):
        own = [f for f in flags if f.child == child]
        paths = write_child_outputs(results_dir, str(child), rows, own, rules, pdf=pdf)
        written.append((str(child), paths[0].parent, len(own)))
    return TrendsRun(tuple(written), table.warnings)
