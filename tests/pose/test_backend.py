"""The pose-backend seam: the registry, the cache key and what a dataset records of it."""

from __future__ import annotations

import hashlib

import pytest

from motorobs.config import PoseConfig
from motorobs.errors import MotorobsError
from motorobs.pose import backend as backends
from motorobs.pose.backend import (
    FrameLandmarker,
    PoseBackend,
    UnknownBackendError,
    backend_names,
    get_backend,
    key_attrs,
    register_backend,
    stored_key,
)


class _Nobody(FrameLandmarker):
    def detect_people(self, rgb, timestamp_ms=0, checked=None):
        return []

    def detect_infant_hands(self, rgb, timestamp_ms, infant):
        return []


class _Backend(PoseBackend):
    """A backend with one model file, to check the key."""

    def __init__(self, config, model=None):
        super().__init__(config)
        self.model = model

    def open(self, *, video=True):
        return _Nobody()

    def models(self, *, download=True):
        return {"net": self.model} if self.model else {}


@pytest.fixture
def registry(monkeypatch):
    """The registry, restored after the test."""
    monkeypatch.setattr(backends, "_REGISTRY", dict(backends._REGISTRY))
    return backends._REGISTRY


def test_unknown_backend_names_the_registered_ones(registry):
    with pytest.raises(UnknownBackendError) as raised:
        get_backend("openpose")
    message = str(raised.value)
    assert "'openpose'" in message and "mediapipe" in message
    assert isinstance(raised.value, MotorobsError)


def test_a_registered_backend_is_made_from_the_settings_under_its_name(registry):
    register_backend("mine", _Backend)
    config = PoseConfig(analysis_fps=5.0)
    made = get_backend("mine", config)
    assert isinstance(made, _Backend) and made.config is config and made.name == "mine"
    assert "mine" in backend_names()
    with pytest.raises(ValueError, match="already registered"):
        register_backend("mine", _Backend)
    register_backend("mine", lambda c: _Backend(c, model="x"), replace=True)
    assert get_backend("mine").model == "x"


def test_a_backend_named_by_module_path_is_imported_when_first_asked_for(registry):
    register_backend("by_path", "tests.pose.test_backend:_Backend")
    assert isinstance(get_backend("by_path"), _Backend)
    with pytest.raises(ValueError, match="non-empty name"):
        register_backend("", _Backend)


def test_installed_packages_offer_backends_through_entry_points(registry, monkeypatch):
    import importlib.metadata

    offered = importlib.metadata.EntryPoint(
        name="plugin", value="tests.pose.test_backend:_Backend", group=backends.ENTRY_POINT_GROUP)

    def entry_points(*, group):
        return [offered] if group == backends.ENTRY_POINT_GROUP else []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    assert backend_names() == ("fake", "mediapipe", "plugin")
    made = get_backend("plugin")
    assert isinstance(made, _Backend) and made.name == "plugin"
    register_backend("plugin", lambda c: _Backend(c, model="mine"), replace=True)
    assert get_backend("plugin").model == "mine"  # a registered name wins


def test_no_name_means_mediapipe_whose_key_records_the_hand_finder_that_runs(registry):
    made = get_backend(None, PoseConfig(hands_every_frame=True))
    assert made.name == "mediapipe" and type(made).__name__ == "MediaPipeBackend"
    assert made.settings()["hand_finder"] == "frame"  # hands_every_frame runs the full frame


def test_the_cache_key_has_the_name_each_model_s_sha256_and_the_settings(tmp_path):
    model = tmp_path / "net.bin"
    model.write_bytes(b"weights v1")
    backend = _Backend(PoseConfig(), model)
    backend.name = "mine"
    key = backend.cache_key()
    assert key["backend"] == "mine"
    assert key["models"] == [{"name": "net.bin",
                              "sha256": hashlib.sha256(b"weights v1").hexdigest()}]
    settings = key["settings"]
    assert settings["analysis_fps"] == 15.0
    for not_in_key in ("backend", "model_dir", "overlap_models"):
        assert not_in_key not in settings
    assert _Backend(PoseConfig(model_dir=tmp_path, overlap_models=False), model).cache_key() \
        == {**key, "backend": ""}
    assert _Backend(PoseConfig(analysis_fps=5.0), model).cache_key()["settings"] != settings
    model.write_bytes(b"weights v2")
    assert backend.cache_key()["models"] != key["models"]


def test_a_dataset_s_attributes_give_its_key_back(tmp_path):
    model = tmp_path / "net.bin"
    model.write_bytes(b"w")
    key = _Backend(PoseConfig(), model).cache_key()
    attrs = key_attrs(key)
    assert set(attrs) == {"pose_backend", "models", "pose_config"}
    assert all(isinstance(v, str) for v in attrs.values())
    assert stored_key({**attrs, "fps": 30.0}) == key
    assert stored_key({"models": attrs["models"], "pose_config": attrs["pose_config"]}) is None
    assert stored_key({**attrs, "pose_config": "{not json"}) is None


def test_a_minimal_landmarker_has_no_check_no_close_up_and_no_attributes():
    with _Nobody() as landmarker:
        assert landmarker.check_due(0) is False and landmarker.check(None) is None
        assert landmarker.detect_hands_in_box(None, (0, 0, 1, 1)) == []
        assert landmarker.attrs() == {}
