"""Scores an evaluator would sign: the public schemes' example defects graded by both profiles as docs/profiles.md
says (nianbao.engine.testing.defects), categories that could not be judged said in every output, pending findings
costing nothing and counted as one matter per doubtful figure, copies of last year found through the history alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from nianbao.engine.testing.defects import DEFECTS, defect

ROOT = Path(__file__).resolve().parents[1]
PROFILES_DOC = (ROOT / "docs" / "profiles.md").read_text(encoding="utf-8")


def _graded(run_json, tmp_path: Path, name: str, profile: str, *extra: str) -> dict:
    report = defect(name, tmp_path / name)
    _code, doc = run_json(report, "--history", report.parent / "history", "--profile", profile, "--no-cache", *extra)
    return doc["results"][0]


def _documented(name: str) -> tuple[str, str]:
    """The evaluator's and the default's "score grade" as docs/profiles.md's table states them for `name`."""
    row = next(line for line in PROFILES_DOC.splitlines() if line.startswith(f"| `{name}`"))
    evaluator, default = re.findall(r"\*\*(\d+\.\d) (\S+)\*\*", row)
    return " ".join(evaluator), " ".join(default)


@pytest.mark.parametrize("name", DEFECTS)
def test_each_defect_grades_as_the_profiles_doc_says(run_json, tmp_path, name):
    evaluator, default = _documented(name)
    for profile, stated in (("evaluator", evaluator), ("default", default)):
        result = _graded(run_json, tmp_path / profile, name, profile)
        assert f"{result['score']:.1f} {result['grade']}" == stated, (profile, name)


def test_a_late_report_is_at_most_pass_in_the_evaluator_profile(run_json, tmp_path):
    result = _graded(run_json, tmp_path, "late", "evaluator")
    assert result["category_scores"]["timeliness"] == 0
    assert result["grade"] in ("合格", "不合格")
    default = _graded(run_json, tmp_path / "d", "late", "default")
    assert default["grade"] == "良好"  # the default departs, as docs/profiles.md says


def test_a_republished_report_is_at_most_pass_and_found_through_the_history_alone(run_json, tmp_path):
    for profile in ("evaluator", "default"):
        result = _graded(run_json, tmp_path / profile, "republished", profile)
        rules = {f["rule"] for f in result["findings"]}
        assert {"NB503", "NB504", "NB505"} <= rules, profile
        nb503 = next(f for f in result["findings"] if f["rule"] == "NB503")
        assert nb503["params"]["source"] == "2022-0.json" and nb503["params"]["percent"] == 100  # the history's file
        assert result["grade"] in ("合格", "不合格"), profile
        # One copy, one deduction: the largest of the copying rules' penalties, the others nothing.
        copying = [r["penalty"] for r in result["rules"] if r["category"] == "copying" and r["penalty"]]
        assert len(copying) == 1, profile


def test_a_copy_of_another_organs_section_is_at_most_pass(run_json, tmp_path):
    for profile in ("evaluator", "default"):
        result = _graded(run_json, tmp_path / profile, "copied-from-another", profile)
        assert any(f["rule"] == "NB503" and f["location"]["section"] == "problems" for f in result["findings"])
        assert result["grade"] in ("合格", "不合格"), profile


def test_a_failed_table_identity_is_never_excellent(run_json, tmp_path):
    for profile in ("evaluator", "default"):
        result = _graded(run_json, tmp_path / profile, "identity", profile)
        assert {"NB201", "NB202"} & {f["rule"] for f in result["findings"]}
        assert result["grade"] != "优秀", profile
    evaluator = _graded(run_json, tmp_path / "e", "identity", "evaluator")
    assert evaluator["category_scores"]["accuracy"] == 0  # a quarter of the report, within the category's cap


def test_a_missing_section_five_keeps_its_ceiling(run_json, tmp_path):
    for profile in ("evaluator", "default"):
        result = _graded(run_json, tmp_path / profile, "no-five", profile)
        assert result["score"] >= 80 and result["grade"] == "合格", profile


