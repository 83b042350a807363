"""The typed configuration: overrides, validation, TOML files, round trip and fingerprints."""

from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from motorobs.config import (
    CAMERA_POSITIONS,
    AnalysisConfig,
    ConfigError,
    MetricsConfig,
    PoseConfig,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "example-config.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def keys(mapping: dict, prefix: str = "") -> set[str]:
    """Dotted names of the leaves of a nested dict."""
    out = set()
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        out |= keys(value, f"{name}.") if isinstance(value, dict) else {name}
    return out


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


def test_each_metric_section_is_reached_by_the_metric_name_with_the_old_defaults():
    metrics = AnalysisConfig().metrics
    assert metrics.reaching.min_speed_bu_per_s == 0.4
    assert metrics.midline_crossings.margin_bu == 0.10
    assert metrics.hand_opening.min_palm_px == 15.0
    assert metrics.recording_quality.camera_speed_bu_per_s == 0.5
    assert metrics.rolls == metrics.sitting_balance  # the same rule, owned twice
    changed = metrics.with_section("midline_crossings", margin_bu=0.2)
    assert changed.midline_crossings.margin_bu == 0.2
    assert changed.reaching == metrics.reaching
    with pytest.raises(ConfigError, match=r"\[metrics.midline_crossings\] margin_bu must be"):
        metrics.with_section("midline_crossings", margin_bu="wide")


def test_every_metric_with_a_section_is_a_registered_metric():
    from motorobs.metrics import METRICS

    sections = {f.name for f in dataclasses.fields(MetricsConfig)
                if dataclasses.is_dataclass(f.default_factory)}
    assert sections <= set(METRICS)
    assert "reaching" in sections and "hand_opening" in sections


def test_camera_choices_are_the_documented_positions():
    with pytest.raises(ConfigError) as error:
        AnalysisConfig().with_overrides(signals={"camera": "side"})
    assert all(repr(name) in str(error.value) for name in CAMERA_POSITIONS)


def test_the_example_file_holds_every_setting_at_its_default():
    assert AnalysisConfig.from_toml(EXAMPLE) == AnalysisConfig()
    listed = keys(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))
    unset = {"pose.model_dir"}  # no default value to write (None)
    assert listed == keys(AnalysisConfig().to_dict()) - unset


def test_a_partial_file_changes_only_its_keys(tmp_path):
    path = write(tmp_path, """
[pose]
analysis_fps = 10          # an integer where a number is wanted
model_dir = "models"
[signals]
camera = "above"
[metrics]
min_coverage = 0.6
[metrics.reaching]
min_speed_bu_per_s = 0.5
[report]
blur_faces = true
""")
    config = AnalysisConfig.from_toml(path)
    default = AnalysisConfig()
    assert config.pose.analysis_fps == 10.0 and isinstance(config.pose.analysis_fps, float)
    assert config.pose.model_dir == Path("models")
    assert config.signals.camera == "above"
    assert config.metrics.min_coverage == 0.6
    assert config.metrics.reaching == dataclasses.replace(default.metrics.reaching,
                                                          min_speed_bu_per_s=0.5)
    assert config.metrics.head_lift == default.metrics.head_lift
    assert config.report == default.report
    assert config.pose.max_people == default.pose.max_people


@pytest.mark.parametrize(("text", "expected"), [
    ("[posture]\nx = 1\n",
     [r"unknown section 'posture' at the top level", "allowed: pose, signals, metrics, "
      "report"]),
    ("[metrics.reaching]\nmin_sped = 1.0\n",
     [r"unknown setting 'min_sped' in \[metrics.reaching\]", "allowed: min_speed_bu_per_s, "]),
    ("[metrics.no_such_metric]\nx = 1\n",
     [r"unknown setting 'no_such_metric' in \[metrics\]", "reaching", "hand_opening"]),
    ("[metrics.reaching]\nmin_speed_bu_per_s = \"fast\"\n",
     [r"\[metrics.reaching\] min_speed_bu_per_s must be a number; got 'fast' \(a string\)"]),
    ("[pose]\nmax_people = 1.5\n",
     [r"\[pose\] max_people must be a whole number; got 1.5"]),
    ("[report]\nblur_faces = 1\n",
     [r"\[report\] blur_faces must be true or false; got 1"]),
    ("[metrics]\nmin_coverage = true\n",
     [r"\[metrics\] min_coverage must be a number; got True"]),
    ("[signals]\ncamera = \"side\"\n",
     [r"\[signals\] camera must be one of 'auto', 'above', 'level'; got 'side'"]),
    ("[metrics]\nreaching = 0.4\n",
     [r"\[metrics.reaching\] must be a table of settings"]),
    ("[pose]\nanalysis_fps = \n",
     ["is not a valid TOML file", "line 2"]),
])
def test_a_bad_file_is_refused_naming_the_file_the_key_and_the_allowed(tmp_path, text,
                                                                     expected):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        AnalysisConfig.from_toml(path)
    message = str(error.value)
    assert message.startswith(str(path))
    for pattern in expected:
        assert re.search(pattern, message), (pattern, message)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="Cannot read the settings file .*nothing.toml"):
        AnalysisConfig.from_toml(tmp_path / "nothing.toml")


