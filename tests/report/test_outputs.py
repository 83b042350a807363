"""The files a clip and a batch leave behind: metrics.json, events.csv, report.json,
traces.parquet, keyframes/, report.html, summary.csv and index.html."""

from __future__ import annotations

import base64
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pandas as pd

from motorobs.config import ReportConfig
from motorobs.metrics.base import Trace
from motorobs.report import write_batch_outputs, write_clip_outputs
from motorobs.report.html import analysis_date
from motorobs.report.outputs import find_pose_model
from tests.report.synthetic_clip import NO_FACE_FRAMES, make_result


class _Collector(HTMLParser):
    """Every tag with its attributes, and the text of each <tr class="metric"> row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.metric_cells: dict[str, list[str]] = {}
        self._metric: str | None = None
        self._in_td = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "tr" and attributes.get("class") == "metric":
            self._metric = attributes["data-metric"]
            self.metric_cells[self._metric] = []
        elif tag == "td" and self._metric is not None:
            self.metric_cells[self._metric].append("")
            self._in_td = True

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_td = False
        elif tag == "tr":
            self._metric = None

    def handle_data(self, data):
        if self._in_td and self._metric is not None:
            self.metric_cells[self._metric][-1] += data


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def _no_network_references(collector: _Collector) -> None:
    for tag, attrs in collector.tags:
        for name in ("src", "href", "srcset", "data", "action"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), (tag, name, value)
        assert tag not in ("script", "link", "iframe", "object", "embed"), tag


def test_clip_files_written(clip_result, tmp_path):
    out = tmp_path / "out" / "clip"
    written = write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=3))
    key_frames = sorted(k for k in written if k.startswith("keyframes/"))
    assert len(key_frames) == 3
    assert set(written) == {"metrics.json", "events.csv", "report.json", "traces.parquet",
                            "report.html", *key_frames}
    assert all(p == out / name and p.is_file() for name, p in written.items())
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(
        written)
    assert json.loads((out / "metrics.json").read_text()) == clip_result.to_json_dict()
    report = json.loads((out / "report.json").read_text())
    assert [k["file"] for k in report["key_frames"]] == key_frames  # in time order
    assert [t["name"] for t in report["traces"]] == [t.name for t in clip_result.traces]


def test_events_csv_columns_and_rows(clip_result, tmp_path):
    write_clip_outputs(clip_result, tmp_path, ReportConfig(html=False))
    assert not (tmp_path / "report.html").exists()
    table = pd.read_csv(tmp_path / "events.csv")
    assert list(table.columns[:4]) == ["type", "side", "start_s", "end_s"]
    assert {"max_contralateral_bu", "peak_speed_bu_per_s"} <= set(table.columns)
    assert table[["type", "side", "start_s"]].values.tolist() == [
        ["midline_crossing", "right", 0.3], ["reach", "left", 0.9],
        ["midline_crossing", "left", 1.4]]
    assert table.loc[1, "peak_speed_bu_per_s"] == 1.4


def test_events_csv_without_events_has_the_header(clip_result, tmp_path):
    clip_result.events = []
    write_clip_outputs(clip_result, tmp_path, ReportConfig(html=False))
    assert (tmp_path / "events.csv").read_text().strip() == "type,side,start_s,end_s"


def test_report_is_self_contained_and_plain(clip_result, tmp_path):
    write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=2))
    html = unescape((tmp_path / "report.html").read_text(encoding="utf-8"))
    collector = _parse(tmp_path / "report.html")
    _no_network_references(collector)
    assert "http://" not in html and "https://" not in html and "url(" not in html
    images = [attrs["src"] for tag, attrs in collector.tags if tag == "img"]
    assert len(images) == 2 and all(src.startswith("data:image/jpeg;base64,") for src in images)
    charts = [attrs for tag, attrs in collector.tags if tag == "svg"]
    assert [a["class"] for a in charts] == ["timeline", "chart", "chart"]  # two trace plots
    assert all(a["role"] in ("img", "group") and a["aria-labelledby"] for a in charts)
    for text in ("not a diagnosis", "trained on adults", "2-D video",
                 "The infant was told apart from one adult by body size.",
                 "Midline crossings per minute", "6.25 per minute",
                 "Times per minute a hand crossed the body midline.", "filmed from above",
                 "shoulders and hips wide apart in the image", "on the back 75 %",
                 "unsure 25 %", "found in <strong>100 %</strong>",
                 "Right hand distance from midline", "config.pose.max_people",
                 "motorobs_version", "On the back 1.5 s, position unclear 0.5 s."):
        assert text in html, text


def test_insufficient_data_shows_reason_and_no_number(clip_result, tmp_path):
    write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=0))
    cells = _parse(tmp_path / "report.html").metric_cells
    left, seen = (c.strip() for c in cells["reaches_per_min"])  # the only side: left
    assert left == "too little usable video 1"  # the reason is note 1 under the table
    assert seen == "20 %"
    html = unescape((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert '<li id="why-reaching-1">The left hand was hidden for most of the clip.</li>' in html
    assert 'title="Reaching movements per minute."' in html  # the definition, on hover
    assert "head_lift_max_deg" not in cells  # does not apply: listed apart, folded
    assert re.search(r"<summary>1 measurements do not apply to this clip</summary>", html)
    assert "The infant was never on its tummy:</span> Head lift, highest." in html
    right, seen = (c.strip() for c in cells["midline_crossings_per_min"])
    assert right == "6.25 per minute" and seen == "92 %"


def test_report_key_frames_never_use_faceless_frames(clip_result, tmp_path):
    write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=20))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    shown = [int(f) for f in re.findall(r"\(frame (\d+)\)", html)]
    assert len(shown) == 20 - len(NO_FACE_FRAMES)
    assert not set(shown) & set(NO_FACE_FRAMES)
    assert "key frames could be shown" in html


def test_key_frames_in_report_are_blurred(clip_result, tmp_path):
    write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=1))
    collector = _parse(tmp_path / "report.html")
    src = [a["src"] for t, a in collector.tags
           if t == "img" and "Key frame 1" in (a.get("alt") or "")]
    assert len(src) == 1 and src[0].startswith("data:image/jpeg;base64,")
    image = cv2.imdecode(np.frombuffer(base64.b64decode(src[0].split(",")[1]), np.uint8),
                         cv2.IMREAD_GRAYSCALE)
    face = image[66:80, 146:174]  # inside the checkerboard face, below the drawn face lines
    assert face.std() < 30  # a 0/255 checkerboard has std ~127


def test_text_is_escaped(synthetic_video, tmp_path):
    result = make_result(synthetic_video, clip="<script>alert(1)</script>")
    result.notes = ['<img src="https://example.org/x.png">']
    trace = result.traces[0]
    result.traces[0] = Trace(trace.name, "<script>x</script> & co", '<b onload="y">',
                             trace.values)
    write_clip_outputs(result, tmp_path, ReportConfig(n_key_frames=0))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b " not in html and "&lt;b onload=&quot;y&quot;&gt;" in html  # in the chart
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co</title>" in html
    _no_network_references(_parse(tmp_path / "report.html"))


def test_missing_video_gives_a_report_without_key_frames(synthetic_video, tmp_path):
    result = make_result(tmp_path / "deleted.mp4")
    write_clip_outputs(result, tmp_path / "o", ReportConfig())
    html = (tmp_path / "o" / "report.html").read_text(encoding="utf-8")
    assert "No key frames could be shown." in html and "is not available" in html


def test_batch_outputs(synthetic_video, tmp_path):
    results = [make_result(synthetic_video, clip=name) for name in ("a clip", "b")]
    results[1].output_dir = tmp_path / "batch" / "nested" / "b"
    for result in results:
        write_clip_outputs(result, result.output_dir or tmp_path / "batch" / result.clip,
                           ReportConfig(n_key_frames=0))
    failures = [("broken.mp4", "VideoError: broken.mp4 is not a video;\n re-export it.")]
    written = write_batch_outputs(results, failures, tmp_path / "batch")
    assert set(written) == {"summary.csv", "index.html"}
    summary = pd.read_csv(written["summary.csv"])
    assert len(summary) == 2 * 3
    assert summary[["clip", "name"]].values.tolist() == [
        [c, m] for c in ("a clip", "b")
        for m in ("midline_crossings_per_min", "reaches_per_min", "head_lift_max_deg")]
    assert summary["value"].isna().tolist() == [False, True, True] * 2
    collector = _parse(written["index.html"])
    _no_network_references(collector)
    links = [a["href"] for t, a in collector.tags if t == "a"]
    assert links == ["a%20clip/report.html", "nested/b/report.html"]
    html = unescape(written["index.html"].read_text(encoding="utf-8"))
    assert "broken.mp4" in html
    assert "VideoError: broken.mp4 is not a video; re-export it." in html
    assert "6.25 per min" in html and "not enough usable video" in html
    assert "<td>Top</td><td>100 %</td>" in html  # view and infant found, from report.json
    # each clip's summary sentences, the same words as in metrics.json and its report
    summary = json.loads((tmp_path / "batch" / "a clip" / "metrics.json").read_text())["summary"]
    assert summary and all(f"<li>{f['text']}</li>" in html for f in summary)


def test_batch_without_results(tmp_path):
    written = write_batch_outputs([], [("x.mp4", "no infant found")], tmp_path)
    assert pd.read_csv(written["summary.csv"]).empty
    html = written["index.html"].read_text(encoding="utf-8")
    assert "No clip was analysed successfully." in html and "no infant found" in html


def test_writes_leave_no_temporary_files(clip_result, tmp_path):
    out = tmp_path / "clip"
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=1))
    write_clip_outputs(clip_result, out, ReportConfig(n_key_frames=2))  # overwrite
    write_batch_outputs([clip_result], [], tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "clip.avi", "index.html", "summary.csv"]
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "events.csv", "keyframes", *sorted(
            k["file"] for k in json.loads((out / "report.json").read_text())["key_frames"]),
        "metrics.json", "report.html", "report.json", "traces.parquet"]


def test_without_blurring_faceless_frames_may_be_shown_with_a_warning(clip_result, tmp_path):
    write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=20, blur_faces=False))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    shown = [int(f) for f in re.findall(r"\(frame (\d+)\)", html)]
    assert sorted(shown) == list(range(20))
    assert "Face blurring was switched off" in html


def test_report_survives_odd_signals(clip_result, tmp_path):
    """Missing signals attributes, all-NaN and misaligned traces: the report still renders."""
    clip_result.signals = None
    clip_result.traces[0] = Trace("empty", "Nothing seen", "deg", np.full(20, np.nan))
    clip_result.traces[1] = Trace("short", "Too short", "deg", np.zeros(7))
    write_clip_outputs(clip_result, tmp_path, ReportConfig(n_key_frames=0))
    html = unescape((tmp_path / "report.html").read_text(encoding="utf-8"))
    assert "camera view not determined" in html and "position not determined" in html
    assert "position not stored for this clip" in html  # the timeline's posture band
    assert "Plot of “Too short” left out" in html
    assert html.count('<svg class="chart"') == 1 and "not seen in this clip" in html


def test_pose_model_found_from_provenance_then_environment(tmp_path, monkeypatch):
    recorded, from_env = tmp_path / "recorded", tmp_path / "env"
    for folder in (recorded, from_env):
        folder.mkdir()
        (folder / "pose_landmarker_full.task").write_bytes(b"x")
    provenance = {"config": {"pose": {"model_dir": str(recorded),
                                      "pose_model": "pose_landmarker_full.task"}}}
    monkeypatch.setenv("MOTOROBS_MODEL_DIR", str(from_env))
    assert find_pose_model(provenance) == recorded / "pose_landmarker_full.task"
    assert find_pose_model({}) == from_env / "pose_landmarker_full.task"
    provenance["config"]["pose"]["pose_model"] = "pose_landmarker_lite.task"
    monkeypatch.setattr("motorobs.pose.models.default_cache_dir", lambda: tmp_path / "cache")
    assert find_pose_model(provenance) is None


def test_analysis_date_is_shown_in_utc():
    assert analysis_date({"analysed_at": "2026-01-02T10:30:00+01:00"}) == "2026-01-02 09:30 UTC"
    assert analysis_date({"analysed_at": "not a date"}) == "not a date"


def test_batch_index_shows_headline_metrics_first(synthetic_video, tmp_path):
    from motorobs.metrics.base import MetricValue
    from motorobs.report.index import batch_context, read_entry

    result = make_result(synthetic_video, clip="c")
    verdict = MetricValue(name="recording_quality", value=1.0, unit="verdict", coverage=1.0,
                          status="ok", definition="1 = can be scored")
    result.metrics = [*result.metrics, verdict]  # registered last, shown first
    write_clip_outputs(result, tmp_path / "c", ReportConfig(html=False))
    context = batch_context([read_entry(tmp_path, "c")], [])
    assert context["headers"][0] == "Recording quality"
    assert context["rows"][0]["cells"][0]["text"] == "scorable"
    assert len(context["headers"]) == len({(m.name, m.side) for m in result.metrics})
    assert context["rows"][0]["link"] == ""  # no report.html to link to
