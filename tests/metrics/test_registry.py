"""The registry enforces each metric's contract: body parts, postures, views; order; names."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

import motorobs.metrics as metrics
from motorobs.config import MetricsConfig, SignalConfig
from motorobs.metrics import (
    METRIC_ORDER,
    MetricOutput,
    compute_metrics,
    register_metric,
    registered_metrics,
    unavailable,
    unregister_metric,
)
from motorobs.signals import prepare_signals
from tests.signals.synthetic import synthetic_dataset

CONFIG = MetricsConfig()
HAND_PARTS = [f"{side}_hand_{p}" for side in ("left", "right")
              for p in ("wrist", "thumb_tip", "index_finger_tip", "middle_finger_mcp",
                        "middle_finger_tip", "ring_finger_tip", "pinky_tip")]


@pytest.fixture(scope="module")
def supine_top():
    return prepare_signals(synthetic_dataset(), SignalConfig())


def lacking(signals, parts, **attrs):
    """The same signals from a source without ``parts``, described by ``attrs``."""
    extra = {"missing_body_parts": json.dumps(sorted(parts)), **attrs}
    merged = {k: v for k, v in {**signals.attrs, **extra}.items() if v is not None}
    return dataclasses.replace(signals, attrs=merged)


@pytest.fixture
def probe():
    """Registers test metrics that record every call; removed afterwards."""
    calls: list[str] = []
    names: list[str] = []

    def make(name, per_side=False, **contract):
        outputs = {f"{name}_pct": ("%", "A test output.")}

        @register_metric(name, outputs=outputs, per_side=per_side,
                         **{"landmarks": (), **contract})
        def measure(signals, config):
            calls.append(name)
            sides = ("left", "right") if per_side else (None,)
            return MetricOutput(values=unavailable(outputs, "insufficient_data", "probe",
                                                   sides=sides))

        names.append(name)
        return outputs

    make.calls = calls
    yield make
    for name in names:
        metrics.METRICS.pop(name, None)


def values(out, name):
    return [v for v in out.values if v.name == name]


def test_a_metric_needing_a_body_part_the_source_lacks_is_not_called_and_says_why(
        supine_top, probe):
    probe("needs_ear", landmarks=("nose", "left_ear"))
    signals = lacking(supine_top, {"left_ear", "right_ear"},
                      skeleton=json.dumps({"name": "coco17"}), source_file="annotations.json")
    (value,) = values(compute_metrics(signals, CONFIG, ["needs_ear"]), "needs_ear_pct")
    assert probe.calls == []
    assert value.status == "not_applicable" and value.value is None
    assert value.reason == ("needs left_ear; the coco17 keypoints of annotations.json do not "
                            "include it")


def test_the_source_is_named_from_what_the_dataset_records(supine_top, probe):
    probe("needs_ears", landmarks=("left_ear", "right_ear"), per_side=True)
    signals = lacking(supine_top, {"left_ear", "right_ear"}, source_software="DeepLabCut",
                      skeleton=None)
    out = compute_metrics(signals, CONFIG, ["needs_ears"])
    assert [v.side for v in out.values] == ["left", "right"]
    assert {v.reason for v in out.values} == {
        "needs left_ear, right_ear; the DeepLabCut keypoints do not include them"}
    assert probe.calls == []


def test_a_body_part_with_an_alternative_or_optional_is_not_required(supine_top, probe):
    probe("either_wrist", landmarks=(("left_wrist", "left_hand_wrist"),),
          optional_landmarks=("left_index",))
    out = compute_metrics(lacking(supine_top, {"left_hand_wrist", "left_index"}), CONFIG,
                          ["either_wrist"])
    assert probe.calls == ["either_wrist"]
    assert out.values[0].reason == "probe"
    out = compute_metrics(lacking(supine_top, {"left_hand_wrist", "left_wrist"}), CONFIG,
                          ["either_wrist"])
    assert out.values[0].reason.startswith("needs left_wrist or left_hand_wrist; ")
    assert probe.calls == ["either_wrist"]


def test_built_in_metrics_on_a_source_without_hands(supine_top):
    """COCO-17 has no hand model points: the finger metrics cannot apply; the hand metrics
    that follow the pose wrist still run."""
    signals = lacking(supine_top, set(HAND_PARTS), skeleton='{"name": "coco17"}')
    out = compute_metrics(signals, CONFIG)
    opening = values(out, "hand_aperture_median")
    assert [v.status for v in opening] == ["not_applicable"] * 2
    assert opening[0].reason.startswith("needs left_hand_wrist, left_hand_middle_finger_mcp, ")
    assert "more; the coco17 keypoints do not include them" in opening[0].reason
    full = compute_metrics(supine_top, CONFIG)
    for name in ("reach_count", "midline_crossings", "hands_together_pct", "recording_quality"):
        assert [(v.status, v.value) for v in values(out, name)] == [
            (v.status, v.value) for v in values(full, name)]


def test_landmarks_of_mediapipe_data_are_never_missing(supine_top):
    assert supine_top.missing_body_parts == frozenset()
    out = compute_metrics(supine_top, CONFIG)
    assert not any((v.reason or "").startswith("needs ") for v in out.values)


def test_a_posture_that_never_occurs(supine_top, probe):
    probe("prone_only", postures=("prone",))
    probe("prone_explained", postures=("prone",), posture_reason="no tummy time here")
    probe("supine_ok", postures=("supine", "prone"))
    out = compute_metrics(supine_top, CONFIG, ["prone_only", "prone_explained", "supine_ok"])
    assert probe.calls == ["supine_ok"]
    (only,) = values(out, "prone_only_pct")
    assert only.status == "not_applicable"
    assert only.reason == "prone_only applies while the infant is prone, which it never was in " \
                          "this clip"
    assert values(out, "prone_explained_pct")[0].reason == "no tummy time here"


def test_a_view_that_never_occurs_or_cannot_be_told(supine_top, probe):
    probe("side_only", views=("side",))
    probe("side_explained", postures=("supine",), views=("side",), view_reason="from the side")
    probe("top_ok", views=("top",))
    out = compute_metrics(supine_top, CONFIG, ["side_only", "side_explained", "top_ok"])
    assert probe.calls == ["top_ok"]
    assert values(out, "side_only_pct")[0].reason == (
        "side_only needs a side camera view, and no part of this clip was filmed from one")
    assert values(out, "side_explained_pct")[0].reason == "from the side"
    unknown = dataclasses.replace(supine_top, view="unknown", view_reason="no shoulders",
                                  view_segments=())
    (value,) = compute_metrics(unknown, CONFIG, ["top_ok"]).values
    assert value.status == "insufficient_data"
    assert value.reason == "the camera view could not be determined (no shoulders)"
    assert probe.calls == ["top_ok"]


def test_posture_and_view_must_occur_together(supine_top, probe):
    """Supine filmed from above, the metric wants supine from the side: not applicable,
    although each occurs on its own."""
    probe("supine_side", postures=("supine",), views=("side", "top"))
    probe("supine_from_side", postures=("supine",), views=("side",))
    out = compute_metrics(supine_top, CONFIG, ["supine_side", "supine_from_side"])
    assert probe.calls == ["supine_side"]
    assert values(out, "supine_from_side_pct")[0].status == "not_applicable"


def test_built_in_metrics_declare_what_the_registry_checks():
    head_lift = metrics.METRICS["head_lift"]
    assert head_lift.postures == ("prone",) and head_lift.views == ("side",)
    assert head_lift.posture_reason == "no tummy time in this clip"
    midline = metrics.METRICS["midline_crossings"]
    assert ("left_wrist", "left_hand_wrist") in midline.landmarks


def test_result_order_is_explicit_not_import_order(supine_top, probe, monkeypatch):
    assert set(METRIC_ORDER) == {s.name for s in registered_metrics()
                                 if s.func.__module__.startswith("motorobs.")}
    probe("zz_first_registered")
    reversed_registry = dict(reversed(list(metrics.METRICS.items())))
    monkeypatch.setattr(metrics.base, "METRICS", reversed_registry)
    names = [s.name for s in registered_metrics()]
    assert names[:len(METRIC_ORDER)] == list(METRIC_ORDER)
    assert names[-1] == "zz_first_registered"
    out = compute_metrics(supine_top, CONFIG, ["hand_opening", "zz_first_registered",
                                               "recording_quality"])
    assert [v.name for v in out.values][0] == "recording_quality"
    assert out.values[-1].name == "zz_first_registered_pct"


def test_registering_again_replaces_only_the_same_function(probe):
    outputs = probe("twice")
    first = metrics.METRICS["twice"].func
    probe("twice")  # the same definition run again, as a notebook cell run twice
    assert metrics.METRICS["twice"].func is not first

    def other(signals, config):
        return MetricOutput()

    with pytest.raises(ValueError, match="already registered"):
        register_metric("twice", outputs=outputs, landmarks=())(other)
    with pytest.raises(ValueError, match=r"reach_count.*already belong to \['reaching'\]"):
        register_metric("mine", outputs={"reach_count": ("count", "d")}, landmarks=())(other)
    assert "mine" not in metrics.METRICS
    assert unregister_metric("twice").name == "twice"
    assert "twice" not in metrics.METRICS


def test_every_built_in_metric_passes_the_checks_on_a_supine_clip_from_above(supine_top):
    out = compute_metrics(supine_top, CONFIG)
    status = {v.name: v.status for v in out.values}
    assert status["midline_crossings"] == "ok"
    assert status["head_lift_max_deg"] == "not_applicable"
    assert np.isfinite([v.value for v in out.values if v.status == "ok"]).all()
