"""The `nianbao` command as a user meets it: outputs, options, exit codes, languages."""

from __future__ import annotations

import json

from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.rule import Severity
from nianbao.engine.scoring import grade, rule_penalty, score

from tests.conftest import ROOT

REPORTS = ROOT / "reports"
CLEAN = REPORTS / "2022-qinghe-natural-resources.txt"
ERRORS = REPORTS / "2023-bailu-environment-table-errors.txt"


def test_main_job_prints_a_scored_summary(run):
    code, out, err = run("check", REPORTS)
    assert code == 1  # the samples include a report with table errors and one with an empty 五
    assert "得分 100.0 · 优秀" in out
    assert "汇总：4 个文件，已检查 4 个" in out
    assert "NB201" in out and "NB301" in out
    assert err == ""
    # findings grouped by section, errors of table 三 under its heading
    block = out.split("2023-bailu-environment-table-errors.txt")[1]
    assert block.index("三、收到和处理政府信息公开申请情况") < block.index("NB201")


def test_english_output(run):
    code, out, _ = run("check", ERRORS, "--lang", "en")
    assert code == 1
    assert "score" in out and "Table 3" in out and "Summary: 1 file(s)" in out
    assert "得分" not in out


def test_clean_report_exits_zero_and_fail_under(run):
    assert run("check", CLEAN)[0] == 0
    assert run("check", CLEAN, "--fail-under", "100.5")[0] == 1


def test_select_and_ignore(run_json):
    _, doc = run_json(ERRORS, "--select", "NB20")
    assert {f["rule"] for f in doc["results"][0]["findings"]} <= {"NB201", "NB202", "NB203", "NB204", "NB205", "NB206"}
    assert "NB101" not in doc["profile"]["weights"]
    _, doc = run_json(ERRORS, "--ignore", "NB206,NB203")
    rules = {f["rule"] for f in doc["results"][0]["findings"]}
    assert "NB206" not in rules and "NB203" not in rules and "NB201" in rules


def test_unknown_rule_id_is_a_usage_error(run):
    code, out, err = run("check", CLEAN, "--select", "NB999")
    assert code == 2 and "NB999" in err and out == ""


