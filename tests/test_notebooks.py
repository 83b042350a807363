"""Every notebook in notebooks/ runs from top to bottom, and what it shows is right.

The code cells run in order in one namespace (as a kernel would), in notebooks/, with
``MOTOROBS_RESULTS`` pointing at one temporary folder for the whole session: a sample clip
is analysed once and its landmarks are reused by the other notebooks, as for a user. The
answers checked are the sample clips' ground truth (sample_videos/README.md). Notebooks that
run MediaPipe carry the ``mediapipe`` marker; the others run without the model bundles.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import matplotlib
import numpy as np
import pytest

from motorobs.metrics import METRICS

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
WITHOUT_MEDIAPIPE = {"other_tools.ipynb"}
"""Notebooks that need no pose estimation (the others analyse sample clips)."""


def run_notebook(notebook: Path) -> dict:
    """The namespace after running every code cell of ``notebook`` in order."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    before = dict(METRICS)
    namespace: dict = {"__name__": "__notebook__"}
    try:
        cells = json.loads(notebook.read_text())["cells"]
        for n, cell in enumerate(c for c in cells if c["cell_type"] == "code"):
            source = "".join(cell["source"])
            exec(compile(source, f"{notebook.name}[cell {n}]", "exec"), namespace)
    finally:
        METRICS.clear()
        METRICS.update(before)
        plt.close("all")
    return namespace


def value(table, name: str, side: str | None = None, clip: str | None = None) -> float:
    """The one value of metric ``name`` (for ``side``, in ``clip``) in a metrics table."""
    rows = table[(table.name == name)
                 & (table.side.isna() if side is None else table.side == side)]
    if clip is not None:
        rows = rows[rows["clip"] == clip]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def check_quick_start(ns: dict) -> None:
    # a_midline_reach__top: the right hand crosses the midline twice and reaches twice
    assert value(ns["metrics"], "midline_crossings", "right").value == 2
    assert value(ns["metrics"], "midline_crossings", "left").value == 0
    crossings = ns["events"].query("type == 'midline_crossing'")
    assert list(crossings.side) == ["right", "right"]
    assert (ns["result"].output_dir / "report.html").is_file()
    assert len(ns["fig"].axes) == 2
    original, again = ns["result"].landmarks, ns["again"]
    common = [k for k in again.keypoint.values if k in original.keypoint.values]
    assert "right_wrist" in common
    np.testing.assert_allclose(again.position.sel(keypoint=common).values,
                               original.position.sel(keypoint=common).values, atol=1e-6)


def check_explore_a_clip(ns: dict) -> None:
    values = ns["mine"].values
    assert [v.name for v in values] == ["hands_above_shoulders_pct"]
    assert values[0].status in {"ok", "insufficient_data"}
    assert ns["result"].metrics


def check_metric_thresholds(ns: dict) -> None:
    crossings = ns["crossings"]  # DataFrame: margin_bu -> right-hand crossings
    counts = list(crossings.right)
    assert crossings.loc[crossings.margin_bu == 0.1, "right"].item() == 2  # the default
    assert all(a >= b for a, b in zip(counts, counts[1:], strict=False))  # never more
    assert counts[-1] == 0  # a margin beyond the furthest reach across: none
    reaches = ns["reaches"]
    assert reaches.loc[reaches.min_speed_bu_per_s == 0.4, "right"].item() == 2
    assert list(reaches.left)[-1] == 0 and list(reaches.right)[-1] == 0


def check_custom_metric(ns: dict) -> None:
    row = value(ns["table"], "wrist_height_median_bu", "right")
    assert row.status == "ok" and row.unit == "BU"
    stored = json.loads((ns["folder"] / "metrics.json").read_text())["metrics"]
    assert {"wrist_height_median_bu"} <= {m["name"] for m in stored}
    assert "Wrist height" in (ns["folder"] / "report.html").read_text()


def check_cohort(ns: dict) -> None:
    table = ns["table"]
    assert table["clip"].nunique() == 8 and not ns["summary"].failures
    side = value(table, "midline_crossings", "right", "a_midline_reach__side")
    assert side.status == "not_applicable" and side.reason
    assert value(table, "midline_crossings", "right", "a_midline_reach__top").value == 2
    assert ns["reach_counts"].loc["b_reach_up_toy", ("top", "left")] == 2


def check_other_tools(ns: dict) -> None:
    assert ns["detected"] == "coco"
    truth = [(c["start_frame"], c["end_frame"]) for c in ns["truth"]["midline_crossings"]
             if c["basis"] == "3d_body_sagittal_plane"]
    assert value(ns["metrics"], "midline_crossings", "right").value == len(truth) == 2
    found = ns["found"]  # the renderer's exact keypoints: the crossings' very frames
    fps = ns["info"].fps
    assert list(zip((found.start_s * fps).round(), (found.end_s * fps).round(),
                    strict=True)) == truth
    hands = value(ns["metrics"], "hand_aperture_median", "right")
    assert hands.status == "not_applicable" and "hand" in hands.reason
    np.testing.assert_allclose(ns["from_dlc"].position.values,
                               ns["ds"].position.values, atol=1e-6)
    assert ns["dlc_metrics"].value.equals(ns["metrics"].value)


CHECKS: dict[str, Callable[[dict], None]] = {
    "quick_start.ipynb": check_quick_start,
    "explore_a_clip.ipynb": check_explore_a_clip,
    "metric_thresholds.ipynb": check_metric_thresholds,
    "custom_metric.ipynb": check_custom_metric,
    "cohort.ipynb": check_cohort,
    "other_tools.ipynb": check_other_tools,
}


def _params():
    for notebook in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        marks = [] if notebook.name in WITHOUT_MEDIAPIPE else [pytest.mark.mediapipe]
        yield pytest.param(notebook, marks=marks, id=notebook.name)


@pytest.fixture(scope="session")
def notebook_results(tmp_path_factory) -> Path:
    """One results folder for every notebook of the session (clips analysed once)."""
    return tmp_path_factory.mktemp("notebook_results")


def test_every_notebook_is_checked():
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(CHECKS)


def test_notebooks_are_stripped():
    for notebook in NOTEBOOK_DIR.glob("*.ipynb"):
        cells = json.loads(notebook.read_text())["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), notebook


@pytest.mark.parametrize("notebook", list(_params()))
def test_notebook_runs(notebook, notebook_results, monkeypatch, request):
    if notebook.name in WITHOUT_MEDIAPIPE:
        monkeypatch.delenv("MOTOROBS_MODEL_DIR", raising=False)
    else:
        model_dir = request.getfixturevalue("model_dir")
        monkeypatch.setenv("MOTOROBS_MODEL_DIR", str(model_dir))
    monkeypatch.setenv("MOTOROBS_RESULTS", str(notebook_results))
    monkeypatch.chdir(notebook.parent)
    CHECKS[notebook.name](run_notebook(notebook))
