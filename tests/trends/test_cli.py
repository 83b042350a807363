import json
from functools import partial

import pandas as pd
import pytest
from typer.testing import CliRunner

from motorobs.cli import app
from motorobs.trends.outputs import write_child_outputs
from tests.trends.builders import write_results

runner = CliRunner()
HEADER = "clip,child,session_date,birth_date,due_date\n"


def make_inputs(tmp_path):
    results = tmp_path / "results"
    clips = {f"s{i}": {"head_turn_asymmetry": -0.8, "hands_together_pct": 10.0 + i}
             for i in range(4)}
    clips["s1"].pop("hands_together_pct")  # insufficient data: a gap
    write_results(results, clips)
    child_map = tmp_path / "map.csv"
    child_map.write_text(HEADER + "".join(
        f"s{i},K7,2024-0{i + 5}-15,2024-01-10,2024-03-06\n" for i in range(4)))
    return results, child_map


def test_trends_end_to_end(tmp_path, monkeypatch):
    # the PDF is tested on its own (test_pdf_report_renders), where WeasyPrint is installed
    monkeypatch.setattr("motorobs.trends.run.write_child_outputs",
                        partial(write_child_outputs, pdf=False))
    results, child_map = make_inputs(tmp_path)
    marks = tmp_path / "marks.csv"
    marks.write_text("clip,metric,side,reason,by,at\n"
                     "s3,hands_together_pct,,hands out of view,OT1,2024-09-01\n")
    result = runner.invoke(app, ["trends", str(results), "--child-map", str(child_map),
                                 "--marks", str(marks)])
    assert result.exit_code == 0, result.output
    folder = results / "children" / "K7"
    table = pd.read_csv(folder / "trends.csv")
    hands = table[table["key"] == "hands_together_pct"].set_index("clip")
    assert list(hands["role"]) == ["point", "gap", "point", "marked"]
    assert hands.loc["s1", "status"] == "insufficient_data"
    assert pd.isna(hands.loc["s1", "trend_value"])
    assert hands.loc["s3", "marked_by"] == "OT1"
    # born 2024-01-10, due 2024-03-06 (preterm): corrected age counts from the due date
    first = table.iloc[0]
    assert first["corrected_days"] == (pd.Timestamp("2024-05-15")
                                       - pd.Timestamp("2024-03-06")).days
    flags = json.loads((folder / "flags.json").read_text())
    (flag,) = flags["flags"]
    assert flag["rule_id"] == "head-turn-one-sided" and flag["rule_version"] == "1"
    assert "right" in flag["text"]
    assert [s["clips"] for s in flag["sources"]] == [["s1"], ["s2"], ["s3"]]


def test_bad_child_map_is_one_error_line_per_problem(tmp_path):
    results, child_map = make_inputs(tmp_path)
    child_map.write_text(HEADER + "s0,K7,2024-05-xx,2024-01-10,\nnope,K7,2024-05-01,2024-01-10,\n")
    result = runner.invoke(app, ["trends", str(results), "--child-map", str(child_map)])
    assert result.exit_code == 2
    assert f"{child_map}:2:" in result.output and "Traceback" not in result.output
    child_map.write_text(HEADER + "nope,K7,2024-05-01,2024-01-10,\n")
    result = runner.invoke(app, ["trends", str(results), "--child-map", str(child_map)])
    assert result.exit_code == 2 and "'nope' is not in" in result.output
    assert not (results / "children").exists()


def test_pdf_report_renders(tmp_path):
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    pdfium = pytest.importorskip("pypdfium2")
    import numpy as np

    results, child_map = make_inputs(tmp_path)
    result = runner.invoke(app, ["trends", str(results), "--child-map", str(child_map)])
    assert result.exit_code == 0, result.output
    path = results / "children" / "K7" / "report.pdf"
    assert path.read_bytes().startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)
    assert "K7" in text and "head-turn-one-sided" in text
    assert "Hands together" in text and "not a diagnosis" in text
    document = pdfium.PdfDocument(str(path))
    pixels = np.asarray(document[0].render(scale=1).to_pil().convert("L"))
    assert (pixels < 250).mean() > 0.01  # not blank
    # the plots' blue dots are drawn (Okabe-Ito blue #0072b2)
    pages = [np.asarray(document[i].render(scale=1).to_pil().convert("RGB")).astype(int)
             for i in range(len(document))]
    blue = sum(((p[..., 2] - p[..., 0]) > 80).sum() for p in pages)
    assert blue > 50
