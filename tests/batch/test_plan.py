"""Which clips a run analyses: skip done with the same inputs, redo changed, retry on ask."""

from __future__ import annotations

import hashlib

import pytest

import motorobs
from motorobs.batch.manifest import ClipInputs, ClipRecord
from motorobs.batch.runner import check_collisions, plan

MODELS = (("pose.task", "p" * 64), ("hand.task", "h" * 64))


@pytest.fixture
def clips(tmp_path):
    videos = []
    for name in ("a", "b", "c", "d"):
        video = tmp_path / "videos" / f"{name}.mp4"
        video.parent.mkdir(exist_ok=True)
        video.write_bytes(name.encode() * 100)
        videos.append(video)
    out = tmp_path / "out"
    for name in ("a", "b", "c"):
        (out / name).mkdir(parents=True)
        (out / name / "metrics.json").write_text("{}")
        (out / name / "events.csv").write_text("type\n")
    return videos, out


def inputs_of(video, config="cfg1", models=MODELS):
    sha = hashlib.sha256(video.read_bytes()).hexdigest()
    return ClipInputs(sha, config, models, motorobs.__version__)


def test_done_with_same_inputs_is_skipped_and_the_rest_run(clips):
    videos, out = clips
    a, b, c, d = videos
    latest = {
        "a": ClipRecord("a", str(a), "done", inputs_of(a)),
        "b": ClipRecord("b", str(b), "done", inputs_of(b, config="cfg0")),  # settings changed
        "c": ClipRecord("c", str(c), "running", inputs_of(c)),  # a crashed run left it
    }
    to_run, skipped, failures = plan(videos, out, "cfg1", MODELS, latest)
    assert skipped == ["a"]
    assert [r.clip for r in to_run] == ["b", "c", "d"]
    assert all(r.state == "queued" for r in to_run) and failures == []
    assert to_run[0].inputs == inputs_of(b)


def test_a_changed_video_or_model_is_analysed_again(clips):
    videos, out = clips
    a = videos[0]
    latest = {"a": ClipRecord("a", str(a), "done", inputs_of(a))}
    a.write_bytes(b"re-exported by the caregiver")
    assert [r.clip for r in plan([a], out, "cfg1", MODELS, latest)[0]] == ["a"]
    latest = {"a": ClipRecord("a", str(a), "done", inputs_of(a))}
    other_models = (("pose.task", "q" * 64), MODELS[1])
    assert [r.clip for r in plan([a], out, "cfg1", other_models, latest)[0]] == ["a"]


def test_done_but_outputs_deleted_is_analysed_again(clips):
    videos, out = clips
    a = videos[0]
    (out / "a" / "metrics.json").unlink()
    latest = {"a": ClipRecord("a", str(a), "done", inputs_of(a))}
    assert [r.clip for r in plan([a], out, "cfg1", MODELS, latest)[0]] == ["a"]


def test_failed_clips_are_retried_only_when_asked(clips):
    videos, out = clips
    d = videos[3]
    latest = {"d": ClipRecord("d", str(d), "failed", inputs_of(d), reason="d.mp4: no baby")}
    to_run, _, failures = plan([d], out, "cfg1", MODELS, latest)
    assert to_run == []
    assert failures[0][0] == "d" and "no baby" in failures[0][1]
    assert "--retry-failed" in failures[0][1]
    to_run, _, failures = plan([d], out, "cfg1", MODELS, latest, retry_failed=True)
    assert [r.clip for r in to_run] == ["d"] and failures == []


def test_force_analyses_everything(clips):
    videos, out = clips
    latest = {v.stem: ClipRecord(v.stem, str(v), "done", inputs_of(v)) for v in videos}
    to_run, skipped, _ = plan(videos, out, "cfg1", MODELS, latest, force=True)
    assert skipped == [] and len(to_run) == 4


def test_two_videos_for_one_folder_are_refused(tmp_path):
    with pytest.raises(ValueError, match="rename one"):
        check_collisions([tmp_path / "x" / "clip.mp4", tmp_path / "y" / "clip.mov"])