def test_config_errors_are_value_errors_for_older_callers():
    assert issubclass(ConfigError, ValueError)


@pytest.fixture
def captured_batch(monkeypatch):
    """``motorobs analyze`` with the batch runner replaced by one that records its config."""
    import motorobs.batch

    seen = {}

    def fake_run_batch(videos, output, config, **kwargs):
        seen["config"] = config
        return SimpleNamespace(failures=[], skipped=[], done=list(videos))

    monkeypatch.setattr(motorobs.batch, "run_batch", fake_run_batch)
    return seen


def test_analyze_reads_the_file_and_command_line_options_win(tmp_path, captured_batch):
    from motorobs.cli import app

    video = tmp_path / "clip.mp4"
    video.write_bytes(b"not read by the fake runner")
    path = write(tmp_path, '[report]\nblur_faces = false\noverlay_video = true\n'
                           '[signals]\ncamera = "above"\n[pose]\nanalysis_fps = 10.0\n'
                           '[metrics.reaching]\nmin_speed_bu_per_s = 0.6\n')
    run = CliRunner().invoke(app, ["analyze", str(video), "-o", str(tmp_path / "out"),
                                   "--config", str(path), "--camera", "level"])
    assert run.exit_code == 0, run.output
    config = captured_batch["config"]
    assert config.signals.camera == "level"          # given on the command line
    assert config.report.blur_faces is False          # from the file: flag left at default
    assert config.report.overlay_video is True
    assert config.pose.analysis_fps == 10.0
    assert config.metrics.reaching.min_speed_bu_per_s == 0.6
    run = CliRunner().invoke(app, ["analyze", str(video), "-o", str(tmp_path / "out"),
                                   "--config", str(path), "--fps", "0", "--blur-faces"])
    config = captured_batch["config"]
    assert run.exit_code == 0, run.output
    assert config.pose.analysis_fps is None and config.report.blur_faces is True
    assert config.signals.camera == "above"


def test_analyze_without_a_file_keeps_the_defaults(tmp_path, captured_batch):
    from motorobs.cli import app

    video = tmp_path / "clip.mp4"
    video.write_bytes(b"x")
    run = CliRunner().invoke(app, ["analyze", str(video), "-o", str(tmp_path / "out")])
    assert run.exit_code == 0, run.output
    assert captured_batch["config"] == AnalysisConfig()


def test_analyze_refuses_a_bad_file_before_any_work(tmp_path, captured_batch):
    from motorobs.cli import app

    video = tmp_path / "clip.mp4"
    video.write_bytes(b"x")
    path = write(tmp_path, "[metrics.reaching]\nmin_sped = 1\n")
    run = CliRunner().invoke(app, ["analyze", str(video), "--config", str(path)])
    assert run.exit_code == 2
    assert "min_sped" in run.output and "min_speed_bu_per_s" in run.output
    assert "config" not in captured_batch


def test_validate_takes_the_file_too(tmp_path, monkeypatch):
    import motorobs.validation
    from motorobs.cli import app
    from motorobs.errors import MotorobsError

    seen = {}

    def fake_validate_folder(folder, output, config):
        seen["config"] = config
        raise MotorobsError("stopped by the test")

    monkeypatch.setattr(motorobs.validation, "validate_folder", fake_validate_folder)
    path = write(tmp_path, "[metrics.midline_crossings]\nmargin_bu = 0.2\n")
    run = CliRunner().invoke(app, ["validate", str(tmp_path), "-o", str(tmp_path / "val"),
                                   "--config", str(path)])
    assert run.exit_code == 2
    assert seen["config"].metrics.midline_crossings.margin_bu == 0.2


@pytest.mark.parametrize("key", ["hand_recall_s", "rotation_check_s", "hand_search_retry_s"])
def test_negative_pose_durations_are_refused_by_name_and_file(tmp_path, key):
    path = write(tmp_path, f"[pose]\n{key} = -0.5\n")
    with pytest.raises(ConfigError, match=rf"{path.name}: \[pose\]: {key} must be 0 or "
                                          r"more seconds, not -0.5"):
        AnalysisConfig.from_toml(path)
    zero = AnalysisConfig.from_toml(write(tmp_path, f"[pose]\n{key} = 0\n"))
    assert zero.pose == dataclasses.replace(PoseConfig(), **{key: 0.0})
