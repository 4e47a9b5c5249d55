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
