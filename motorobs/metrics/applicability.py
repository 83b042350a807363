"""Where a metric applies: the registry's checks of a metric's declared contract.

Before :func:`motorobs.metrics.compute_metrics` calls a metric function it checks, in this
order, what the metric declared in :func:`~motorobs.metrics.register_metric`:

1. ``landmarks``: every body part it needs is one the landmarks' source has (a dataset
   from a tool without, say, ears records ``attrs["missing_body_parts"]``, read as
   :attr:`BodySignals.missing_body_parts <motorobs.signals.BodySignals.missing_body_parts>`);
   otherwise ``not_applicable``, naming the part and the source.
2. ``postures``: some frame is in one of them; otherwise ``not_applicable``.
3. ``views``: some frame (in one of the postures) was filmed from one of them; otherwise
   ``not_applicable``, or ``insufficient_data`` when no frame's view could be determined.

A metric that passes is called and measures on :func:`applicable_frames`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np

from motorobs.metrics.base import MetricSpec, landmark_words
from motorobs.signals import BodySignals

Problem = tuple[str, str]
"""``(status, reason)`` of a metric that cannot be measured on a clip."""


def applicable_frames(signals: BodySignals, postures: tuple[str, ...] | None = None,
                      views: tuple[str, ...] | None = None) -> np.ndarray:
    """(T,) frames in one of ``postures`` filmed from one of ``views`` (``None``: any)."""
    keep = np.ones(signals.n_frames, bool)
    if postures:
        keep &= np.isin(signals.posture, postures)
    if views:
        keep &= np.isin(signals.frame_views, views)
    return keep


def missing_landmarks(spec: MetricSpec, missing: frozenset[str]) -> list[str]:
    """The entries of ``spec.landmarks`` of which the source has no body part (an entry of
    alternatives is missing when all of them are), in words."""
    names = (entry if isinstance(entry, tuple) else (entry,) for entry in spec.landmarks)
    return [landmark_words(alternatives) for alternatives in names
            if all(name in missing for name in alternatives)]


def source_words(attrs: Mapping[str, Any]) -> str:
    """How the landmarks' source is named in a reason: ``"the coco17 keypoints of
    x.json"``, from the dataset attributes ``skeleton`` (JSON with a ``name``) or
    ``source_software``, and ``source_file`` or ``source_video``."""
    tool = attrs.get("source_software")
    skeleton = attrs.get("skeleton")
    if isinstance(skeleton, str):
        try:
            skeleton = json.loads(skeleton)
        except ValueError:
            skeleton = {"name": skeleton}
    if isinstance(skeleton, Mapping) and skeleton.get("name"):
        tool = skeleton["name"]
    where = attrs.get("source_file") or attrs.get("source_video")
    words = f"the {tool} keypoints" if tool else "the landmarks"
    return f"{words} of {where}" if where else words


def applicability(spec: MetricSpec, signals: BodySignals) -> Problem | None:
    """Why ``spec``'s metric cannot be measured on ``signals`` (see the module docstring),
    or ``None`` when it can."""
    lacking = missing_landmarks(spec, signals.missing_body_parts)
    if lacking:
        shown = ", ".join(lacking[:3]) + (f" and {len(lacking) - 3} more" if len(lacking) > 3
                                          else "")
        pronoun = "it" if len(lacking) == 1 else "them"
        return ("not_applicable",
                f"needs {shown}; {source_words(signals.attrs)} do not include {pronoun}")
    in_posture = applicable_frames(signals, spec.postures)
    if spec.postures and not in_posture.any():
        return "not_applicable", spec.posture_reason or (
            f"{spec.name} applies while the infant is {' or '.join(spec.postures)}, which "
            "it never was in this clip")
    if not spec.views:
        return None
    views = signals.frame_views
    if views.size == 0 or (views == "unknown").all():
        return ("insufficient_data",
                f"the camera view could not be determined ({signals.view_reason})")
    if not (in_posture & np.isin(views, spec.views)).any():
        where = f" while {' or '.join(spec.postures)}" if spec.postures else ""
        return "not_applicable", spec.view_reason or (
            f"{spec.name} needs a {' or '.join(spec.views)} camera view, and no part of "
            f"this clip{where} was filmed from one")
    return None
