"""What the office sends out after a check: a feedback letter to each organ (DOCX), the circular (通报) draft (DOCX and
HTML), scores per category under the evaluator profile, and spreadsheets and text an office head reads without help.

The batch is the invented office year of nianbao.engine.testing.office (a roster, last year's reports, late and missing
organs planted); every DOCX is opened with python-docx and read back.
"""

from __future__ import annotations

import itertools
import json
import re
import zipfile
from collections import Counter

import pytest
from docx import Document
from nianbao.engine.testing.office import write_office

from tests.conftest import ROOT

PROFILES = sorted((ROOT / "engine" / "checking" / "profiles").glob("*.toml"))


def docx_text(path_or_stream) -> str:
    """Every paragraph and table cell of a DOCX, one per line."""
    doc = Document(path_or_stream)
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            lines += [cell.text for cell in row.cells]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """The office's year checked once, with one finding dismissed by a reviewer (the result document, its path)."""
    from nianbao.engine.cli.main import main

    folder = tmp_path_factory.mktemp("office")
    expected = write_office(folder)
    args = ["--roster", folder / "roster.csv", "--history", folder / "history", "--no-cache", "--no-progress"]
    first = folder / "first.json"
    main(["check", str(folder / "reports"), *map(str, args), "--format", "json", "--output", str(first)])
    doc = json.loads(first.read_text(encoding="utf-8"))
    # The reviewer dismisses the first NB401 finding (the organ explained the date).
    late = next(f for r in doc["results"] for f in r["findings"] if f["rule"] == "NB401")
    review = folder / "review.toml"
    review.write_text(
        f'[[finding]]\nfingerprint = "{late["fingerprint"]}"\nstatus = "dismissed"\nreason = "已说明"\n',
        encoding="utf-8",
    )
    result = folder / "result.json"
    command = ["check", str(folder / "reports"), *map(str, args), "--review", str(review), "--format", "json"]
    main([*command, "--output", str(result)])
    return folder, expected, json.loads(result.read_text(encoding="utf-8")), result


def test_one_letter_per_report_with_every_counting_finding_and_no_dismissed_one(office, run):
    folder, _, doc, result = office
    out = folder / "letters"
    code, _, err = run("letters", result, "--out", out, "--office", "青禾市政务公开办", "--date", "2025-04-10")
    assert code == 0 and "已写入" in err
    letters = sorted(out.glob("*.docx"))
    assert len(letters) == len(doc["results"])
    by_name = {}
    for path in letters:
        by_name[path.name] = docx_text(path)
    dismissed = 0
    for r in doc["results"]:
        year = r["report"]["year"]
        text = next(t for name, t in by_name.items() if name.startswith(f"{r['organ']}-{year}"))
        assert text.startswith(f"关于{r['organ']}{year}年度政府信息公开工作年度报告的反馈意见")
        assert f"得分 {r['score']:g}" in text and r["grade"] in text
        assert "青禾市政务公开办" in text and "2025年4月10日" in text
        if any(not f.get("review") for f in r["findings"]):
            assert "2025年4月25日 前" in text  # the reply deadline: 15 days later
        for f in r["findings"]:
            if f.get("review", {}) and f["review"]["status"] == "dismissed":
                assert f["message"] not in text
                dismissed += 1
            else:
                assert f["message"] in text, (r["organ"], f["rule"])
    assert dismissed == 1


def test_a_letter_says_where_in_the_table(office, run):
    folder, _, doc, result = office
    out = folder / "letters-where"
    run("letters", result, "--out", out)
    wrong = next(r for r in doc["results"] if any(f["rule"] == "NB501" for f in r["findings"]))
    text = docx_text(next(out.glob(f"{wrong['organ']}-*.docx")))
    assert "单元格：二、上年结转政府信息公开申请数量/自然人" in text  # row and column by their printed labels
    assert "第 " in text and " 行" in text  # the line of a text report


