"""The findings on the real reports of ../shared/corpus/real, pinned: each one confirmed by reading the
report (see the comments), none a careful reader would call false."""

from __future__ import annotations

from collections import Counter

import pytest
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost

from tests.conftest import CORPUS, SEED

# Every 2021-template report of the corpus is silent on 工作要点 and 建议提案 in 六 (NB307, information).
EXPECTED = {
    # Blank 总计 cells in rows 三(一)–(六) (11 rows with figures), so （七）总计's column does not add up;
    # 26 rows with blank cells (one NB205 finding per table when more than a few rows are); "251000元" in the
    # 2019 amount cell is a number with its unit, not an error; the prose says 予以公开及部分公开258件 (table:
    # 272 + 3) and 无法提供265件 (table: 265 + 47 + 25).
    "shanghai_municipal_govt_office_2019.html": {
        ("NB203", "NB203.column"): 1,  # the 总计 column left blank in 11 rows: one defect
        ("NB202", "NB202.total"): 1,
        ("NB205", "NB205.blank_table"): 1,  # table 三: 23 rows
        ("NB205", "NB205.blank"): 3,  # table 四: three rows
        ("NB206", "NB206.figure"): 2,
    },
    # Title says 政府信息公开年度报告 (no 工作); the five 法人或其他组织 columns left blank (25 rows);
    # section 五 gives no account of last year's rectification.
    "shuyang_fgj_2023.html": {
        ("NB307", "NB307.missing"): 1,
        ("NB103", "NB103.wording"): 1,
        ("NB205", "NB205.blank_table"): 1,
        ("NB303", "NB303.missing"): 1,
    },
    # No word of last year's rectification; a city government silent on 考核、评议、追究.
    "huaian_city_2024.pdf": {
        ("NB307", "NB307.missing"): 1,
        ("NB303", "NB303.missing"): 1,
        ("NB306", "NB306.missing"): 1,
    },
    # The 2019 single row （六）其他处理 in a 2021 table (one finding); table 四 totals 0 beside 10+1 and 5 cases.
    "huaian_hongze_district_2023.pdf": {
        ("NB307", "NB307.missing"): 1,
        ("NB105", "NB105.old-other-row"): 1,
        ("NB204", "NB204.group"): 2,
        ("NB303", "NB303.missing"): 1,
        ("NB306", "NB306.missing"): 1,
    },
    # The same old （六） row; "区政府办代表区政府受理…17件" is a part of the table's 95, not a contradiction.
    "huaian_hongze_district_2024.pdf": {
        ("NB307", "NB307.missing"): 1,
        ("NB105", "NB105.old-other-row"): 1,
        ("NB303", "NB303.missing"): 1,
        ("NB306", "NB306.missing"): 1,
    },
}


@pytest.fixture(scope="module")
def checker():
    return Checker(PluginHost.load(entry_points=False))


@pytest.mark.parametrize("name", list(EXPECTED))
def test_real_report_findings(checker, name):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    result = checker.check_file(path)
    assert result.error is None
    assert Counter((f.rule, f.key) for f in result.findings) == Counter(EXPECTED[name])


def test_shanghai_2019_prose_against_table(checker):
    path = CORPUS / "shanghai_municipal_govt_office_2019.html"
    if not path.is_file():
        pytest.skip("corpus not present")
    found = {(f.actual, f.expected) for f in checker.check_file(path).findings if f.rule == "NB206"}
    assert found == {(258, 275), (265, 337)}


def test_seed_findings(checker):
    if not SEED.is_file():
        pytest.skip("seed not present")
    result = checker.check_file(SEED)
    # No 统计期限 sentence; section 一 has no word on platform building.
    assert Counter((f.rule, f.key) for f in result.findings) == Counter(
        {("NB106", "NB106.missing"): 1, ("NB305", "NB305.missing"): 1}
    )
    assert result.findings[-1].params["topics"] == "平台建设"


def test_hongze_2023_and_2024_are_paired_across_a_changed_name(checker):
    """洪泽区人民政府 (2023) and 淮安市洪泽区人民政府 (2024) are one organ: NB501/NB502 run on the pair."""
    paths = [CORPUS / "huaian_hongze_district_2023.pdf", CORPUS / "huaian_hongze_district_2024.pdf"]
    if not all(p.is_file() for p in paths):
        pytest.skip("corpus not present")
    results = [checker.check_file(p) for p in paths]
    assert [r.report.agency for r in results] == ["洪泽区人民政府", "淮安市洪泽区人民政府"]
    checker.check_across(results)
    status = {r.rule: r.status.value for r in results[1].rules if r.rule in {"NB501", "NB502"}}
    assert status == {"NB501": "pass", "NB502": "pass"}  # carried over 2024 = carried forward 2023, in force continues
    # Break the continuity the 2023 report states, and NB501 says so.
    results = [checker.check_file(p) for p in paths]
    results[0].report.applications["carried_forward"]["total"] = 99
    checker.check_across(results)
    assert [f.rule for f in results[1].findings if f.rule == "NB501"] == ["NB501"]
