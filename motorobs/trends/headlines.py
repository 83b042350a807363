"""The headline metrics followed over sessions, mapped to the metric registry's names.

Each headline is one metric of ``metrics.json`` (``name``, and ``side`` for per-hand
metrics, which give one trend per hand). The camera views where a metric can be measured
come from the registry (:data:`motorobs.metrics.METRICS`), so a clip filmed only from a view
the metric cannot use does not enter that metric's trend (see
:func:`view_excludes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Headline:
    """A metric followed over sessions."""

    metric: str
    """Name in ``metrics.json`` and the registry."""
    side: str | None
    """``left``/``right`` for per-hand metrics, else ``None``."""
    label: str
    """Plain words for the report (the unit comes from ``metrics.json``)."""

    @property
    def key(self) -> str:
        """``metric`` or ``metric:side`` (unique)."""
        return f"{self.metric}:{self.side}" if self.side else self.metric


def _both(metric: str, label: str) -> tuple[Headline, Headline]:
    return (Headline(metric, "left", f"{label}, left hand"),
            Headline(metric, "right", f"{label}, right hand"))


HEADLINES: tuple[Headline, ...] = (
    *_both("midline_crossings_per_min", "Midline crossings per minute"),
    *_both("reaches_per_min", "Reaches per minute"),
    *_both("reach_sparc_median", "Reach smoothness (SPARC; nearer 0 = smoother)"),
    Headline("hands_together_pct", None, "Hands together (% of time)"),
    Headline("prone_time_s", None, "Tummy time recorded (s)"),
    Headline("head_lift_max_deg", None, "Highest head lift in tummy time (degrees)"),
    Headline("head_lift_time_above_45_pct", None, "Tummy time with head above 45° (%)"),
    Headline("head_turn_asymmetry", None,
             "Head-turn asymmetry (+1 always left, -1 always right)"),
    Headline("sitting_trunk_sway_rms_bu", None, "Sitting sway (RMS, shoulder widths)"),
    Headline("arm_symmetry_index", None, "Arm movement symmetry (0 = equal, + = left more)"),
    Headline("leg_symmetry_index", None, "Leg movement symmetry (0 = equal, + = left more)"),
)
"""The trend metrics, in report order."""
HEADLINE_METRICS: frozenset[str] = frozenset(h.metric for h in HEADLINES)


@cache
def metric_views() -> dict[str, tuple[str, ...] | None]:
    """Registry metric name -> camera views where it applies (``None``: any view)."""
    from motorobs.metrics import METRICS

    return {output: spec.views for spec in METRICS.values() for output in spec.outputs}


def view_excludes(metric: str, clip_views: Sequence[str]) -> str | None:
    """Why a clip filmed from ``clip_views`` (the views of its segments) cannot contribute to
    ``metric``'s trend, or ``None`` when it can (some segment is in a view the metric uses,
    or the clip's views are not known)."""
    views = metric_views().get(metric)
    known = [v for v in clip_views if v and v != "unknown"]
    if views is None or not known or any(v in views for v in known):
        return None
    return (f"filmed from the {' and '.join(sorted(set(known)))}; this metric needs the "
            f"{' or '.join(views)} view")
