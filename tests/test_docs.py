"""The worked example of docs/plugins.md works as printed: its rule file and its rule cases."""

from __future__ import annotations

import json
import re

from engine.testing.cases import load_rule_cases
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
    from engine.catalogue import records, render_markdown
    from engine.plugins import PluginHost

    expected = render_markdown(records(PluginHost.load(entry_points=False)))
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run nianbao rules --format markdown > docs/rules.md"
    )


def test_every_builtin_rule_documents_why_and_how_to_fix():
    from engine.catalogue import doc_sections
    from engine.plugins import PluginHost

    for entry in PluginHost.load(entry_points=False).rules():
        parts = doc_sections(entry.cls.doc())
        assert {"What it checks", "Why", "How to fix"} <= set(parts), entry.cls.id
        assert entry.cls.title_en, entry.cls.id
