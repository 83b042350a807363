"""The batch index and summary.csv, built from the clip folders on disk."""

from __future__ import annotations

from html import unescape

import pandas as pd

from motorobs.config import ReportConfig
from motorobs.report import write_batch_index, write_clip_outputs
from tests.report.synthetic_clip import make_result


def _analysed(tmp_path, synthetic_video, names=("b", "a clip")):
    results = [make_result(synthetic_video, clip=name) for name in names]
    for result in results:
        write_clip_outputs(result, tmp_path / "batch" / result.clip, ReportConfig(n_key_frames=0))
    return results


def test_summary_matches_the_metrics_tables_of_the_analyses(synthetic_video, tmp_path):
    results = _analysed(tmp_path, synthetic_video)
    written = write_batch_index(tmp_path / "batch", [])
    in_memory = pd.concat([r.metrics_table() for r in sorted(results, key=lambda r: r.clip)],
                          ignore_index=True)
    # the file summary.csv was before it was built from disk, to the byte
    assert written["summary.csv"].read_text(encoding="utf-8") == in_memory.to_csv(index=False)


def test_every_subfolder_with_metrics_by_name_or_the_clips_given(synthetic_video, tmp_path):
    _analysed(tmp_path, synthetic_video)
    batch = tmp_path / "batch"
    (batch / "not a clip").mkdir()
    (batch / "not a clip" / "notes.txt").write_text("x")
    written = write_batch_index(batch, [])
    html = unescape(written["index.html"].read_text(encoding="utf-8"))
    assert html.index(">a clip</a>") < html.index(">b</a>") and "not a clip" not in html
    only_b = write_batch_index(batch, [], clips=["b"])
    assert pd.read_csv(only_b["summary.csv"])["clip"].unique().tolist() == ["b"]


def test_index_after_a_crash_lists_broken_folders_as_failures(synthetic_video, tmp_path):
    _analysed(tmp_path, synthetic_video)
    batch = tmp_path / "batch"
    (batch / "b" / "metrics.json").write_text('{"clip": "b", "metr')  # killed mid-write
    (batch / "a clip" / "report.html").unlink()
    written = write_batch_index(batch, [("gone.mp4", "VideoError: gone")],
                                clips=["a clip", "b", "never"])
    html = unescape(written["index.html"].read_text(encoding="utf-8"))
    assert "gone.mp4" in html and "VideoError: gone" in html
    assert f"{batch / 'b'}: metrics.json cannot be read" in html
    assert f"{batch / 'never'}: metrics.json is missing" in html
    assert "<td>a clip</td>" in html  # listed, but without a link to a missing report
    assert pd.read_csv(written["summary.csv"])["clip"].unique().tolist() == ["a clip"]


def test_empty_batch(tmp_path):
    written = write_batch_index(tmp_path, [("x.mp4", "no infant found")])
    assert pd.read_csv(written["summary.csv"]).empty
    html = written["index.html"].read_text(encoding="utf-8")
    assert "No clip was analysed successfully." in html and "no infant found" in html
