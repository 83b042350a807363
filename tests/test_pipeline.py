"""analyze_video with the fake pose backend: metrics with known answers, landmark reuse and
its invalidation, and the errors a user can meet (no MediaPipe needed)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from motorobs.errors import ModelError, NoInfantError, VideoError
from motorobs.pipeline import LANDMARKS_FILE, analyze_video
from motorobs.pose import backend as backends
from motorobs.pose.fake import FakeBackend
from tests.fixtures.videos import (  # noqa: F401 - no_mediapipe_bundles: a fixture
    expected_crossings,
    fake_config,
    flat_clip,
    no_mediapipe_bundles,
    textured_clip,
    truncated_clip,
)

SECONDS = 4.0


pytestmark = pytest.mark.usefixtures("no_mediapipe_bundles")


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(backends, "_REGISTRY", dict(backends._REGISTRY))


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return textured_clip(tmp_path_factory.mktemp("video") / "baby.avi", seconds=SECONDS)


def metric(result, name, side=None):
    (value,) = [m for m in result.metrics if m.name == name and m.side == side]
    return value


def test_the_fake_infant_s_crossings_are_counted_and_its_other_hand_rests(tmp_path, clip):
    result = analyze_video(clip, fake_config(), output_dir=tmp_path / "out")
    assert expected_crossings(SECONDS) == 2
    assert metric(result, "midline_crossings", "right").value == 2
    assert metric(result, "midline_crossings", "left").value == 0
    assert metric(result, "supine_time_s").value == pytest.approx(SECONDS, abs=0.15)
    provenance = result.provenance
    assert provenance["pose_backend"] == "fake" and provenance["estimator"] == "fake"
    assert "mediapipe" not in provenance and provenance["landmarks_reused"] is False
    written = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert written["clip"] == "baby"
    assert (tmp_path / "out" / "report.html").read_text().rstrip().endswith("</html>")


def test_landmarks_are_reused_with_the_same_key_and_remade_when_it_changes(
        tmp_path, clip, registry):
    out = tmp_path / "out"
    first = analyze_video(clip, fake_config(), output_dir=out)
    saved = out / LANDMARKS_FILE
    stamp = saved.stat().st_mtime_ns
    again = analyze_video(clip, fake_config(), output_dir=out)
    assert again.provenance["landmarks_reused"] is True
    assert saved.stat().st_mtime_ns == stamp
    assert again.landmarks["position"].equals(first.landmarks["position"])

    # A metric setting is not in the key: still reused.
    other_metrics = fake_config().with_overrides(signals={"camera": "above"})
    assert analyze_video(clip, other_metrics, output_dir=out).provenance["landmarks_reused"]

    # The backend's settings are: another seed gives other landmarks, made afresh.
    backends.register_backend("fake_seed_1", partial(FakeBackend, seed=1))
    reseeded = analyze_video(clip, fake_config(backend="fake_seed_1"), output_dir=out)
    assert reseeded.provenance["landmarks_reused"] is False
    assert not reseeded.landmarks["position"].equals(first.landmarks["position"])

    # So are the shared pose settings (the frame step).
    slower = analyze_video(clip, fake_config(analysis_fps=5.0), output_dir=out)
    assert slower.provenance["landmarks_reused"] is False
    assert slower.landmarks.sizes["time"] == first.landmarks.sizes["time"] // 2


def test_a_changed_model_file_means_new_landmarks(tmp_path, clip, registry):
    model = tmp_path / "weights.bin"
    model.write_bytes(b"version 1")
    backends.register_backend("fake_model", partial(FakeBackend, model=model))
    out = tmp_path / "out"
    analyze_video(clip, fake_config(backend="fake_model"), output_dir=out)
    assert analyze_video(clip, fake_config(backend="fake_model"),
                         output_dir=out).provenance["landmarks_reused"] is True
    model.write_bytes(b"version 2")
    assert analyze_video(clip, fake_config(backend="fake_model"),
                         output_dir=out).provenance["landmarks_reused"] is False
    model.unlink()  # a missing model: not reused, and the error names the file
    with pytest.raises(ModelError, match="weights.bin"):
        analyze_video(clip, fake_config(backend="fake_model"), output_dir=out)


def test_unreadable_saved_landmarks_are_ignored_with_a_warning(tmp_path, clip, caplog):
    out = tmp_path / "out"
    analyze_video(clip, fake_config(), output_dir=out)
    (out / LANDMARKS_FILE).write_bytes(b"not parquet at all")
    with caplog.at_level(logging.WARNING, logger="motorobs"):
        result = analyze_video(clip, fake_config(), output_dir=out)
    assert result.provenance["landmarks_reused"] is False
    assert any("ignoring unreadable landmarks" in r.getMessage() for r in caplog.records)
    assert analyze_video(clip, fake_config(), output_dir=out).provenance["landmarks_reused"]


def test_no_baby_in_view_names_the_file_and_the_fix(tmp_path):
    blank = flat_clip(tmp_path / "blank.avi")
    with pytest.raises(NoInfantError) as raised:
        analyze_video(blank, fake_config())
    message = str(raised.value)
    assert "blank.avi" in message and "no baby" in message and "Film the whole baby" in message


def test_a_video_cut_off_mid_clip_is_a_video_error(tmp_path):
    with pytest.raises(VideoError, match="cut.avi"):
        analyze_video(truncated_clip(tmp_path), fake_config())


def test_an_unknown_backend_lists_the_registered_ones(clip):
    with pytest.raises(backends.UnknownBackendError, match="fake, mediapipe"):
        analyze_video(clip, fake_config(backend="openpose"))


def test_the_fake_pipeline_never_imports_mediapipe(tmp_path, clip):
    code = (
        "import sys\n"
        "from motorobs.pipeline import analyze_video\n"
        "from tests.fixtures.videos import fake_config\n"
        f"analyze_video({str(clip)!r}, fake_config(), output_dir={str(tmp_path / 'o')!r})\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'mediapipe'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=str(Path(__file__).resolve().parents[1]))
    assert done.stdout.strip().splitlines()[-1] == "[]"
