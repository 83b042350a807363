"""The metric registry and the types every metric returns.

A metric is a pure function ``(signals, config) -> MetricOutput`` registered with
:func:`register_metric`. The registration states, for the therapist and the researcher,
what each number means: its name, unit, definition, the landmarks it needs, and the
postures and camera views where it applies. Adding a metric never touches the core::

    from motorobs.metrics import MetricOutput, MetricValue, register_metric

    @register_metric(
        "wrist_height",
        outputs={"wrist_height_median": ("body units", "Median height of the wrists ...")},
        landmarks=("left_wrist", "right_wrist", "left_shoulder", "right_shoulder"),
    )
    def wrist_height(signals, config):
        ...
        return MetricOutput(values=[MetricValue(...)])

The module defining the function must be imported before the analysis runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

Status = Literal["ok", "insufficient_data", "not_applicable"]
STATUSES: tuple[str, ...] = ("ok", "insufficient_data", "not_applicable")


@dataclass(frozen=True)
class MetricValue:
    """One number of one clip, with what it means and how much of the clip it saw.

    ``coverage`` is the share (0..1) of the relevant time (the frames of the postures and
    views where the metric applies) in which the landmarks it needs were usable.
    ``value`` is ``None`` unless ``status == "ok"``; ``reason`` explains any other status.
    """

    name: str
    value: float | None
    unit: str
    coverage: float
    status: Status
    definition: str
    side: str | None = None
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"Metric {self.name}: status {self.status!r} not in {STATUSES}.")
        if self.status != "ok" and self.value is not None:
            raise ValueError(f"Metric {self.name}: a {self.status} metric must have no value.")
        if self.status != "ok" and not self.reason:
            raise ValueError(f"Metric {self.name}: a {self.status} metric needs a reason.")
        if not 0.0 <= self.coverage <= 1.0:
            raise ValueError(f"Metric {self.name}: coverage {self.coverage} not in [0, 1].")

    def to_dict(self) -> dict[str, Any]:
        """JSON form used in ``metrics.json``."""
        out: dict[str, Any] = {
            "name": self.name,
            "side": self.side,
            "value": None if self.value is None else float(self.value),
            "unit": self.unit,
            "coverage": round(float(self.coverage), 4),
            "status": self.status,
            "definition": self.definition,
        }
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class Event:
    """Something that happened in a time interval of the clip (times in seconds)."""

    type: str
    side: str | None
    start_s: float
    end_s: float
    details: dict[str, float | str] = field(default_factory=dict)
    """Type-specific columns of ``events.csv`` (e.g. ``peak_speed_bl_per_s``)."""


@dataclass(frozen=True)
class Trace:
    """A signal behind a metric, for the report's plots.

    ``values`` is aligned with the analysis time base (seconds); NaN where not seen.
    """

    name: str
    label: str
    unit: str
    values: np.ndarray
    event_types: tuple[str, ...] = ()
    """Events of these types are shaded on the plot."""
    reference_lines: tuple[float, ...] = ()
    """Thresholds drawn as horizontal lines (same unit as ``values``)."""


@dataclass
class MetricOutput:
    """What a registered metric function returns."""

    values: list[MetricValue] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    traces: list[Trace] = field(default_factory=list)


@dataclass(frozen=True)
class MetricSpec:
    """A registered metric function and the description of its outputs."""

    name: str
    func: Callable[..., MetricOutput]
    outputs: dict[str, tuple[str, str]]
    """Metric name -> (unit, plain-language definition)."""
    landmarks: tuple[str, ...]
    postures: tuple[str, ...] | None = None
    """Postures where it applies (``None``: any)."""
    views: tuple[str, ...] | None = None
    """Camera views where it applies (``None``: any)."""
    per_side: bool = False
    """True when every output is reported once per hand (``side`` = left/right)."""
    version: str = "1"


METRICS: dict[str, MetricSpec] = {}
"""Every registered metric function, by name, in registration order."""


def register_metric(
    name: str,
    *,
    outputs: dict[str, tuple[str, str]],
    landmarks: tuple[str, ...],
    postures: tuple[str, ...] | None = None,
    views: tuple[str, ...] | None = None,
    per_side: bool = False,
    version: str = "1",
) -> Callable[[Callable[..., MetricOutput]], Callable[..., MetricOutput]]:
    """Decorator registering a metric function under ``name`` (see the module docstring)."""

    def decorate(func: Callable[..., MetricOutput]) -> Callable[..., MetricOutput]:
        if name in METRICS and METRICS[name].func is not func:
            raise ValueError(f"A metric named {name!r} is already registered.")
        METRICS[name] = MetricSpec(
            name=name,
            func=func,
            outputs=dict(outputs),
            landmarks=tuple(landmarks),
            postures=postures,
            views=views,
            per_side=per_side,
            version=version,
        )
        return func

    return decorate


def metric_catalogue() -> pd.DataFrame:
    """Every metric the registry can produce: name, unit, definition, landmarks, where."""
    rows = []
    for spec in METRICS.values():
        for metric, (unit, definition) in spec.outputs.items():
            rows.append(
                {
                    "metric": metric,
                    "unit": unit,
                    "per_side": spec.per_side,
                    "definition": definition,
                    "landmarks": ", ".join(spec.landmarks),
                    "postures": ", ".join(spec.postures) if spec.postures else "any",
                    "views": ", ".join(spec.views) if spec.views else "any",
                    "function": spec.name,
                    "version": spec.version,
                }
            )
    return pd.DataFrame(rows)
