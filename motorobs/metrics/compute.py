"""Run the registered metric functions on one clip's signals and collect their output."""

from __future__ import annotations

from motorobs.config import MetricsConfig
from motorobs.metrics.applicability import applicability
from motorobs.metrics.base import METRICS, MetricOutput, MetricSpec, registered_metrics
from motorobs.metrics.common import SIDES, unavailable
from motorobs.signals import BodySignals


def _selected(names: list[str] | None) -> list[tuple[MetricSpec, set[str] | None]]:
    """Specs to run and, per spec, the output names to keep (None: all)."""
    if names is None:
        return [(spec, None) for spec in registered_metrics()]
    chosen: dict[str, set[str] | None] = {}
    for name in names:
        if name in METRICS:
            chosen[name] = None
            continue
        owners = [s.name for s in METRICS.values() if name in s.outputs]
        if not owners:
            known = sorted({*METRICS, *(o for s in METRICS.values() for o in s.outputs)})
            raise ValueError(f"Unknown metric {name!r}; known metrics: {known}.")
        kept = chosen.setdefault(owners[0], set())
        if kept is not None:
            kept.add(name)
    return [(spec, chosen[spec.name]) for spec in registered_metrics() if spec.name in chosen]


def _check(spec: MetricSpec, output: MetricOutput) -> None:
    """Raise if a metric function broke the shared contract (a programming error)."""
    sides = {"left", "right"} if spec.per_side else {None}
    produced = {(v.name, v.side) for v in output.values}
    expected = {(name, side) for name in spec.outputs for side in sides}
    if produced != expected or len(output.values) != len(expected):
        raise RuntimeError(
            f"Metric function {spec.name!r} returned values {sorted(produced, key=str)}; "
            f"its registration promises exactly {sorted(expected, key=str)}."
        )
    for value in output.values:
        unit = spec.outputs[value.name][0]
        if value.unit != unit:
            raise RuntimeError(f"Metric {value.name!r}: unit {value.unit!r}, registered {unit!r}.")


def compute_metrics(
    signals: BodySignals, config: MetricsConfig, names: list[str] | None = None
) -> MetricOutput:
    """Every registered metric (or those in ``names``) of one clip, in result order
    (:func:`~motorobs.metrics.base.registered_metrics`).

    Parameters
    ----------
    signals
        Cleaned body signals of the clip (:func:`motorobs.signals.prepare_signals`).
    config
        Metric thresholds.
    names
        Metric function names (e.g. ``"reaching"``) or output names (e.g.
        ``"reach_count"``); ``None`` runs all.

    Returns
    -------
    The values (one per output, and per hand for per-hand metrics), events and traces of
    all selected metrics. A metric whose declared landmarks, postures or views cannot hold
    on this clip is not called: its values say why
    (:func:`~motorobs.metrics.applicability.applicability`). The coverage rules
    (insufficient_data, ``value`` None unless ok) are applied by each metric through
    :func:`~motorobs.metrics.common.gated_values`; what it returns is checked against its
    registration.

    Raises
    ------
    ValueError
        If a name in ``names`` is not a registered metric or output (lists the known ones).
    """
    result = MetricOutput()
    for spec, kept in _selected(names):
        problem = applicability(spec, signals)
        if problem:
            sides = SIDES if spec.per_side else (None,)
            output = MetricOutput(values=unavailable(spec.outputs, *problem, sides=sides))
        else:
            output = spec.func(signals, config)
            _check(spec, output)
        values = [v for v in output.values if kept is None or v.name in kept]
        result.values.extend(values)
        result.events.extend(output.events)
        result.traces.extend(output.traces)
    return result
