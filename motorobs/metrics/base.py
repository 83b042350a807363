"""The metric registry and the types every metric returns.

A metric is a pure function ``(signals, config) -> MetricOutput`` registered with
:func:`register_metric`. The registration states, for the therapist and the researcher,
what each number means: its name, unit, definition, the landmarks it needs, and the
postures and camera views where it applies. Adding a metric never touches the core::

    from motorobs.metrics import MetricOutput, gated_values, register_metric

    @register_metric(
        "wrist_height",
        outputs={"wrist_height_median_bu": ("BU", "Median height of the wrists ...")},
        landmarks=("left_wrist", "right_wrist", "left_shoulder", "right_shoulder"),
        postures=("supine",),
    )
    def wrist_height(signals, config):
        ...
        return MetricOutput(values=gated_values(...))

The registry checks the declared landmarks, postures and views before calling the
function (:mod:`motorobs.metrics.applicability`). The module defining the function must be
imported before the analysis runs; docs/metrics.md ("Writing a metric") has a worked
example.
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
    """Type-specific columns of ``events.csv`` (e.g. ``peak_speed_bu_per_s``)."""


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


Landmarks = tuple[str | tuple[str, ...], ...]
"""Body parts a metric needs: each entry a body-part name (``"left_ear"``) or a tuple of
alternatives of which one is enough (``("left_wrist", "left_hand_wrist")``)."""


@dataclass(frozen=True)
class MetricSpec:
    """A registered metric function and the contract it declares.

    The registry (:func:`motorobs.metrics.compute_metrics`) enforces ``landmarks``,
    ``postures`` and ``views`` before calling ``func``: a metric is never called on a clip
    where they cannot hold (see :func:`motorobs.metrics.applicability.applicability`).
    """

    name: str
    func: Callable[..., MetricOutput]
    outputs: dict[str, tuple[str, str]]
    """Metric name -> (unit, plain-language definition)."""
    landmarks: Landmarks
    """Body parts the metric needs (see :data:`Landmarks`)."""
    postures: tuple[str, ...] | None = None
    """Postures where it applies (``None``: any)."""
    views: tuple[str, ...] | None = None
    """Camera views where it applies (``None``: any)."""
    per_side: bool = False
    """True when every output is reported once per hand (``side`` = left/right)."""
    version: str = "1"
    optional_landmarks: tuple[str, ...] = ()
    """Body parts used where the source has them, never required."""
    posture_reason: str | None = None
    """Why it does not apply when none of ``postures`` occurs (a default names them)."""
    view_reason: str | None = None
    """Why it does not apply when no frame in ``postures`` was filmed from one of ``views``
    (a default names them)."""


METRICS: dict[str, MetricSpec] = {}
"""Every registered metric function, by name, in registration order (the order of the
results is :func:`registered_metrics`')."""

METRIC_ORDER: tuple[str, ...] = (
    "recording_quality",
    "head_lift",
    "forearm_support",
    "head_stability",
    "head_turning",
    "midline_crossings",
    "hands_together",
    "hand_to_mouth",
    "posture_time",
    "rolls",
    "reaching",
    "sitting_sway",
    "sitting_balance",
    "limb_movement",
    "limb_symmetry",
    "hand_opening",
)
"""The order of the built-in metrics in ``metrics.json`` and the reports: the recording
quality verdict first, then by body region. Metrics registered by users follow, in
registration order."""


def registered_metrics() -> list[MetricSpec]:
    """Every registered metric in result order (:data:`METRIC_ORDER`, then the others in
    registration order)."""
    rank = {name: i for i, name in enumerate(METRIC_ORDER)}
    return sorted(METRICS.values(), key=lambda s: rank.get(s.name, len(rank)))


def register_metric(
    name: str,
    *,
    outputs: dict[str, tuple[str, str]],
    landmarks: Landmarks,
    optional_landmarks: tuple[str, ...] = (),
    postures: tuple[str, ...] | None = None,
    views: tuple[str, ...] | None = None,
    posture_reason: str | None = None,
    view_reason: str | None = None,
    per_side: bool = False,
    version: str = "1",
) -> Callable[[Callable[..., MetricOutput]], Callable[..., MetricOutput]]:
    """Decorator registering a metric function ``(signals, config) -> MetricOutput`` under
    ``name`` (see the module docstring and docs/metrics.md, "Writing a metric").

    Parameters
    ----------
    name
        Unique name of the function (``names=[name]`` in :func:`compute_metrics`).
    outputs
        Output name -> ``(unit, definition)``. Names follow the unit-suffix convention of
        docs/metrics.md (``_s``, ``_deg``, ``_pct``, ``_bu``, ``_per_min``, ``_bu_per_s``).
    landmarks, optional_landmarks
        Body parts needed (an entry may be a tuple of alternatives) and body parts used
        only where present.
    postures, views, posture_reason, view_reason
        Where the metric applies, and why it does not where it cannot (``None``: a default
        sentence naming the postures or views).
    per_side
        Every output once per hand (``side`` left, then right).
    version
        Bump when the definition changes.

    Raises
    ------
    ValueError
        If another function is registered under ``name`` (redefining the same function,
        e.g. re-running a notebook cell, replaces it), or an output name is taken by
        another metric.
    """

    def decorate(func: Callable[..., MetricOutput]) -> Callable[..., MetricOutput]:
        old = METRICS.get(name)
        if old is not None and _where(old.func) != _where(func):
            raise ValueError(f"A metric named {name!r} is already registered (by "
                             f"{_where(old.func)}); choose another name or "
                             "unregister_metric() it first.")
        taken = {o: s.name for s in METRICS.values() if s.name != name for o in s.outputs}
        clash = sorted(set(outputs) & set(taken))
        if clash:
            raise ValueError(f"Metric {name!r}: output name(s) {clash} already belong to "
                             f"{sorted({taken[o] for o in clash})}.")
        METRICS[name] = MetricSpec(
            name=name,
            func=func,
            outputs=dict(outputs),
            landmarks=tuple(landmarks),
            optional_landmarks=tuple(optional_landmarks),
            postures=postures,
            views=views,
            posture_reason=posture_reason,
            view_reason=view_reason,
            per_side=per_side,
            version=version,
        )
        return func

    return decorate


def unregister_metric(name: str) -> MetricSpec:
    """Remove the metric registered as ``name`` and return its spec (``KeyError`` if
    there is none), e.g. to undo a notebook's experiment."""
    return METRICS.pop(name)


def _where(func: Callable[..., Any]) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', '?')}"


def landmark_words(entry: str | tuple[str, ...]) -> str:
    """``"left_ear"``, or ``"left_wrist or left_hand_wrist"`` for alternatives."""
    return entry if isinstance(entry, str) else " or ".join(entry)


def metric_catalogue() -> pd.DataFrame:
    """Every metric the registry can produce: name, unit, definition, landmarks, where."""
    rows = []
    for spec in registered_metrics():
        for metric, (unit, definition) in spec.outputs.items():
            rows.append(
                {
                    "metric": metric,
                    "unit": unit,
                    "per_side": spec.per_side,
                    "definition": definition,
                    "landmarks": ", ".join(map(landmark_words, spec.landmarks)),
                    "postures": ", ".join(spec.postures) if spec.postures else "any",
                    "views": ", ".join(spec.views) if spec.views else "any",
                    "function": spec.name,
                    "version": spec.version,
                }
            )
    return pd.DataFrame(rows)
