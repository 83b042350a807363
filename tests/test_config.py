"""The typed configuration: overrides, validation, round trip and fingerprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from motorobs.config import AnalysisConfig


def test_overrides_replace_only_the_named_fields():
    config = AnalysisConfig().with_overrides(pose={"analysis_fps": 10.0})
    assert config.pose.analysis_fps == 10.0
    assert config.pose.pose_model == AnalysisConfig().pose.pose_model
    assert config.metrics == AnalysisConfig().metrics


def test_unknown_section_and_field_are_named():
    with pytest.raises(ValueError, match="posee"):
        AnalysisConfig().with_overrides(posee={})
    with pytest.raises(ValueError, match="fsp"):
        AnalysisConfig().with_overrides(pose={"fsp": 3})


def test_dict_round_trip_and_fingerprint():
    config = AnalysisConfig().with_overrides(pose={"model_dir": Path("/models")})
    back = AnalysisConfig.from_dict(config.to_dict())
    assert back == config
    assert back.fingerprint() == config.fingerprint()
    assert config.fingerprint() != AnalysisConfig().fingerprint()
