"""Rules every built-in metric applies: applicability, coverage gates, run finding.

Shared rules
    * ``coverage`` = usable frames / relevant frames, where "relevant" are the frames of the
      postures (and camera view: a clip's view may change between segments) where the
      metric applies and "usable" those among them
      where every landmark the metric needs is valid.
    * No relevant frame: ``not_applicable`` with the reason.
    * ``coverage < MetricsConfig.min_coverage`` or usable time < ``min_valid_s``:
      ``insufficient_data`` with a reason naming what was missing; ``value`` is None.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from motorobs.config import MetricsConfig
from motorobs.metrics.base import MetricOutput, MetricValue
from motorobs.signals import BodySignals
from motorobs.signals.cleaning import valid_runs

Outputs = dict[str, tuple[str, str]]
SIDES: tuple[str, str] = ("left", "right")


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` (stop exclusive) of the runs of True in a (T,) boolean mask."""
    return valid_runs(mask)


def unavailable(
    outputs: Outputs,
    status: str,
    reason: str,
    sides: tuple[str | None, ...] = (None,),
    coverage: float = 0.0,
) -> list[MetricValue]:
    """One value-less MetricValue per output (and side) with the same status and reason."""
    return [
        MetricValue(name=name, value=None, unit=unit, coverage=coverage, status=status,
                    definition=definition, side=side, reason=reason)
        for side in sides
        for name, (unit, definition) in outputs.items()
    ]


def far_side_reason(signals: BodySignals, side: str, limb: str = "hand") -> str | None:
    """Why the ``side`` limb cannot be measured (in every frame on the far side of the body
    from a side-on camera, hidden and only guessed by the pose model), or None when it can
    be seen in some frames (:meth:`BodySignals.far_side_frames` are then left out)."""
    hidden = signals.far_side_frames(side)
    if hidden.size and hidden.all():
        return (f"the {side} {limb} {'are' if limb.endswith('s') else 'is'} on the far side "
                "of the body from this side-on camera, hidden and only guessed by the pose "
                "model")
    return None


def each_side(
    outputs: Outputs,
    measure: Callable[[str], MetricOutput],
    *,
    problem: tuple[str, str] | None = None,
    far_side_of: BodySignals | None = None,
    limb: str = "hand",
) -> MetricOutput:
    """The output of a per-hand metric: ``measure(side)`` for the left, then the right hand.

    Parameters
    ----------
    outputs
        The metric's outputs, for the value-less results.
    measure
        Measures one hand ("left" or "right") and returns its values, events and traces.
    problem
        ``(status, reason)`` that makes the metric unavailable for both hands: nothing is
        measured.
    far_side_of
        The clip's signals, to give ``insufficient_data`` (with :func:`far_side_reason`)
        instead of measuring a hand that was on the far side of the body from a side-on
        camera in every frame; None to measure both hands always.
    limb
        What is measured on each side, for that reason ("hand", "limbs").
    """
    if problem:
        return MetricOutput(values=unavailable(outputs, *problem, sides=SIDES))
    out = MetricOutput()
    for side in SIDES:
        hidden = far_side_reason(far_side_of, side, limb) if far_side_of is not None else None
        part = (MetricOutput(values=unavailable(outputs, "insufficient_data", hidden,
                                                sides=(side,)))
                if hidden else measure(side))
        out.values += part.values
        out.events += part.events
        out.traces += part.traces
    return out


def gated_values(
    outputs: Outputs,
    compute: Callable[[], dict[str, float]],
    *,
    relevant: np.ndarray,
    usable: np.ndarray,
    signals: BodySignals,
    config: MetricsConfig,
    needs: str,
    where: str,
    side: str | None = None,
) -> list[MetricValue]:
    """Apply the coverage gate, then compute the values if it passes.

    Parameters
    ----------
    outputs
        Metric name -> (unit, definition) of the values ``compute`` returns.
    compute
        Returns metric name -> value; called only when the gate passes.
    relevant, usable
        (T,) masks (see the module docstring); ``relevant`` must have a True frame.
    needs, where
        Plain words for the reason: what landmarks were needed, during what time
        (e.g. ``"the right hand and both shoulders"``, ``"supine or sitting time"``).
    """
    n_relevant = int(relevant.sum())
    n_usable = int((usable & relevant).sum())
    coverage = n_usable / n_relevant if n_relevant else 0.0
    usable_s = n_usable * signals.dt_s
    problem = None
    if coverage < config.min_coverage:
        problem = (
            f"{needs} seen in only {coverage:.0%} of the {where} "
            f"(at least {config.min_coverage:.0%} needed)"
        )
    elif usable_s < config.min_valid_s:
        problem = (
            f"{needs} seen for only {usable_s:.1f} s of the {where} "
            f"(at least {config.min_valid_s:g} s needed)"
        )
    if problem:
        return unavailable(outputs, "insufficient_data", problem, (side,), coverage)
    values = compute()
    return [
        MetricValue(name=name, value=float(values[name]), unit=unit, coverage=coverage,
                    status="ok", definition=definition, side=side)
        for name, (unit, definition) in outputs.items()
    ]