def test_letters_in_a_zip_and_in_english(office, run):
    folder, _, doc, result = office
    code, _, err = run("letters", result, "--out", folder / "letters.zip", "--lang", "en")
    assert code == 0 and "Wrote" in err
    with zipfile.ZipFile(folder / "letters.zip") as archive:
        names = archive.namelist()
        assert len(names) == len(doc["results"]) and all("-feedback" in n for n in names)
        text = docx_text(archive.open(names[0]))
    assert "Feedback on the" in text and "annual report" in text


def test_an_unreadable_report_gets_a_letter_asking_for_a_readable_copy(tmp_path, run):
    broken = tmp_path / "青禾市林业局.pdf"
    broken.write_bytes(b"%PDF-1.7 nothing more")
    code, _, _ = run("check", broken, "--format", "letters", "--output", tmp_path / "one.docx", "--no-cache")
    assert code == 2
    text = docx_text(tmp_path / "one.docx")
    assert "无法检查" in text and "请" in text


def test_check_writes_letters_for_a_batch_only_into_a_zip(tmp_path, run):
    code, _, err = run("check", ROOT / "reports", "--format", "letters", "--output", tmp_path / "x.docx")
    assert code == 2 and ".zip" in err and not (tmp_path / "x.docx").exists()
    code, _, err = run("check", ROOT / "reports", "--format", "letters", "--output", tmp_path / "x.zip", "--no-cache")
    assert code == 1 and "已写入" in err and "退出码 1" in err
    with zipfile.ZipFile(tmp_path / "x.zip") as archive:
        assert len(archive.namelist()) == len(list((ROOT / "reports").glob("*.txt")))


def _counting_by_rule(doc: dict) -> Counter:
    counts: Counter = Counter()
    for r in doc["results"]:
        counts.update(
            {
                f["rule"]
                for f in r["findings"]
                if f["severity"] != "info" and not (f.get("review") and f["review"]["status"] == "dismissed")
            }
        )
    return counts


def test_the_circular_names_missing_and_late_organs_and_counts_the_top_problems(office, run):
    folder, expected, doc, result = office
    code, _, _ = run("circular", result, "--out", folder / "通报.docx", "--office", "青禾市政务公开办")
    assert code == 0
    text = docx_text(folder / "通报.docx")
    assert "关于2024年度政府信息公开工作年度报告检查情况的通报" in text
    missing = next(line for line in text.splitlines() if line.startswith("未报送年度报告的机关"))
    assert all(organ in missing for organ in expected.missing) and f"（{len(expected.missing)} 个）" in missing
    late = next(line for line in text.splitlines() if line.startswith("逾期发布年度报告的机关"))
    assert all(organ in late for organ in expected.late) and f"（{len(expected.late)} 个）" in late
    counts = _counting_by_rule(doc)
    titles = doc["profile"]["titles"]
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    for number, (rule, n) in enumerate(top, start=1):
        assert f"{number}. {titles[rule]}（{n} 份报告）" in text
    examples = [line for line in text.splitlines() if line.startswith("例：")]
    assert len(examples) == sum(min(n, 2) for _, n in top)
    for organ in ("青禾市人民政府", "青禾市生态环境局"):
        assert organ in text  # the ranking names every organ
    assert "按地区" in text and "按类型" in text


def test_the_circular_as_a_page_escapes_and_says_the_same(office, run):
    folder, expected, _doc, result = office
    code, _, _ = run("summary", result, "--out", folder / "通报.html")  # the specification's name for it
    page = (folder / "通报.html").read_text(encoding="utf-8")
    assert code == 0 and "<script>alert" not in page
    assert all(organ in page for organ in [*expected.missing, *expected.late])
    code, _, err = run("circular", result, "--out", folder / "通报.pdf")
    assert code == 2 and ".docx" in err
    code, _, err = run("circular", ROOT / "README.md", "--out", folder / "x.html")
    assert code == 2 and "不是 Nianbao 的结果文件" in err and "Traceback" not in err


def _empty_five(report):
    report.section("problems").text = "无。"


