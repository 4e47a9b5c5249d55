"""A finding that rests on a figure OCR read with low confidence says so (engine.doubt): it names the cells in
`doubtful_cells` and asks, in its message, to check them against the paper, in the chosen language. The report
here is the 2021 PDF fixture's model with one total changed and its cell marked as a doubtful OCR reading, so no
OCR engine is needed."""

from __future__ import annotations

import json

from tests.conftest import ROOT


def _doubtful_report(run, tmp_path, confidence: float):
    code, out, _err = run("parse", ROOT / "tests" / "fixtures" / "2021-qinghe.pdf")
    assert code == 0
    model = json.loads(out)
    model["applications"]["received_new"]["total"] += 10  # the row no longer adds up
    anchor = model["cell_anchors"]["applications:received_new:total"]
    anchor["source"], anchor["confidence"] = "ocr", confidence
    path = tmp_path / "report.json"
    path.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    return path


def _findings_on_the_total(result):
    return [
        f
        for f in result["findings"]
        if ["received_new", "total"] in (f["location"].get("cells") or [])
        and (f["location"].get("table") or f["location"].get("section")) == "applications"
    ]


def test_a_finding_on_a_doubtful_cell_names_it_and_says_check_the_original(run, tmp_path):
    path = _doubtful_report(run, tmp_path, 0.3)
    _code, out, _err = run("check", path, "--format", "json", "--no-cache")
    findings = _findings_on_the_total(json.loads(out)["results"][0])
    assert findings
    assert all(f["doubtful_cells"] == ["applications:received_new:total"] for f in findings)
    assert all("OCR" in f["message"] and "核对" in f["message"] for f in findings)
    _code, out, _err = run("check", path, "--format", "json", "--no-cache", "--lang", "en")
    english = _findings_on_the_total(json.loads(out)["results"][0])
    assert english and all("check the figures against the original" in f["message"] for f in english)


def test_a_confident_reading_is_not_doubted(run, tmp_path):
    path = _doubtful_report(run, tmp_path, 0.97)
    _code, out, _err = run("check", path, "--format", "json", "--no-cache")
    findings = _findings_on_the_total(json.loads(out)["results"][0])
    assert findings and not any(f.get("doubtful_cells") for f in findings)
    assert not any("OCR" in f["message"] for f in findings)
