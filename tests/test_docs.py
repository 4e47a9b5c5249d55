"""The worked example of docs/plugins.md works as printed: its rule file and its rule cases."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from nianbao.engine.testing.cases import load_rule_cases

from tests.conftest import ROOT

DOC = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")


def _block(lang: str, index: int = 0) -> str:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, re.S)[index]


def test_worked_example_rule_file_and_cases(tmp_path, run):
    rule_file = tmp_path / "local_rules.py"
    rule_file.write_text(_block("python"), encoding="utf-8")
    code, out, err = run("rules", "--plugin", rule_file, "--format", "json")
    assert code == 0 and err == ""
    assert "GD201" in {r["id"] for r in json.loads(out)}

    cases_file = tmp_path / "gd201.json"
    cases_file.write_text(_block("json"), encoding="utf-8")
    cases = load_rule_cases(str(cases_file))
    assert len(cases) == 3
    for case in cases:
        case.evaluate(plugins=[str(rule_file)])


def test_docs_rules_md_is_generated_from_the_rules():
    from nianbao.engine.checking.catalogue import records, render_markdown
    from nianbao.engine.checking.plugins import PluginHost

    expected = render_markdown(records(PluginHost.load(entry_points=False)))
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run nianbao rules --format markdown > docs/rules.md"
    )


def test_every_builtin_rule_documents_why_and_how_to_fix():
    from nianbao.engine.checking.catalogue import doc_sections
    from nianbao.engine.checking.plugins import PluginHost

    for entry in PluginHost.load(entry_points=False).rules():
        parts = doc_sections(entry.cls.doc())
        assert {"What it checks", "Why", "How to fix"} <= set(parts), entry.cls.id
        assert entry.cls.title_en, entry.cls.id


def test_batch_rule_example_loads_and_fires(tmp_path, run):
    plugin = tmp_path / "batch_rules.py"
    plugin.write_text(_block("python", 2), encoding="utf-8")
    code, out, err = run("rules", "--plugin", plugin, "--format", "json")
    assert err == "" and "GD501" in {r["id"] for r in json.loads(out)}
    from nianbao.engine.testing.render import render_text
    from nianbao.engine.testing.samples import SampleSpec, make_report

    for name, agency, seed in (("a.txt", "青禾市自然资源局", 3), ("b.txt", "白鹭市生态环境局", 11)):
        report = make_report(SampleSpec(agency, 2022, seed=seed))
        report.section("other_matters").text += "联系电话：0571-12345678。"
        (tmp_path / name).write_text(render_text(report), encoding="utf-8")
    code, out, err = run("check", tmp_path / "a.txt", tmp_path / "b.txt", "--plugin", plugin, "--format", "json")
    assert code == 0 and "Traceback" not in err
    found = [f for r in json.loads(out)["results"] for f in r["findings"] if f["rule"] == "GD501"]
    assert len(found) == 1 and "0571-12345678" in found[0]["message"]


def test_plugin_authors_test_example_runs_from_any_folder(tmp_path):
    """The docs' pytest file finds its cases and its rule file next to itself, wherever pytest is started."""
    project = tmp_path / "gd_rules"
    (project / "cases").mkdir(parents=True)
    (project / "local_rules.py").write_text(_block("python"), encoding="utf-8")
    (project / "cases" / "gd201.json").write_text(_block("json"), encoding="utf-8")
    (project / "test_gd_rules.py").write_text(_block("python", 1), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project / "test_gd_rules.py")],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout


def test_rule_cases_pattern_that_matches_nothing_is_an_error(tmp_path):
    import pytest

    with pytest.raises(FileNotFoundError):
        load_rule_cases(tmp_path / "cases" / "*.json")


def test_every_builtin_rule_declares_its_category():
    from nianbao.engine.checking.plugins import PluginHost
    from nianbao.engine.rule import Category

    for entry in PluginHost.load(entry_points=False).rules():
        assert Category(str(entry.cls.category)) is not Category.other, entry.cls.id