def _no_five(report):
    report.sections = [s for s in report.sections if s.key != "problems"]


def _no_table(report):
    report.review_litigation = {}


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.stem)
@pytest.mark.parametrize(
    ("change", "rule"),
    [(_empty_five, "NB301"), (_no_five, "NB101"), (_no_table, "NB105")],
    ids=["empty-5", "no-5", "no-table"],
)
def test_without_section_five_or_a_table_no_shipped_profile_grades_above_pass(
    tmp_path, run_json, profile, change, rule
):
    from nianbao.engine.testing.render import render_text
    from nianbao.engine.testing.samples import make_series

    report = make_series("青禾市农业农村局", [2023], 7)[0]
    change(report)
    (tmp_path / "a.txt").write_text(render_text(report), encoding="utf-8")
    _, doc = run_json(tmp_path / "a.txt", "--profile", profile, "--no-cache")
    result = doc["results"][0]
    assert any(f["rule"] == rule for f in result["findings"])
    assert result["score"] >= 80 or profile.stem == "default"  # the evaluator would grade it 良好 or better …
    assert result["grade"] in ("合格", "不合格")  # … but the ceiling holds


def test_the_evaluator_profile_scores_per_category(run_json):
    _, doc = run_json(ROOT / "reports", "--profile", "evaluator", "--no-cache")
    categories = doc["profile"]["categories"]
    assert sum(c["points"] for c in categories.values()) == 100
    assert "分类计分" in doc["profile"]["method"]
    for r in doc["results"]:
        scores = r["category_scores"]
        assert set(scores) == set(categories)
        # Not judged is not full marks: no date, so timeliness is left out and the rest scaled to 100.
        assert r["not_judged"] == {"timeliness": "no-date"} and scores["timeliness"] is None
        judged = 100 - sum(categories[c]["points"] for c in r["not_judged"])
        kept = sum(v for v in scores.values() if v is not None)
        assert r["score"] == pytest.approx(kept * 100 / judged, abs=0.05)
        for category, kept in scores.items():
            if kept is not None:
                taken = min(r["deductions"].get(category, 0), categories[category]["cap"])
                assert kept == pytest.approx(categories[category]["points"] - taken, abs=0.01)
    errors = next(r for r in doc["results"] if "table-errors" in r["source"]["path"])
    # Seven table errors cost data accuracy its points (a quarter of the report), and no more than that.
    assert errors["category_scores"]["accuracy"] == 0 and errors["score"] == pytest.approx(50 / 75 * 100, abs=0.05)
    assert errors["grade"] != "优秀"


def test_category_points_in_a_profile_are_checked(tmp_path, run):
    bad = tmp_path / "bad.toml"
    bad.write_text("[categories]\ntimeliness = { points = 80 }\naccuracy = { points = 30 }\n", encoding="utf-8")
    code, _, err = run("check", ROOT / "reports", "--profile", bad)
    assert code == 2 and "超过 100" in err
    bad.write_text("[categories]\nspeed = { points = 10 }\n", encoding="utf-8")
    code, _, err = run("check", ROOT / "reports", "--profile", bad)
    assert code == 2 and "unknown category" in err


def test_the_spreadsheet_reads_without_help(office, run):
    from openpyxl import load_workbook

    folder, _, _doc, _result = office
    xlsx = folder / "overview.xlsx"
    reports = folder / "reports"
    _code, _, err = run("check", reports, "--roster", folder / "roster.csv", "--format", "xlsx", "--output", xlsx)
    assert "已写入" in err and str(xlsx) in err
    book = load_workbook(xlsx)
    sheet = book["报告"]
    assert sheet.freeze_panes == "A2" and all(c.font.bold for c in sheet[1])
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    scores = [(r["名次"], r["得分"]) for r in rows if r["得分"] is not None]
    for (rank_a, score_a), (rank_b, score_b) in itertools.pairwise(scores):
        assert (rank_a == rank_b) == (score_a == score_b)  # equal scores share a rank, and only they
    assert any("NB401 年度报告发布晚于法定期限" in (r["未通过的规则"] or "") for r in rows)
    findings = book["问题"]
    header = [c.value for c in findings[1]]
    lines = [dict(zip(header, (c.value for c in row), strict=True)) for row in findings.iter_rows(min_row=2)]
    assert {line["部分"] for line in lines} <= {
        "整体", "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项",
    }  # fmt: skip
    assert all(line["规则"] and not line["规则"].count("-") for line in lines)  # titles, not kebab-case names
    message = header.index("说明")
    assert findings.cell(row=2, column=message + 1).alignment.wrap_text
    actual = [line["实为"] for line in lines if line["实为"] is not None]
    assert actual and all(isinstance(a, str) and "[" not in a and "{" not in a for a in actual)


