"""The supervising office's year: a roster of twenty organs, last year's reports as history, this year's batch
with names varied as portals vary them; the 未报送 list, the pairs and the cross-year findings planted come out
exactly, and without history the cross-year rules step aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nianbao.engine.office.roster import Roster
from nianbao.engine.testing.office import ORGANS, write_office

from tests.conftest import ROOT

CROSS_YEAR = ("NB501", "NB502", "NB503", "NB504", "NB505", "NB506")


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    folder = tmp_path_factory.mktemp("office")
    return folder, write_office(folder)


def _check(run_json, folder: Path, *extra):
    _code, doc = run_json(folder / "reports", "--roster", folder / "roster.csv", "--no-cache", *extra)
    return doc


def _fired(doc: dict) -> dict[str, set[str]]:
    fired: dict[str, set[str]] = {rule: set() for rule in CROSS_YEAR}
    for result in doc["results"]:
        for finding in result["findings"]:
            if finding["rule"] in fired:
                fired[finding["rule"]].add(result["organ"])
    return fired


def test_the_roster_says_who_did_not_report_and_who_is_unknown(office, run_json):
    folder, expected = office
    doc = _check(run_json, folder, "--history", folder / "history")
    roster = doc["roster"]
    assert roster["year"] == 2024
    assert [m["organ"] for m in roster["missing"]] == expected.missing
    assert all(m["kind"] == "部门" and m["region"] == "青禾市" for m in roster["missing"])
    assert [Path(p).name for p in roster["unmatched"]] == expected.unmatched
    assert [[Path(p).name for p in pair] for pair in roster["duplicates"]] == [sorted(expected.duplicates)]
    organs = {Path(r["source"]["path"]).name: r["organ"] for r in doc["results"]}
    for name, organ in expected.files.items():
        assert organs[name] == organ, name  # 白鹭区政府办, 卫健委, 青禾高新区管委会 … found by their roster names


def test_last_years_reports_pair_and_the_planted_findings_fire_exactly(office, run_json):
    folder, expected = office
    doc = _check(run_json, folder, "--history", folder / "history")
    assert doc["history"] == {"reports": len(ORGANS), "paired": expected.paired, "unreadable": 0}
    fired = _fired(doc)
    for rule, organs in expected.planted.items():
        assert fired[rule] == organs, rule
    for rule in set(CROSS_YEAR) - set(expected.planted):
        assert not fired[rule], rule


def test_history_as_a_result_document_is_the_same(office, run_json, tmp_path):
    folder, expected = office
    _code, last_year = run_json(folder / "history", "--no-cache")
    document = tmp_path / "2023.json"
    document.write_text(json.dumps(last_year, ensure_ascii=False), encoding="utf-8")
    doc = _check(run_json, folder, "--history", document)
    assert doc["history"]["reports"] == len(ORGANS) and doc["history"]["paired"] == expected.paired
    assert _fired(doc)["NB504"] == expected.planted["NB504"]


def test_without_history_the_cross_year_rules_step_aside(office, run_json, run):
    folder, _expected = office
    doc = _check(run_json, folder)
    assert "history" not in doc and doc["roster"]["missing"]
    fired = _fired(doc)
    assert not any(fired[rule] for rule in ("NB501", "NB502", "NB504", "NB505", "NB506"))
    statuses = {r["rule"]: r["status"] for result in doc["results"] for r in result["rules"]}
    assert statuses["NB504"] == "not_applicable"
    _code, out, _err = run(
        "check", folder / "reports", "--roster", folder / "roster.csv", "--no-cache", "--no-progress"
    )
    assert "--history" in out  # the text output says why the cross-year rules had nothing to compare


def test_a_roster_in_xlsx_reads_the_same(office, tmp_path):
    from openpyxl import Workbook

    folder, _ = office
    book = Workbook()
    sheet = book.active
    sheet.append(["机关名称", "别名", "类型", "地区"])
    for organ in ORGANS:
        sheet.append([organ.name, organ.alias or None, organ.kind, organ.region])
    book.save(tmp_path / "roster.xlsx")
    from_xlsx = Roster.load(tmp_path / "roster.xlsx")
    from_csv = Roster.load(folder / "roster.csv")
    assert [o.name for o in from_xlsx.organs] == [o.name for o in from_csv.organs]
    assert from_xlsx.match("白鹭区政府办").organ.name == "青禾市白鹭区人民政府办公室"
    assert from_xlsx.match("青禾市卫健委").organ.kind.value == "department"


def test_a_name_that_fits_two_organs_is_not_guessed(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("机关名称\n南京市鼓楼区人民政府\n福州市鼓楼区人民政府\n", encoding="utf-8")
    match = Roster.load(roster).match("鼓楼区人民政府")
    assert match.organ is None and len(match.candidates) == 2


def test_a_bad_roster_is_a_usage_error(tmp_path, run):
    roster = tmp_path / "roster.csv"
    roster.write_text("名字,类型\n青禾市教育局,部门\n", encoding="utf-8")
    code, _out, err = run("check", ROOT / "reports" / "2022-qinghe-natural-resources.txt", "--roster", roster)
    assert code == 2 and "机关名称" in err


def test_the_office_head_gets_rollups_in_xlsx_and_html(office, run, tmp_path):
    from openpyxl import load_workbook

    folder, expected = office
    args = [
        "check",
        folder / "reports",
        "--roster",
        folder / "roster.csv",
        "--history",
        folder / "history",
        "--no-cache",
    ]
    _code, _out, err = run(*args, "--format", "xlsx", "--output", tmp_path / "office.xlsx")
    assert "Traceback" not in err
    book = load_workbook(tmp_path / "office.xlsx", read_only=True)
    assert book.sheetnames == ["报告", "问题", "按地区", "按类型", "名单核对", "未报送"]
    absent = [row[0] for row in book["未报送"].iter_rows(min_row=2, values_only=True)]
    assert absent == expected.missing
    by_kind = {row[0]: row for row in book["按类型"].iter_rows(min_row=2, values_only=True)}
    assert by_kind["部门"][1] == 10 and by_kind["部门"][2] == 3  # ten departments reported, three did not
    assert by_kind["乡镇街道"][1] == 3 and by_kind["管委会"][1] == 1
    header = next(book["报告"].iter_rows(max_row=1, values_only=True))
    assert {"地区", "类型", "上年得分"} <= set(header)
    scores = {
        row[header.index("机关")]: row[header.index("上年得分")]
        for row in book["报告"].iter_rows(min_row=2, values_only=True)
    }
    assert scores["青禾市教育局"] is not None and scores["青禾市气象局"] is None  # no history for the stranger

    run(*args, "--format", "html", "--output", tmp_path / "office.html")
    page = (tmp_path / "office.html").read_text(encoding="utf-8")
    assert "未报送（2024 年度，3 个机关）" in page and "按地区" in page and "按类型" in page
    assert all(name in page for name in expected.missing)


def test_the_roster_and_last_years_pairs_do_not_depend_on_the_cross_report_rules_running(office, run_json):
    """Who reported and who pairs with last year come from every report read, whichever rules are selected."""
    folder, expected = office
    doc = _check(run_json, folder, "--history", folder / "history", "--select", "NB101")
    assert [m["organ"] for m in doc["roster"]["missing"]] == expected.missing
    assert doc["history"]["paired"] == expected.paired