def test_without_a_date_timeliness_is_not_judged_in_every_output(run, run_json, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    result = _graded(run_json, tmp_path, "no-date", "evaluator")
    assert result["category_scores"]["timeliness"] is None
    assert result["not_judged"] == {"timeliness": "no-date"}
    report = tmp_path / "no-date" / "2023.json"
    history = ("--history", tmp_path / "no-date" / "history", "--profile", "evaluator", "--no-cache", "--no-progress")
    said = "发布与时效：未评（未能确定发布日期）"
    _code, text, _ = run("check", report, *history)
    assert said in text
    _code, text, _ = run("check", report, *history, "--lang", "en")
    assert "publication and timeliness: not judged (no publication date could be found)" in text
    for fmt in ("html", "xlsx"):
        out = tmp_path / f"out.{fmt}"
        run("check", report, *history, "--format", fmt, "--output", out)
        if fmt == "html":
            assert said in out.read_text(encoding="utf-8")
        else:
            cells = [str(c.value) for row in load_workbook(out).worksheets[0].iter_rows() for c in row]
            assert any("未能确定发布日期" in c for c in cells)
    document = tmp_path / "doc.json"
    run("check", report, *history, "--format", "json", "--output", document)
    run("letters", document, "--out", tmp_path / "letters")
    (letter,) = (tmp_path / "letters").glob("*.docx")
    assert said in "\n".join(p.text for p in Document(str(letter)).paragraphs)
    run("circular", document, "--out", tmp_path / "circular.docx")
    circular = "\n".join(p.text for p in Document(str(tmp_path / "circular.docx")).paragraphs)
    assert "未发现逾期发布的报告" not in circular
    assert "1 份报告无法判断是否逾期" in circular and "未能确定发布日期" in circular


def test_a_misread_figure_costs_nothing_and_is_one_matter(run, run_json, tmp_path):
    """A scan whose one figure OCR doubted breaks three identities of table 三: no points off until a person checks,
    one matter to check, and the letter asks rather than asserts."""
    from docx import Document

    report = defect("identity", tmp_path / "scan")
    data = json.loads(report.read_text(encoding="utf-8"))
    data["source"]["reading"] = "ocr"
    data["cell_anchors"]["applications:total:natural_person"] = {"source": "ocr", "confidence": 0.3}
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    args = ("--no-cache", "--no-progress")
    for profile in ("evaluator", "default"):
        _code, doc = run_json(report, *args, "--profile", profile)
        result = doc["results"][0]
        identities = [f for f in result["findings"] if f["rule"] in {"NB201", "NB202", "NB203"}]
        assert len(identities) == 1 and len(identities[0]["symptoms"]) == 2 and identities[0]["doubtful_cells"]
        assert not any(r["penalty"] for r in result["rules"] if r["category"] == "accuracy"), profile
    _code, text, _ = run("check", report, *args)
    matters = re.search(r"(\d+) 处待核实", text)
    assert matters and int(matters[1]) == 1  # the identities share the doubtful cell: one matter to check
    document = tmp_path / "doc.json"
    run("check", report, *args, "--format", "json", "--output", document)
    run("letters", document, "--out", tmp_path / "letters")
    (letter,) = (tmp_path / "letters").glob("*.docx")
    words = Document(str(letter))
    text = "\n".join(p.text for p in words.paragraphs)
    assert "1 处内容是从扫描件或图片经文字识别" in text and "是否与原件一致" in text
    assert "现将发现的" not in text  # nothing asserted: every finding of it waits for the organ's check


def test_an_organ_of_unknown_kind_is_not_judged_on_time(run_json, tmp_path):
    """An organ whose kind (and so its deadline) cannot be told from its name: NB401 does not apply, and timeliness
    is not judged (it used to pass, giving the report full marks for being on time)."""
    report = defect("late", tmp_path / "customs")
    data = json.loads(report.read_text(encoding="utf-8"))
    data["agency"], data["title"] = "青禾数字产业集团", data["title"].replace("青禾市农业农村局", "青禾数字产业集团")
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    _code, doc = run_json(report, "--profile", "evaluator", "--no-cache")
    result = doc["results"][0]
    assert result["not_judged"]["timeliness"] == "no-kind"
    assert next(r for r in result["rules"] if r["rule"] == "NB401")["status"] == "not_applicable"
    profile = tmp_path / "customs.toml"
    profile.write_text('organ_type = "department"\n', encoding="utf-8")  # the office says what kind it is
    _code, doc = run_json(report, "--profile", profile, "--no-cache")
    assert any(f["rule"] == "NB401" for f in doc["results"][0]["findings"])
