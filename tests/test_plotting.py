"""plot_signals: a clip's traces with its events shaded, from a result or a clip folder."""

from __future__ import annotations

import sys

import matplotlib
import numpy as np
import pytest

import motorobs as mo
from tests.fixtures.cohort import analysed_cohort
from tests.fixtures.videos import fake_config

matplotlib.use("Agg")

LATERAL = "hand_lateral_right"
"""The right hand's sideways position from the midline (BU), shaded with its crossings."""


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    return analysed_cohort(tmp_path_factory)


@pytest.fixture(scope="module")
def result(cohort):
    videos, _, _ = cohort
    return mo.analyze_video(videos / "long.avi", fake_config())


def spans(ax) -> list[tuple[float, float]]:
    """(start, end) in x of the shaded spans of ``ax``."""
    return sorted((float(p.get_x()), float(p.get_x() + p.get_width())) for p in ax.patches)


def test_one_panel_per_trace_with_its_values(result):
    fig = mo.plot_signals(result, [LATERAL, "hand_speed_right"])
    assert len(fig.axes) == 2
    trace = {t.name: t for t in result.traces}
    for ax, name in zip(fig.axes, [LATERAL, "hand_speed_right"], strict=True):
        line = ax.get_lines()[0]
        np.testing.assert_array_equal(line.get_xdata(), result.signals.time_s)
        np.testing.assert_array_equal(line.get_ydata(), trace[name].values)
        assert ax.get_title(loc="left") == trace[name].label
    # the threshold lines of the lateral trace are drawn dashed
    dashed = [ln.get_ydata()[0] for ln in fig.axes[0].get_lines()[1:]]
    assert sorted(dashed) == sorted(trace[LATERAL].reference_lines)


def test_events_of_the_traces_types_are_shaded(result):
    fig = mo.plot_signals(result, [LATERAL])
    crossings = [(e.start_s, e.end_s) for e in result.events
                 if e.type == "midline_crossing" and e.side == "right"]
    assert len(crossings) == 2  # the fake infant's right hand, at 0.5 s and 2.5 s
    np.testing.assert_allclose(spans(fig.axes[0]), sorted(crossings))
    assert spans(mo.plot_signals(result, [LATERAL], events=False).axes[0]) == []


def test_a_clip_folder_plots_the_same(result, cohort):
    _, results, _ = cohort
    from_memory = mo.plot_signals(result)
    from_disk = mo.plot_signals(results / "long")
    assert len(from_disk.axes) == len(from_memory.axes) == len(result.traces)
    for a, b in zip(from_memory.axes, from_disk.axes, strict=True):
        np.testing.assert_allclose(a.get_lines()[0].get_ydata(), b.get_lines()[0].get_ydata())
        np.testing.assert_allclose(spans(a), spans(b), atol=1e-6)


def test_unknown_trace_lists_the_known_ones(result):
    with pytest.raises(ValueError, match=f"no trace 'elbow'.*{LATERAL}"):
        mo.plot_signals(result, ["elbow"])


def test_without_matplotlib_says_what_to_install(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r'motorobs\[notebooks\]'):
        mo.plot_signals(result, [LATERAL])
