"""A finding that rests on a figure OCR read with low confidence says so (nianbao.engine.checking.uncertain): it names
the cells in `doubtful_cells` and asks, in its message, to check them against the paper, in the chosen language. The
report here is the 2021 PDF fixture's model with one total changed and its cell marked as a doubtful OCR reading, so no
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


def _model(run, tmp_path, change, name="report.json"):
    _code, out, _err = run("parse", ROOT / "tests" / "fixtures" / "2021-qinghe.pdf")
    model = json.loads(out)
    change(model)
    path = tmp_path / name
    path.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    _code, out, _err = run("check", path, "--format", "json", "--no-cache")
    return json.loads(out)["results"][0]


def test_a_blank_cell_is_the_reports_fault_in_a_text_file_but_pending_in_a_scan(run, tmp_path):
    def blank(model):
        model["applications"]["not_processed.duplicate"]["research"] = None

    def scanned_blank(model):
        blank(model)
        model["source"]["reading"] = "ocr"

    text = _model(run, tmp_path, blank, "text.json")
    scan = _model(run, tmp_path, scanned_blank, "scan.json")

    def on_the_cell(result):
        return [
            f for f in result["findings"] if f["rule"] == "NB205" and ["not_processed.duplicate", "research"] in
            (f["location"].get("cells") or [])
        ]  # fmt: skip

    said = on_the_cell(text)
    assert said and not said[0].get("doubtful_cells")  # the report left it blank: it counts
    pending = on_the_cell(scan)
    assert pending and pending[0]["doubtful_cells"] == ["applications:not_processed.duplicate:research"]
    assert scan["score"] > text["score"]  # a scan's blank is what OCR did not see: it waits for a person


def test_a_total_column_left_at_zero_rests_on_the_figures_that_say_so_and_waits_when_ocr_doubted_one(run, tmp_path):
    """Three 总计 cells read 0 beside applicant figures make one finding, that the column was left unfilled (NB203).
    It rests on those figures too: on a scan where a seal's ring made OCR read a blank cell as 2, doubted, the
    finding waits for a person instead of counting (a real portal page's colour scan, benchmarks/reading.py)."""
    rows = ("unavailable.needs_creation", "unavailable.unclear_after_correction", "other.fee_unpaid")

    def unfilled(model, doubted: float):
        for row in rows:
            model["applications"][row].update(dict.fromkeys(model["applications"][row], 0))
            model["applications"][row]["research"] = 2
            anchor = model["cell_anchors"][f"applications:{row}:research"]
            anchor["source"], anchor["confidence"] = "ocr", doubted if row == rows[0] else 0.99

    def column(result):
        return [f for f in result["findings"] if f["key"] == "NB203.column"]

    sure = column(_model(run, tmp_path, lambda m: unfilled(m, 0.99), "sure.json"))
    assert len(sure) == 1 and not sure[0].get("doubtful_cells")
    assert [rows[0], "research"] in sure[0]["location"]["cells"] and [rows[0], "total"] in sure[0]["location"]["cells"]
    doubted = column(_model(run, tmp_path, lambda m: unfilled(m, 0.3), "doubted.json"))
    assert len(doubted) == 1 and doubted[0]["doubtful_cells"] == [f"applications:{rows[0]}:research"]


def test_a_section_missing_from_a_scan_is_pending_and_says_it_may_not_have_been_read(run, tmp_path):
    def drop(model):
        model["sections"] = [s for s in model["sections"] if s["key"] != "problems"]
        model["source"]["reading"] = "ocr"

    result = _model(run, tmp_path, drop)
    missing = [f for f in result["findings"] if f["rule"] == "NB101"]
    assert len(missing) == 1 and missing[0]["doubtful_parts"] == ["section.problems"]
    assert "未能识别" in missing[0]["message"]
    assert result["grade"] != "合格" or result["score"] < 90  # no ceiling from a section OCR may have missed
    assert not any(f["rule"] == "NB101" for f in result["findings"] if not f.get("doubtful_parts"))


def test_prose_read_from_a_scan_that_disagrees_with_a_table_is_pending(run, tmp_path):
    def misread(model):
        model["applications"]["received_new"]["total"] += 1  # the prose's figure now disagrees (NB206)
        model["source"]["reading"] = "ocr"

    result = _model(run, tmp_path, misread)
    # The prose's figure and the table's identities break on one cell: one finding, with NB206 among its symptoms.
    prose = [f for f in result["findings"] if "NB206" in {f["rule"], *(s["rule"] for s in f.get("symptoms") or [])}]
    assert prose and all("prose.overview" in (f.get("doubtful_parts") or []) for f in prose)
    assert all("OCR" in f["message"] for f in prose)
