"""The notebooks in notebooks/ run from top to bottom against the sample videos."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest

from motorobs.metrics import METRICS

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.mediapipe
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(notebook, model_dir, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.setenv("MOTOROBS_MODEL_DIR", str(model_dir))
    monkeypatch.chdir(notebook.parent)
    before = dict(METRICS)
    cells = json.loads(notebook.read_text())["cells"]
    namespace: dict = {"__name__": "__notebook__"}
    try:
        for n, cell in enumerate(c for c in cells if c["cell_type"] == "code"):
            source = "".join(cell["source"])
            exec(compile(source, f"{notebook.name}[cell {n}]", "exec"), namespace)
    finally:
        METRICS.clear()
        METRICS.update(before)
    if notebook.name == "explore_a_clip.ipynb":
        values = namespace["mine"].values
        assert [v.name for v in values] == ["hands_above_shoulders_pct"]
        assert values[0].status in {"ok", "insufficient_data"}
        assert namespace["result"].metrics
