"""The manifest: newest record per clip wins, a line cut by a crash is ignored."""

from __future__ import annotations

from motorobs.batch.manifest import ClipInputs, ClipRecord, Manifest

INPUTS = ClipInputs("a" * 64, "cfg1", (("pose.task", "p" * 64),), "1.0")


def test_newest_record_of_each_clip_is_its_state(tmp_path):
    manifest = Manifest(tmp_path)
    queued = ClipRecord("clip_a", "videos/clip_a.mp4", "queued", INPUTS)
    manifest.append(queued)
    manifest.append(ClipRecord("clip_b", "videos/clip_b.mp4", "queued", INPUTS))
    manifest.append(queued.moved_to("running", worker="host:1"))
    manifest.append(queued.moved_to("done", seconds=3.5, frames=40, worker="host:1"))
    latest = Manifest(tmp_path).read()
    assert latest["clip_a"].state == "done" and latest["clip_a"].frames == 40
    assert latest["clip_a"].inputs == INPUTS
    assert latest["clip_b"].state == "queued"


def test_a_line_cut_short_is_skipped_and_the_next_append_starts_a_new_line(tmp_path):
    manifest = Manifest(tmp_path)
    manifest.append(ClipRecord("clip_a", "a.mp4", "done", INPUTS))
    with open(manifest.path, "a") as stream:  # what SIGKILL mid-append can leave
        stream.write('{"clip": "clip_a", "state": "fail')
    assert manifest.read()["clip_a"].state == "done"
    assert manifest.skipped_lines == 1
    manifest.append(ClipRecord("clip_b", "b.mp4", "failed", INPUTS, reason="no baby"))
    latest = manifest.read()
    assert latest["clip_b"].reason == "no baby" and latest["clip_a"].state == "done"


def test_compact_keeps_one_record_per_clip(tmp_path):
    manifest = Manifest(tmp_path)
    record = ClipRecord("clip_a", "a.mp4", "queued", INPUTS)
    for state in ("running", "failed", "queued", "running", "done"):
        record = record.moved_to(state)
        manifest.append(record)
    before = manifest.read()
    manifest.compact()
    assert len(manifest.path.read_text().splitlines()) == 1
    assert manifest.read() == before


def test_unknown_states_are_not_records(tmp_path):
    manifest = Manifest(tmp_path)
    manifest.path.write_text('{"clip": "x", "state": "exploded"}\n')
    assert manifest.read() == {}
