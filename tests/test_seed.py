"""The real 2020 seed report (text as pdfminer left it): read exactly, and its defects found when planted."""

from __future__ import annotations

import re

import pytest
from nianbao.engine.schemas import RESULT, schema_errors


def test_seed_reads_completely(run_json, seed_text):
    from tests.conftest import SEED

    code, doc = run_json(SEED)
    assert code == 0
    assert schema_errors(doc, RESULT) == []
    result = doc["results"][0]
    report = result["report"]
    assert report["year"] == 2020 and report["title_year"] == 2020
    assert report["template"] == "2019"
    assert report["agency"] == "广州市荔湾区协作办公室"
    assert [s["key"] for s in report["sections"]] == [
        "overview",
        "proactive",
        "applications",
        "review_litigation",
        "problems",
        "other_matters",
    ]
    cells = {
        name: [v for row in report[name].values() for v in row.values()]
        for name in ("applications", "review_litigation", "proactive")
    }
    assert len(cells["applications"]) == 161 and set(cells["applications"]) == {0}
    assert len(cells["review_litigation"]) == 15 and set(cells["review_litigation"]) == {0}
    assert len(cells["proactive"]) == 22 and set(cells["proactive"]) == {0}
    rules = {f["rule"] for f in result["findings"]}
    assert not rules & {"NB101", "NB201", "NB202", "NB203", "NB204", "NB205", "NB206", "NB301"}
    assert result["score"] >= 80
    assert report["notes"] == []


def _check_text(tmp_path, run_json, text: str) -> dict:
    path = tmp_path / "seed-changed.txt"
    path.write_text(text, encoding="utf-8")
    code, doc = run_json(path)
    result = doc["results"][0]
    assert result["error"] is None
    assert code == (1 if any(f["severity"] == "error" for f in result["findings"]) else 0)
    return result


def test_altered_table_three_cell_is_located(tmp_path, run_json, seed_text):
    # The 重复申请 row: put 2 in the 自然人 column and leave the totals alone.
    changed, n = re.subn(r"2\.重复申请 0 0 0 0 0 0 0", "2.重复申请 2 0 0 0 0 0 0", seed_text)
    assert n == 1
    result = _check_text(tmp_path, run_json, changed)
    # The row's sum (NB203) and the 自然人 column's outcome total (NB202) both break on the one cell changed: one
    # finding, standing at that cell, with the value that mends both.
    [f] = [f for f in result["findings"] if f["rule"] in ("NB202", "NB203")]
    assert f["rule"] == "NB202" and [s["rule"] for s in f["symptoms"]] == ["NB203"]
    assert f["fixes"] == {"applications:not_processed.duplicate:natural_person": 0}
    assert (f["location"]["row"], f["location"]["column"]) == ("not_processed.duplicate", "natural_person")
    assert f["location"]["row_label"] == "2.重复申请"
    assert f["location"]["line"] == seed_text.split("\n").index("2.重复申请 0 0 0 0 0 0 0") + 1
    assert ["not_processed.duplicate", "total"] in f["location"]["cells"]
    assert ["total", "natural_person"] in f["location"]["cells"]
    assert result["score"] < 90


def test_emptied_problems_section_is_nb301(tmp_path, run_json, seed_text):
    start = seed_text.index("五、存在的主要问题及改进情况")
    end = seed_text.index("六、其他需要报告的事项")
    changed = seed_text[:start] + "五、存在的主要问题及改进情况\n\n" + seed_text[end:]
    result = _check_text(tmp_path, run_json, changed)
    assert [f["rule"] for f in result["findings"] if f["severity"] == "error"] == ["NB301"]
    assert result["findings"][0]["location"]["section"] == "problems"


def test_claimed_applications_in_an_all_zero_report_is_nb206(tmp_path, run_json, seed_text):
    changed = seed_text.replace(
        "（一）全面落实主动公开\n", "（一）全面落实主动公开\n本年度共收到政府信息公开申请3件。\n", 1
    )
    result = _check_text(tmp_path, run_json, changed)
    mismatch = [f for f in result["findings"] if f["rule"] == "NB206"]
    assert len(mismatch) == 1
    assert mismatch[0]["location"]["section"] == "overview"
    assert (mismatch[0]["expected"], mismatch[0]["actual"]) == (0, 3)
    assert "3" in mismatch[0]["message"] and "本年新收" in mismatch[0]["message"]


@pytest.mark.parametrize("spacing", ["一 、 总 体 情 况", "一、总体 情况", "  一、总体情况  "])
def test_headings_in_any_spacing(tmp_path, run_json, seed_text, spacing):
    changed = seed_text.replace("一、总体情况", spacing, 1)
    result = _check_text(tmp_path, run_json, changed)
    assert result["report"]["sections"][0]["key"] == "overview"
    assert not [f for f in result["findings"] if f["rule"] == "NB101"]