def test_text_marks_dismissed_findings(office, run):
    folder, _, _doc, _ = office
    _code, out, _ = run(
        "check", folder / "reports", "--roster", folder / "roster.csv", "--history", folder / "history",
        "--review", folder / "review.toml",
    )  # fmt: skip
    assert out.count("（已排除：已说明，不计分）") == 1


def test_text_prints_the_general_heading_once(tmp_path, run):
    """The title (NB103) and the publication date (NB401) are both 整体: one heading."""
    from nianbao.engine.testing.render import render_text
    from nianbao.engine.testing.samples import make_series

    report = make_series("青禾市水利局", [2023], 3)[0]
    report.title = "青禾市水利局2022年政府信息公开工作年度报告"  # the year before the one it reports
    report.section("other_matters").text += "\n青禾市水利局\n2024年5月6日"
    (tmp_path / "a.txt").write_text(render_text(report), encoding="utf-8")
    _code, out, _ = run("check", tmp_path / "a.txt", "--no-cache")
    assert {"NB103", "NB401"} <= set(re.findall(r"NB\d{3}", out))
    assert [line.strip() for line in out.splitlines()].count("整体") == 1


def test_small_things_an_office_meets(tmp_path, run):
    code, out, _ = run("check", tmp_path / "不存在.pdf")
    assert code == 2 and "文件不存在" in out and "已损坏" not in out
    code, _, err = run("check", ROOT / "reports", "--plugin", "./local_rule.py", "--lang", "en")
    assert code == 2 and err.count("local_rule.py") == 1 and "No plugin file" in err
    code, out, _ = run("rules", "--lang", "en")
    assert "[error, 12, data accuracy, all]  Table 3: received + carried over" in out and "权重" not in out
    code, out, _ = run("rules")
    assert "[错误，权重 12，数据准确，适用：全部]  表三：新收+结转" in out and "error" not in out


def test_every_message_of_a_built_in_rule_says_what_to_do():
    """A letter quotes the finding's message as "what is wrong and what to do": each one asks for something."""
    from nianbao.engine.checking.plugins import PluginHost

    for entry in PluginHost.load().rules():
        if entry.plugin.startswith("rules."):
            for key, message in getattr(entry.cls, "messages", {}).items():
                assert "请" in message.zh or "可" in message.zh, (entry.cls.id, key)


def test_letters_and_the_circular_in_english_say_the_findings_in_english(office, run):
    """A result checked in Chinese, written out in English: each finding said again from its message key."""
    folder, _, doc, result = office
    code, _, _ = run("letters", result, "--out", folder / "en", "--lang", "en")
    assert code == 0
    counting = next(r for r in doc["results"] if any(f["rule"] == "NB501" for f in r["findings"]))
    text = docx_text(next((folder / "en").glob(f"{counting['organ']}-*.docx")))
    assert "上年结转" not in text.split("cells:")[0]  # the sentences are English …
    assert "carried over" in text and "Table 3" in text  # … NB501's own English wording
    code, _, _ = run("circular", result, "--out", folder / "en.html", "--lang", "en")
    page = (folder / "en.html").read_text(encoding="utf-8")
    assert "The report was published after its deadline" in page and "年度报告发布晚于法定期限" not in page