def test_profile_changes_weights_and_severities(run_json, tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text('name = "strict"\n[weights]\nNB301 = 30\n[severity]\nNB301 = "warning"\n', encoding="utf-8")
    code, doc = run_json(REPORTS / "2021-yunling-town-empty-problems.txt", "--profile", profile)
    result = doc["results"][0]
    assert doc["profile"]["name"] == "strict" and doc["profile"]["weights"]["NB301"] == 30
    assert result["findings"][0]["severity"] == "warning"
    assert result["score"] == 100 - 30 * 0.4
    assert code == 0


def test_unreadable_and_unsupported_files_do_not_stop_the_batch(run_json, tmp_path):
    (tmp_path / "good.txt").write_text(CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "scan.bmp").write_bytes(b"BM\x00\x00")
    (tmp_path / "empty.txt").write_bytes(b"")
    code, doc = run_json(tmp_path / "good.txt", tmp_path / "scan.bmp", tmp_path / "empty.txt")
    assert code == 2
    by_name = {r["source"]["path"].rsplit("/", 1)[-1]: r for r in doc["results"]}
    assert by_name["good.txt"]["score"] == 100.0
    assert by_name["scan.bmp"]["error"]["code"] == "unsupported"
    assert "扫描件" in by_name["scan.bmp"]["error"]["message"]  # what it is, and what to submit instead
    assert "导出的 PDF 或 DOCX" in by_name["scan.bmp"]["error"]["message"]
    assert by_name["empty.txt"]["error"]["code"] == "not-a-report"
    assert doc["summary"] == {
        "files": 3,
        "checked": 1,
        "unreadable": 2,
        "mean_score": 100.0,
        "grades": {"优秀": 1},
        "cached": 0,
    }


def test_output_file(run, tmp_path):
    target = tmp_path / "result.json"
    code, out, _ = run("check", CLEAN, "--format", "json", "--output", target)
    assert code == 0
    assert out == "" and json.loads(target.read_text(encoding="utf-8"))["summary"]["checked"] == 1


def test_rules_listing(run):
    code, out, _ = run("rules")
    assert code == 0
    for rule in ("NB101", "NB201", "NB202", "NB203", "NB204", "NB205", "NB206", "NB301"):
        assert rule in out
    code, out, _ = run("rules", "--format", "json")
    listing = json.loads(out)
    assert {"id", "name", "severity", "weight", "applies", "title", "doc"} <= set(listing[0])
    assert all(r["doc"] for r in listing)


def test_usage_errors_exit_two(run, capsys, tmp_path):
    import pytest

    with pytest.raises(SystemExit) as exc:
        run("check")
    assert exc.value.code == 2
    (tmp_path / ".hidden").write_text("x", encoding="utf-8")
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    code, _, err = run("check", tmp_path)  # a folder with nothing but what systems leave behind
    assert code == 2 and "no report files" in err


def test_scoring_promises_of_the_default_profile():
    rules = [e.cls for e in PluginHost.load(entry_points=False).rules()]
    assert score([]) == 100.0 and grade(100.0) == "优秀"
    for rule in rules:
        if Severity(rule.severity) == Severity.error:
            assert score([rule_penalty(rule.weight, [Severity.error])]) < 90, rule.id
    assert rule_penalty(10, [Severity.error] * 20) == 20  # capped at twice the weight
    assert rule_penalty(10, [Severity.warning]) == 4
    assert (grade(89.9), grade(80), grade(60), grade(59.9)) == ("良好", "良好", "合格", "不合格")


def test_json_check_does_not_import_spreadsheet_or_web_libraries(tmp_path):
    import subprocess
    import sys

    code = (
        "import sys; from nianbao.engine.cli.main import main; "
        f"main(['check', {str(CLEAN)!r}, '--format', 'json', '--no-cache', '--output', {str(tmp_path / 'o.json')!r}]); "
        "print(sorted(m for m in ('openpyxl', 'starlette', 'uvicorn', 'fastapi', 'multipart', 'pdfminer', 'lxml')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_profile_severity_caps_the_findings_of_a_rule(run_json, tmp_path):
    profile = tmp_path / "p.toml"
    profile.write_text('[severity]\nNB205 = "info"\n', encoding="utf-8")
    html = ROOT / "tests" / "fixtures" / "2021-qinghe.html"  # has blank cells: NB205 warnings by default
    _, doc = run_json(html, "--select", "NB205")
    assert {f["severity"] for f in doc["results"][0]["findings"]} == {"warning"}
    _, doc = run_json(html, "--select", "NB205", "--profile", profile)
    assert {f["severity"] for f in doc["results"][0]["findings"]} == {"info"}


def test_the_score_says_where_its_points_went(run_json):
    _code, doc = run_json(ROOT / "reports" / "2023-bailu-environment-table-errors.txt", "--no-cache")
    result = doc["results"][0]
    assert result["deductions"] == {"accuracy": 36.0}  # three wrong figures, each said once
    assert round(100 - sum(result["deductions"].values()), 1) == result["score"]
    assert {r["category"] for r in result["rules"]} >= {"timeliness", "completeness", "accuracy", "quality"}


def test_no_section_five_or_no_table_grades_pass_at_best(run_json, tmp_path):
    """A report whose section 五 says only 无, or that lacks a table, is never 良好 or 优秀, whatever its score."""
    text = CLEAN.read_text(encoding="utf-8")
    start = text.index("五、")
    end = text.index("六、")
    empty_five = tmp_path / "empty-five.txt"
    empty_five.write_text(text[:start] + "五、存在的主要问题及改进情况\n无\n" + text[end:], encoding="utf-8")
    _code, doc = run_json(empty_five, "--no-cache", "--ignore", "NB302,NB303")
    result = doc["results"][0]
    assert result["score"] >= 80 and result["grade"] == "合格"  # 88 points would be 良好
    assert any(f["rule"] == "NB301" and f["ceiling"] == "合格" for f in result["findings"])
    dismissed = tmp_path / "review.toml"
    fingerprint = next(f["fingerprint"] for f in result["findings"] if f["rule"] == "NB301")
    dismissed.write_text(f'[[finding]]\nfingerprint = "{fingerprint}"\nstatus = "dismissed"\n', encoding="utf-8")
    _code, doc = run_json(empty_five, "--no-cache", "--ignore", "NB302,NB303", "--review", dismissed)
    assert doc["results"][0]["grade"] == "优秀"  # a reviewer's dismissal lifts the ceiling with the finding


def test_the_version_is_answered_before_anything_is_loaded(tmp_path):
    """`nianbao --version` (the installed command's entry point, nianbao.engine.launch) builds no model and loads no
    reader; every other command goes on to nianbao.engine.cli.main; a plugin's `from nianbao.engine import Rule` still
    works."""
    import subprocess
    import sys

    code = (
        "import sys; from nianbao.engine.launch import main; code = main(['--version']); "
        "print(code, sorted(m for m in sys.modules if m.startswith('nianbao.engine.') or m == 'pydantic'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    ).stdout.splitlines()  # fmt: skip
    assert out[0].startswith("nianbao ") and out[1] == "0 ['nianbao.engine._aliases', 'nianbao.engine.launch']"
    from nianbao.engine import Rule, __version__
    from nianbao.engine.launch import main
    from nianbao.engine.rule import Rule as Defined

    assert Rule is Defined and out[0] == f"nianbao {__version__}"
    assert main(["rules", "--format", "json"]) == 0
